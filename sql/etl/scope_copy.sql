-- scope_copy.sql: the scope's messages (scope_context.sql: its conversations, whole, and the
-- seed) into the attached in-memory database derive_scope, where the derive steps then run
-- unchanged. Joined on the row id, which costs about half of a semi-join on the ids here.
-- params: none
create table derive_scope.messages as
select messages.*
from messages
join scope_rows on scope_rows.row_id = messages.rowid;
