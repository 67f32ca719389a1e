-- brands.sql: one row per brand with customer conversations, busiest first.
-- params: none
select brand, count(*) as conversations
from conversations
where brand is not null
group by brand
order by conversations desc, brand
