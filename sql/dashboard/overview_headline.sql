-- overview_headline.sql: metrics/headline.sql as the overview page shows it: one row per brand
-- and period ('current' = [$start, $end), 'previous' = the same length just before it), with
-- every figure of that metric except what the page never shows, which is NULL here:
-- - the medians and p90s of the clock not chosen ($clock 'calendar' or 'business'), and
--   those of the 'previous' period unless the current one has a single brand (the page shows
--   the change of a median for one brand only: medians do not add up across brands);
-- - reply latency on the business clock (the brand table shows the calendar one);
-- - the share within the target on the business clock when the page shows the calendar one
--   (the business minutes are then not read at all).
-- The share within the target on the calendar clock comes from the hourly counts, so
-- $target_minutes must be one of the four they hold (15, 60, 240, 1440: the dashboard's
-- choices); with another, within_target is NULL.
-- Everything it does give is computed as metrics/headline.sql computes it, so its values are
-- that metric's (tests/test_dashboard_overview_headline.py). It skips the costliest parts:
-- a median over the replies of the period, and quantiles over a whole period's answers.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $target_minutes (double), $clock ('calendar' | 'business')
with

bounds as (
    -- each period [lo, hi) and its whole UTC hours [first_hour, end_hour): from the first hour
    -- mark at or after lo to the last one at or before hi
    select
        period,
        lo,
        hi,
        date_trunc('hour', lo - interval 1 microsecond) + interval 1 hour as first_hour,
        date_trunc('hour', hi) as end_hour
    from (
        values
            ('current', $start::timestamptz, $end::timestamptz),
            ('previous', $start::timestamptz - ($end::timestamptz - $start::timestamptz),
             $start::timestamptz)
    ) as periods(period, lo, hi)
),

whole_hours as (
    -- the counts and sums of the hours entirely inside a period
    select
        bounds.period,
        summary.brand,
        summary.conversations,
        summary.answered,
        summary.frt_count,
        summary.frt_sum,
        summary.frt_business_count,
        summary.frt_business_sum,
        summary.within_15m,
        summary.within_60m,
        summary.within_4h,
        summary.within_24h
    from summary_overview_hourly as summary
    join bounds
      on summary.hour >= bounds.first_hour
     and summary.hour < bounds.end_hour
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], summary.brand))
),

edge_conversations as (
    -- conversations starting in the rest of each period: before its first whole hour, and
    -- from the end of its last one (with no whole hour inside, these two cover the period).
    -- The bounds of `bounds` written out, so that they are constants the scan filters on.
    select
        case when started_at >= $start::timestamptz then 'current' else 'previous' end
            as period,
        brand,
        answered,
        first_response_minutes,
        first_response_business_minutes
    from conversations
    where brand is not null
      and handoff_of is null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      -- none when $start and $end are hour marks (a constant: no scan then)
      and (date_trunc('hour', $start::timestamptz) <> $start::timestamptz
           or date_trunc('hour', $end::timestamptz) <> $end::timestamptz)
      and (
          -- the current period, [$start, $end)
          (started_at >= $start::timestamptz
           and started_at < least(date_trunc('hour', $start::timestamptz
                                             - interval 1 microsecond) + interval 1 hour,
                                  $end::timestamptz))
          or (started_at >= greatest(date_trunc('hour', $end::timestamptz),
                                     date_trunc('hour', $start::timestamptz
                                                - interval 1 microsecond) + interval 1 hour)
              and started_at < $end::timestamptz)
          -- the previous one, [$start - ($end - $start), $start)
          or (started_at >= $start::timestamptz - ($end::timestamptz - $start::timestamptz)
              and started_at < least(date_trunc('hour', $start::timestamptz
                                                - ($end::timestamptz - $start::timestamptz)
                                                - interval 1 microsecond) + interval 1 hour,
                                     $start::timestamptz))
          or (started_at >= greatest(date_trunc('hour', $start::timestamptz),
                                     date_trunc('hour', $start::timestamptz
                                                - ($end::timestamptz - $start::timestamptz)
                                                - interval 1 microsecond) + interval 1 hour)
              and started_at < $start::timestamptz)
      )
),

edge_hours as (
    select
        period,
        brand,
        count(*) as conversations,
        count(*) filter (where answered) as answered,
        count(first_response_minutes) as frt_count,
        sum(first_response_minutes) as frt_sum,
        count(first_response_business_minutes) as frt_business_count,
        sum(first_response_business_minutes) as frt_business_sum,
        count(*) filter (where first_response_minutes <= 15) as within_15m,
        count(*) filter (where first_response_minutes <= 60) as within_60m,
        count(*) filter (where first_response_minutes <= 240) as within_4h,
        count(*) filter (where first_response_minutes <= 1440) as within_24h
    from edge_conversations
    group by period, brand
),

