-- scope_summary_message_rows.sql: the messages the dashboard summaries of the hours in
-- summary_hours (scope_summary_hours.sql) are made of, by row id (etl/summaries.py reads them
-- through a view): every message created in those hours, and every message of the
-- conversations in summary_conversation_rows (scope_summary_conversation_rows.sql).
-- -> temp table summary_message_rows (row_id). params: none
create or replace temp table summary_message_rows as

select rowid as row_id
from messages
where created_at >= getvariable('summary_hours_from')
  and epoch_us(created_at) // 3600000000 in (select hour_mark from summary_hours)

union

select rowid as row_id
from messages
where conversation_id in (select conversation_id from summary_conversation_rows);
