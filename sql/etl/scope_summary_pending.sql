-- scope_summary_pending.sql: one row: whether an incremental derive left hours for the
-- dashboard summaries to refresh (temp table summary_hours; none when nothing was new).
-- params: none
select count(*) > 0 as pending
from duckdb_tables()
where temporary
  and table_name = 'summary_hours'