counts as (
    select
        brand,
        period,
        sum(conversations) as conversations,
        sum(answered) as answered,
        sum(frt_sum) / sum(frt_count) as frt_mean_minutes,
        sum(frt_business_sum) / sum(frt_business_count) as frt_business_mean_minutes,
        sum(within_15m) as within_15m,
        sum(within_60m) as within_60m,
        sum(within_4h) as within_4h,
        sum(within_24h) as within_24h
    from (select * from whole_hours union all select * from edge_hours)
    group by brand, period
),

single_brand as (
    -- whether the current period has one brand (the page then shows its medians' change)
    select count(*) = 1 as single from counts where period = 'current'
),

previous_needed as (
    -- one row when the previous period's answers are read: for its medians (a single brand),
    -- or its share within the target on the business clock (the page shows the change of the
    -- chosen clock's share; the calendar one comes from the hourly counts). With no row, the
    -- join below reads none of them.
    select true as needed
    from single_brand
    where single or len($brands::varchar[]) = 1 or $clock::varchar = 'business'
),

answers as (
    -- every value the medians, p90s and target shares need: the answered conversations (brand
    -- known, DM handoffs not counted twice: summary_sla_conversations, the same rows as
    -- `conversations`, read at a fraction of its cost and, ordered by brand, skipping the other
    -- brands' row groups) of the current period, and of the previous one when needed (grouped
    -- on a boolean, named below: cheaper than on the period's name). shown: whether the
    -- period's medians are computed (the current one's always, the previous one's for a single
    -- brand), a constant of each branch rather than a lookup per row
    select
        is_current,
        shown,
        brand,
        case
            when $clock::varchar = 'business' then first_response_business_minutes
            else first_response_minutes
        end as shown_minutes,
        first_response_business_minutes
    from (
        select
            true as is_current, true as shown, brand, answered, first_response_minutes,
            first_response_business_minutes
        from summary_sla_conversations
        where started_at >= $start::timestamptz
          and started_at < $end::timestamptz
        union all
        select
            false as is_current, single_brand.single as shown, brand, answered,
            first_response_minutes, first_response_business_minutes
        from summary_sla_conversations
        join previous_needed on previous_needed.needed
        cross join single_brand
        where started_at >= $start::timestamptz - ($end::timestamptz - $start::timestamptz)
          and started_at < $start::timestamptz
    )
    where answered
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
),

frt as (
    select
        brand,
        case when is_current then 'current' else 'previous' end as period,
        -- median and p90 from one sort (the same values as median() and quantile_cont(.., 0.9)),
        -- on the chosen clock, for the periods the page shows them for
        quantile_cont(shown_minutes, [0.5, 0.9]) filter (where shown) as shown_quantiles,
        -- on the business clock only (constant false otherwise: no business minutes read)
        count(*) filter (where $clock::varchar = 'business'
                           and first_response_business_minutes <= $target_minutes::double)
            as within_target_business_count
    from answers
    group by brand, is_current
),

latency as (
    -- the current period only, calendar clock: the overview shows it in its brand table
    select
        brand,
        'current' as period,
        count(*) as replies,
        median(latency_minutes) as reply_latency_median_minutes
    from replies
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and created_at >= $start::timestamptz
      and created_at < $end::timestamptz
    group by brand
),

final as (
    select
        counts.brand,
        counts.period,
        counts.conversations::bigint as conversations,
        counts.answered::bigint as answered,
        counts.answered / counts.conversations as response_rate,
        case when $clock::varchar <> 'business' then frt.shown_quantiles[1] end
            as frt_median_minutes,
        case when $clock::varchar <> 'business' then frt.shown_quantiles[2] end
            as frt_p90_minutes,
        counts.frt_mean_minutes,
        latency.replies,
        latency.reply_latency_median_minutes,
        counts.within_15m / counts.conversations as within_15m,
        counts.within_60m / counts.conversations as within_60m,
        counts.within_4h / counts.conversations as within_4h,
        counts.within_24h / counts.conversations as within_24h,
        case when $clock::varchar = 'business' then frt.shown_quantiles[1] end
            as frt_business_median_minutes,
        case when $clock::varchar = 'business' then frt.shown_quantiles[2] end
            as frt_business_p90_minutes,
        counts.frt_business_mean_minutes,
        null::double as reply_latency_business_median_minutes,
        (select max(created_at) from messages) as answered_as_of,
        $target_minutes::double as target_minutes,
        -- the calendar share from the hourly counts (the same count as over the answers)
        case $target_minutes::double
            when 15 then counts.within_15m
            when 60 then counts.within_60m
            when 240 then counts.within_4h
            when 1440 then counts.within_24h
        end / counts.conversations as within_target,
        -- on the business clock (whose previous period's answers are always read)
        case
            when $clock::varchar = 'business'
                then coalesce(frt.within_target_business_count, 0) / counts.conversations
        end as within_target_business
    from counts
    left join frt using (brand, period)
    left join latency using (brand, period)
)

select * from final
order by period, conversations desc, brand
