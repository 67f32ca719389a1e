-- summary_campaigns_cut_hours.sql: one row per calendar event, window, brand and UTC hour that
-- the window cuts (starts or ends inside it): the customer messages (public and DM) of the brand
-- in the part of the hour inside the window. metrics/campaigns.sql counts a window's whole
-- hours in summary_volume_hourly and its cut hours here, instead of scanning the messages
-- between its earliest and latest cut hour. Windows as in that metric: 'during' [starts_at,
-- ends_at) and 'baseline' (the same hours shifted back 1 and 2 times weeks_back weeks; both
-- shifts' rows are kept, as `shift` 1 and 2); brands: the event's brand, or every brand for an
-- event without one (the metric sums the brands it is asked for).
-- Columns: event_id, period ('during' | 'baseline'), shift (0 for 'during'), brand, hour (the
-- top of the UTC hour), inbound.
-- refreshed by hour: a row depends only on the messages of its hour (etl/summaries.py; the
-- calendar is read whole: a change of it re-derives everything).
-- Choice: hours as whole hours since 1970 (as summary_volume_hourly).
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create or replace table summary_campaigns_cut_hours as

with

windows as (
    -- each event's during and baseline windows, as in metrics/campaigns.sql
    select events.event_id, events.brand, windows.period, windows.shift, windows.lo, windows.hi
    from events
    cross join lateral (
        select
            greatest(1, ceil(epoch(events.ends_at - events.starts_at) / 604800))::bigint
                as weeks_back
    ) as length
    cross join lateral (
        select 'during' as period, 0 as shift, events.starts_at as lo, events.ends_at as hi
        union all
        select 'baseline' as period, k as shift,
            events.starts_at - to_weeks(k * length.weeks_back) as lo,
            events.ends_at - to_weeks(k * length.weeks_back) as hi
        from (select unnest([1, 2]) as k)
    ) as windows
    where windows.hi > windows.lo
),

cut_hours as (
    -- the hours a window starts or ends inside (hour marks: whole hours since 1970), with the
    -- part of each inside the window
    select distinct
        event_id,
        brand,
        period,
        shift,
        hour_mark,
        greatest(lo, make_timestamptz(hour_mark * 3600000000)) as part_lo,
        least(hi, make_timestamptz((hour_mark + 1) * 3600000000)) as part_hi
    from (
        select *, epoch_us(lo) // 3600000000 as hour_mark from windows
        where epoch_us(lo) % 3600000000 <> 0
        union all
        select *, (epoch_us(hi) - 1) // 3600000000 as hour_mark from windows
        where epoch_us(hi) % 3600000000 <> 0
    )
),

counted as (
    -- joined on the hour mark (a hash join: a join on the time range alone compares every
    -- message with every cut hour)
    select
        cut_hours.event_id,
        cut_hours.period,
        cut_hours.shift,
        messages.brand,
        to_timestamp(cut_hours.hour_mark * 3600) as hour,
        count(*) as inbound
    from cut_hours
    join messages
      on epoch_us(messages.created_at) // 3600000000 = cut_hours.hour_mark
     and messages.created_at >= cut_hours.part_lo
     and messages.created_at < cut_hours.part_hi
     and (cut_hours.brand is null or messages.brand = cut_hours.brand)
    where messages.direction = 'inbound'
      and messages.brand is not null
    group by all
)

select * from counted
order by hour, event_id, period, shift, brand;
