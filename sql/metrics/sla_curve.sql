-- metric: sla-curve: Kaplan-Meier share answered by elapsed minutes, calendar and business
-- sla_curve.sql: one row per brand, clock ('calendar' | 'business') and elapsed minutes on a
-- fixed grid (1, 2, 5, 10, 15, 20, 30, 45 min, 1, 1.5, 2, 3, 4, 6, 8, 12, 18 h, 1, 1.5, 2, 3,
-- 5, 7 days) plus the brand's SLA targets from carepulse.toml (is_target).
-- Conversations: as in response-times (start in [$start, $end), brand known, DM handoffs not
-- counted twice). Each is observed from its start until its first response (an event) or, if
-- unanswered, until the end of the data = max(created_at) in messages (censored); with
-- $horizon_minutes set, observation also stops at the horizon (answers after it are censored
-- there) and the grid stops at it. On the business clock, both times are open minutes.
-- share_answered_km: 1 - the Kaplan-Meier survival at t (ties: answers at t before the
-- censorings at t); share_answered: answered within t over all conversations (censored ones in
-- the denominator, a lower bound). answered_by / censored_by: events and censorings at <= t;
-- waiting_after: conversations still observed and unanswered after t.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $horizon_minutes (double; null = observe until the end of the data)
-- default: horizon_minutes = null
with

data_end as (select max(created_at) as at from messages),

scoped as (
    select *
    from conversations
    where brand is not null
      and handoff_of is null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

open_minutes as (
    -- the open minutes from start to the end of the data, the business clock's censoring time
    select
        scoped.conversation_id,
        coalesce(at_end.open_before_minutes, 0) - coalesce(at_start.open_before_minutes, 0)
            + (coalesce(epoch_us(least(data_end.at, at_end.close_at))
                   - epoch_us(at_end.open_at), 0)
               - coalesce(epoch_us(least(scoped.started_at, at_start.close_at))
                   - epoch_us(at_start.open_at), 0)) / 60e6 as open_age_minutes
    from scoped
    cross join data_end
    asof left join business_intervals as at_start
      on at_start.brand = scoped.brand and at_start.open_at <= scoped.started_at
    asof left join business_intervals as at_end
      on at_end.brand = scoped.brand and at_end.open_at <= data_end.at
),

raw_times as (
    select
        scoped.brand,
        'calendar' as clock,
        scoped.answered,
        coalesce(scoped.first_response_minutes,
                 epoch(data_end.at - scoped.started_at) / 60.0) as minutes
    from scoped
    cross join data_end

    union all

    select
        scoped.brand,
        'business' as clock,
        scoped.answered,
        coalesce(scoped.first_response_business_minutes, open_minutes.open_age_minutes)
    from scoped
    join open_minutes using (conversation_id)
),

observed as (
    select
        brand,
        clock,
        answered and ($horizon_minutes::double is null
                      or minutes <= $horizon_minutes::double) as event,
        least(minutes, coalesce($horizon_minutes::double, minutes)) as minutes
    from raw_times
),

steps as (
    select
        brand,
        clock,
        minutes,
        count(*) filter (where event) as events,
        count(*) as observed
    from observed
    group by brand, clock, minutes
),

at_risk as (
    select
        *,
        sum(observed) over (
            partition by brand, clock order by minutes desc rows unbounded preceding
        ) as at_risk
    from steps
),

km as (
    select
        brand,
        clock,
        minutes,
        sum(events) over running as answered_by,
        sum(observed - events) over running as censored_by,
        sum(case when events = at_risk then 1 else 0 end) over running as emptied,
        sum(case when events > 0 and events < at_risk then ln(1 - events / at_risk) else 0 end)
            over running as log_survival
    from at_risk
    window running as (partition by brand, clock order by minutes rows unbounded preceding)
),

totals as (
    select brand, count(*) as conversations from scoped group by brand
),

brand_targets as (
    -- the brand's own SLA targets, else the default ones
    select totals.brand, config_sla.target_minutes
    from totals
    join config_sla
      on lower(config_sla.brand) = lower(totals.brand)
      or (config_sla.brand is null and not exists (
          select 1 from config_sla as own where lower(own.brand) = lower(totals.brand)))
),

grid as (
    select totals.brand, clocks.clock, marks.minutes
    from totals
    cross join (values ('calendar'), ('business')) as clocks(clock)
    cross join (
        select unnest([1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720,
                       1080, 1440, 2160, 2880, 4320, 7200, 10080])::double as minutes
    ) as marks

    union

    select brand_targets.brand, clocks.clock, brand_targets.target_minutes
    from brand_targets
    cross join (values ('calendar'), ('business')) as clocks(clock)
),

final as (
    select
        grid.brand,
        grid.clock,
        grid.minutes,
        totals.conversations,
        coalesce(km.answered_by, 0)::bigint as answered_by,
        coalesce(km.censored_by, 0)::bigint as censored_by,
        (totals.conversations - coalesce(km.answered_by, 0) - coalesce(km.censored_by, 0))::bigint
            as waiting_after,
        case
            when km.minutes is null then 0.0
            when km.emptied > 0 then 1.0
            else 1 - exp(km.log_survival)
        end as share_answered_km,
        coalesce(km.answered_by, 0) / totals.conversations as share_answered,
        grid.minutes in (
            select target_minutes from brand_targets where brand_targets.brand = grid.brand
        ) as is_target
    from grid
    join totals using (brand)
    asof left join km
      on km.brand = grid.brand and km.clock = grid.clock and km.minutes <= grid.minutes
    where $horizon_minutes::double is null or grid.minutes <= $horizon_minutes::double
)

select * from final
order by brand, clock desc, minutes
