-- scope_vacuum_tables.sql: the tables of the loaded database with their stored row count, deleted
-- rows included (DuckDB's estimated_size counts a deleted row until a checkpoint's vacuum
-- rewrites its row group): etl/derive.py compares it with each table's count(*) to decide
-- whether the checkpoint after an incremental derive may skip the vacuum.
-- Only tables of at least $min_rows stored rows: a small table's vacuum costs next to nothing.
-- -> table_name, stored_rows. params: $min_rows
select table_name, estimated_size as stored_rows
from duckdb_tables()
where database_name = current_database()
  and schema_name = 'main'
  and not temporary
  and estimated_size >= $min_rows
order by table_name;
