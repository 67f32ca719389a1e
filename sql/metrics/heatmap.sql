-- metric: heatmap: inbound volume and FRT median by hour of week in the brand's local time
-- heatmap.sql: one row per brand and local hour of the week (168 rows per brand: 1 = Monday,
-- hour 0-23, hour_of_week = (weekday - 1) * 24 + hour), in the brand's time zone from
-- carepulse.toml (UTC when not configured); empty hours are kept with 0.
-- inbound_messages: every customer message (public or DM) of the brand sent in [$start, $end),
-- the care team's workload; conversations: customer conversations starting in that hour (as
-- in response-times) and their FRT median on the calendar and the business clock.
-- How: customer messages of the whole UTC hours inside the period come from
-- summary_volume_hourly when the hour's four quarter hours fall in one local hour (always but
-- in zones whose offset is not whole hours, or changes within the hour); the partial hours at
-- the period's edges and such split hours, from messages by quarter hour. Conversations from
-- summary_sla_conversations (the same rows, in brand order: one brand's period is a few row
-- groups).
-- $clock: 'both' (default) computes the FRT median of both clocks; 'calendar' or 'business' only
-- that clock's, the other's is NULL (the SLA page draws one clock: a median needs every value).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $clock (text: both | calendar | business)
-- default: clock = both (both | calendar | business)
with

zones as (
    -- each brand's time zone (a join, not a correlated subquery: cheaper to plan)
    select
        seen.brand,
        coalesce(configured.timezone, 'UTC') as timezone
    from (select distinct brand from summary_volume_hourly where brand is not null) as seen
    left join (
        select lower(brand) as brand_key, max(timezone) as timezone
        from config_brands
        group by all
    ) as configured on configured.brand_key = lower(seen.brand)
    where len($brands::varchar[]) = 0 or list_contains($brands::varchar[], seen.brand)
),

whole_hours as (
    -- customer messages per brand and UTC hour entirely inside [$start, $end), as whole hours
    -- since 1970 (summary_volume_hourly)
    select brand, epoch_us(hour) // 3600000000 as hour_mark, inbound as messages
    from summary_volume_hourly
    where brand in (select brand from zones)
      and hour >= date_trunc('hour', $start::timestamptz - interval 1 microsecond)
                  + interval 1 hour
      and hour < date_trunc('hour', $end::timestamptz)
),

edge_inbound as (
    -- customer messages of the rest of the period (before the first whole hour, and from the
    -- end of the last one; with no whole hour inside, the two ranges cover the period) per
    -- brand and UTC quarter hour (quarter = epoch seconds / 900, by integer division: whole
    -- quarter hours since 1970 for every time after 1970); none when $start and $end are hour
    -- marks (both ranges are empty then), a constant: no scan of messages
    select
        brand,
        epoch_us(created_at) // 900000000 as quarter,
        count(*) as messages
    from messages
    where direction = 'inbound'
      and brand in (select brand from zones)
      and (date_trunc('hour', $start::timestamptz) <> $start::timestamptz
           or date_trunc('hour', $end::timestamptz) <> $end::timestamptz)
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
    group by all
),

started as (
    select
        brand,
        epoch_us(started_at) // 900000000 as quarter,
        first_response_minutes,
        first_response_business_minutes
    from summary_sla_conversations
    where started_at >= $start::timestamptz
      and started_at < $end::timestamptz
      -- the chosen brands as a constant filter, not a semi join with zones: `response` joins
      -- these rows to local_quarters, which holds the zones' brands only
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
),

period_hours as (
    -- the UTC hours of the period (the partial ones at its edges included) that hold a
    -- customer message of any brand (summary_volume_hourly): every instant placed below is a
    -- customer message's time (a conversation starts at its first customer message). Not every
    -- hour of the period: real exports hold a few tweets years older than the rest, and
    -- converting every quarter hour of six years for 80 brands took 14 s
    select distinct epoch_us(hour) // 3600000000 as hour_mark
    from summary_volume_hourly
    where hour >= date_trunc('hour', $start::timestamptz)
      and hour < $end::timestamptz
),

