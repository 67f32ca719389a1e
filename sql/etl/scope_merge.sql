-- scope_merge.sql: write the scope's derived rows back where they differ from the stored ones:
-- the keys, replies and campaign matches of every message in it (whole conversations: exact),
-- and the rows of the conversations that may have changed: those of the scope's customers that
-- start at or after `since` (scope_context.sql: their context is complete), plus the stored
-- conversations the load touched (one re-rooted under a newly loaded parent gets a new id).
-- Only rows that differ are deleted and inserted: rewriting unchanged rows scattered over a
-- table costs its checkpoint far more than comparing them here (rows are unique per key, so
-- a set EXCEPT, much faster than EXCEPT ALL, finds them). params: none
update messages
set conversation_id = scoped.conversation_id, brand = scoped.brand
from derive_scope.messages as scoped
where messages.message_id = scoped.message_id
  and (messages.conversation_id is distinct from scoped.conversation_id
       or messages.brand is distinct from scoped.brand);

create or replace temp table scope_rewritten as
select *
from derive_scope.conversations
where customer_id in (select author_id from scope_customers)
  and started_at >= (select since from scope_since);

create or replace temp table scope_stored as
select *
from conversations
where conversation_id in (
    select stored_conversation_id from scope_seed where stored_conversation_id is not null
    union all
    select conversation_id from scope_touched_conversations
    union all
    select conversation_id from scope_rewritten
);

create or replace temp table scope_changed as
select conversation_id from (select * from scope_stored except select * from scope_rewritten)
union
select conversation_id from (select * from scope_rewritten except select * from scope_stored);

delete from conversations
where conversation_id in (select conversation_id from scope_changed);

insert into conversations by name
select *
from scope_rewritten
where conversation_id in (select conversation_id from scope_changed);

create or replace temp table scope_stored as
select *
from replies
where reply_id in (select message_id from derive_scope.messages);

create or replace temp table scope_changed as
select reply_id from (select * from scope_stored except select * from derive_scope.replies)
union
select reply_id from (select * from derive_scope.replies except select * from scope_stored);

delete from replies
where reply_id in (select reply_id from scope_changed);

insert into replies by name
select *
from derive_scope.replies
where reply_id in (select reply_id from scope_changed);

create or replace temp table scope_stored as
select *
from event_matches
where message_id in (select message_id from derive_scope.messages);

create or replace temp table scope_changed as
select message_id
from (select * from scope_stored except select * from derive_scope.event_matches)
union
select message_id
from (select * from derive_scope.event_matches except select * from scope_stored);

delete from event_matches
where message_id in (select message_id from scope_changed);

insert into event_matches by name
select *
from derive_scope.event_matches
where message_id in (select message_id from scope_changed);
