-- metric: agents: replies and reply latency per brand and agent signature
-- agents.sql: one row per brand and agent signature ('^JK', '-Anna', '/LS', '*TS' at the end of
-- a brand reply, see sql/etl/derive_outbound_flags.sql), plus one row with agent = null for the
-- brand's unsigned replies (sorted last).
-- Replies: brand messages answering a customer message, sent in [$start, $end). Latency =
-- reply time - time of the customer message it answers (calendar and business clock).
-- conversations: distinct conversations the agent replied in; share_of_brand_replies: the
-- agent's replies over all the brand's replies in scope; dm_redirect_share / off_channel_share:
-- replies moving the customer to DM / to phone, e-mail or a web form.
-- How conversations are counted without a distinct aggregate over the period's replies (half
-- of this query's time): from reply_pairs (derive_replies.sql: each conversation, brand and
-- agent with its first and last reply's time), a pair has a reply in the period when its first
-- or its last one is in it; only a pair whose replies start before the period and end after it
-- (a handful) is looked up among the period's replies. Those pairs are counted by one number,
-- hash(brand, agent), not by the two texts (a text pair costs about twice as much to group);
-- `keyed` gives each row of by_agent its key (every counted pair has a reply in the period, so
-- is one of them), and two of one key (a hash collision) stop the query rather than merge.
-- $clock: 'both' (default) and 'business' compute every column; 'calendar' leaves
-- latency_business_median_minutes NULL (uncomputed: the SLA page on the calendar clock shows the
-- calendar median and p90 only; on the business clock it shows the business median beside the
-- calendar p90, which comes from the same sort as the calendar median).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $clock (text: both | calendar | business)
-- default: clock = both (both | calendar | business)
with

scoped as (
    -- replies carry their conversation (derive_replies.sql): no join to messages
    select *
    from replies
    where brand is not null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and created_at >= $start::timestamptz
      and created_at < $end::timestamptz
),

by_agent as (
    select
        brand,
        agent,
        count(*) as replies,
        -- median and p90 from one sort (the same values as median() and quantile_cont(.., 0.9))
        quantile_cont(latency_minutes, [0.5, 0.9]) as latency_quantiles,
        -- on the calendar clock a constant NULL: the planner drops the aggregate and the
        -- column (a constant FILTER is still read and tested on every row)
        case when $clock::varchar <> 'calendar' then median(latency_business_minutes) end
            as latency_business_median_minutes,
        count(*) filter (where dm_redirect) / count(*) as dm_redirect_share,
        count(*) filter (where off_channel) / count(*) as off_channel_share
    from scoped
    group by brand, agent
),

pairs as (
    -- the agent-conversation pairs with replies on both sides of the period's start or end
    select conversation_id, brand, agent, first_at, last_at
    from reply_pairs
    where brand is not null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and first_at < $end::timestamptz
      and last_at >= $start::timestamptz
),

spanning_seen as (
    -- pairs with replies before and after the period: those with one in it
    select pairs.brand, pairs.agent
    from pairs
    where pairs.first_at < $start::timestamptz
      and pairs.last_at >= $end::timestamptz
      and exists (
          -- read from replies, not scoped: a second reader would materialize scoped
          select 1
          from replies
          where replies.created_at >= $start::timestamptz
            and replies.created_at < $end::timestamptz
            and replies.conversation_id = pairs.conversation_id
            and replies.brand = pairs.brand
            and replies.agent is not distinct from pairs.agent
      )
),

conversations as (
    select pair_key, count(*) as conversations
    from (
        select hash(brand, agent) as pair_key
        from pairs
        where first_at >= $start::timestamptz or last_at < $end::timestamptz

        union all

        select hash(brand, agent) from spanning_seen
    )
    group by pair_key
),

keyed as (
    -- each brand and agent with its key (hash of a null agent: one value, as `is not distinct`);
    -- a key equal to the one before it in key order is a collision (not a count over the key:
    -- DuckDB would plan that as a second aggregate of the period's replies)
    select
        *,
        case
            when hash(brand, agent) is distinct from lag(hash(brand, agent))
                over (order by hash(brand, agent))
                then hash(brand, agent)
            else error('agents: two brand and agent pairs share a hash key')
        end as pair_key
    from by_agent
),

final as (
    select
        by_agent.brand,
        by_agent.agent,
        by_agent.replies,
        coalesce(conversations.conversations, 0) as conversations,
        by_agent.replies / sum(by_agent.replies) over (partition by by_agent.brand)
            as share_of_brand_replies,
        by_agent.latency_quantiles[1] as latency_median_minutes,
        by_agent.latency_quantiles[2] as latency_p90_minutes,
        by_agent.latency_business_median_minutes,
        by_agent.dm_redirect_share,
        by_agent.off_channel_share
    from keyed as by_agent
    left join conversations using (pair_key)
)

select * from final
order by brand, agent is null, replies desc, agent
