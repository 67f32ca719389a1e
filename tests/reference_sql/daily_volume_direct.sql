-- daily_volume_direct.sql: metrics/daily_volume.sql computed straight from conversations
-- (its text before it read summary_overview_periods), for
-- tests/test_metrics_summaries_periods.py.
-- daily_volume.sql: one row per brand and UTC day with customer conversations: conversations
-- started, answered, and their median first response time in minutes. Same scope as
-- response-times (a DM conversation continuing a public one is not counted again).
-- Choice: days as whole days since 1970 (epoch arithmetic: the same UTC days as
-- date_trunc('day', ...) for times after 1970, at a tenth of its cost on timestamptz).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

scoped as (
    select
        brand,
        epoch_us(started_at) // 86400000000 as day_mark,
        answered,
        first_response_minutes
    from conversations
    where brand is not null
      and handoff_of is null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

final as (
    select
        brand,
        to_timestamp(day_mark * 86400) as day,
        count(*) as conversations,
        count(*) filter (where answered) as answered,
        median(first_response_minutes) as frt_median_minutes
    from scoped
    group by brand, day_mark
)

select * from final
order by day, brand
