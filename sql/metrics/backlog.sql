-- metric: backlog: conversations waiting for a first answer at each hour, and their age
-- backlog.sql: one row per brand and UTC hour mark h (the top of each hour) in [$start, $end),
-- from the hour of the brand's first conversation to the end of the data (max(created_at) in
-- messages); quiet hours are kept with 0.
-- A customer conversation (as in response-times: brand known, DM handoffs not counted twice)
-- is waiting at h when it started at or before h and has no brand response yet at h
-- (answered later, or never); one waiting for $max_age_hours or longer is stale instead (given
-- up on: an unanswered tweet would otherwise wait forever). Ages are calendar minutes at h.
-- arrived / first_responses: conversations starting / first answered in [h, h + 1 hour).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $max_age_hours (double: from this age a waiting conversation counts as stale)
-- default: max_age_hours = 168
with

data_end as (select max(created_at) as at from messages),

scoped as (
    select brand, started_at, first_response_at
    from conversations
    where brand is not null
      and handoff_of is null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
),

limits as (
    select
        date_trunc('hour', $start::timestamptz) as first_hour,
        least(data_end.at, $end::timestamptz - interval 1 microsecond) as last_at,
        to_microseconds(($max_age_hours::double * 3600e6)::bigint) as max_age
    from data_end
),

grid_start as (
    -- each brand from the hour of its first conversation (or $start) to the end of the data
    select scoped.brand, greatest(date_trunc('hour', min(scoped.started_at)),
                                  any_value(limits.first_hour)) as first_hour
    from scoped
    cross join limits
    group by scoped.brand
),

hours as (
    select grid_start.brand, unnest(generate_series(
        grid_start.first_hour, limits.last_at, interval 1 hour)) as hour_at
    from grid_start
    cross join limits
),

waiting as (
    -- every hour mark a conversation waits through, younger than the stale age; hour marks as
    -- whole hours since 1970 (integer ranges unnest far faster than timestamp series)
    select
        brand,
        started_us,
        unnest(range(
            -- the first hour mark at or after the start, and not before the grid
            greatest((started_us + 3599999999) // 3600000000, first_mark),
            -- the last one before the answer, before turning stale, at most the end of the data
            least(response_us - 1, started_us + max_age_us - 1, last_us) // 3600000000 + 1
        )) as mark
    from (
        select
            scoped.brand,
            epoch_us(scoped.started_at) as started_us,
            coalesce(epoch_us(scoped.first_response_at), 9223372036854775807) as response_us,
            epoch_us(limits.last_at) as last_us,
            epoch_us(limits.first_hour) // 3600000000 as first_mark,
            epoch_us(limits.max_age) as max_age_us
        from scoped
        cross join limits
        where scoped.started_at <= limits.last_at
    )
),

waiting_figures as (
    select
        brand,
        to_timestamp(mark * 3600) as hour_at,
        count(*) as waiting,
        max(mark * 3600000000 - started_us) / 60e6 as oldest_age_minutes,
        median(mark * 3600000000 - started_us) / 60e6 as median_age_minutes
    from waiting
    group by brand, mark
),

stale_steps as (
    -- +1 when a conversation turns stale unanswered, -1 when a stale one is answered
    select brand, started_at + limits.max_age as step_at, 1 as step
    from scoped
    cross join limits
    where coalesce(first_response_at, 'infinity'::timestamptz) > started_at + limits.max_age

    union all

    select brand, first_response_at as step_at, -1 as step
    from scoped
    cross join limits
    where first_response_at > started_at + limits.max_age
),

stale_by_hour as (
    -- each step counts from the first hour mark at or after it (earlier ones at the grid start)
    select
        stale_steps.brand,
        greatest(date_trunc('hour', stale_steps.step_at - interval 1 microsecond)
                     + interval 1 hour,
                 grid_start.first_hour) as hour_at,
        sum(stale_steps.step) as step
    from stale_steps
    join grid_start using (brand)
    group by all
),

flows as (
    select brand, date_trunc('hour', started_at) as hour_at, count(*) as arrived, 0 as answered
    from scoped
    group by all

    union all

    select brand, date_trunc('hour', first_response_at), 0, count(*)
    from scoped
    where first_response_at is not null
    group by all
),

flow_figures as (
    select brand, hour_at, sum(arrived) as arrived, sum(answered) as first_responses
    from flows
    group by brand, hour_at
),

final as (
    select
        hours.brand,
        hours.hour_at,
        coalesce(waiting_figures.waiting, 0) as waiting,
        waiting_figures.oldest_age_minutes,
        waiting_figures.median_age_minutes,
        sum(coalesce(stale_by_hour.step, 0)) over (
            partition by hours.brand order by hours.hour_at rows unbounded preceding
        )::bigint as stale,
        coalesce(flow_figures.arrived, 0)::bigint as arrived,
        coalesce(flow_figures.first_responses, 0)::bigint as first_responses
    from hours
    left join waiting_figures using (brand, hour_at)
    left join flow_figures using (brand, hour_at)
    left join stale_by_hour using (brand, hour_at)
)

select * from final
order by brand, hour_at
