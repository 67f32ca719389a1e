-- derive_threads.sql: brand accounts, then every message's conversation and brand.
-- A conversation is the reply chain rooted at its earliest ancestor present in the data (X API DM
-- events chain to the previous event of their DM session, see link_x_dm_events.sql).
-- A message's brand: the author for brand messages; for a customer message the brand account
-- that answers in its conversation, else the brand its source named, else the first @handle in
-- its text that is a known brand account.
-- params: none

insert into brand_accounts
select distinct author_id from messages where direction = 'outbound'
on conflict do nothing;

insert into brand_accounts
select distinct brand from messages where brand is not null
on conflict do nothing;

create or replace temp table links as
select child.message_id as child, child.in_reply_to_id as parent
from messages as child
join messages as parent on parent.message_id = child.in_reply_to_id
where child.in_reply_to_id <> child.message_id;

-- Walk up the reply chain; a chain deeper than 1,000 is a cycle, whose root is its smallest id.
create or replace temp table roots as
with recursive walk(message_id, ancestor, depth) as (
    select child, parent, 1 from links
    union all
    select walk.message_id, links.parent, walk.depth + 1
    from walk
    join links on links.child = walk.ancestor
    where walk.depth < 1000
)
select
    message_id,
    case
        when max(depth) >= 1000 then min(ancestor) filter (where depth > 500)
        else arg_max(ancestor, depth)
    end as root
from walk
group by message_id;

create or replace temp table threads as
select
    messages.message_id,
    messages.direction,
    messages.author_id,
    messages.brand as named_brand,
    messages.created_at,
    coalesce(roots.root, messages.message_id) as conversation_id
from messages
left join roots using (message_id);

create or replace temp table conversation_brand as
with

answering as (
    select conversation_id, arg_min(author_id, created_at) as brand
    from threads
    where direction = 'outbound'
    group by conversation_id
),

named as (
    select conversation_id, arg_min(named_brand, created_at) as brand
    from threads
    where named_brand is not null
    group by conversation_id
)

select
    coalesce(answering.conversation_id, named.conversation_id) as conversation_id,
    coalesce(answering.brand, named.brand) as brand
from answering
full outer join named using (conversation_id);

-- Customer messages still without a brand: the first @handle that is a brand account.
create or replace temp table mentioned_brand as
with

unbranded as (
    -- (texts come from messages: carrying every text through `threads` costs more)
    select messages.message_id, regexp_extract_all(messages.text, '@([A-Za-z0-9_]+)', 1) as handles
    from messages
    where messages.message_id in (
        select message_id
        from threads
        where direction = 'inbound'
          and conversation_id not in (select conversation_id from conversation_brand)
    )
),

mentions as (
    select message_id, unnest(handles) as handle, generate_subscripts(handles, 1) as position
    from unbranded
)

select mentions.message_id, arg_min(brand_accounts.handle, mentions.position) as brand
from mentions
join brand_accounts on lower(brand_accounts.handle) = lower(mentions.handle)
group by mentions.message_id;

create or replace temp table message_keys as
select
    threads.message_id,
    threads.conversation_id,
    case
        when threads.direction = 'outbound' then threads.author_id
        else coalesce(conversation_brand.brand, mentioned_brand.brand)
    end as brand
from threads
left join conversation_brand using (conversation_id)
left join mentioned_brand using (message_id);

update messages
set conversation_id = message_keys.conversation_id, brand = message_keys.brand
from message_keys
where messages.message_id = message_keys.message_id
  and (messages.conversation_id is distinct from message_keys.conversation_id
       or messages.brand is distinct from message_keys.brand);
