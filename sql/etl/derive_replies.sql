-- derive_replies.sql: one row per brand message that answers a customer message present in the
-- data, with its latency, the agent who signed it and whether it asks the customer to DM.
-- Latency = reply time - parent time; a reply stamped before its parent keeps a NULL latency.
-- params: none

create or replace temp table outbound_flags as
with

outbound as (
    select
        message_id,
        -- signatures sit at the end, before any trailing links: '^JK', '-Anna', '/LS', '*TS'
        regexp_replace(coalesce(text, ''), '(\s+https?://\S+)+\s*$', '') as body
    from messages
    where direction = 'outbound'
),

final as (
    select
        message_id,
        nullif(regexp_extract(
            body, '(?:\^|\*|/|(?:^|\s)[-–—~]\s?)([A-Z][A-Za-z]{0,14})\s*$', 1), '') as agent,
        regexp_matches(
            lower(body),
            '\b(dm|dms|direct message|direct msg|private message|private msg|pm)\b'
            || '|send (us )?a (dm|message|note)|click\W+\w*\W*message'
            || '|reach out (to us )?(via|by|in|through) (dm|direct|private)'
            || '|message us|inbox us|secure(d)? (private )?link'
        ) as dm_redirect,
        regexp_matches(
            lower(body),
            '\b(call us|give us a (call|ring)|phone us|ring us|call (our|the) \w+'
            || '|email us|e-mail us|email at|contact us (at|via|through|here)'
            || '|web ?form|contact form|fill (in|out) (this|the|our) form|live chat)\b'
        ) as off_channel
    from outbound
)

select * from final;

create or replace table replies as
select
    reply.message_id as reply_id,
    reply.brand,
    reply.in_reply_to_id as parent_id,
    reply.created_at,
    case
        when reply.created_at >= parent.created_at
            then epoch(reply.created_at - parent.created_at) / 60.0
    end as latency_minutes,
    flags.agent,
    flags.dm_redirect,
    flags.off_channel,
    reply.channel
from messages as reply
join messages as parent on parent.message_id = reply.in_reply_to_id
join outbound_flags as flags on flags.message_id = reply.message_id
where reply.direction = 'outbound'
  and parent.direction = 'inbound';
