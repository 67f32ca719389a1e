-- scope_copy.sql: the scope's messages (scope_context.sql: its stored conversations, whole,
-- and the new messages) into the attached in-memory database derive_scope, where the derive
-- steps then run unchanged; and their keys as stored, which scope_merge.sql compares with
-- what the steps derive and writes back by row id. The rows are found on one column first
-- (their keys read only where it matches), then copied by row id: cheaper than a semi-join
-- that reads every column of every message it tests.
-- -> temp table scope_rows (row_id in messages, message_id, conversation_id, brand).
-- params: none
create or replace temp table scope_rows as

select rowid as row_id, message_id, conversation_id, brand
from messages
where conversation_id in (select conversation_id from scope_conversations)

union all

select rowid as row_id, message_id, conversation_id, brand
from messages
where conversation_id is null;

create table derive_scope.messages as
select messages.*
from messages
join scope_rows on scope_rows.row_id = messages.rowid;
