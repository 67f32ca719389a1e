-- scope_merge_keys.sql: the first part of writing an incremental derive's scope back
-- (scope_merge.sql does the rest): the keys (conversation_id, brand) of every message in the
-- scope where they differ from the stored ones, the new messages included. Its own file so
-- that etl/derive_scope.py can start the whole-table steps (derive_business, which reads only
-- the messages' brands and times) on the second connection as soon as the keys are written.
-- Keeps temp table scope_changed_keys (messages whose keys changed, the new ones included) for
-- scope_summary_hours.sql. params: none
create or replace temp table scope_changed_keys as
select stored.row_id, scoped.message_id, scoped.conversation_id, scoped.brand, scoped.created_at
from derive_scope.messages as scoped
join scope_rows as stored using (message_id)
where scoped.conversation_id is distinct from stored.conversation_id
   or scoped.brand is distinct from stored.brand;

update messages
set conversation_id = changed.conversation_id, brand = changed.brand
from scope_changed_keys as changed
where messages.rowid = changed.row_id;
