-- response_trend_direct.sql: metrics/response_trend.sql computed straight from conversations
-- (its text before it read summary_overview_periods), for
-- tests/test_metrics_summaries_periods.py.
-- response_trend.sql: one row per brand and UTC period ($grain 'day' or 'week', weeks start on
-- Monday) from the first to the last period with conversations in scope; periods without
-- conversations are kept with 0 (a gap in the chart is a quiet day, not missing data).
-- Conversations: as in response-times, by the period they start in (one pass over them). FRT median / p90 over the
-- answered ones (calendar and business clock). within_target / within_target_business: answered
-- within (<=) target_minutes over all conversations of the period (unanswered in the
-- denominator; recent periods are still open, so their shares can only grow).
-- target_minutes: $target_minutes if given, else the brand's headline SLA target from
-- carepulse.toml ([brands.X.sla] target_minutes, else [sla] target_minutes, else 60).
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

scoped as (
    -- the period as whole UTC days since 1970 (integer arithmetic: date_trunc on timestamptz
    -- costs as much as the rest of the query); weeks start on Monday (1970-01-01 was a
    -- Thursday, 3 days after one)
    select
        brand,
        answered,
        first_response_minutes,
        first_response_business_minutes,
        case
            when checked.grain = 'week'
                then epoch_us(started_at) // 86400000000
                     - (epoch_us(started_at) // 86400000000 + 3) % 7
            else epoch_us(started_at) // 86400000000
        end as period_day
    from conversations
    cross join checked
    where brand is not null
      and handoff_of is null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

targets as (
    -- every brand with conversations (summary_brands: a few rows, so that the period's rows
    -- are not scanned once more for their brands)
    select
        brands.brand,
        coalesce(
            $target_minutes::double,
            (select max(target_minutes) from config_sla as own
             where lower(own.brand) = lower(brands.brand) and own.is_primary),
            (select max(target_minutes) from config_sla as fallback
             where fallback.brand is null and fallback.is_primary),
            60
        ) as target_minutes
    from summary_brands as brands
),

by_period as (
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
        by_period.frt_quantiles[1] as frt_median_minutes,
        by_period.frt_quantiles[2] as frt_p90_minutes,
        by_period.frt_business_quantiles[1] as frt_business_median_minutes,
        by_period.frt_business_quantiles[2] as frt_business_p90_minutes,
        periods.target_minutes,
        by_period.within_target_count / by_period.conversations as within_target,
        by_period.within_target_business_count / by_period.conversations
            as within_target_business
    from periods
    left join by_period using (brand, period_day)
)

select * from final
order by brand, period_start
