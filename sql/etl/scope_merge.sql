-- scope_merge.sql: write the scope's derived rows back where they differ from the stored ones,
-- after scope_merge_keys.sql has written the keys of every message in it: the replies and
-- campaign matches of the touched messages (scope_context.sql: the rest of the scope is
-- context, whole conversations the load did not touch, whose messages keep their keys and so
-- their replies and matches; those two are merged by scope_merge_replies.sql and
-- scope_merge_events.sql on a second connection); here the rows of the
-- conversations that may have changed: those of each customer in scope that start at or after
-- the customer's `since` (their context is complete), plus the stored conversations the load
-- touched (one re-rooted under a newly loaded parent gets a new id).
-- Only rows that differ are deleted and inserted: rewriting unchanged rows scattered over a
-- table costs its checkpoint far more than comparing them here. A row differs when its key is
-- on one side only (most rewritten rows are new), or when the two rows of a key differ: rows
-- are unique per key, so one full join on the key finds both, comparing the two rows of a key
-- as whole-row structs (IS DISTINCT FROM: NULLs equal, as EXCEPT compares them; a set EXCEPT
-- over the keys on both sides, then NOT IN twice for the keys on one side, cost ~15% more).
-- Stored rows are found on their key column, then read by row id (as in scope_copy.sql).
-- The replies and campaign matches are merged on a second connection meanwhile.
-- Keeps temp table scope_changed_conversations (both versions of every conversation row deleted
-- or inserted) for scope_summary_hours.sql and scope_summary_first_hour.sql. params: none
create or replace temp table scope_rewritten as
select scoped.*
from derive_scope.conversations as scoped
join scope_customers
  on scope_customers.author_id = scoped.customer_id
 and scoped.started_at >= scope_customers.since;

create or replace temp table scope_stored_rows as
select rowid as row_id
from conversations
where conversation_id in (
    select conversation_id from scope_touched_conversations
    union all
    select conversation_id from scope_rewritten
);

create or replace temp table scope_stored as
select conversations.*
from conversations
join scope_stored_rows on scope_stored_rows.row_id = conversations.rowid;

create or replace temp table scope_changed as
-- a conversation id on one side only, or whose two rows differ (compared as whole-row structs:
-- NULLs equal, as EXCEPT compares them), from one join on the key
select coalesce(stored.conversation_id, rewritten.conversation_id) as conversation_id
from scope_stored as stored
full join scope_rewritten as rewritten
  on rewritten.conversation_id = stored.conversation_id
where stored.conversation_id is null
   or rewritten.conversation_id is null
   or stored is distinct from rewritten;

delete from conversations
where conversation_id in (select conversation_id from scope_changed);

insert into conversations by name
select *
from scope_rewritten
where conversation_id in (select conversation_id from scope_changed);

create or replace temp table scope_changed_conversations as
select conversation_id, started_at, handoff_of, brand, first_response_at
from scope_stored
where conversation_id in (select conversation_id from scope_changed)

union all

select conversation_id, started_at, handoff_of, brand, first_response_at
from scope_rewritten
where conversation_id in (select conversation_id from scope_changed);
