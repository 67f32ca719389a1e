-- scope_summary_table.sql: one row: whether the current database has the table a dashboard
-- summary step creates, with the column `hour` its rows are refreshed by (etl/summaries.py).
-- params: $table (text)
select count(*) > 0 as refreshable
from duckdb_columns()
where database_name = current_database()
  and schema_name = 'main'
  and table_name = $table
  and column_name = 'hour'
