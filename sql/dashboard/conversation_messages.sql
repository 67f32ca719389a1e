-- conversation_messages.sql: one row per message of one conversation, oldest first; for a public
-- conversation handed off to DM, the DM conversation that continues it is included (part = 'dm').
-- Brand replies carry their agent signature, reply latency and whether they ask for a DM.
-- params: $conversation_id (text)
with

parts as (
    select conversation_id, 'thread' as part
    from conversations
    where conversation_id = $conversation_id
    union all
    select conversation_id, 'dm handoff' as part
    from conversations
    where handoff_of = $conversation_id
),

final as (
    select
        messages.created_at,
        parts.part,
        messages.channel,
        messages.direction,
        messages.author_id,
        messages.author_followers,
        messages.text,
        messages.sentiment,
        messages.sentiment_label,
        replies.agent,
        replies.latency_minutes,
        replies.dm_redirect,
        messages.message_id,
        messages.in_reply_to_id
    from messages
    join parts using (conversation_id)
    left join replies on replies.reply_id = messages.message_id
)

select * from final
order by created_at, message_id
