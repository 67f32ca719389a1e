-- metric: sentiment: negative share and net sentiment of customer messages per brand and day
-- sentiment.sql: one row per brand and UTC day with customer (inbound) messages, public or DM,
-- sent in [$start, $end). Scores come from messages.sentiment / sentiment_label (filled at
-- load); messages not scored yet count in inbound_messages only.
-- negative_share = negative / scored; net_sentiment = (positive - negative) / scored, in
-- [-1, 1]; mean_sentiment = mean score. All null on a day without scored messages.
-- Whole UTC hours inside the period come from summary_volume_hourly (rebuilt at every load);
-- the partial hours at its edges, if any, from messages.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

whole_hours as (
    -- hours entirely inside [$start, $end): from the first hour mark at or after $start to
    -- the last one at or before $end
    select brand, hour, inbound, scored, negative, neutral, positive,
        sentiment_count, sentiment_sum
    from summary_volume_hourly
    where brand is not null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and hour >= date_trunc('hour', $start::timestamptz - interval 1 microsecond)
                  + interval 1 hour
      and hour < date_trunc('hour', $end::timestamptz)
),

edge_messages as (
    -- the rest of the period: before the first whole hour, and from the end of the last one
    -- (with no whole hour inside, these two ranges cover the whole period)
    select brand, created_at, sentiment, sentiment_label
    from messages
    where direction = 'inbound'
      and brand is not null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and (
          (created_at >= $start::timestamptz
           and created_at < least(date_trunc('hour', $start::timestamptz
                                             - interval 1 microsecond) + interval 1 hour,
                                  $end::timestamptz))
          or (created_at >= greatest(date_trunc('hour', $end::timestamptz),
                                     date_trunc('hour', $start::timestamptz
                                                - interval 1 microsecond) + interval 1 hour)
              and created_at < $end::timestamptz)
      )
),

edge_hours as (
    select
        brand,
        date_trunc('hour', created_at) as hour,
        count(*) as inbound,
        count(sentiment_label) as scored,
        count(*) filter (where sentiment_label = 'negative') as negative,
        count(*) filter (where sentiment_label = 'neutral') as neutral,
        count(*) filter (where sentiment_label = 'positive') as positive,
        count(sentiment) as sentiment_count,
        sum(sentiment) as sentiment_sum
    from edge_messages
    group by brand, date_trunc('hour', created_at)
),

by_day as (
    select
        brand,
        date_trunc('day', hour) as day,
        sum(inbound)::bigint as inbound_messages,
        sum(scored)::bigint as scored,
        sum(negative)::bigint as negative,
        sum(neutral)::bigint as neutral,
        sum(positive)::bigint as positive,
        sum(sentiment_count)::bigint as sentiment_count,
        sum(sentiment_sum) as sentiment_sum
    from (select * from whole_hours union all select * from edge_hours)
    group by brand, date_trunc('day', hour)
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
        case when sentiment_count > 0 then sentiment_sum / sentiment_count end as mean_sentiment
    from by_day
)

select * from final
order by brand, day
