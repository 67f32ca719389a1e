-- period_brands.sql: one row per brand with customer conversations starting in [$start, $end)
-- (as response-times counts them: brand known, DM handoffs not counted twice), busiest first:
-- the same brands in the same order as response-times' rows, without its figures.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
select brand, count(*) as conversations
from conversations
where brand is not null
  and handoff_of is null
  and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
  and started_at >= $start::timestamptz
  and started_at < $end::timestamptz
group by brand
order by conversations desc, brand
