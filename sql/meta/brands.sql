-- brands.sql: one row per brand with customer conversations, busiest first.
-- Read from summary_brands (rebuilt at every load: the same count over conversations).
-- params: none
select brand, conversations
from summary_brands
order by conversations desc, brand
