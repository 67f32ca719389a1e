-- save_rejects.sql: quarantine the records of one run that were not loaded: one row in
-- `rejected` per record, with the physical line it starts on, its raw text (capped by the
-- caller) and why. The three lists are parallel (element i describes one record).
-- params: $run_id, $source, $file, $lines (bigint[]), $raws (text[]), $reasons (text[])
insert into rejected (run_id, source, file, line, raw, reason)

with

records as (
    select
        unnest($lines::bigint[]) as line,
        unnest($raws::varchar[]) as raw,
        unnest($reasons::varchar[]) as reason
),

final as (
    select $run_id, $source, $file, line, raw, reason
    from records
)

select * from final;
