-- derive_threads.sql: brand accounts, then every message's conversation and brand, and the
-- message-level working tables the later derive steps read (thread_parents, thread_roots).
-- A conversation is the reply chain rooted at its earliest ancestor present in the data (X API DM
-- events chain to the previous event of their DM session, see link_x_dm_events.sql).
-- A message's brand: the author for brand messages; for a customer message the brand account
-- that answers in its conversation, else the brand its source named, else the first @handle in
-- its text that is a known brand account.
-- How it is fast: inside the derive a message is its rowid, and the working tables hold one row
-- per message in rowid order, so they line up with `messages` row for row (POSITIONAL JOIN)
-- instead of being joined to it by id. messages are never deleted, so their rowids are 0..n-1
-- and stay put; each positional read checks the alignment and fails loudly if it ever broke.
-- -> temp tables, one row per message in rowid order: thread_parents (row_id, parent_row,
--    parent_inbound, parent_at) and thread_roots (row_id, conversation_row: the root's row,
--    started_at, is_start: see below); messages.conversation_id and messages.brand are written.
-- params: none

insert into brand_accounts
select distinct author_id from messages where direction = 'outbound'
on conflict do nothing;

insert into brand_accounts
select distinct brand from messages where brand is not null
on conflict do nothing;

-- Every message with its parent when the parent is present (a message naming itself as its
-- parent has none): the one join on message ids of the derive. The parents are the side built,
-- so the children stream through in rowid order and the sort that guarantees it is cheap (a
-- sort of presorted rows: 0.85 -> 0.68 CPU s at 2.8M rows, with the direction as a boolean).
set disabled_optimizers = 'build_side_probe_side';

create or replace temp table thread_parents as
select
    child.rowid as row_id,
    parent.rowid as parent_row,
    parent.direction = 'inbound' as parent_inbound,
    parent.created_at as parent_at
from messages as child
left join messages as parent
  on parent.message_id = child.in_reply_to_id
 and child.in_reply_to_id <> child.message_id
order by child.rowid;

reset disabled_optimizers;

-- Each message's root, walking down from the messages without a parent: each message is
-- reached once, by its root. A message on a reply cycle (or below one) is never reached, nor
-- is one 1,000 or more replies below its root: those take the rule of the upward walk, in which
-- a chain deeper than 1,000 is a cycle whose root is the smallest id 501 to 1,000 steps up.
-- That root can lie in another conversation (a cycle longer than 500): such a conversation
-- starts at its earliest message. started_at: the time of the message that starts the
-- conversation (is_start).
create or replace temp table thread_roots as
with recursive

descent(row_id, root_row, root_at, depth) as (
    select thread_parents.row_id, thread_parents.row_id, messages.created_at, 0
    from thread_parents
    positional join (select created_at from messages) as messages
    where thread_parents.parent_row is null

    union all

    select child.row_id, descent.root_row, descent.root_at, descent.depth + 1
    from descent
    join (
        select row_id, parent_row from thread_parents where parent_row is not null
    ) as child on child.parent_row = descent.row_id
    where descent.depth < 999
),

-- The upward walk is for messages the descent missed, which are rare: when it reached every
-- message (a cheap count tells), the tables below are empty and no hash table is built on the
-- million-row thread_parents (that cost 2 CPU s at 2.8M rows for nothing).
walk_needed as (
    select (select count(*) from descent) < (select count(*) from thread_parents) as needed
),

walk_parents as (
    select * from thread_parents where (select needed from walk_needed)
),

unreached as (
    select row_id, parent_row
    from walk_parents
    anti join (
        select row_id from descent where (select needed from walk_needed)
    ) as reached using (row_id)
),

walk(row_id, ancestor_row, depth) as (
    select row_id, parent_row, 1
    from unreached

    union all

    select walk.row_id, parent.parent_row, walk.depth + 1
    from walk
    join walk_parents as parent on parent.row_id = walk.ancestor_row
    where walk.depth < 1000
      and parent.parent_row is not null
),

upward as (
    select
        walk.row_id,
        case
            when max(walk.depth) >= 1000
                then arg_min(ancestor.rowid, ancestor.message_id) filter (where walk.depth > 500)
            else arg_max(ancestor.rowid, walk.depth)
        end as root_row
    from walk
    join messages as ancestor on ancestor.rowid = walk.ancestor_row
    group by walk.row_id
),

