-- metric: campaigns: calendar events: hashtag volume, lift, sentiment, FRT during vs before
-- campaigns.sql: one row per calendar event (campaign, launch, price change, outage, other)
-- that overlaps [$start, $end), for the brands asked (an event without a brand covers them all).
-- volume: customer messages matching the event's hashtags/keywords during it (event_matches,
--   whole-token, case-insensitive; see etl/derive_campaigns.sql; read with their sentiment from
--   summary_campaigns_matches); volume_share = volume / inbound.
-- inbound: all customer messages (public and DM) of the brand during the event (whole hours
--   from summary_volume_hourly, the hours a window cuts from summary_campaigns_cut_hours).
-- lift = inbound / baseline_inbound, where baseline_inbound is the mean over the same hours
--   shifted back 1 and 2 times `weeks_back` weeks (weeks_back = the event's length rounded up
--   to whole weeks: same hours of the week, never overlapping the event). baseline_volume: the
--   same mean for matching messages (the hashtag's chatter before the event).
-- sentiment_mean, negative_share: over the matching volume that has a sentiment label
--   (NULL until sentiment is scored).
-- conversations, response_rate, frt_median/p90_minutes: conversations of the brand started
--   during the event (FRT over answered ones, response rate as of the last load); the before_*
--   columns: the same over the window of equal length just before the event starts.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz), $care (boolean: false =
--         the conversations / response / FRT columns left NULL and 0, not computed)
-- default: care = true
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

period_hours as (
    -- each during / baseline window as the UTC hours it touches (hour marks: whole hours since
    -- 1970); `whole` when the hour lies entirely inside the window
    select
        event_id,
        period,
        brand,
        lo,
        hi,
        hour_mark,
        hour_mark * 3600000000 >= epoch_us(lo)
            and (hour_mark + 1) * 3600000000 <= epoch_us(hi) as whole
    from (
        select
            *,
            unnest(range(epoch_us(lo) // 3600000000, (epoch_us(hi) - 1) // 3600000000 + 1))
                as hour_mark
        from periods
        where period in ('during', 'baseline')
          and hi > lo
    )
),

inbound_whole as (
    -- whole hours from summary_volume_hourly
    select period_hours.event_id, period_hours.period, summary_volume_hourly.inbound as messages
    from period_hours
    join summary_volume_hourly
      on summary_volume_hourly.hour = to_timestamp(period_hours.hour_mark * 3600)
     and (period_hours.brand is null or summary_volume_hourly.brand = period_hours.brand)
    where period_hours.whole
      and summary_volume_hourly.brand is not null
      and (len($brands::varchar[]) = 0
           or list_contains($brands::varchar[], summary_volume_hourly.brand))
),

inbound_partial as (
    -- the hours a window cuts, from summary_campaigns_cut_hours (its messages counted per
    -- event, window, brand and hour at load)
    select cut.event_id, cut.period, cut.inbound as messages
    from summary_campaigns_cut_hours as cut
    join scoped_events using (event_id)
    where len($brands::varchar[]) = 0 or list_contains($brands::varchar[], cut.brand)
),

inbound as (
    select event_id, period, sum(messages)::bigint as messages
    from (select * from inbound_whole union all select * from inbound_partial)
    group by all
),

matched as (
    -- the matching messages of each window, with their sentiment (summary_campaigns_matches:
    -- event_matches joined to messages once per load)
    select
        periods.event_id,
        periods.period,
        count(*) as messages,
        count(matches.sentiment_label) as scored,
        count(*) filter (where matches.sentiment_label = 'negative') as negative,
        avg(matches.sentiment) as sentiment_mean
    from periods
    join summary_campaigns_matches as matches
      on matches.event_id = periods.event_id
     and matches.created_at >= periods.lo
     and matches.created_at < periods.hi
    where (len($brands::varchar[]) = 0
           or list_contains($brands::varchar[], matches.brand))
      and periods.period in ('during', 'baseline')
    group by all
),

care_periods as (
    -- during / before windows once per brand they cover (brands with customer messages), so
    -- that conversations join on the brand (a hash join) rather than on a time range
    select periods.event_id, periods.period, periods.lo, periods.hi, brands.brand
    from periods
    join (select distinct brand from summary_volume_hourly where brand is not null) as brands
      on periods.brand is null or brands.brand = periods.brand
    where $care::boolean
      and periods.period in ('during', 'before')
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brands.brand))
),

care as (
    select
        care_periods.event_id,
        care_periods.period,
        count(*) as conversations,
        count(*) filter (where conversations.answered) / count(*) as response_rate,
        median(conversations.first_response_minutes) as frt_median_minutes,
        quantile_cont(conversations.first_response_minutes, 0.9) as frt_p90_minutes
    from care_periods
    join conversations
      on conversations.brand = care_periods.brand
     and conversations.started_at >= care_periods.lo
     and conversations.started_at < care_periods.hi
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
