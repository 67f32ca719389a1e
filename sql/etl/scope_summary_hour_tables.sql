-- scope_summary_hour_tables.sql: one row per table of the current database and column `hour`
-- or `week` it has, the column a dashboard summary's rows are refreshed by (etl/summaries.py): a
-- summary step's table can be refreshed by hour (by week) only if it is among them with `hour`
-- (`week`). params: none
select table_name, column_name
from duckdb_columns()
where database_name = current_database()
  and schema_name = 'main'
  and column_name in ('hour', 'week')
