-- summary_data_span.sql: one row: the first and last message times in the database (UTC) and
-- the number of messages. Rebuilt whole after every derive (etl/derive.py); read by
-- meta/date_range (the sidebar's period bounds, on every page).
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create or replace table summary_data_span as

with

span as (
    select min(created_at) as first_at, max(created_at) as last_at, count(*) as messages
    from messages
)

select * from span;
