-- scope_context.sql: close the scope of an incremental derive over DM handoffs.
-- A conversation's row also depends on the same customer's conversations that start within
-- $dm_handoff_hours (one window) of it: a public one moves to DM when a DM one follows. So the
-- rows that may change are those of the customers in the touched messages (the seed and the
-- whole conversations it touches) that start one window or less before the earliest touched
-- message (`since`); scope_merge.sql writes back exactly those. Their context is every
-- conversation of those customers that starts up to one more window earlier: each holds an
-- inbound message of theirs from then on, which is how they are found here.
-- -> temp tables scope_touched_conversations (the touched ones, before closing),
--    scope_customers (author_id), scope_since (since); adds the context to
--    scope_conversations. params: $dm_handoff_hours
create or replace temp table scope_touched_conversations as
select conversation_id
from scope_conversations;

create or replace temp table scope_touched as
select author_id, direction, created_at
from messages
where conversation_id in (select conversation_id from scope_conversations)
   or message_id in (select message_id from scope_seed);

create or replace temp table scope_customers as
select distinct author_id
from scope_touched
where direction = 'inbound';

create or replace temp table scope_since as
select min(created_at) - to_hours($dm_handoff_hours::bigint) as since
from scope_touched;

insert into scope_conversations
select distinct conversation_id
from messages
where direction = 'inbound'
  and conversation_id is not null
  and author_id in (select author_id from scope_customers)
  and created_at >= (select since from scope_since) - to_hours($dm_handoff_hours::bigint)
  and conversation_id not in (select conversation_id from scope_conversations);