local_quarters as (
    -- the local weekday and hour of each quarter hour of those hours, converted once per brand:
    -- time zone offsets are whole quarter hours and change on a quarter hour, so every
    -- instant of a UTC quarter hour falls in the same local hour (all four quarters of an hour
    -- rather than the distinct ones in use: listing those costs more than converting all)
    select
        quarters.brand,
        quarters.quarter,
        isodow(timezone(quarters.timezone, to_timestamp(quarters.quarter * 900))) as weekday,
        hour(timezone(quarters.timezone, to_timestamp(quarters.quarter * 900))) as hour
    from (
        select
            zones.brand,
            zones.timezone,
            unnest(range(period_hours.hour_mark * 4, period_hours.hour_mark * 4 + 4)) as quarter
        from zones
        cross join period_hours
    ) as quarters
),

whole_local as (
    -- each whole hour's local weekday and hour, and whether its four quarter hours share them
    select
        whole_hours.brand,
        whole_hours.hour_mark,
        any_value(whole_hours.messages) as messages,
        min(local_quarters.weekday) as weekday,
        min(local_quarters.hour) as hour,
        -- one local weekday and hour for all four (min = max: cheaper than counting distinct)
        min(local_quarters.weekday) = max(local_quarters.weekday)
            and min(local_quarters.hour) = max(local_quarters.hour) as uniform
    from whole_hours
    join local_quarters
      on local_quarters.brand = whole_hours.brand
     and local_quarters.quarter // 4 = whole_hours.hour_mark
    group by whole_hours.brand, whole_hours.hour_mark
),

split_inbound as (
    -- customer messages of whole hours split over two local hours, per quarter hour
    select
        messages.brand,
        epoch_us(messages.created_at) // 900000000 as quarter,
        count(*) as messages
    from whole_local
    join messages
      on messages.brand = whole_local.brand
     and epoch_us(messages.created_at) // 3600000000 = whole_local.hour_mark
    where not whole_local.uniform
      and messages.direction = 'inbound'
    group by all
),

volume as (
    select brand, weekday, hour, sum(messages)::bigint as messages
    from (
        select brand, weekday, hour, messages
        from whole_local
        where uniform

        union all

        select local_quarters.brand, local_quarters.weekday, local_quarters.hour,
            quarters.messages
        from (select * from edge_inbound union all select * from split_inbound) as quarters
        join local_quarters using (brand, quarter)
    )
    group by all
),

response as (
    select
        local_quarters.brand,
        local_quarters.weekday,
        local_quarters.hour,
        count(*) as conversations,
        -- a clock not asked for is a constant NULL, which the planner drops with its aggregate
        -- and its column (a constant FILTER instead is still read and tested on every row)
        case when $clock::varchar <> 'business' then median(started.first_response_minutes) end
            as frt_median_minutes,
        case when $clock::varchar <> 'calendar'
            then median(started.first_response_business_minutes) end
            as frt_business_median_minutes
    from started
    join local_quarters using (brand, quarter)
    group by all
),

cells as (
    select zones.brand, zones.timezone, days.weekday, hours.hour
    from zones
    cross join (select unnest(range(1, 8)) as weekday) as days
    cross join (select unnest(range(0, 24)) as hour) as hours
    where zones.brand in (select brand from volume union select brand from response)
),

final as (
    select
        cells.brand,
        cells.timezone,
        cells.weekday,
        ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][cells.weekday] as weekday_name,
        cells.hour,
        (cells.weekday - 1) * 24 + cells.hour as hour_of_week,
        coalesce(volume.messages, 0) as inbound_messages,
        coalesce(response.conversations, 0) as conversations,
        response.frt_median_minutes,
        response.frt_business_median_minutes
    from cells
    left join volume using (brand, weekday, hour)
    left join response using (brand, weekday, hour)
)

select * from final
order by brand, hour_of_week
