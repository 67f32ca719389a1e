-- derive_business_clock.sql: temp table business_clock, the ASOF answer of business_intervals
-- (derive_business.sql) as a lookup by (brand, UTC hour number = epoch_us // 3600e6), which is
-- far cheaper than an ASOF join over a million instants; derive_replies.sql and
-- derive_conversations.sql read it. One row per brand, hour that holds a message and piece of
-- that hour: the interval in effect at the hour's start (NULL before the first), then one piece
-- from each interval that opens inside the hour. An instant t matches exactly one row: hour =
-- t's hour, valid_from <= t < valid_to; its open_at, close_at, open_before_minutes are those of
-- the last interval with open_at <= t.
-- Its own step: an incremental derive re-runs derive_business on the loaded database after the
-- merge (derive_scope.GLOBAL_STEPS) for business_intervals alone, and needs no lookup table there.
-- params: none

create or replace temp table business_clock as

with

message_hours as (
    -- the hours that hold a message: every instant looked up (a conversation's start and first
    -- response, a reply and its parent) is a message's time. Not every hour of the data's span:
    -- the public twcs file has a few messages years before the rest, which made this table one
    -- row per brand and hour of six years (4.2M rows for the first 5,000 records)
    select distinct epoch_us(created_at) // 3600000000 as hour
    from messages
    where created_at is not null
),

hours as (
    select brands.brand, message_hours.hour
    from (select distinct brand from business_intervals) as brands
    cross join message_hours
),

at_hour_start as (
    select
        hours.brand,
        hours.hour,
        make_timestamptz(hours.hour * 3600000000) as valid_from,
        interval.open_at,
        interval.close_at,
        interval.open_before_minutes
    from hours
    asof left join business_intervals as interval
      on interval.brand = hours.brand
     and interval.open_at <= make_timestamptz(hours.hour * 3600000000)
),

opening_inside as (
    select
        brand,
        epoch_us(open_at) // 3600000000 as hour,
        open_at as valid_from,
        open_at,
        close_at,
        open_before_minutes
    from business_intervals
    where epoch_us(open_at) % 3600000000 <> 0
),

pieces as (
    select * from at_hour_start
    union all
    select * from opening_inside
),

final as (
    select
        brand,
        hour,
        valid_from,
        coalesce(
            lead(valid_from) over (partition by brand, hour order by valid_from),
            make_timestamptz((hour + 1) * 3600000000)
        ) as valid_to,
        open_at,
        close_at,
        open_before_minutes
    from pieces
)

select * from final;
