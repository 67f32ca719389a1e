-- metric: daily-volume: conversations started, answered and FRT median per brand and day
-- daily_volume.sql: one row per brand and UTC day with customer conversations: conversations
-- started, answered, and their median first response time in minutes. Same scope as
-- response-times (a DM conversation continuing a public one is not counted again).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
select
    brand,
    date_trunc('day', started_at) as day,
    count(*) as conversations,
    count(*) filter (where answered) as answered,
    median(first_response_minutes) as frt_median_minutes
from conversations
where brand is not null
  and handoff_of is null
  and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
  and started_at >= $start::timestamptz
  and started_at < $end::timestamptz
group by brand, date_trunc('day', started_at)
order by day, brand
