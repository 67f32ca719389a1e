-- link_x_dm_events.sql: one update over the DM events that carry an X DM conversation id: each
-- one's in_reply_to_id becomes the previous event of its conversation (by time, then id), so
-- threads and replies derive from DMs as from public replies. Re-run after every X load: an
-- older event loaded later (archives in any order) slots in and the chain is corrected.
-- params: none
create or replace temp table dm_links as
select
    message_id,
    lag(message_id) over (
        partition by dm_conversation_id
        order by created_at, length(message_id), message_id
    ) as previous_id
from messages
where channel = 'dm'
  and dm_conversation_id is not null;

update messages
set in_reply_to_id = dm_links.previous_id
from dm_links
where messages.message_id = dm_links.message_id
  and messages.in_reply_to_id is distinct from dm_links.previous_id;
