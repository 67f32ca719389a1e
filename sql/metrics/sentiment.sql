-- metric: sentiment: negative share and net sentiment of customer messages per brand and day
-- sentiment.sql: one row per brand and UTC day with customer (inbound) messages, public or DM,
-- sent in [$start, $end). Scores come from messages.sentiment / sentiment_label (filled at
-- load); messages not scored yet count in inbound_messages only.
-- negative_share = negative / scored; net_sentiment = (positive - negative) / scored, in
-- [-1, 1]; mean_sentiment = mean score. All null on a day without scored messages.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

scoped as (
    select brand, created_at, sentiment, sentiment_label
    from messages
    where direction = 'inbound'
      and brand is not null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and created_at >= $start::timestamptz
      and created_at < $end::timestamptz
),

by_day as (
    select
        brand,
        date_trunc('day', created_at) as day,
        count(*) as inbound_messages,
        count(sentiment_label) as scored,
        count(*) filter (where sentiment_label = 'negative') as negative,
        count(*) filter (where sentiment_label = 'neutral') as neutral,
        count(*) filter (where sentiment_label = 'positive') as positive,
        avg(sentiment) as mean_sentiment
    from scoped
    group by brand, date_trunc('day', created_at)
),

final as (
    select
        brand,
        day,
        inbound_messages,
        scored,
        negative,
        neutral,
        positive,
        case when scored > 0 then negative / scored end as negative_share,
        case when scored > 0 then (positive - negative) / scored end as net_sentiment,
        mean_sentiment
    from by_day
)

select * from final
order by brand, day
