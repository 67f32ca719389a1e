-- summary_overview_hourly.sql: one row per brand and UTC hour (`hour`, the top of the hour) in
-- which customer conversations started (brand known, DM handoffs inside the public conversation
-- they continue, as metrics/response_times.sql counts them): the counts and sums of
-- metrics/response_times.sql and metrics/headline.sql, which read the whole hours of their
-- periods here and only the conversations of cut hours at the edges from `conversations`.
-- Columns: conversations; answered; frt_count / frt_sum and frt_business_count /
-- frt_business_sum (first response minutes on each clock: the means' parts; unanswered
-- conversations have none); within_15m, within_60m, within_4h, within_24h (answered within (<=)
-- 15, 60, 240, 1440 calendar minutes); public_conversations, public_unanswered,
-- public_moved_to_dm, public_moved_off_channel (the public ones among them and how they were
-- handled, as metrics/channels_weekly.sql classes them: it reads them here for whole hours).
-- Not here: medians, p90s and the share within a chosen target, which need every value
-- (headline reads them from the answered conversations of its periods).
-- Choice: hours as whole hours since 1970 (integer division of epoch microseconds), as
-- summary_volume_hourly.
-- refreshed by hour: a row depends only on the conversations started in its hour and the DM
-- conversations that continue them (etl/summaries.py; the DM ones are not counted).
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create or replace table summary_overview_hourly as

with

started as (
    select
        brand,
        epoch_us(started_at) // 3600000000 as hour_mark,
        answered,
        first_response_minutes,
        first_response_business_minutes,
        -- channels_weekly's classes (every public conversation has no handoff_of)
        case
            when channel <> 'public' then null
            when not answered then 'unanswered'
            when moved_to_dm then 'dm'
            when moved_off_channel then 'off_channel'
            else 'public'
        end as public_handled_in
    from conversations
    where brand is not null
      and handoff_of is null
),

by_hour as (
    select
        brand,
        to_timestamp(hour_mark * 3600) as hour,
        count(*) as conversations,
        count(*) filter (where answered) as answered,
        count(first_response_minutes) as frt_count,
        sum(first_response_minutes) as frt_sum,
        count(first_response_business_minutes) as frt_business_count,
        sum(first_response_business_minutes) as frt_business_sum,
        count(*) filter (where first_response_minutes <= 15) as within_15m,
        count(*) filter (where first_response_minutes <= 60) as within_60m,
        count(*) filter (where first_response_minutes <= 240) as within_4h,
        count(*) filter (where first_response_minutes <= 1440) as within_24h,
        count(public_handled_in) as public_conversations,
        count(*) filter (where public_handled_in = 'unanswered') as public_unanswered,
        count(*) filter (where public_handled_in = 'dm') as public_moved_to_dm,
        count(*) filter (where public_handled_in = 'off_channel') as public_moved_off_channel
    from started
    group by brand, hour_mark
)

select * from by_hour
order by hour, brand;
