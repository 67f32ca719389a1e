-- reference: metrics/heatmap.sql as it was before it read summary_volume_hourly, counting every
-- customer message of the period (tests/test_metrics_summaries_backlog.py).
-- metric: heatmap: inbound volume and FRT median by hour of week in the brand's local time
-- heatmap.sql: one row per brand and local hour of the week (168 rows per brand: 1 = Monday,
-- hour 0-23, hour_of_week = (weekday - 1) * 24 + hour), in the brand's time zone from
-- carepulse.toml (UTC when not configured); empty hours are kept with 0.
-- inbound_messages: every customer message (public or DM) of the brand sent in [$start, $end),
-- the care team's workload; conversations: customer conversations starting in that hour (as
-- in response-times) and their FRT median on the calendar and the business clock.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

zones as (
    select
        seen.brand,
        coalesce(
            (select max(timezone) from config_brands
             where lower(config_brands.brand) = lower(seen.brand)),
            'UTC'
        ) as timezone
    from (select distinct brand from messages where brand is not null) as seen
    where len($brands::varchar[]) = 0 or list_contains($brands::varchar[], seen.brand)
),

inbound as (
    -- customer messages per brand and UTC quarter hour (quarter = epoch seconds / 900, by
    -- integer division: whole quarter hours since 1970 for every time after 1970)
    select
        messages.brand,
        epoch_us(messages.created_at) // 900000000 as quarter,
        count(*) as messages
    from messages
    where messages.direction = 'inbound'
      and messages.created_at >= $start::timestamptz
      and messages.created_at < $end::timestamptz
      and messages.brand in (select brand from zones)
    group by all
),

started as (
    select
        brand,
        epoch_us(started_at) // 900000000 as quarter,
        first_response_minutes,
        first_response_business_minutes
    from conversations
    where handoff_of is null
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
      and brand in (select brand from zones)
),

quarter_span as (
    -- the first and last quarter hour with a message or a conversation start in scope
    select min(quarter) as first_quarter, max(quarter) as last_quarter
    from (
        select quarter from inbound
        union all
        select quarter from started
    )
),

local_quarters as (
    -- the local weekday and hour of each quarter hour of the span, converted once per brand:
    -- time zone offsets are whole quarter hours and change on a quarter hour, so every
    -- instant of a UTC quarter hour falls in the same local hour (every quarter of the span
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
            unnest(range(quarter_span.first_quarter, quarter_span.last_quarter + 1)) as quarter
        from zones
        cross join quarter_span
    ) as quarters
),

volume as (
    select local_quarters.brand, local_quarters.weekday, local_quarters.hour,
        sum(inbound.messages)::bigint as messages
    from inbound
    join local_quarters using (brand, quarter)
    group by all
),

response as (
    select
        local_quarters.brand,
        local_quarters.weekday,
        local_quarters.hour,
        count(*) as conversations,
        median(started.first_response_minutes) as frt_median_minutes,
        median(started.first_response_business_minutes) as frt_business_median_minutes
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
