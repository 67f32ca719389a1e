-- summary_volume_hourly.sql: one row per brand (NULL kept: customer messages of no known brand)
-- and UTC hour with customer (inbound) messages, public and DM: how many, how many scored and
-- with each sentiment label, the count and sum of their scores (sentiment_sum /
-- sentiment_count is avg(sentiment)), and the first and last message time in the hour.
-- Rebuilt whole after every derive (etl/derive.py) from messages as loaded and scored. The
-- dashboard's volume and sentiment metrics read whole hours here and only the partial hours at
-- the edges of a period from messages (metrics/sentiment.sql, metrics/campaigns.sql,
-- spikes/hourly_counts.sql).
-- Choice: hours as whole hours since 1970 (integer division of epoch microseconds) rather than
-- date_trunc('hour', ...), which costs twice the whole scan on timestamptz; the same UTC hour
-- for every time after 1970.
-- refreshed by hour: a row depends only on the messages of its hour (etl/summaries.py).
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create or replace table summary_volume_hourly as

with

by_label as (
    -- group on the label first (three values) and pivot after: cheaper than three filtered
    -- counts over every message
    select
        brand,
        epoch_us(created_at) // 3600000000 as hour_mark,
        sentiment_label,
        count(*) as messages,
        count(sentiment) as sentiment_count,
        sum(sentiment) as sentiment_sum,
        min(created_at) as first_at,
        max(created_at) as last_at
    from messages
    where direction = 'inbound'
    group by all
),

by_hour as (
    select
        brand,
        to_timestamp(hour_mark * 3600) as hour,
        sum(messages)::bigint as inbound,
        coalesce(sum(messages) filter (where sentiment_label is not null), 0)::bigint as scored,
        coalesce(sum(messages) filter (where sentiment_label = 'negative'), 0)::bigint
            as negative,
        coalesce(sum(messages) filter (where sentiment_label = 'neutral'), 0)::bigint
            as neutral,
        coalesce(sum(messages) filter (where sentiment_label = 'positive'), 0)::bigint
            as positive,
        sum(sentiment_count)::bigint as sentiment_count,
        sum(sentiment_sum) as sentiment_sum,
        min(first_at) as first_at,
        max(last_at) as last_at
    from by_label
    group by brand, hour_mark
)

select * from by_hour
order by hour, brand;
