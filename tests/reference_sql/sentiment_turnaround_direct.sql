-- reference: metrics/sentiment_turnaround.sql as it was before summary_turnaround_hourly, computing
-- every conversation of the period from conversations and messages (tests/test_metrics_summaries.py).
-- metric: sentiment-turnaround: how often care turned a negative customer into neutral/positive
-- sentiment_turnaround.sql: one row per brand.
-- Conversations as in response-times (customer-started, start in [$start, $end), brand known);
-- a public conversation handed off to DM includes the customer's DM messages. Only scored
-- customer messages count (messages.sentiment_label, filled at load).
-- first: the customer's first scored message; after: the customer's last scored message sent
-- after the brand's first response. started_negative: first is negative; spoke_after:
-- answered conversations that started negative and have an "after" message (the ones care could
-- turn around); turned_neutral / turned_positive / stayed_negative split them by the after
-- label, turnaround_rate = (turned_neutral + turned_positive) / spoke_after. worsened: started
-- neutral or positive, answered, and the after message is negative. Means are over scored
-- conversations (first) and over conversations with an after message (last_after).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

scoped as (
    select *
    from conversations
    where brand is not null
      and handoff_of is null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

journeys as (
    -- each conversation with its own id and the id of the DM conversation continuing it
    -- (a public conversation has at most one: derive_conversations.sql)
    select conversation_id, conversation_id as part_id, 0 as part from scoped
    union all
    select conversations.handoff_of, conversations.conversation_id, 1 as part
    from conversations
    join scoped on scoped.conversation_id = conversations.handoff_of
),

said as (
    select
        journeys.conversation_id,
        messages.created_at,
        -- the order of a journey's messages: by time, and at the same instant the public part
        -- before its DM continuation (no two messages of one conversation share an instant in
        -- practice, but a public and a DM message can; without this the first / last message
        -- of such a journey, and the metric, changed from run to run)
        epoch_us(messages.created_at) * 2 + journeys.part as said_order,
        messages.sentiment,
        messages.sentiment_label
    from journeys
    join messages on messages.conversation_id = journeys.part_id
    where messages.direction = 'inbound'
      and messages.sentiment_label is not null
),

per_conversation as (
    select
        scoped.conversation_id,
        scoped.brand,
        scoped.answered,
        arg_min(said.sentiment_label, said.said_order) as first_label,
        arg_min(said.sentiment, said.said_order) as first_sentiment,
        arg_max(said.sentiment_label, said.said_order) filter (
            where said.created_at > scoped.first_response_at) as after_label,
        arg_max(said.sentiment, said.said_order) filter (
            where said.created_at > scoped.first_response_at) as after_sentiment
    from scoped
    join said using (conversation_id)
    group by scoped.conversation_id, scoped.brand, scoped.answered
),

by_brand as (
    select
        brand,
        count(*) as scored_conversations,
        count(*) filter (where first_label = 'negative') as started_negative,
        count(*) filter (where first_label = 'negative' and after_label is not null)
            as spoke_after,
        count(*) filter (where first_label = 'negative' and after_label = 'neutral')
            as turned_neutral,
        count(*) filter (where first_label = 'negative' and after_label = 'positive')
            as turned_positive,
        count(*) filter (where first_label = 'negative' and after_label = 'negative')
            as stayed_negative,
        count(*) filter (where first_label <> 'negative' and after_label = 'negative')
            as worsened,
        avg(first_sentiment) as mean_first_sentiment,
        avg(after_sentiment) as mean_last_after_sentiment
    from per_conversation
    group by brand
),

totals as (
    select brand, count(*) as conversations from scoped group by brand
),

final as (
    select
        totals.brand,
        totals.conversations,
        coalesce(by_brand.scored_conversations, 0) as scored_conversations,
        coalesce(by_brand.started_negative, 0) as started_negative,
        coalesce(by_brand.spoke_after, 0) as spoke_after,
        coalesce(by_brand.turned_neutral, 0) as turned_neutral,
        coalesce(by_brand.turned_positive, 0) as turned_positive,
        coalesce(by_brand.stayed_negative, 0) as stayed_negative,
        case
            when by_brand.spoke_after > 0
                then (by_brand.turned_neutral + by_brand.turned_positive) / by_brand.spoke_after
        end as turnaround_rate,
        coalesce(by_brand.worsened, 0) as worsened,
        by_brand.mean_first_sentiment,
        by_brand.mean_last_after_sentiment
    from totals
    left join by_brand using (brand)
)

select * from final
order by conversations desc, brand
