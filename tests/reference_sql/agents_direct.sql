-- agents_direct.sql: metrics/agents.sql as it was before it read reply_pairs (count(distinct
-- conversation_id) over the period's replies): the reference tests/test_metrics_agents.py checks it
-- against.
-- agents.sql: one row per brand and agent signature ('^JK', '-Anna', '/LS', '*TS' at the end of
-- a brand reply, see sql/etl/derive_outbound_flags.sql), plus one row with agent = null for the
-- brand's unsigned replies (sorted last).
-- Replies: brand messages answering a customer message, sent in [$start, $end). Latency =
-- reply time - time of the customer message it answers (calendar and business clock).
-- conversations: distinct conversations the agent replied in; share_of_brand_replies: the
-- agent's replies over all the brand's replies in scope; dm_redirect_share / off_channel_share:
-- replies moving the customer to DM / to phone, e-mail or a web form.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
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
        count(distinct conversation_id) as conversations,
        -- median and p90 from one sort (the same values as median() and quantile_cont(.., 0.9))
        quantile_cont(latency_minutes, [0.5, 0.9]) as latency_quantiles,
        median(latency_business_minutes) as latency_business_median_minutes,
        count(*) filter (where dm_redirect) / count(*) as dm_redirect_share,
        count(*) filter (where off_channel) / count(*) as off_channel_share
    from scoped
    group by brand, agent
),

final as (
    select
        brand,
        agent,
        replies,
        conversations,
        replies / sum(replies) over (partition by brand) as share_of_brand_replies,
        latency_quantiles[1] as latency_median_minutes,
        latency_quantiles[2] as latency_p90_minutes,
        latency_business_median_minutes,
        dm_redirect_share,
        off_channel_share
    from by_agent
)

select * from final
order by brand, agent is null, replies desc, agent
