-- floor_parse.sql: the parse floor: every record of a CSV file into an in-memory table, every
-- field as text (DuckDB's default parallel reader). params: $path
create or replace table floor_rows as
select *
from read_csv($path, header = true, all_varchar = true)
