-- reader_missing_tables.sql: which of the tables this version of CarePulse reads are not in the open
-- database (one row per missing name, sorted). A database built by an older version lacks the
-- tables added since; `carepulse derive` adds them.
-- params: $expected (text[]: the table names sql/etl's schema, derive and summary files create)
with

expected as (
    select unnest($expected::varchar[]) as name
),

present as (
    select table_name as name
    from duckdb_tables()
    where not temporary
)

select name
from expected
where name not in (select name from present)
order by name
