-- metric: campaigns: calendar events: hashtag volume, lift, sentiment, FRT during vs before
-- campaigns.sql: one row per calendar event (campaign, launch, price change, outage, other)
-- that overlaps [$start, $end), for the brands asked (an event without a brand covers them all).
-- volume: customer messages matching the event's hashtags/keywords during it (event_matches,
--   whole-token, case-insensitive; see etl/derive_campaigns.sql); volume_share = volume / inbound.
-- inbound: all customer messages (public and DM) of the brand during the event.
-- lift = inbound / baseline_inbound, where baseline_inbound is the mean over the same hours
--   shifted back 1 and 2 times `weeks_back` weeks (weeks_back = the event's length rounded up
--   to whole weeks: same hours of the week, never overlapping the event). baseline_volume: the
--   same mean for matching messages (the hashtag's chatter before the event).
-- sentiment_mean, negative_share: over the matching volume that has a sentiment label
--   (NULL until sentiment is scored).
-- conversations, response_rate, frt_median/p90_minutes: conversations of the brand started
--   during the event (FRT over answered ones, response rate as of the last load); the before_*
--   columns: the same over the window of equal length just before the event starts.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz)
with

scoped_events as (
    select
        *,
        greatest(1, ceil(epoch(ends_at - starts_at) / 604800))::bigint as weeks_back
    from events
    where starts_at < $end::timestamptz
      and ends_at > $start::timestamptz
      and (len($brands::varchar[]) = 0 or brand is null
           or list_contains($brands::varchar[], brand))
),

periods as (
    select event_id, brand, 'during' as period, starts_at as lo, ends_at as hi
    from scoped_events
    union all
    select event_id, brand, 'baseline' as period,
        starts_at - to_weeks(k * weeks_back) as lo,
        ends_at - to_weeks(k * weeks_back) as hi
    from scoped_events, (select unnest([1, 2]) as k)
    union all
    select event_id, brand, 'before' as period,
        starts_at - (ends_at - starts_at) as lo,
        starts_at as hi
    from scoped_events
),

inbound as (
    select periods.event_id, periods.period, count(*) as messages
    from periods
    join messages
      on (periods.brand is null or messages.brand = periods.brand)
     and messages.created_at >= periods.lo
     and messages.created_at < periods.hi
    where messages.direction = 'inbound'
      and messages.brand is not null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], messages.brand))
      and periods.period in ('during', 'baseline')
    group by all
),

matched as (
    select
        periods.event_id,
        periods.period,
        count(*) as messages,
        count(messages.sentiment_label) as scored,
        count(*) filter (where messages.sentiment_label = 'negative') as negative,
        avg(messages.sentiment) as sentiment_mean
    from periods
    join event_matches
      on event_matches.event_id = periods.event_id
     and event_matches.created_at >= periods.lo
     and event_matches.created_at < periods.hi
    join messages on messages.message_id = event_matches.message_id
    where (len($brands::varchar[]) = 0
           or list_contains($brands::varchar[], event_matches.brand))
      and periods.period in ('during', 'baseline')
    group by all
),

care as (
    select
        periods.event_id,
        periods.period,
        count(*) as conversations,
        count(*) filter (where conversations.answered) / count(*) as response_rate,
        median(conversations.first_response_minutes) as frt_median_minutes,
        quantile_cont(conversations.first_response_minutes, 0.9) as frt_p90_minutes
    from periods
    join conversations
      on (periods.brand is null or conversations.brand = periods.brand)
     and conversations.started_at >= periods.lo
     and conversations.started_at < periods.hi
    where (len($brands::varchar[]) = 0
           or list_contains($brands::varchar[], conversations.brand))
      and periods.period in ('during', 'before')
    group by all
),

final as (
    select
        scoped_events.event_id,
        scoped_events.name,
        scoped_events.kind,
        scoped_events.brand,
        scoped_events.starts_at,
        scoped_events.ends_at,
        epoch(scoped_events.ends_at - scoped_events.starts_at) / 3600.0 as hours,
        array_to_string(scoped_events.keywords, '; ') as keywords,
        coalesce(m_during.messages, 0) as volume,
        coalesce(m_during.messages, 0) / nullif(coalesce(i_during.messages, 0), 0)
            as volume_share,
        coalesce(m_base.messages, 0) / 2.0 as baseline_volume,
        coalesce(i_during.messages, 0) as inbound,
        coalesce(i_base.messages, 0) / 2.0 as baseline_inbound,
        coalesce(i_during.messages, 0) / nullif(coalesce(i_base.messages, 0) / 2.0, 0) as lift,
        scoped_events.weeks_back,
        m_during.sentiment_mean,
        m_during.negative / nullif(m_during.scored, 0) as negative_share,
        coalesce(c_during.conversations, 0) as conversations,
        c_during.response_rate,
        c_during.frt_median_minutes,
        c_during.frt_p90_minutes,
        coalesce(c_before.conversations, 0) as before_conversations,
        c_before.response_rate as before_response_rate,
        c_before.frt_median_minutes as before_frt_median_minutes,
        c_before.frt_p90_minutes as before_frt_p90_minutes
    from scoped_events
    left join inbound as i_during
      on i_during.event_id = scoped_events.event_id and i_during.period = 'during'
    left join inbound as i_base
      on i_base.event_id = scoped_events.event_id and i_base.period = 'baseline'
    left join matched as m_during
      on m_during.event_id = scoped_events.event_id and m_during.period = 'during'
    left join matched as m_base
      on m_base.event_id = scoped_events.event_id and m_base.period = 'baseline'
    left join care as c_during
      on c_during.event_id = scoped_events.event_id and c_during.period = 'during'
    left join care as c_before
      on c_before.event_id = scoped_events.event_id and c_before.period = 'before'
)

select * from final
order by starts_at, event_id
