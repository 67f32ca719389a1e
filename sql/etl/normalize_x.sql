-- normalize_x.sql: one row per record of one file (or API stream) of x_items (see
-- x_documents.sql), mapped to the canonical message shape from the brand's point of view.
-- A record is a tweet or DM event in a response's `data` (or a bare tweet object, as twarc2
-- writes them), or a piece that cannot be one (not JSON, not an object); user objects in `data`
-- (a user lookup) only feed x_users and are not records. Records are numbered in file order.
-- direction: 'outbound' when the author is the brand account (x_brand: its user id or handle),
--   else 'inbound'. author_id: the brand's handle for brand messages (as in twcs), the X user id
--   for everyone else. brand: the brand whose data this is. channel: 'dm' for DM events.
-- in_reply_to_id: a tweet's `replied_to` reference; DM events are linked to the previous event
--   of their conversation after saving (link_x_dm_events.sql), as that may be an earlier load.
-- author_followers: public_metrics.followers_count of the author (expansion author_id/sender_id).
-- Retweets and DM events that are not messages (ParticipantsJoin/Leave) are not care messages:
--   they are quarantined in `rejected` with their reason, so every record read is accounted for.
-- Stored in temp table staged_rows, in record order (record k is row k); the view `staged` adds
-- `record` from the row id, as normalize_twcs.sql's does. sentiment starts NULL:
-- etl.sentiment.score_staged fills it (sentiment_save_staged.sql); the insert derives the label.
-- params: $file_no, $source, $now (timestamptz: later timestamps are 'in the future')
create or replace temp table staged_rows as

with

records as (
    select
        row_number() over (order by piece, element, position) as record,
        *
    from x_items
    where file_no = $file_no::bigint
      and not coalesce(is_user, false)      -- user objects (a user lookup) are not records
),

fields as materialized (
    select
        record,
        is_dm,
        raw,
        case
            when problem is not null then problem
            when json_type(text) not in ('VARCHAR', 'NULL') then 'text is not a string'
            when json_type(created_at) not in ('VARCHAR', 'NULL') then 'created_at is not a string'
            when not is_dm and json_type(referenced_tweets) not in ('ARRAY', 'NULL')
                then 'referenced_tweets is not a list of objects'
            when not is_dm and list_bool_or(list_transform(
                    json_extract(referenced_tweets, '$[*]'), lambda r: json_type(r) <> 'OBJECT'))
                then 'referenced_tweets is not a list of objects'
        end as problem,
        trim(id) as message_id,
        trim(case when is_dm then sender_id else author_id end) as author_ref,
        author as embedded_author,
        created_at ->> '$' as created_at,
        case when json_type(text) = 'VARCHAR' then text ->> '$' end as text,
        case when not is_dm and json_type(referenced_tweets) = 'ARRAY' then list_filter(
            json_extract(referenced_tweets, '$[*]'),
            lambda r: json_type(r) = 'OBJECT' and r ->> 'type' = 'replied_to')[1] ->> 'id'
        end as in_reply_to_id,
        not is_dm and json_type(referenced_tweets) = 'ARRAY' and coalesce(len(list_filter(
            json_extract(referenced_tweets, '$[*]'),
            lambda r: json_type(r) = 'OBJECT' and r ->> 'type' = 'retweeted')) > 0, false)
            as is_retweet,
        case when is_dm then nullif(trim(dm_conversation_id), '') end as dm_conversation_id,
        case when is_dm then event_type end as event_type
    from records
),

authored as materialized (
    select
        fields.*,
        coalesce(x_users.username, embedded_author ->> 'username') as author_username,
        coalesce(
            x_users.followers,
            case when json_type(embedded_author, '$.public_metrics.followers_count')
                    in ('UBIGINT', 'BIGINT')
                then (embedded_author ->> '$.public_metrics.followers_count')::bigint end
        ) as author_followers,
        try_cast(fields.created_at as timestamptz) as created_ts,
        x_brand.handle as brand_handle,
        x_brand.user_id as brand_user_id
    from fields
    cross join x_brand
    left join x_users on x_users.user_id = fields.author_ref
),

checked as (
    select
        *,
        coalesce(author_ref = brand_user_id, false)
            or coalesce(lower(author_username) = lower(brand_handle), false) as by_brand,
        case
            when problem is not null then problem
            when coalesce(message_id, '') = '' then 'missing id'
            when not regexp_full_match(message_id, '[0-9]+') then 'id is not a number'
            when coalesce(author_ref, '') = '' and is_dm then 'missing sender_id'
            when coalesce(author_ref, '') = '' then 'missing author_id'
            when is_dm and coalesce(event_type, 'MessageCreate') <> 'MessageCreate'
                then 'DM event of type ' || event_type || ' is not a message'
            when is_dm and dm_conversation_id is null then 'missing dm_conversation_id'
            when created_at is null then 'missing created_at'
            when created_ts is null then 'created_at is not a timestamp'
            when created_ts > $now + interval 1 day then 'created_at is in the future'
            when created_ts < timestamptz '2006-03-21 00:00:00+00' then 'created_at is before 2006'
            when in_reply_to_id is not null and not regexp_full_match(in_reply_to_id, '[0-9]+')
                then 'replied_to id is not a number'
            when is_retweet then 'retweet: not a care message (kept out of messages)'
        end as reject_reason
    from authored
),

final as (
    select
        record,
        message_id,
        brand_handle as brand,
        case when is_dm then 'dm' else 'public' end as channel,
        case when by_brand then 'outbound' else 'inbound' end as direction,
        case when by_brand then brand_handle else author_ref end as author_id,
        author_followers,
        created_ts as created_at,
        replace(text, chr(0), '') as text,
        in_reply_to_id,
        null::varchar as response_ids,
        dm_conversation_id,
        $source::varchar as source,
        raw,
        reject_reason,
        null::double as sentiment
    from checked
)

-- stored in record order: row k is record k, which the view staged gives back
select * exclude (record) from final
order by record;

create or replace temp view staged as
select
    rowid + 1 as record,
    *
from staged_rows;
