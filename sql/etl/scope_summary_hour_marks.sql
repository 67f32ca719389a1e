-- scope_summary_hour_marks.sql: one row: the hours of temp table summary_hours
-- (scope_summary_hours.sql) as a list, which etl/summaries.py hands to the second connection
-- (temp tables are one connection's) for scope_summary_hours_given.sql.
-- params: none
select coalesce(list(hour_mark order by hour_mark), []) as marks
from summary_hours
