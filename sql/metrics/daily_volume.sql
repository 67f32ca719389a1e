-- daily_volume.sql: one row per brand and UTC day: customer conversations started, answered,
-- and their median first response time in minutes.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz)
select
    brand,
    date_trunc('day', started_at) as day,
    count(*) as conversations,
    count(*) filter (where answered) as answered,
    median(first_response_minutes) as frt_median_minutes
from conversations
where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
  and started_at >= $start::timestamptz
  and started_at < $end::timestamptz
group by brand, date_trunc('day', started_at)
order by day, brand
