-- scope_tables.sql: one row per (non-temporary) table of one attached database.
-- params: $database (text: the catalog name)
select table_name
from duckdb_tables()
where database_name = $database
  and not temporary
order by table_name
