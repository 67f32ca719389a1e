-- summary_brands.sql: one row per brand with customer conversations (brand known): how many
-- conversations it has in all. Rebuilt whole after every derive (etl/derive.py); read by
-- meta/brands (the sidebar's brand list, on every page).
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create or replace table summary_brands as

with

by_brand as (
    select brand, count(*) as conversations
    from conversations
    where brand is not null
    group by brand
)

select * from by_brand
order by conversations desc, brand;
