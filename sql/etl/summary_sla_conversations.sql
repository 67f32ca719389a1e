-- summary_sla_conversations.sql: one row per customer conversation with a brand, DM handoffs
-- left out (a DM conversation that continues a public one is not counted again, as
-- metrics/response_times.sql counts them): the columns the SLA metrics read for the
-- conversations of a period (response_times' medians, influence, heatmap, response_trend),
-- ordered by brand. `conversations` is in derive order, every brand in every row group: a
-- one-brand query there decodes every row group of the period; here the brand's rows sit in a
-- few, and the other row groups are skipped by their min / max.
-- Columns: hour (the top of the UTC hour the conversation started: the refresh key), brand,
-- started_at, answered, first_response_minutes, first_response_business_minutes,
-- customer_followers (as in `conversations`).
-- Choice: by brand alone, in derive order within it (a second sort key, the start, cost
-- ~0.15-0.3 s more per full load at 2.8M rows); the order holds after a full derive, and an
-- incremental refresh appends the rows of its hours (a day's worth, in row groups of their own).
-- refreshed by hour: a row depends only on the conversations started in its hour and the DM
-- conversations that continue them (etl/summaries.py; the DM ones are left out).
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create or replace table summary_sla_conversations as

with

started as (
    select
        to_timestamp(epoch_us(started_at) // 3600000000 * 3600) as hour,
        brand,
        started_at,
        answered,
        first_response_minutes,
        first_response_business_minutes,
        customer_followers
    from conversations
    where brand is not null
      and handoff_of is null
)

select * from started
order by brand;
