-- scope_context.sql: close the scope of an incremental derive over DM handoffs, per customer.
-- A conversation's row also depends on the same customer's conversations that start within
-- $dm_handoff_hours (one window) of it: a public one moves to DM when a DM one follows. So a
-- touched conversation (before or after this load) can change the rows of its customer's
-- conversations that start less than one window from it, and those rows need their customer's
-- conversations within one more window. Neither reaches before the earliest message of the
-- touched conversation minus one and two windows. Per customer, `since` is that earliest
-- message minus one window (over every touched conversation, old or new, the customer writes
-- in); scope_merge.sql writes back the customer's conversations that start at or after it.
-- The context is every conversation of theirs with an inbound message of theirs from one more
-- window earlier on (each conversation holds one at or after its start).
-- A touched conversation after the load is a whole reply tree: the touched messages (the
-- touched stored conversations, whole, and the seed) are walked up their reply chains, as
-- derive_threads.sql does, to find which belong together; only the earliest time of each
-- tree and who writes in it matter here.
-- -> temp tables scope_touched (the touched messages as stored), scope_customers (author_id,
--    since), scope_conversations (conversation_id: the touched stored conversations and the
--    context). params: $dm_handoff_hours
create or replace temp table scope_touched as

select
    message_id,
    conversation_id,
    brand,
    in_reply_to_id,
    author_id,
    direction,
    created_at
from messages
where conversation_id in (select conversation_id from scope_touched_conversations)

union all

select
    message_id,
    stored_conversation_id as conversation_id,
    brand,
    in_reply_to_id,
    author_id,
    direction,
    created_at
from scope_seed
where stored_conversation_id is null;

create or replace temp table scope_customers as

with recursive

links as (
    select child.message_id as child, child.in_reply_to_id as parent
    from scope_touched as child
    join scope_touched as parent on parent.message_id = child.in_reply_to_id
    where child.in_reply_to_id <> child.message_id
),

-- a chain deeper than 1,000 is a cycle: its members share the smallest id met past depth 500
walk(message_id, ancestor, depth) as (
    select child, parent, 1 from links
    union all
    select walk.message_id, links.parent, walk.depth + 1
    from walk
    join links on links.child = walk.ancestor
    where walk.depth < 1000
),

tops as (
    select
        message_id,
        case
            when max(depth) >= 1000 then min(ancestor) filter (where depth > 500)
            else arg_max(ancestor, depth)
        end as top
    from walk
    group by message_id
),

trees as (
    select scope_touched.*, coalesce(tops.top, scope_touched.message_id) as tree
    from scope_touched
    left join tops using (message_id)
),

tree_starts as (
    select tree, min(created_at) as first_at
    from trees
    group by tree
),

stored_starts as (
    select conversation_id, min(created_at) as first_at
    from trees
    where conversation_id is not null
    group by conversation_id
),

customer_starts as (
    select trees.author_id, tree_starts.first_at
    from trees
    join tree_starts using (tree)
    where trees.direction = 'inbound'

    union all

    select trees.author_id, stored_starts.first_at
    from trees
    join stored_starts using (conversation_id)
    where trees.direction = 'inbound'
)

select author_id, min(first_at) - to_hours($dm_handoff_hours::bigint) as since
from customer_starts
group by author_id;

create or replace temp table scope_conversations as

select conversation_id
from scope_touched_conversations

union

select messages.conversation_id
from messages
join scope_customers
  on scope_customers.author_id = messages.author_id
 and messages.created_at >= scope_customers.since - to_hours($dm_handoff_hours::bigint)
where messages.direction = 'inbound'
  and messages.conversation_id is not null;
