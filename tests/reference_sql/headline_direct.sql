-- headline_direct.sql: metrics/headline.sql computed straight from conversations and replies (its
-- text before it read summary_overview_hourly), for tests/test_metrics_summaries_overview.py.
-- One row per brand and period: 'current' = [$start, $end), 'previous' = the
-- same length just before it, [$start - ($end - $start), $start) (a period without
-- conversations of the brand has no row). The overview's headline numbers and brand table in
-- one pass over conversations and one over replies.
-- Every column of response-times, with its definitions (conversations by the period they start
-- in, brand known, DM handoffs not counted twice; FRT over answered ones; within_* over all
-- conversations; replies by the period they are sent in), except that replies and reply
-- latency are given for the current period only (NULL on 'previous' rows), plus:
-- target_minutes: $target_minutes; within_target / within_target_business: conversations
--   first answered within (<=) it on the calendar / business clock over all conversations of
--   the period (= response-times' within_* at that target, and sla-curve's share_answered at
--   it with no horizon, on each clock).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $target_minutes (double)
-- default: target_minutes = 60
with

scoped as (
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
      and started_at >= $start::timestamptz - ($end::timestamptz - $start::timestamptz)
      and started_at < $end::timestamptz
),

frt as (
    select
        brand,
        period,
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
        avg(first_response_business_minutes) as frt_business_mean_minutes,
        count(*) filter (where first_response_minutes <= $target_minutes::double) / count(*)
            as within_target,
        count(*) filter (
            where answered and first_response_business_minutes <= $target_minutes::double
        ) / count(*) as within_target_business
    from scoped
    group by brand, period
),

latency as (
    -- the current period only: the overview shows reply latency in its brand table, never as
    -- a change (half the cost of this metric when both periods were timed)
    select
        brand,
        'current' as period,
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
        frt.period,
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
        (select max(created_at) from messages) as answered_as_of,
        $target_minutes::double as target_minutes,
        frt.within_target,
        frt.within_target_business
    from frt
    left join latency using (brand, period)
)

select * from final
order by period, conversations desc, brand
