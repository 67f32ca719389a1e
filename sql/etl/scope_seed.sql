-- scope_seed.sql: the messages an incremental derive must place: the new ones (no conversation
-- yet), and X API DM events whose stored conversation no longer follows from their parent
-- (link_x_dm_events.sql re-links older events of a DM conversation when an earlier one is
-- loaded later; it only touches events that carry a dm_conversation_id).
-- -> temp table scope_seed, one row per such message, with its stored conversation (NULL when
-- new) and its parent's id. Then temp table scope_conversations: the stored conversations these messages touch
-- (their own, their parent's, their children's). params: none
create or replace temp table scope_seed as

select message_id, conversation_id as stored_conversation_id, in_reply_to_id
from messages
where conversation_id is null

union all

select child.message_id, child.conversation_id as stored_conversation_id, child.in_reply_to_id
from messages as child
left join messages as parent
  on parent.message_id = child.in_reply_to_id
 and child.in_reply_to_id <> child.message_id
where child.channel = 'dm'
  and child.dm_conversation_id is not null
  and child.conversation_id is not null
  and child.conversation_id <> coalesce(parent.conversation_id, child.message_id);

create or replace temp table scope_conversations as

select stored_conversation_id as conversation_id
from scope_seed
where stored_conversation_id is not null

union

select conversation_id
from messages
where conversation_id is not null
  and (
      message_id in (select in_reply_to_id from scope_seed)
      or in_reply_to_id in (select message_id from scope_seed)
  );
