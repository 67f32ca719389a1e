-- read_twcs_csv.sql: the view raw_twcs: one row per record DuckDB parses from a twcs CSV file,
-- in file order, every field as text. Nothing is read here: normalize_twcs.sql reads the view
-- once, so the file is parsed, mapped and stored in one pass (no copy of it as text).
-- Columns are named by position ($columns, built from the header): columns the file lacks come
-- out NULL, columns twcs does not know are left out. DuckDB's rejects land in reject_errors
-- (store_rejects) when the view is read; strict mode only (the lenient mode silently truncates
-- records with too many fields). $parallel: DuckDB's parallel reader, whose result the loader
-- keeps only when it reconciles with the independent record count (else it reads again with
-- $parallel false). A view cannot hold bound values, so they travel in the variable twcs_csv.
-- params: $path, $columns (struct: name -> 'VARCHAR', in file order), $encoding, $newline,
--         $max_line (bytes), $buffer (read buffer in bytes, > $max_line: the parallel reader
--         splits the file by buffer), $strict (bool), $parallel (bool)
drop table if exists reject_errors;

drop table if exists reject_scans;

set variable twcs_csv = {
    path: $path, columns: $columns, encoding: $encoding, newline: $newline,
    max_line: $max_line, buffer: $buffer, strict: $strict, parallel: $parallel
};

create or replace temp view raw_twcs as

with

parsed as (
    select *
    from read_csv(getvariable('twcs_csv').path, header = true, all_varchar = true,
                  auto_detect = false, columns = getvariable('twcs_csv').columns,
                  delim = ',', quote = '"', escape = '"',
                  encoding = getvariable('twcs_csv').encoding,
                  parallel = getvariable('twcs_csv').parallel, null_padding = false,
                  new_line = getvariable('twcs_csv').newline,
                  max_line_size = getvariable('twcs_csv').max_line,
                  buffer_size = getvariable('twcs_csv').buffer,
                  store_rejects = true, strict_mode = getvariable('twcs_csv').strict)
),

shape as (
    select
        null::varchar as tweet_id,
        null::varchar as author_id,
        null::varchar as inbound,
        null::varchar as created_at,
        null::varchar as text,
        null::varchar as response_tweet_id,
        null::varchar as in_response_to_tweet_id,
        null::varchar as author_followers,
        null::varchar as channel,
        null::varchar as brand
    where false
),

final as (
    select * from shape
    union all by name
    select * from parsed
)

select
    tweet_id, author_id, inbound, created_at, text, response_tweet_id,
    in_response_to_tweet_id, author_followers, channel, brand
from final;
