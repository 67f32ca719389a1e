-- link_x_dm_events.sql: one update over the DM events that carry an X DM conversation id: each
-- one's in_reply_to_id becomes the previous event of its X conversation (by time, then id), so
-- threads and replies derive from DMs as from public replies; except where a new DM session
-- starts. X keeps one DM conversation per customer and brand for ever, so a customer who writes
-- $dm_session_gap_hours or more after the previous event, when the talk before that pause ended
-- with the brand (its last message, maybe followed within that time by the customer's "thanks"),
-- opens a new customer conversation: its first event links to nothing, and derive_threads.sql
-- roots a DM conversation at the event that opened its chain. A customer writing again without
-- having been answered stays in the same conversation, however late.
-- Re-run after every X load: an older event loaded later (archives in any order) slots in.
-- params: $dm_session_gap_hours
create or replace temp table dm_links as
with

ordered as (
    select
        message_id,
        direction,
        created_at,
        lag(message_id) over by_time as previous_id,
        lag(direction) over by_time as previous_direction,
        lag(created_at) over by_time as previous_at,
        max(case when direction = 'outbound' then created_at end) over (
            by_time rows between unbounded preceding and 1 preceding
        ) as brand_last_at
    from messages
    where channel = 'dm'
      and dm_conversation_id is not null
    window by_time as (
        partition by dm_conversation_id
        order by created_at, length(message_id), message_id
    )
),

final as (
    select
        message_id,
        case
            when direction = 'inbound'
                and created_at >= previous_at + to_hours($dm_session_gap_hours::bigint)
                and brand_last_at >= previous_at - to_hours($dm_session_gap_hours::bigint)
                then null
            else previous_id
        end as previous_id
    from ordered
)

select * from final;

update messages
set in_reply_to_id = dm_links.previous_id
from dm_links
where messages.message_id = dm_links.message_id
  and messages.in_reply_to_id is distinct from dm_links.previous_id;
