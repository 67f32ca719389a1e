-- normalize_twcs.sql: one row per raw twcs record, mapped to the canonical message shape.
-- A record that cannot be mapped keeps its raw fields (raw, JSON) and gets a reject_reason;
-- raw is also kept for the records of ids save_messages must compare (see `contested`), and is
-- NULL for the others (they load as messages, which keep every field).
-- params: $source (text), $now (timestamptz: later timestamps are 'in the future')
create or replace temp table staged as

with

cleaned as (
    -- Cheap tests first: the costlier rewrites run only on the rare values that need them (a
    -- '.' in an id, a list that is not plain digits and commas, spaces around a timestamp).
    select
        record,
        -- ids are text; float-formatted copies ('848.0') are undone
        case
            when contains(tweet_id, '.') then regexp_replace(trim(tweet_id), '\.0+$', '')
            else trim(tweet_id)
        end as message_id,
        case
            when contains(author_id, '.') and regexp_full_match(trim(author_id), '[0-9]+\.0+')
                then regexp_replace(trim(author_id), '\.0+$', '')
            else trim(author_id)
        end as author_id,
        case
            when inbound = 'True' then true
            when inbound = 'False' then false
            else case lower(trim(inbound))
                when 'true' then true when 't' then true when '1' then true when 'yes' then true
                when 'false' then false when 'f' then false when '0' then false when 'no' then false
            end
        end as inbound,
        coalesce(
            try_strptime(created_at, '%a %b %d %H:%M:%S %z %Y'),
            try_strptime(trim(created_at), '%a %b %d %H:%M:%S %z %Y'),
            try_cast(trim(created_at) as timestamptz)
        ) as created_at,
        case when contains(text, chr(0)) then replace(text, chr(0), '') else text end as text,
        case
            when response_tweet_id is null or response_tweet_id = '' then null
            -- plain 'id,id,...' (the usual case) is kept as it is
            when regexp_full_match(response_tweet_id, '[0-9]+(,[0-9]+)*') then response_tweet_id
            else nullif(array_to_string(list_transform(
                list_filter(string_split(response_tweet_id, ','), lambda x: trim(x) <> ''),
                lambda x: regexp_replace(trim(x), '\.0+$', '')), ','), '')
        end as response_ids,
        case
            when contains(in_response_to_tweet_id, '.')
                then nullif(regexp_replace(trim(in_response_to_tweet_id), '\.0+$', ''), '')
            else nullif(trim(in_response_to_tweet_id), '')
        end as in_reply_to_id,
        case
            when channel = 'public' or channel = 'dm' then channel
            else coalesce(nullif(lower(trim(channel)), ''), 'public')
        end as channel,
        try_cast(try_cast(nullif(trim(author_followers), '') as double) as bigint)
            as author_followers,
        nullif(trim(brand), '') as brand
    from raw_twcs
),

checked as (
    select
        *,
        case
            when coalesce(message_id, '') = '' then 'missing tweet_id'
            when not regexp_full_match(message_id, '[0-9]+') then 'tweet_id is not a number'
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
        null::varchar as raw,
        reject_reason
    from checked
)

select * from final;

-- The raw record (JSON) of the rows that need it: the rejected ones, and every copy of an id
-- save_messages must compare by content (seen twice in this file, or already stored). Building
-- it for every row would cost more than the rest of this file. (The records are listed first:
-- the update then joins raw_twcs on those few rows only.)
create or replace temp table staged_raw_needed as
select record
from staged
where reject_reason is not null
   or message_id in (select message_id from staged group by message_id having count(*) > 1)
   or message_id in (
       select message_id from messages where message_id in (select message_id from staged)
   );

update staged
set raw = to_json({
    tweet_id: raw_twcs.tweet_id, author_id: raw_twcs.author_id, inbound: raw_twcs.inbound,
    created_at: raw_twcs.created_at, text: raw_twcs.text,
    response_tweet_id: raw_twcs.response_tweet_id,
    in_response_to_tweet_id: raw_twcs.in_response_to_tweet_id
})::varchar
from raw_twcs
where raw_twcs.record = staged.record
  and raw_twcs.record in (select record from staged_raw_needed);
