-- summary_campaigns_windows.sql: one row per calendar event, window and brand it covers: the
-- figures metrics/campaigns.sql gives for that window (which depend only on the event, never on
-- the period asked), so that the metric adds up these rows instead of scanning messages and
-- conversations. Windows (as in that metric): 'during' [starts_at, ends_at); 'baseline' the
-- same hours shifted back 1 and 2 times weeks_back weeks (weeks_back = the event's length
-- rounded up to whole weeks), both shifts in one row; 'before' the window of equal length just
-- before the event starts.
-- Brands: the event's brand, or for an event without one every brand with customer messages
-- (as the metric's windows cover them), each on its own row (brand set), plus one row with
-- brand NULL for all of them together (its medians are over all their conversations).
-- Columns: event_id, period, brand; inbound (customer messages, public and DM, of the brand in
-- the window; on 'during' and 'baseline' rows); conversations, answered_share (answered /
-- conversations), frt_median_minutes, frt_p90_minutes (conversations of the brand started in
-- the window, FRT over answered ones; on 'during' and 'before' rows).
-- Rebuilt whole after every load (it depends on every hour of its windows; a change of the
-- calendar re-derives everything).
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create or replace table summary_campaigns_windows as

with

brands as (
    select distinct brand from messages where direction = 'inbound' and brand is not null
),

windows as (
    -- each window once per brand it covers, with its bounds
    select events.event_id, windows.period, brands.brand, windows.lo, windows.hi
    from events
    cross join lateral (
        select
            greatest(1, ceil(epoch(events.ends_at - events.starts_at) / 604800))::bigint
                as weeks_back
    ) as shift
    cross join lateral (
        select 'during' as period, events.starts_at as lo, events.ends_at as hi
        union all
        select 'baseline' as period,
            events.starts_at - to_weeks(k * shift.weeks_back) as lo,
            events.ends_at - to_weeks(k * shift.weeks_back) as hi
        from (select unnest([1, 2]) as k)
        union all
        select 'before' as period,
            events.starts_at - (events.ends_at - events.starts_at) as lo,
            events.starts_at as hi
    ) as windows
    join brands
      on events.brand is null or brands.brand = events.brand
    where windows.hi > windows.lo
),

inbound as (
    select windows.event_id, windows.period, windows.brand, count(*) as inbound
    from windows
    join messages
      on messages.brand = windows.brand
     and messages.created_at >= windows.lo
     and messages.created_at < windows.hi
    where messages.direction = 'inbound'
      and windows.period in ('during', 'baseline')
    group by all
),

care_windows as (
    -- during / before windows: per brand, and (brand NULL) for all brands of an event without
    -- one, as `all_brands`
    select *, false as all_brands from windows where period in ('during', 'before')
),

care_rows as (
    select
        care_windows.event_id,
        care_windows.period,
        grouping_brand.brand,
        conversations.answered,
        conversations.first_response_minutes
    from care_windows
    join conversations
      on conversations.brand = care_windows.brand
     and conversations.started_at >= care_windows.lo
     and conversations.started_at < care_windows.hi
    join events using (event_id)
    cross join lateral (
        select care_windows.brand as brand
        union all
        select null as brand where events.brand is null
    ) as grouping_brand
),

care as (
    select
        event_id,
        period,
        brand,
        count(*) as conversations,
        count(*) filter (where answered) / count(*) as answered_share,
        median(first_response_minutes) as frt_median_minutes,
        quantile_cont(first_response_minutes, 0.9) as frt_p90_minutes
    from care_rows
    group by event_id, period, brand
),

keys as (
    select distinct event_id, period, brand from windows
    union
    select distinct windows.event_id, windows.period, null as brand
    from windows
    join events using (event_id)
    where events.brand is null
      and windows.period in ('during', 'before')
),

final as (
    select
        keys.event_id,
        keys.period,
        keys.brand,
        case when keys.period <> 'before' and keys.brand is not null
             then coalesce(inbound.inbound, 0) end as inbound,
        case when keys.period <> 'baseline' then coalesce(care.conversations, 0) end
            as conversations,
        care.answered_share,
        care.frt_median_minutes,
        care.frt_p90_minutes
    from keys
    left join inbound
      on inbound.event_id = keys.event_id
     and inbound.period = keys.period
     and inbound.brand is not distinct from keys.brand
    left join care
      on care.event_id = keys.event_id
     and care.period = keys.period
     and care.brand is not distinct from keys.brand
)

select * from final
order by event_id, period, brand nulls first;
