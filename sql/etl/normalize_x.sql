-- normalize_x.sql: one row per X API record (a tweet or a DM event, flattened into raw_x_frame
-- by etl/x_transform.py), mapped to the canonical message shape from the brand's point of view.
-- direction: 'outbound' when the author is the brand account (its user id, or its handle),
--   else 'inbound'. author_id: the brand's handle for brand messages (as in twcs), the X user id
--   for everyone else. brand: the brand whose data this is. channel: 'dm' for DM events.
-- in_reply_to_id: a tweet's `replied_to` reference; DM events are linked to the previous event
--   of their conversation after saving (link_x_dm_events.sql), as that may be an earlier load.
-- Retweets and DM events that are not messages (ParticipantsJoin/Leave) are not care messages:
--   they are quarantined in `rejected` with their reason, so every record read is accounted for.
-- A record that cannot be mapped keeps its raw JSON and gets a reject_reason.
-- params: $brand (handle as X spells it), $brand_user_id (text, null when unknown), $source,
--   $now (timestamptz: later timestamps are 'in the future')
create or replace temp table staged as

with

raw as (
    select
        record::bigint as record,
        kind::varchar as kind,
        trim(message_id::varchar) as message_id,
        trim(author_ref::varchar) as author_ref,
        author_username::varchar as author_username,
        author_followers::varchar as author_followers,
        created_at::varchar as created_at,
        text::varchar as text,
        nullif(trim(in_reply_to_id::varchar), '') as in_reply_to_id,
        nullif(trim(dm_conversation_id::varchar), '') as dm_conversation_id,
        event_type::varchar as event_type,
        is_retweet::boolean as is_retweet,
        problem::varchar as problem,
        raw::varchar as raw
    from raw_x_frame
),

cleaned as (
    select
        *,
        try_cast(created_at as timestamptz) as created_ts,
        try_cast(author_followers as bigint) as followers,
        replace(text, chr(0), '') as clean_text,
        coalesce(author_ref = $brand_user_id::varchar, false)
            or coalesce(lower(author_username) = lower($brand::varchar), false) as by_brand
    from raw
),

checked as (
    select
        *,
        case
            when problem is not null then problem
            when coalesce(message_id, '') = '' then 'missing id'
            when not regexp_full_match(message_id, '[0-9]+') then 'id is not a number'
            when coalesce(author_ref, '') = '' and kind = 'dm' then 'missing sender_id'
            when coalesce(author_ref, '') = '' then 'missing author_id'
            when kind = 'dm' and coalesce(event_type, 'MessageCreate') <> 'MessageCreate'
                then 'DM event of type ' || event_type || ' is not a message'
            when kind = 'dm' and dm_conversation_id is null then 'missing dm_conversation_id'
            when created_at is null then 'missing created_at'
            when created_ts is null then 'created_at is not a timestamp'
            when created_ts > $now + interval 1 day then 'created_at is in the future'
            when created_ts < timestamptz '2006-03-21 00:00:00+00' then 'created_at is before 2006'
            when in_reply_to_id is not null and not regexp_full_match(in_reply_to_id, '[0-9]+')
                then 'replied_to id is not a number'
            when is_retweet then 'retweet: not a care message (kept out of messages)'
        end as reject_reason
    from cleaned
),

final as (
    select
        record,
        message_id,
        $brand::varchar as brand,
        case when kind = 'dm' then 'dm' else 'public' end as channel,
        case when by_brand then 'outbound' else 'inbound' end as direction,
        case when by_brand then $brand::varchar else author_ref end as author_id,
        followers as author_followers,
        created_ts as created_at,
        clean_text as text,
        in_reply_to_id,
        null::varchar as response_ids,
        dm_conversation_id,
        $source::varchar as source,
        raw,
        reject_reason
    from checked
)

select * from final;
