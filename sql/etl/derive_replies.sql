-- derive_replies.sql: one row per brand message that answers a customer message present in the
-- data, with its latency (calendar and business clock), the agent who signed it and whether it
-- moves the conversation to DM or off-channel (outbound_flags, derive_outbound_flags.sql).
-- Latency = reply time - parent time; a reply stamped before its parent keeps a NULL latency.
-- Business latency: open minutes of the brand between the two (business_intervals, looked up
-- in business_clock, see derive_business.sql).
-- Messages are their rowid here, and thread_parents and outbound_flags line up with messages
-- row for row (see derive_threads.sql).
-- -> table replies (with the reply's conversation_id, written by derive_threads.sql), and
--    table reply_pairs: one row per conversation, brand and agent (NULL: unsigned) with a reply,
--    with the first and last reply's time, so that metrics/agents.sql counts the distinct
--    conversations of a period's replies per agent without a distinct aggregate. A pair
--    depends only on its conversation's replies: an incremental derive, whose scope holds whole
--    conversations, recomputes it exactly (merged by scope_merge_replies.sql).
-- params: none

-- Minutes from one instant to another as epoch(later - earlier) / 60 gives them, bit for bit
-- (whole days of seconds plus the rest in microseconds), in integer arithmetic: subtracting
-- timestamptz values costs ~10x more.
create or replace temp macro minutes_between(later_at, earlier_at) as (
    (epoch_us(later_at) - epoch_us(earlier_at)) // 86400000000 * 86400
    + (epoch_us(later_at) - epoch_us(earlier_at)) % 86400000000 / 1e6
) / 60.0;

-- A POSITIONAL JOIN's row estimate is 0, so DuckDB would build its hash tables on the million
-- rows coming from one instead of on the small tables joined to them: for this statement the
-- right side of each join, as written, is the one built.
set disabled_optimizers = 'build_side_probe_side';

-- the id columns stored uncompressed (as in messages, schema.sql): near-unique digit strings
-- that compress 2-3x at ~0.3 CPU s per million rows and column
create or replace table replies (
    reply_id        text using compression uncompressed,
    brand           text,
    parent_id       text using compression uncompressed,
    created_at      timestamptz,
    latency_minutes double,
    agent           text,
    dm_redirect     boolean,
    off_channel     boolean,
    channel         text,
    latency_business_minutes double,
    conversation_id text using compression uncompressed
);

insert into replies by name
with

answered as (
    select
        messages.rowid as row_id,
        messages.message_id as reply_id,
        messages.brand,
        messages.in_reply_to_id as parent_id,
        messages.created_at,
        case
            when thread_parents.row_id = messages.rowid and flags.row_id = messages.rowid
                then thread_parents.parent_at
            else error('derive_replies: thread_parents is out of line with messages')
        end as parent_at,
        messages.channel,
        messages.conversation_id,
        flags.agent,
        flags.dm_redirect,
        flags.off_channel
    from thread_parents
    positional join (
        select
            rowid, message_id, brand, in_reply_to_id, created_at, channel, direction,
            conversation_id
        from messages
    ) as messages
    positional join outbound_flags as flags
    where messages.direction = 'outbound'
      and thread_parents.parent_inbound
),

clocked as (
    select
        answered.*,
        -- open minutes before each instant = whole minutes before its interval + microseconds
        -- into it (kept apart so the difference is exact)
        coalesce(at_reply.open_before_minutes, 0) as before_reply,
        coalesce(epoch_us(least(answered.created_at, at_reply.close_at))
            - epoch_us(at_reply.open_at), 0) as into_reply_us,
        coalesce(at_parent.open_before_minutes, 0) as before_parent,
        coalesce(epoch_us(least(answered.parent_at, at_parent.close_at))
            - epoch_us(at_parent.open_at), 0) as into_parent_us
    from answered
    left join business_clock as at_reply
      on at_reply.brand = answered.brand
     and at_reply.hour = epoch_us(answered.created_at) // 3600000000
     and at_reply.valid_from <= answered.created_at
     and at_reply.valid_to > answered.created_at
    left join business_clock as at_parent
      on at_parent.brand = answered.brand
     and at_parent.hour = epoch_us(answered.parent_at) // 3600000000
     and at_parent.valid_from <= answered.parent_at
     and at_parent.valid_to > answered.parent_at
)

select
    clocked.reply_id,
    clocked.brand,
    clocked.parent_id,
    clocked.created_at,
    case
        when clocked.created_at >= clocked.parent_at
            then minutes_between(clocked.created_at, clocked.parent_at)
    end as latency_minutes,
    clocked.agent,
    clocked.dm_redirect,
    clocked.off_channel,
    clocked.channel,
    case
        when clocked.created_at >= clocked.parent_at
            then clocked.before_reply - clocked.before_parent
                + (clocked.into_reply_us - clocked.into_parent_us) / 60e6
    end as latency_business_minutes,
    -- the reply's conversation (derive_threads.sql), so that readers need not join messages
    clocked.conversation_id
from clocked;

reset disabled_optimizers;

create or replace table reply_pairs (
    conversation_id text using compression uncompressed,
    brand           text,
    agent           text,
    first_at        timestamptz,
    last_at         timestamptz
);

-- a hash aggregate (~0.2 CPU s at 2.8M rows): a window per pair that marked each reply would
-- sort every reply and then need the rows put back in time order (~0.8-1 CPU s)
insert into reply_pairs
select conversation_id, brand, agent, min(created_at), max(created_at)
from replies
where conversation_id is not null
group by conversation_id, brand, agent;
