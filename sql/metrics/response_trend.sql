-- metric: response-trend: conversations, FRT median/p90, share within target per brand and period
-- response_trend.sql: one row per brand and UTC period ($grain 'day' or 'week', weeks start on
-- Monday) from the first to the last period with conversations in scope; periods without
-- conversations are kept with 0 (a gap in the chart is a quiet day, not missing data).
-- Conversations: as in response-times, by the period they start in. FRT median / p90 over the
-- answered ones (calendar and business clock). within_target / within_target_business: answered
-- within (<=) target_minutes over all conversations of the period (unanswered in the
-- denominator; recent periods are still open, so their shares can only grow).
-- target_minutes: $target_minutes if given, else the brand's headline SLA target from
-- carepulse.toml ([brands.X.sla] target_minutes, else [sla] target_minutes, else 60).
-- How: the periods entirely inside [$start, $end) come from summary_overview_periods (the same
-- figures per brand and period, kept per load) for a brand whose target is one of the four it
-- counts (15, 60, 240, 1440 minutes: the dashboard's choices); the periods the bounds cut, and
-- every period of a brand with another target, are computed from the conversations: for all
-- brands from `conversations` (in about the order they started, so that scans bounded by the
-- cut periods' constant bounds skip the row groups of the whole periods), for chosen brands
-- from summary_sla_conversations (the same rows without DM handoffs, by brand).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $grain ('day' | 'week'), $target_minutes (double; null = from the configuration)
-- default: grain = day (day | week)
-- default: target_minutes = null
with

checked as (
    select
        case
            when $grain::varchar in ('day', 'week') then $grain::varchar
            else error('grain must be day or week')
        end as grain
),

whole as (
    -- the whole periods, as whole UTC days since 1970 (integer arithmetic: date_trunc on
    -- timestamptz costs as much as the rest of the query): [first_day, end_day), from the first
    -- period start at or after $start (first_from, at the earliest day 1: integer division
    -- truncates towards zero, so day 0 is not one day wide) to the last one at or before $end
    -- (end_before); weeks start on Monday, the days d with (d + 3) % 7 = 0 (1970-01-01 was a
    -- Thursday). first_day >= end_day when there is none.
    select
        first_day,
        end_day,
        make_timestamptz(first_day * 86400000000) as whole_from,
        make_timestamptz(greatest(end_day, first_day) * 86400000000) as whole_to
    from (
        select
            case
                when grain = 'week' then 7 * ((first_from + 9) // 7) - 3
                else first_from
            end as first_day,
            case
                when grain = 'week' then 7 * ((end_before + 3) // 7) - 3
                else end_before
            end as end_day
        from checked
        cross join (
            select
                greatest((epoch_us($start::timestamptz) + 86399999999) // 86400000000, 1)
                    as first_from,
                epoch_us($end::timestamptz) // 86400000000 as end_before
        )
    )
),

targets as (
    -- every brand with conversations (summary_brands: a few rows, so that the period's rows
    -- are not scanned once more for their brands), and whether the summary counts its target;
    -- the configured targets joined, not looked up by correlated subqueries (cheaper to plan)
    select
        brand,
        target_minutes,
        target_minutes in (15, 60, 240, 1440) as summarized
    from (
        select
            brands.brand,
            coalesce($target_minutes::double, own.target_minutes, fallback.target_minutes, 60)
                as target_minutes
        from summary_brands as brands
        left join (
            select lower(brand) as brand_key, max(target_minutes) as target_minutes
            from config_sla
            where is_primary and brand is not null
            group by all
        ) as own on own.brand_key = lower(brands.brand)
        cross join (
            select max(target_minutes) as target_minutes
            from config_sla
            where brand is null and is_primary
        ) as fallback
    )
),

summarized as (
    -- whole periods of brands with one of the four targets
    select
        summary.brand,
        summary.period_day,
        targets.target_minutes,
        summary.conversations,
        summary.answered,
        summary.frt_median_minutes,
        summary.frt_p90_minutes,
        summary.frt_business_median_minutes,
        summary.frt_business_p90_minutes,
        case targets.target_minutes
            when 15 then summary.within_15m
            when 60 then summary.within_60m
            when 240 then summary.within_4h
            else summary.within_24h
        end as within_target_count,
        case targets.target_minutes
            when 15 then summary.within_business_15m
            when 60 then summary.within_business_60m
            when 240 then summary.within_business_4h
            else summary.within_business_24h
        end as within_target_business_count
    from summary_overview_periods as summary
    join targets using (brand)
    cross join checked
    cross join whole
    where summary.grain = checked.grain
      and targets.summarized
      and summary.period_day >= whole.first_day
      and summary.period_day < whole.end_day
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], summary.brand))
),

edge_brands as (
    -- the brands with conversations to read: for a brand the summary covers, the periods the
    -- bounds cut, from $start to the first whole period and from the end of the last one (with
    -- no whole period inside, the two cover the bounds); for another, the whole bounds. With
    -- none (every period whole), the join below reads no conversation.
    select targets.brand, targets.summarized
    from targets
    cross join whole
    where $start::timestamptz < $end::timestamptz
      and (not targets.summarized
           or whole.whole_from > $start::timestamptz
           or whole.whole_to < $end::timestamptz)
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], targets.brand))
),

