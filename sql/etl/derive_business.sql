-- derive_business.sql: each brand's open intervals in UTC over the data's date range, with the
-- open minutes before each one, from the stored configuration (config_* tables).
-- One row per brand and open interval (overlapping or touching intervals merged). Business
-- minutes between t1 <= t2 of a brand are F(t2) - F(t1), where F(t) = open_before_minutes +
-- the open minutes of the interval holding t (ASOF join on open_at <= t; 0 before the first).
-- Rules (docs/configuration.md): local days take the latest schedule version in effect on them
-- (the earliest version also covers the days before it); a day not listed is closed; a holiday
-- closes the intervals that open on that local date; a brand without schedule versions is open
-- 24x7 in its time zone; brands are matched to the file case-insensitively, unlisted ones are
-- open 24x7 in UTC. Local times become UTC with timezone(), so DST changes are honoured.
-- derive_business_clock.sql then turns them into a lookup table by hour for the derive steps.
-- params: none

create or replace table business_intervals as

with

brands as (
    select
        seen.brand,
        coalesce(any_value(config_brands.timezone), 'UTC') as timezone,
        any_value(config_brands.brand) as config_brand
    from (select distinct brand from messages where brand is not null) as seen
    left join config_brands on lower(config_brands.brand) = lower(seen.brand)
    group by seen.brand
),

span as (select min(created_at) as first_at, max(created_at) as last_at from messages),

day_series as (
    select
        brands.brand,
        brands.timezone,
        brands.config_brand,
        unnest(generate_series(
            timezone(brands.timezone, span.first_at)::date - 2,
            timezone(brands.timezone, span.last_at)::date + 2,
            interval 1 day
        )) as day_start
    from brands
    cross join span
    where span.first_at is not null
),

days as (
    select brand, timezone, config_brand, day_start::date as day, isodow(day_start) as weekday
    from day_series
),

first_version as (
    select lower(brand) as brand_key, min(effective_from) as effective_from
    from config_schedules
    group by lower(brand)
),

versioned as (
    select
        days.*,
        coalesce(in_effect.effective_from, first_version.effective_from) as version
    from days
    asof left join (
        select lower(brand) as brand_key, effective_from from config_schedules
    ) as in_effect
      on in_effect.brand_key = lower(days.config_brand) and in_effect.effective_from <= days.day
    left join first_version on first_version.brand_key = lower(days.config_brand)
),

open_days as (
    select versioned.*
    from versioned
    where not exists (
        select 1
        from config_holidays as holidays
        where lower(holidays.brand) = lower(versioned.config_brand)
          and holidays.day = versioned.day
          and (holidays.effective_from is null or holidays.effective_from = versioned.version)
    )
),

spans as (
    -- a brand with schedule versions: that day's hours; without: the whole local day
    select open_days.brand, open_days.timezone, open_days.day, hours.opens_minute,
        hours.closes_minute
    from open_days
    join config_hours as hours
      on lower(hours.brand) = lower(open_days.config_brand)
     and hours.effective_from = open_days.version
     and hours.weekday = open_days.weekday
    where open_days.version is not null

    union all

    select brand, timezone, day, 0 as opens_minute, 1440 as closes_minute
    from open_days
    where version is null
),

intervals as (
    select
        brand,
        timezone(timezone, day::timestamp + opens_minute * interval 1 minute) as open_at,
        timezone(timezone, day::timestamp + closes_minute * interval 1 minute) as close_at
    from spans
),

ordered as (
    select
        brand,
        open_at,
        close_at,
        max(close_at) over (
            partition by brand order by open_at, close_at
            rows between unbounded preceding and 1 preceding
        ) as reach_before
    from intervals
    where close_at > open_at
),

islands as (
    select
        *,
        sum(case when reach_before >= open_at then 0 else 1 end) over (
            partition by brand order by open_at, close_at rows unbounded preceding
        ) as island
    from ordered
),

merged as (
    select brand, min(open_at) as open_at, max(close_at) as close_at
    from islands
    group by brand, island
),

final as (
    select
        brand,
        open_at,
        close_at,
        coalesce(sum(epoch(close_at - open_at) / 60.0) over (
            partition by brand order by open_at
            rows between unbounded preceding and 1 preceding
        ), 0) as open_before_minutes
    from merged
)

select * from final
order by brand, open_at;
