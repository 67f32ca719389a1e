-- scope_merge_replies.sql: the replies part of scope_merge.sql (read its header), run on a
-- second connection while the first merges messages, conversations and campaign matches
-- (etl/derive_scope.py): the scope's replies of the touched messages written back where they
-- differ from the stored ones. A temp table belongs to its connection, so the touched messages'
-- ids come from derive_scope.touched_ids (scope_touched_ids.sql); this connection's temp
-- tables scope_rewritten, scope_stored_rows, scope_stored and scope_changed are its own.
-- Then the agent-conversation pairs (reply_pairs, derive_replies.sql) of the conversations of
-- those replies, before and after: a pair depends only on its conversation's replies, and each
-- of those conversations is whole in the scope (its replies are all touched).
-- params: none
create or replace temp table scope_rewritten as
select *
from derive_scope.replies
where reply_id in (select message_id from derive_scope.touched_ids);

create or replace temp table scope_stored_rows as
select rowid as row_id
from replies
where reply_id in (select message_id from derive_scope.touched_ids);

create or replace temp table scope_stored as
select replies.*
from replies
join scope_stored_rows on scope_stored_rows.row_id = replies.rowid;

create or replace temp table scope_changed as
-- a reply id on one side only, or whose two rows differ (as in scope_merge.sql)
select coalesce(stored.reply_id, rewritten.reply_id) as reply_id
from scope_stored as stored
full join scope_rewritten as rewritten
  on rewritten.reply_id = stored.reply_id
where stored.reply_id is null
   or rewritten.reply_id is null
   or stored is distinct from rewritten;

delete from replies
where reply_id in (select reply_id from scope_changed);

insert into replies by name
select *
from scope_rewritten
where reply_id in (select reply_id from scope_changed);

delete from reply_pairs
where conversation_id in (
    select conversation_id from scope_stored
    union all
    select conversation_id from scope_rewritten
);

insert into reply_pairs by name
select *
from derive_scope.reply_pairs
where conversation_id in (select conversation_id from scope_rewritten);
