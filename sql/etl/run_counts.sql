-- run_counts.sql: one row: how the mappable staged records of this run were classified
-- (save_messages.sql: a record of an id nobody contests is new without being listed).
-- params: none
with

mappable as (
    select count(*) as records
    from staged
    where reject_reason is null
),

judged as (
    select
        count(*) filter (where outcome = 'duplicate') as duplicates,
        count(*) filter (where outcome = 'conflict') as conflicts
    from classified
),

final as (
    select
        mappable.records - judged.duplicates - judged.conflicts as loaded,
        judged.duplicates,
        judged.conflicts
    from mappable, judged
)

select * from final
