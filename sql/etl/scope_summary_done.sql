-- scope_summary_done.sql: forget the hours the dashboard summaries were refreshed for
-- (scope_summary_hours.sql). params: none
drop table if exists summary_hours;

reset variable summary_hours_from;
