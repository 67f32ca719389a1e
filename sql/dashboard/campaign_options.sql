-- campaign_options.sql: one row per campaign that customer conversations matched, busiest first
-- (the choices of the conversation list's campaign filter).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz)
select campaign, count(*) as conversations
from conversations
where campaign is not null
  and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
  and started_at >= $start::timestamptz
  and started_at < $end::timestamptz
group by campaign
order by conversations desc, campaign
