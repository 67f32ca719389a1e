-- normalize_twcs.sql: one row per raw twcs record (the view raw_twcs, read here once), mapped to
-- the canonical message shape, in the temp table staged_rows; the view `staged` adds what every
-- source gives save_messages.sql: `record` (1, 2, ... in file order) and `raw`.
-- sentiment is added as a column after the rows are written (NULL: a metadata change, whereas
-- writing NULL columns with the rows cost ~0.25 CPU s at 2.8M): etl.sentiment.score_staged
-- fills it for the mappable inbound rows (sentiment_save_staged.sql), so the insert is a plain
-- scan; insert_messages.sql derives the label from the score.
-- A record that cannot be mapped keeps its raw fields (raw, JSON) and gets a reject_reason.
-- For the others the raw record is rebuilt only where save_messages asks for it (the copies of
-- an id it must compare): staged_rows keeps raw only where mapping changed a field's text,
-- and raw created_at. Building raw for every row would cost more than the rest of this file.
-- params: $source (text), $now (timestamptz: later timestamps are 'in the future')
create or replace temp table staged_rows as

with

plain as (
    -- An id of plain digits (the usual case) is the message id as it is: no trim, no rewrite,
    -- no second digit test in `checked`, and its raw text needs no comparison. A NUL byte is
    -- the only thing the text mapping changes.
    select
        *,
        regexp_full_match(tweet_id, '[0-9]+') as plain_tweet_id,
        regexp_full_match(in_response_to_tweet_id, '[0-9]+') as plain_in_reply_to_id,
        contains(text, chr(0)) as text_has_nul
    from raw_twcs
),

cleaned as (
    -- Cheap tests first: the costlier rewrites run only on the rare values that need them (a
    -- '.' in an id, a list that is not plain digits and commas, spaces around a timestamp).
    select
        plain_tweet_id,
        plain_in_reply_to_id,
        text_has_nul,
        tweet_id as raw_tweet_id,
        author_id as raw_author_id,
        inbound as raw_inbound,
        created_at as raw_created_at,
        text as raw_text,
        response_tweet_id as raw_response_tweet_id,
        in_response_to_tweet_id as raw_in_response_to_tweet_id,
        -- ids are text; float-formatted copies ('848.0') are undone
        case
            when plain_tweet_id then tweet_id
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
        -- the twcs layout first; the fallbacks under `else` run only on the rows it fails on
        -- (written as coalesce, their trim(created_at) would be computed for every row)
        case
            when try_strptime(created_at, '%a %b %d %H:%M:%S %z %Y') is not null
                then try_strptime(created_at, '%a %b %d %H:%M:%S %z %Y')
            else coalesce(
                try_strptime(trim(created_at), '%a %b %d %H:%M:%S %z %Y'),
                try_cast(trim(created_at) as timestamptz)
            )
        end as created_at,
        case when text_has_nul then replace(text, chr(0), '') else text end as text,
        case
            when response_tweet_id is null or response_tweet_id = '' then null
            -- plain 'id,id,...' (the usual case) is kept as it is
            when regexp_full_match(response_tweet_id, '[0-9]+(,[0-9]+)*') then response_tweet_id
            else nullif(array_to_string(list_transform(
                list_filter(string_split(response_tweet_id, ','), lambda x: trim(x) <> ''),
                lambda x: regexp_replace(trim(x), '\.0+$', '')), ','), '')
        end as response_ids,
        case
            when plain_in_reply_to_id then in_response_to_tweet_id
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
    from plain
),

checked as (
    select
        *,
        case
            when coalesce(message_id, '') = '' then 'missing tweet_id'
            when not plain_tweet_id and not regexp_full_match(message_id, '[0-9]+')
                then 'tweet_id is not a number'
            when coalesce(author_id, '') = '' then 'missing author_id'
            when inbound is null then 'inbound is not a boolean'
            when created_at is null then 'created_at is not a timestamp'
            when created_at > $now + interval 1 day then 'created_at is in the future'
            when created_at < timestamptz '2006-03-21 00:00:00+00' then 'created_at is before 2006'
            when in_reply_to_id is not null
                and not plain_in_reply_to_id
                and not regexp_full_match(in_reply_to_id, '[0-9]+')
                then 'in_response_to_tweet_id is not a number'
            when channel not in ('public', 'dm') then 'channel is not public or dm'
        end as reject_reason
    from cleaned
),

final as (
    select
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
        -- the raw record, kept only where it cannot be rebuilt from the mapped fields: rejected
        -- records, and records whose mapping changed a field's text (a float-formatted id,
        -- spaces, a NUL byte, a list with blanks, 'true' for 'True')
        case
            when reject_reason is not null
                or (not plain_tweet_id and raw_tweet_id is distinct from message_id)
                or raw_author_id is distinct from author_id
                or raw_inbound not in ('True', 'False')
                or text_has_nul
                or raw_response_tweet_id is distinct from response_ids
                or (not plain_in_reply_to_id
                    and raw_in_response_to_tweet_id is distinct from in_reply_to_id)
                then to_json({
                    tweet_id: raw_tweet_id, author_id: raw_author_id, inbound: raw_inbound,
                    created_at: raw_created_at, text: raw_text,
                    response_tweet_id: raw_response_tweet_id,
                    in_response_to_tweet_id: raw_in_response_to_tweet_id
                })::varchar
        end as raw,
        raw_created_at,
        reject_reason
    from checked
)

select * from final;

alter table staged_rows add column sentiment double;

-- staged: record numbers come from staged_rows's row ids (it was written in file order);
-- raw is the one kept, else rebuilt from the mapped fields (equal to the raw ones there).
create or replace temp view staged as
select
    rowid + 1 as record,
    message_id,
    brand,
    channel,
    direction,
    author_id,
    author_followers,
    created_at,
    text,
    in_reply_to_id,
    response_ids,
    dm_conversation_id,
    source,
    coalesce(raw, to_json({
        tweet_id: message_id,
        author_id: author_id,
        inbound: case direction when 'inbound' then 'True' else 'False' end,
        created_at: raw_created_at,
        text: text,
        response_tweet_id: response_ids,
        in_response_to_tweet_id: in_reply_to_id
    })::varchar) as raw,
    reject_reason,
    sentiment
from staged_rows;
