-- read_twcs_csv.sql: one row per record DuckDB parses from a twcs CSV file, every field as text,
-- numbered in file order (record). Columns are named by position ($columns, built from the
-- header): columns the file lacks come out NULL, columns twcs does not know are left out.
-- DuckDB's rejects land in reject_errors (store_rejects); strict mode only (the lenient mode
-- silently truncates records with too many fields).
-- params: $path, $columns (struct: name -> 'VARCHAR', in file order), $encoding, $newline,
--         $max_line (bytes), $strict (bool)
drop table if exists reject_errors;

drop table if exists reject_scans;

create or replace temp table raw_twcs as

with

parsed as (
    select row_number() over () as record, *
    from read_csv($path, header = true, all_varchar = true, auto_detect = false,
                  columns = $columns, delim = ',', quote = '"', escape = '"',
                  encoding = $encoding, parallel = false, null_padding = false,
                  new_line = $newline, max_line_size = $max_line,
                  store_rejects = true, strict_mode = $strict)
),

shape as (
    select
        null::bigint as record,
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
    record, tweet_id, author_id, inbound, created_at, text, response_tweet_id,
    in_response_to_tweet_id, author_followers, channel, brand
from final;
