-- response_times.sql: one row per brand: conversations, response rate, first response time (FRT)
-- median / p90 / mean in minutes over answered conversations, and the median reply latency.
-- Conversations count when they start in [$start, $end); replies when they are sent in it.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz)
with

scoped as (
    select *
    from conversations
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

frt as (
    select
        brand,
        count(*) as conversations,
        count(*) filter (where answered) as answered,
        count(*) filter (where answered) / count(*) as response_rate,
        median(first_response_minutes) as frt_median_minutes,
        quantile_cont(first_response_minutes, 0.9) as frt_p90_minutes,
        avg(first_response_minutes) as frt_mean_minutes
    from scoped
    group by brand
),

latency as (
    select brand, median(latency_minutes) as reply_latency_median_minutes, count(*) as replies
    from replies
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and created_at >= $start::timestamptz
      and created_at < $end::timestamptz
    group by brand
),

final as (
    select frt.*, latency.replies, latency.reply_latency_median_minutes
    from frt
    left join latency using (brand)
)

select * from final
order by conversations desc, brand
