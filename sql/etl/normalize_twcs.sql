-- normalize_twcs.sql: one row per raw twcs record, mapped to the canonical message shape.
-- A record that cannot be mapped keeps its raw fields and gets a reject_reason.
-- params: $source (text), $now (timestamptz: later timestamps are 'in the future')
create or replace temp table staged as

with

raw as (select * from raw_twcs),

cleaned as (
    select
        record,
        -- ids are text; float-formatted copies ('848.0') are undone
        regexp_replace(trim(tweet_id), '\.0+$', '') as message_id,
        regexp_full_match(trim(coalesce(tweet_id, '')), '[0-9]+(\.0+)?') as id_ok,
        case
            when regexp_full_match(trim(author_id), '[0-9]+\.0+')
                then regexp_replace(trim(author_id), '\.0+$', '')
            else trim(author_id)
        end as author_id,
        case lower(trim(inbound))
            when 'true' then true when 't' then true when '1' then true when 'yes' then true
            when 'false' then false when 'f' then false when '0' then false when 'no' then false
        end as inbound,
        coalesce(
            try_strptime(trim(created_at), '%a %b %d %H:%M:%S %z %Y'),
            try_cast(trim(created_at) as timestamptz)
        ) as created_at,
        replace(text, chr(0), '') as text,
        nullif(array_to_string(list_transform(
            list_filter(string_split(coalesce(response_tweet_id, ''), ','), lambda x: trim(x) <> ''),
            lambda x: regexp_replace(trim(x), '\.0+$', '')), ','), '') as response_ids,
        nullif(regexp_replace(trim(coalesce(in_response_to_tweet_id, '')), '\.0+$', ''), '')
            as in_reply_to_id,
        coalesce(nullif(lower(trim(channel)), ''), 'public') as channel,
        try_cast(try_cast(nullif(trim(author_followers), '') as double) as bigint)
            as author_followers,
        nullif(trim(brand), '') as brand,
        to_json({
            tweet_id: tweet_id, author_id: author_id, inbound: inbound,
            created_at: created_at, text: text, response_tweet_id: response_tweet_id,
            in_response_to_tweet_id: in_response_to_tweet_id
        })::varchar as raw
    from raw
),

checked as (
    select
        *,
        case
            when coalesce(message_id, '') = '' then 'missing tweet_id'
            when not id_ok then 'tweet_id is not a number'
            when coalesce(author_id, '') = '' then 'missing author_id'
            when inbound is null then 'inbound is not a boolean'
            when created_at is null then 'created_at is not a timestamp'
            when created_at > $now + interval 1 day then 'created_at is in the future'
            when created_at < timestamptz '2006-03-21 00:00:00+00' then 'created_at is before 2006'
            when in_reply_to_id is not null
                and not regexp_full_match(in_reply_to_id, '[0-9]+')
                then 'in_response_to_tweet_id is not a number'
            when channel not in ('public', 'dm') then 'channel is not public or dm'
        end as reject_reason
    from cleaned
),

final as (
    select
        record,
        message_id,
        brand,
        channel,
        case when inbound then 'inbound' else 'outbound' end as direction,
        author_id,
        author_followers,
        created_at,
        text,
        in_reply_to_id,
        response_ids,
        null::varchar as dm_conversation_id,
        $source as source,
        raw,
        reject_reason
    from checked
)

select * from final;
