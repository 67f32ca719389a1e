-- scope_summary_week_rows.sql: for the dashboard summaries refreshed by week (etl/summaries.py),
-- the UTC weeks (from Monday) holding an hour of summary_hours (scope_summary_hours.sql), and
-- the conversations their rows are made of, by row id: every conversation started in those
-- weeks (a summary refreshed by week does not count the DM conversations that continue one).
-- -> temp table summary_weeks (week_day: the Monday, whole days since 1970, as the summaries
-- key them: the same integer division of the same epoch, so the same week for any time);
-- variable summary_weeks_from: a time at or before every time of those weeks (a week before
-- the first; the filter that lets older row groups be skipped);
-- temp table summary_week_conversation_rows (row_id). params: none
create or replace temp table summary_weeks as
select distinct hour_mark // 24 - (hour_mark // 24 + 3) % 7 as week_day
from summary_hours;

set variable summary_weeks_from = (
    select make_timestamptz((min(week_day) - 7) * 86400000000) from summary_weeks
);

create or replace temp table summary_week_conversation_rows as
select rowid as row_id
from conversations
where started_at >= getvariable('summary_weeks_from')
  and epoch_us(started_at) // 86400000000 - (epoch_us(started_at) // 86400000000 + 3) % 7
      in (select week_day from summary_weeks);
