-- scope_seed.sql: the messages an incremental derive must place, and the stored conversations
-- they touch.
-- Seeds: the new messages (no conversation yet), and X API DM events whose stored conversation
-- no longer follows from their parent (link_x_dm_events.sql re-links older events of a DM
-- conversation when an earlier one is loaded later; it only touches events that carry a
-- dm_conversation_id).
-- Touched conversations: the stored conversations of the seeds, of their parents and of their
-- children (a reply can arrive before its parent: its thread re-roots under the new parent).
-- Two joins rather than one scan with `a in (...) or b in (...)`: an OR of two semi-joins
-- makes DuckDB mark-join every message.
-- -> temp table scope_seed (one row per seed: its keys and stored conversation, NULL
--    when new), temp table scope_touched_conversations (conversation_id). params: none
create or replace temp table scope_seed as

select
    message_id,
    conversation_id as stored_conversation_id,
    in_reply_to_id,
    brand,
    author_id,
    direction,
    created_at
from messages
where conversation_id is null

union all

select
    child.message_id,
    child.conversation_id as stored_conversation_id,
    child.in_reply_to_id,
    child.brand,
    child.author_id,
    child.direction,
    child.created_at
from messages as child
left join messages as parent
  on parent.message_id = child.in_reply_to_id
 and child.in_reply_to_id <> child.message_id
where child.channel = 'dm'
  and child.dm_conversation_id is not null
  and child.conversation_id is not null
  and child.conversation_id <> coalesce(parent.conversation_id, child.message_id);

create or replace temp table scope_touched_conversations as

with

parents as (
    select messages.conversation_id
    from messages
    join scope_seed on scope_seed.in_reply_to_id = messages.message_id
),

children as (
    select messages.conversation_id
    from messages
    join scope_seed on scope_seed.message_id = messages.in_reply_to_id
),

final as (
    select stored_conversation_id as conversation_id from scope_seed
    union
    select conversation_id from parents
    union
    select conversation_id from children
)

select conversation_id
from final
where conversation_id is not null;
