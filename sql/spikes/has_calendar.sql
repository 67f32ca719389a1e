-- has_calendar.sql: one row: whether the database has the event calendar tables (`events`,
-- `event_matches`); a database loaded before they existed has none.
-- params: none
select count(distinct table_name) = 2 as has_calendar
from duckdb_tables()
where not temporary
  and database_name = current_database()
  and schema_name = current_schema()
  and table_name in ('events', 'event_matches')
