-- has_calendar.sql: one row: whether the database has the event calendar tables (`events`,
-- `event_matches`); a database loaded before they existed has none.
-- params: none
select count(*) = 2 as has_calendar
from duckdb_tables()
where not temporary
  and schema_name = 'main'
  and table_name in ('events', 'event_matches')
