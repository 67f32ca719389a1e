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

hours as (
    -- each brand from the hour of its first conversation (or $start) to the end of the data
    select brands.brand, unnest(generate_series(
        greatest(brands.first_hour, limits.first_hour), limits.last_at, interval 1 hour
    )) as hour_at
    from (
        select brand, date_trunc('hour', min(started_at)) as first_hour
        from scoped
        group by brand
    ) as brands
    cross join limits
),

waiting as (
    -- every hour mark a conversation waits through, younger than the stale age
    select brand, started_at, hour_at
    from (
        select
            scoped.brand,
            scoped.started_at,
            unnest(generate_series(
                date_trunc('hour', scoped.started_at),
                least(scoped.first_response_at - interval 1 microsecond,
                      scoped.started_at + limits.max_age - interval 1 microsecond,
                      limits.last_at),
                interval 1 hour)) as hour_at
        from scoped
        cross join limits
        where scoped.started_at <= limits.last_at
    )
    where hour_at >= started_at
      and hour_at >= (select first_hour from limits)
),

waiting_figures as (
    select
        brand,
        hour_at,
        count(*) as waiting,
        max(epoch(hour_at - started_at)) / 60.0 as oldest_age_minutes,
        median(epoch(hour_at - started_at)) / 60.0 as median_age_minutes
    from waiting
    group by brand, hour_at
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

stale_running as (
    select
        brand,
        step_at,
        sum(sum(step)) over (partition by brand order by step_at) as stale
    from stale_steps
    group by brand, step_at
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
        coalesce(stale_running.stale, 0)::bigint as stale,
        coalesce(flow_figures.arrived, 0)::bigint as arrived,
        coalesce(flow_figures.first_responses, 0)::bigint as first_responses
    from hours
    left join waiting_figures using (brand, hour_at)
    left join flow_figures using (brand, hour_at)
    asof left join stale_running
      on stale_running.brand = hours.brand and stale_running.step_at <= hours.hour_at
)

select * from final
order by brand, hour_at
