-- save_messages.sql: classify each mappable staged row as new, duplicate or conflict, then insert
-- the new ones. Loading the same rows twice inserts nothing (idempotent upsert by message_id:
-- the first version of a message wins; a later one with different content is a conflict).
-- params: $run_id
create or replace temp table classified as

with

ok as (
    select
        *,
        md5(concat_ws('|', author_id, direction, created_at::varchar, coalesce(text, '')))
            as signature
    from staged
    where reject_reason is null
),

ranked as (
    select
        *,
        row_number() over (partition by message_id order by record) as copy_number,
        first_value(signature) over (partition by message_id order by record) as first_signature
    from ok
),

existing as (
    select
        message_id,
        md5(concat_ws('|', author_id, direction, created_at::varchar, coalesce(text, '')))
            as signature
    from messages
    where message_id in (select message_id from ok)
),

final as (
    select
        ranked.*,
        case
            when existing.message_id is not null and existing.signature = ranked.signature
                then 'duplicate'
            when existing.message_id is not null then 'conflict'
            when copy_number > 1 and ranked.signature = first_signature then 'duplicate'
            when copy_number > 1 then 'conflict'
            else 'new'
        end as outcome
    from ranked
    left join existing using (message_id)
)

select * from final;

insert into messages (
    message_id, brand, channel, direction, author_id, author_followers, created_at, text,
    in_reply_to_id, conversation_id, source, sentiment, sentiment_label, response_ids,
    dm_conversation_id, run_id
)
select
    message_id, brand, channel, direction, author_id, author_followers, created_at, text,
    in_reply_to_id, null, source, null, null, response_ids,
    dm_conversation_id, $run_id
from classified
where outcome = 'new';