upward_placed as (
    select
        upward.row_id,
        upward.root_row,
        message.created_at,
        -- the root is in this conversation: it is a true root, or the upward walk placed it here
        root_link.parent_row is null
            or exists (
                select 1 from upward as root where root.row_id = upward.root_row
                    and root.root_row = upward.root_row
            ) as root_inside
    from upward
    join messages as message on message.rowid = upward.row_id
    join walk_parents as root_link on root_link.row_id = upward.root_row
),

upward_started as (
    select
        upward_placed.*,
        case
            when root_inside then row_id = root_row
            else row_id = arg_min(row_id, created_at) over (partition by root_row)
        end as is_start
    from upward_placed
),

final as (
    select row_id, root_row, root_at as started_at, depth = 0 as is_start
    from descent

    union all

    select
        row_id,
        root_row,
        max(created_at) filter (where is_start) over (partition by root_row) as started_at,
        is_start
    from upward_started
)

select row_id, root_row as conversation_row, started_at, is_start
from final
order by row_id;

-- One row per conversation: its id (the root's message id) and brand.
create or replace temp table thread_conversations as
with

-- read where used: materialized for its two readers, every message's strings cost more than
-- two positional scans
threads as not materialized (
    select
        thread_roots.row_id,
        case
            when messages.rowid = thread_roots.row_id then thread_roots.conversation_row
            else error('derive_threads: thread_roots is out of line with messages')
        end as conversation_row,
        messages.message_id,
        messages.direction,
        messages.author_id,
        messages.brand as named_brand,
        messages.created_at
    from thread_roots
    positional join messages
),

ids as (
    select conversation_row, message_id as conversation_id
    from threads
    where row_id = conversation_row

    union all

    -- a root in another conversation (upward walk only)
    select root.rowid, root.message_id
    from messages as root
    where root.rowid in (
        select conversation_row from thread_roots where is_start and row_id <> conversation_row
    )
),

brands as (
    select
        conversation_row,
        coalesce(
            arg_min(author_id, created_at) filter (where direction = 'outbound'),
            arg_min(named_brand, created_at) filter (where named_brand is not null)
        ) as brand
    from threads
    group by conversation_row
)

select ids.conversation_row, ids.conversation_id, brands.brand
from ids
join brands using (conversation_row);

-- Customer messages still without a brand: the first @handle that is a brand account.
create or replace temp table mentioned_brand as
with

unbranded as (
    -- found by rowid, which reads no text at all when every conversation has a brand
    select rowid as row_id, regexp_extract_all(text, '@([A-Za-z0-9_]+)', 1) as handles
    from messages
    where direction = 'inbound'
      and rowid in (
          select row_id
          from thread_roots
          where conversation_row in (
              select conversation_row from thread_conversations where brand is null
          )
      )
),

mentions as (
    select row_id, unnest(handles) as handle, generate_subscripts(handles, 1) as position
    from unbranded
)

select mentions.row_id, arg_min(brand_accounts.handle, mentions.position) as brand
from mentions
join brand_accounts on lower(brand_accounts.handle) = lower(mentions.handle)
group by mentions.row_id;

-- Every message's keys, written where they differ (after a full load: everywhere). A brand
-- message's brand is its author, read from the row being updated; thread_roots gives each
-- message's conversation by row id, so messages need not be read beside it.
update messages
set
    conversation_id = keys.conversation_id,
    brand = case when messages.direction = 'outbound' then messages.author_id else keys.brand end
from (
    select
        thread_roots.row_id,
        conversations.conversation_id,
        coalesce(conversations.brand, mentioned_brand.brand) as brand
    from thread_roots
    join thread_conversations as conversations
      on conversations.conversation_row = thread_roots.conversation_row
    left join mentioned_brand on mentioned_brand.row_id = thread_roots.row_id
) as keys
where messages.rowid = keys.row_id
  and (messages.conversation_id is distinct from keys.conversation_id
       or messages.brand is distinct from case
           when messages.direction = 'outbound' then messages.author_id else keys.brand end);
