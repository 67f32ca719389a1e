-- scope_summary_conversation_rows.sql: the conversations whose rows the dashboard summaries of
-- the hours in summary_hours (scope_summary_hours.sql) are made of, by row id (etl/summaries.py
-- reads them through a view, so that only the columns a summary uses are read): every
-- conversation started in those hours, with the DM conversations that continue one of them.
-- -> temp table summary_conversation_rows (row_id, conversation_id). params: none
create or replace temp table summary_conversation_rows as
select rowid as row_id, conversation_id
from conversations
where started_at >= getvariable('summary_hours_from')
  and epoch_us(started_at) // 3600000000 in (select hour_mark from summary_hours);

insert into summary_conversation_rows
select rowid as row_id, conversation_id
from conversations
where handoff_of in (select conversation_id from summary_conversation_rows)
  and conversation_id not in (select conversation_id from summary_conversation_rows);
