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
-- Whole UTC hours inside the period come from summary_turnaround_hourly (rebuilt at every
-- load, the same definitions); the conversations that start in the partial hours at its edges,
-- if any, are computed here from conversations and messages.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

whole_hours as (
    -- hours entirely inside [$start, $end) (as metrics/sentiment.sql)
    select * exclude (hour)
    from summary_turnaround_hourly
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and hour >= date_trunc('hour', $start::timestamptz - interval 1 microsecond)
                  + interval 1 hour
      and hour < date_trunc('hour', $end::timestamptz)
),

scoped as (
    -- conversations starting in the rest of the period: before the first whole hour, and from
    -- the end of the last one (with no whole hour inside, these two cover the whole period)
    select conversation_id, brand, first_response_at
    from conversations
    where brand is not null
      and handoff_of is null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and (
          (started_at >= $start::timestamptz
           and started_at < least(date_trunc('hour', $start::timestamptz
                                             - interval 1 microsecond) + interval 1 hour,
                                  $end::timestamptz))
          or (started_at >= greatest(date_trunc('hour', $end::timestamptz),
                                     date_trunc('hour', $start::timestamptz
                                                - interval 1 microsecond) + interval 1 hour)
              and started_at < $end::timestamptz)
      )
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
        arg_min(said.sentiment_label, said.said_order) as first_label,
        arg_min(said.sentiment, said.said_order) as first_sentiment,
        arg_max(said.sentiment_label, said.said_order) filter (
            where said.created_at > scoped.first_response_at) as after_label,
        arg_max(said.sentiment, said.said_order) filter (
            where said.created_at > scoped.first_response_at) as after_sentiment
    from scoped
    join said using (conversation_id)
    group by scoped.conversation_id
),

edge_conversations as (
    -- the edge conversations per brand, in the summary's shape
    select
        scoped.brand,
        count(*) as conversations,
        count(first_label) as scored_conversations,
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
        count(first_sentiment) as first_sentiment_count,
        sum(first_sentiment) as first_sentiment_sum,
        count(after_sentiment) as after_sentiment_count,
        sum(after_sentiment) as after_sentiment_sum
    from scoped
    left join per_conversation using (conversation_id)
    group by scoped.brand
),

by_brand as (
    select
        brand,
        sum(conversations)::bigint as conversations,
        sum(scored_conversations)::bigint as scored_conversations,
        sum(started_negative)::bigint as started_negative,
        sum(spoke_after)::bigint as spoke_after,
        sum(turned_neutral)::bigint as turned_neutral,
        sum(turned_positive)::bigint as turned_positive,
        sum(stayed_negative)::bigint as stayed_negative,
        sum(worsened)::bigint as worsened,
        sum(first_sentiment_sum) / sum(first_sentiment_count) as mean_first_sentiment,
        sum(after_sentiment_sum) / sum(after_sentiment_count) as mean_last_after_sentiment
    from (
        select * from whole_hours
        union all by name
        select * from edge_conversations
    )
    group by brand
),

final as (
    select
        brand,
        conversations,
        scored_conversations,
        started_negative,
        spoke_after,
        turned_neutral,
        turned_positive,
        stayed_negative,
        case
            when spoke_after > 0 then (turned_neutral + turned_positive) / spoke_after
        end as turnaround_rate,
        worsened,
        mean_first_sentiment,
        mean_last_after_sentiment
    from by_brand
    where conversations > 0
)

select * from final
order by conversations desc, brand
