-- scope_summary_done.sql: forget the hours (and weeks) the dashboard summaries were refreshed
-- for (scope_summary_hours.sql, scope_summary_week_rows.sql). params: none
drop table if exists summary_hours;

reset variable summary_hours_from;

-- and the weeks of the summaries refreshed by week (scope_summary_week_rows.sql)
drop table if exists summary_weeks;

drop table if exists summary_week_conversation_rows;

reset variable summary_weeks_from;
