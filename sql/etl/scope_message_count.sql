-- scope_message_count.sql: one row: how many messages the scope holds (scope_copy.sql).
-- params: none
select count(*) as scope_messages
from derive_scope.messages
