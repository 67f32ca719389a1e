-- scope_copy.sql: the scope's messages (scope_context.sql: its stored conversations, whole,
-- and the new messages) into the attached in-memory database derive_scope, where the derive
-- steps then run unchanged; and their keys as stored, which scope_merge.sql compares with
-- what the steps derive. The rows are found on one column first, then copied by row id:
-- cheaper than a semi-join that reads every column of every message it tests.
-- -> temp table scope_rows (message_id, conversation_id, brand). params: none
create or replace temp table scope_row_ids as

select rowid as row_id
from messages
where conversation_id in (select conversation_id from scope_conversations)

union all

select rowid as row_id
from messages
where conversation_id is null;

create table derive_scope.messages as
select messages.*
from messages
join scope_row_ids on scope_row_ids.row_id = messages.rowid;

create or replace temp table scope_rows as
select message_id, conversation_id, brand
from derive_scope.messages;
