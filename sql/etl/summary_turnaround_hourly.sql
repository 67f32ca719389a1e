-- summary_turnaround_hourly.sql: one row per brand and UTC hour in which customer conversations
-- started (brand known, DM handoffs inside the public conversation they continue, as
-- metrics/sentiment_turnaround.sql counts them): the counts and score sums that metric adds up
-- per brand. Rebuilt whole after every derive (etl/derive.py); metrics/sentiment_turnaround.sql
-- reads the hours inside its period here and computes the conversations of cut hours itself.
-- Columns: conversations; scored_conversations (with a scored customer message);
-- started_negative, spoke_after, turned_neutral, turned_positive, stayed_negative, worsened
-- (definitions in metrics/sentiment_turnaround.sql); first_sentiment_sum / _count and
-- after_sentiment_sum / _count (the means' parts).
-- How: each conversation row carries its customer's first and last scored message (time, score,
-- label: derive_conversations.sql), so this reads conversations only; a handoff's DM conversation
-- is joined to the public one it continues (first: the earlier, the public one at the same
-- instant; last: the later, the DM one at the same instant, as the metric's order). Labels
-- become codes (-1 / 0 / 1) to be grouped on. "After" is the last scored message when it comes
-- after the first response: the last one after the response is the last one overall, or there
-- is none.
-- Choice: hours as whole hours since 1970 (as summary_volume_hourly).
-- refreshed by hour: a row depends only on the conversations started in its hour and the DM
-- conversations that continue them (etl/summaries.py).
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create or replace table summary_turnaround_hourly as

with

journeys as (
    -- each conversation as the metric counts it, with its own digest and its DM part's; which
    -- part holds the journey's first and last scored message
    select
        roots.brand,
        roots.started_at,
        roots.first_response_at,
        roots.first_scored_sentiment as first_sentiment,
        roots.first_scored_label as first_label,
        roots.last_scored_at as last_at,
        roots.last_scored_sentiment as last_sentiment,
        roots.last_scored_label as last_label,
        dm.first_scored_sentiment as dm_first_sentiment,
        dm.first_scored_label as dm_first_label,
        dm.last_scored_at as dm_last_at,
        dm.last_scored_sentiment as dm_last_sentiment,
        dm.last_scored_label as dm_last_label,
        dm.last_scored_at is not null
            and (roots.first_scored_at is null or dm.first_scored_at < roots.first_scored_at)
            as first_in_dm,
        dm.last_scored_at is not null
            and (roots.last_scored_at is null or dm.last_scored_at >= roots.last_scored_at)
            as last_in_dm
    from conversations as roots
    left join (
        select
            handoff_of, first_scored_at, first_scored_sentiment, first_scored_label,
            last_scored_at, last_scored_sentiment, last_scored_label
        from conversations
        where handoff_of is not null
    ) as dm on dm.handoff_of = roots.conversation_id
    where roots.brand is not null
      and roots.handoff_of is null
),

labelled as (
    select
        brand,
        epoch_us(started_at) // 3600000000 as hour_mark,
        case case when first_in_dm then dm_first_label else first_label end
            when 'negative' then -1 when 'neutral' then 0 when 'positive' then 1
        end as first_label,
        case when first_in_dm then dm_first_sentiment else first_sentiment end
            as first_sentiment,
        case when last_in_dm then dm_last_at else last_at end > first_response_at
            as spoke_after_response,
        case case when last_in_dm then dm_last_label else last_label end
            when 'negative' then -1 when 'neutral' then 0 when 'positive' then 1
        end as last_label,
        case when last_in_dm then dm_last_sentiment else last_sentiment end as last_sentiment
    from journeys
),

by_outcome as (
    -- group on the two labels first (a few values) and pivot after: cheaper than filtered
    -- counts over every conversation
    select
        brand,
        hour_mark,
        first_label,
        case when spoke_after_response then last_label end as after_label,
        count(*) as conversations,
        count(first_sentiment) as first_sentiment_count,
        sum(first_sentiment) as first_sentiment_sum,
        count(last_sentiment) filter (where spoke_after_response) as after_sentiment_count,
        sum(last_sentiment) filter (where spoke_after_response) as after_sentiment_sum
    from labelled
    group by all
),

by_hour as (
    select
        brand,
        to_timestamp(hour_mark * 3600) as hour,
        sum(conversations)::bigint as conversations,
        coalesce(sum(conversations) filter (where first_label is not null), 0)::bigint
            as scored_conversations,
        coalesce(sum(conversations) filter (where first_label = -1), 0)::bigint
            as started_negative,
        coalesce(sum(conversations) filter (
            where first_label = -1 and after_label is not null), 0)::bigint as spoke_after,
        coalesce(sum(conversations) filter (
            where first_label = -1 and after_label = 0), 0)::bigint as turned_neutral,
        coalesce(sum(conversations) filter (
            where first_label = -1 and after_label = 1), 0)::bigint as turned_positive,
        coalesce(sum(conversations) filter (
            where first_label = -1 and after_label = -1), 0)::bigint as stayed_negative,
        coalesce(sum(conversations) filter (
            where first_label <> -1 and after_label = -1), 0)::bigint as worsened,
        sum(first_sentiment_count)::bigint as first_sentiment_count,
        sum(first_sentiment_sum) as first_sentiment_sum,
        sum(after_sentiment_count)::bigint as after_sentiment_count,
        sum(after_sentiment_sum) as after_sentiment_sum
    from by_outcome
    group by brand, hour_mark
)

select * from by_hour
order by hour, brand;
