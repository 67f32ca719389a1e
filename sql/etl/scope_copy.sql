-- scope_copy.sql: the scope's messages (its stored conversations, whole, and the seed) into the
-- attached in-memory database derive_scope, where the derive steps then run unchanged.
-- params: none
create table derive_scope.messages as
select *
from messages
where conversation_id in (select conversation_id from scope_conversations)
   or message_id in (select message_id from scope_seed);
