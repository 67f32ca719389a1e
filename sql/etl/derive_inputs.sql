-- derive_inputs.sql: one row per table whose content feeds derive besides messages: the stored
-- configuration (config_*) and the event calendar. params: none
select table_name
from duckdb_tables()
where database_name = current_database()
  and not temporary
  and (table_name like 'config\_%' escape '\' or table_name = 'events')
order by table_name