scoped as (
    -- the conversations to compute from. For all brands, from `conversations` (in about the
    -- order they started): when every brand is summarized ($target_minutes one of the four),
    -- only the cut periods [$start, whole_from) and [whole_to, $end), each scanned with its
    -- bounds written out as constants, so that the scan skips the row groups of other days;
    -- else the whole bounds. For chosen brands, from summary_sla_conversations (the same
    -- rows ordered by brand: the other brands' row groups are skipped).
    select
        started.brand,
        started.answered,
        started.first_response_minutes,
        started.first_response_business_minutes,
        case
            when checked.grain = 'week'
                then epoch_us(started.started_at) // 86400000000
                     - (epoch_us(started.started_at) // 86400000000 + 3) % 7
            else epoch_us(started.started_at) // 86400000000
        end as period_day
    from (
        select
            brand, started_at, answered, first_response_minutes,
            first_response_business_minutes
        from conversations
        where len($brands::varchar[]) = 0
          and brand is not null
          and handoff_of is null
          -- before whole_from (as `whole` computes it), or every one when a brand may not
          -- be summarized
          and started_at < case
              when coalesce($target_minutes::double in (15, 60, 240, 1440), false)
                  then make_timestamptz(86400000000 * case
                      when $grain::varchar = 'week'
                          then 7 * ((greatest((epoch_us($start::timestamptz) + 86399999999)
                                              // 86400000000, 1) + 9) // 7) - 3
                      else greatest((epoch_us($start::timestamptz) + 86399999999)
                                    // 86400000000, 1)
                  end)
              else $end::timestamptz
          end
        union all
        select
            brand, started_at, answered, first_response_minutes,
            first_response_business_minutes
        from conversations
        where len($brands::varchar[]) = 0
          and brand is not null
          and handoff_of is null
          and coalesce($target_minutes::double in (15, 60, 240, 1440), false)
          -- from whole_to (as `whole` computes it)
          and started_at >= make_timestamptz(86400000000 * greatest(
              case
                  when $grain::varchar = 'week'
                      then 7 * ((greatest((epoch_us($start::timestamptz) + 86399999999)
                                          // 86400000000, 1) + 9) // 7) - 3
                  else greatest((epoch_us($start::timestamptz) + 86399999999)
                                // 86400000000, 1)
              end,
              case
                  when $grain::varchar = 'week'
                      then 7 * ((epoch_us($end::timestamptz) // 86400000000 + 3) // 7) - 3
                  else epoch_us($end::timestamptz) // 86400000000
              end))
        union all
        select
            brand, started_at, answered, first_response_minutes,
            first_response_business_minutes
        from summary_sla_conversations
        where len($brands::varchar[]) > 0
          and list_contains($brands::varchar[], brand)
    ) as started
    join edge_brands using (brand)
    cross join checked
    cross join whole
    where started.started_at >= $start::timestamptz
      and started.started_at < $end::timestamptz
      and (not edge_brands.summarized
           or started.started_at < whole.whole_from
           or started.started_at >= whole.whole_to)
),

computed as (
    select
        scoped.brand,
        scoped.period_day,
        targets.target_minutes,
        count(*) as conversations,
        count(*) filter (where scoped.answered) as answered,
        -- median and p90 from one sort (the same values as median() and quantile_cont(.., 0.9))
        quantile_cont(scoped.first_response_minutes, [0.5, 0.9]) as frt_quantiles,
        quantile_cont(scoped.first_response_business_minutes, [0.5, 0.9])
            as frt_business_quantiles,
        count(*) filter (where scoped.first_response_minutes <= targets.target_minutes)
            as within_target_count,
        count(*) filter (where scoped.first_response_business_minutes <= targets.target_minutes)
            as within_target_business_count
    from scoped
    join targets using (brand)
    group by scoped.brand, scoped.period_day, targets.target_minutes
),

by_period as (
    select * from summarized
    union all
    select
        brand,
        period_day,
        target_minutes,
        conversations,
        answered,
        frt_quantiles[1] as frt_median_minutes,
        frt_quantiles[2] as frt_p90_minutes,
        frt_business_quantiles[1] as frt_business_median_minutes,
        frt_business_quantiles[2] as frt_business_p90_minutes,
        within_target_count,
        within_target_business_count
    from computed
),

periods as (
    -- every period from the first to the last with conversations, for each brand with any
    select
        brands.brand,
        brands.target_minutes,
        unnest(generate_series(
            span.first_period,
            span.last_period,
            case when checked.grain = 'week' then 7 else 1 end
        )) as period_day
    from (select distinct brand, target_minutes from by_period) as brands
    cross join checked
    cross join (
        select min(period_day) as first_period, max(period_day) as last_period from by_period
    ) as span
),

final as (
    select
        periods.brand,
        to_timestamp(periods.period_day * 86400) as period_start,
        coalesce(by_period.conversations, 0) as conversations,
        coalesce(by_period.answered, 0) as answered,
        by_period.answered / by_period.conversations as response_rate,
        by_period.frt_median_minutes,
        by_period.frt_p90_minutes,
        by_period.frt_business_median_minutes,
        by_period.frt_business_p90_minutes,
        periods.target_minutes,
        by_period.within_target_count / by_period.conversations as within_target,
        by_period.within_target_business_count / by_period.conversations
            as within_target_business
    from periods
    left join by_period using (brand, period_day)
)

select * from final
order by brand, period_start
