-- scope_summary_inputs.sql: the rows the dashboard summaries' rows of the hours in
-- summary_hours (scope_summary_hours.sql) are made of, by row id (etl/summaries.py reads
-- them through views, so that only the columns a summary uses are read): every message created
-- in those hours; every conversation started in them, with the DM conversations that continue
-- one of them, and all their messages.
-- -> temp tables summary_conversation_rows (row_id, conversation_id), summary_message_rows
--    (row_id). params: none
create or replace temp table summary_conversation_rows as
select rowid as row_id, conversation_id
from conversations
where epoch_us(started_at) // 3600000000 in (select hour_mark from summary_hours);

insert into summary_conversation_rows
select rowid as row_id, conversation_id
from conversations
where handoff_of in (select conversation_id from summary_conversation_rows)
  and conversation_id not in (select conversation_id from summary_conversation_rows);

create or replace temp table summary_message_rows as

select rowid as row_id
from messages
where epoch_us(created_at) // 3600000000 in (select hour_mark from summary_hours)

union

select rowid as row_id
from messages
where conversation_id in (select conversation_id from summary_conversation_rows);
