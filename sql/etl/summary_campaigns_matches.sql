-- summary_campaigns_matches.sql: one row per calendar event and customer message matching its
-- hashtags / keywords (event_matches, etl/derive_campaigns.sql), with the message's sentiment
-- score and label: metrics/campaigns.sql counts and averages the matches of a window here
-- instead of joining event_matches to every message by id.
-- Columns: event_id, brand, created_at, hour (the UTC hour of created_at), sentiment,
-- sentiment_label.
-- refreshed by hour: a row depends only on the messages of its hour (etl/summaries.py; the
-- event matches are read whole and joined to those messages: a change of the calendar
-- re-derives everything).
-- Choice: hours as whole hours since 1970 (as summary_volume_hourly).
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create or replace table summary_campaigns_matches as

with

matched as (
    select
        event_matches.event_id,
        event_matches.brand,
        event_matches.created_at,
        to_timestamp(epoch_us(messages.created_at) // 3600000000 * 3600) as hour,
        messages.sentiment,
        messages.sentiment_label
    from event_matches
    join messages on messages.message_id = event_matches.message_id
)

select * from matched
order by created_at, event_id;
