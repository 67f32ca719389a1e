-- save_messages.sql: classify the mappable staged rows as new, duplicate or conflict (the insert
-- follows: insert_messages.sql, or insert_new_messages.sql when some are not new). Loading the
-- same rows twice inserts nothing (idempotent upsert by message_id: the first version of a
-- message wins; a later one with different content is a conflict).
-- Only the rows of "contested" ids (seen twice in this run, or already stored) are compared by
-- content; every other row is new without hashing its text or building its raw record (the usual
-- case, and the costly one). classified: one row per staged record of a contested id (record,
-- message_id, raw, outcome); a record not in it is new.
-- params: none
create or replace temp table contested_ids as

with

ok as (
    select message_id
    from staged
    where reject_reason is null
),

final as (
    select message_id
    from ok
    group by message_id
    having count(*) > 1

    union

    select message_id
    from messages
    where message_id in (select message_id from ok)
)

select * from final;

create or replace temp table classified as

with

contested as (
    select
        record,
        message_id,
        raw,
        md5(concat_ws('|', author_id, direction, created_at::varchar, coalesce(text, '')))
            as signature
    from staged
    where reject_reason is null
      and message_id in (select message_id from contested_ids)
),

ranked as (
    select
        *,
        row_number() over (partition by message_id order by record) as copy_number,
        first_value(signature) over (partition by message_id order by record) as first_signature
    from contested
),

existing as (
    select
        message_id,
        md5(concat_ws('|', author_id, direction, created_at::varchar, coalesce(text, '')))
            as signature
    from messages
    where message_id in (select message_id from contested_ids)
),

final as (
    select
        ranked.record,
        ranked.message_id,
        ranked.raw,
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
