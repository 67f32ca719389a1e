-- metric: response-times: response rate, FRT (calendar and business), SLA shares per brand
-- response_times.sql: one row per brand.
-- Conversations: customer-started conversations (the conversations table) that start in
-- [$start, $end) and have a brand; a DM conversation that continues a public one (handoff_of
-- set) is not counted again: the public conversation already takes its DM answer as response.
-- FRT (first response time) median / p90 / mean are over answered conversations, in minutes;
-- the *_business_* figures count only the brand's open hours (carepulse.toml).
-- within_15m ... within_24h: conversations answered within (<=) the target over ALL
-- conversations in scope, the unanswered ones in the denominator (no Kaplan-Meier here: see
-- sla-curve). answered_as_of: the end of the data, the horizon of "answered" and "unanswered".
-- Replies (reply latency = reply time - time of the customer message it answers) count when they
-- are sent in [$start, $end).
-- How: counts, means and within_* of the whole UTC hours inside the period from
-- summary_overview_hourly (from the conversations for the cut hours at its edges, if any); the
-- medians and p90s, which need every value, from the answered conversations of the period (an
-- unanswered one has no first response time on either clock); replies from `replies`. The
-- conversations are read from summary_sla_conversations (the same rows, in brand order: one
-- brand's period is a few row groups).
-- $clock: 'both' (default) computes the medians and p90s (first response and reply latency) of
-- both clocks; 'calendar' or 'business' only that clock's, the other's are NULL (the SLA page
-- shows one clock: a median needs every value, the other clock's cost as much again).
-- Counts, means and within_* are always there.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $clock (text: both | calendar | business)
-- default: clock = both (both | calendar | business)
with

whole_hours as (
    -- hours entirely inside [$start, $end): from the first hour mark at or after $start to
    -- the last one at or before $end
    select
        brand, conversations, answered, frt_count, frt_sum, frt_business_count,
        frt_business_sum, within_15m, within_60m, within_4h, within_24h
    from summary_overview_hourly
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and hour >= date_trunc('hour', $start::timestamptz - interval 1 microsecond)
                  + interval 1 hour
      and hour < date_trunc('hour', $end::timestamptz)
),

edge_hours as (
    -- conversations starting in the rest of the period: before the first whole hour, and from
    -- the end of the last one (with no whole hour inside, these two cover the whole period;
    -- none when $start and $end are hour marks, a constant: no scan then)
    select
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
    from summary_sla_conversations
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and (date_trunc('hour', $start::timestamptz) <> $start::timestamptz
           or date_trunc('hour', $end::timestamptz) <> $end::timestamptz)
      and (
          (started_at >= $start::timestamptz
           and started_at < least(date_trunc('hour', $start::timestamptz
                                             - interval 1 microsecond) + interval 1 hour,
                                  $end::timestamptz))
          or (started_at >= greatest(date_trunc('hour', $end::timestamptz),
                                     date_trunc('hour', $start::timestamptz
                                                - interval 1 microsecond) + interval 1 hour)
              and started_at < $end::timestamptz)
      )
    group by brand
),

counts as (
    select
        brand,
        sum(conversations) as conversations,
        sum(answered) as answered,
        sum(frt_sum) / sum(frt_count) as frt_mean_minutes,
        sum(frt_business_sum) / sum(frt_business_count) as frt_business_mean_minutes,
        sum(within_15m) as within_15m,
        sum(within_60m) as within_60m,
        sum(within_4h) as within_4h,
        sum(within_24h) as within_24h
    from (select * from whole_hours union all select * from edge_hours)
    group by brand
),

frt as (
    -- the answered conversations of the period
    select
        brand,
        -- median and p90 from one sort (the same values as median() and quantile_cont(.., 0.9));
        -- a clock not asked for is a constant NULL, which the planner drops with its aggregate
        -- and its column (a constant FILTER instead is still read and tested on every row)
        case when $clock::varchar <> 'business'
            then quantile_cont(first_response_minutes, [0.5, 0.9]) end as frt_quantiles,
        case when $clock::varchar <> 'calendar'
            then quantile_cont(first_response_business_minutes, [0.5, 0.9]) end
            as frt_business_quantiles
    from summary_sla_conversations
    where answered
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
    group by brand
),

latency as (
    select
        brand,
        count(*) as replies,
        -- a clock not asked for: a constant NULL, no aggregate (as in frt)
        case when $clock::varchar <> 'business' then median(latency_minutes) end
            as reply_latency_median_minutes,
        case when $clock::varchar <> 'calendar' then median(latency_business_minutes) end
            as reply_latency_business_median_minutes
    from replies
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and created_at >= $start::timestamptz
      and created_at < $end::timestamptz
    group by brand
),

final as (
    select
        counts.brand,
        counts.conversations::bigint as conversations,
        counts.answered::bigint as answered,
        counts.answered / counts.conversations as response_rate,
        frt.frt_quantiles[1] as frt_median_minutes,
        frt.frt_quantiles[2] as frt_p90_minutes,
        counts.frt_mean_minutes,
        latency.replies,
        latency.reply_latency_median_minutes,
        counts.within_15m / counts.conversations as within_15m,
        counts.within_60m / counts.conversations as within_60m,
        counts.within_4h / counts.conversations as within_4h,
        counts.within_24h / counts.conversations as within_24h,
        frt.frt_business_quantiles[1] as frt_business_median_minutes,
        frt.frt_business_quantiles[2] as frt_business_p90_minutes,
        counts.frt_business_mean_minutes,
        latency.reply_latency_business_median_minutes,
        (select max(created_at) from messages) as answered_as_of
    from counts
    left join frt using (brand)
    left join latency using (brand)
)

select * from final
order by conversations desc, brand
