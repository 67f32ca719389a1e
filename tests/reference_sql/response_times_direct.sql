-- response_times_direct.sql: metrics/response_times.sql computed straight from conversations and
-- replies (its text before it read summary_overview_hourly), for
-- tests/test_metrics_summaries_overview.py. One row per brand.
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
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

scoped as (
    select *
    from conversations
    where brand is not null
      and handoff_of is null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

frt as (
    select
        brand,
        count(*) as conversations,
        count(*) filter (where answered) as answered,
        count(*) filter (where answered) / count(*) as response_rate,
        -- median and p90 from one sort (the same values as median() and quantile_cont(.., 0.9))
        quantile_cont(first_response_minutes, [0.5, 0.9]) as frt_quantiles,
        avg(first_response_minutes) as frt_mean_minutes,
        count(*) filter (where first_response_minutes <= 15) / count(*) as within_15m,
        count(*) filter (where first_response_minutes <= 60) / count(*) as within_60m,
        count(*) filter (where first_response_minutes <= 240) / count(*) as within_4h,
        count(*) filter (where first_response_minutes <= 1440) / count(*) as within_24h,
        quantile_cont(first_response_business_minutes, [0.5, 0.9]) as frt_business_quantiles,
        avg(first_response_business_minutes) as frt_business_mean_minutes
    from scoped
    group by brand
),

latency as (
    select
        brand,
        count(*) as replies,
        median(latency_minutes) as reply_latency_median_minutes,
        median(latency_business_minutes) as reply_latency_business_median_minutes
    from replies
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and created_at >= $start::timestamptz
      and created_at < $end::timestamptz
    group by brand
),

final as (
    select
        frt.brand,
        frt.conversations,
        frt.answered,
        frt.response_rate,
        frt.frt_quantiles[1] as frt_median_minutes,
        frt.frt_quantiles[2] as frt_p90_minutes,
        frt.frt_mean_minutes,
        latency.replies,
        latency.reply_latency_median_minutes,
        frt.within_15m,
        frt.within_60m,
        frt.within_4h,
        frt.within_24h,
        frt.frt_business_quantiles[1] as frt_business_median_minutes,
        frt.frt_business_quantiles[2] as frt_business_p90_minutes,
        frt.frt_business_mean_minutes,
        latency.reply_latency_business_median_minutes,
        (select max(created_at) from messages) as answered_as_of
    from frt
    left join latency using (brand)
)

select * from final
order by conversations desc, brand
