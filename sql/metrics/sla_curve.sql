-- metric: sla-curve: Kaplan-Meier share answered by elapsed minutes, calendar and business
-- sla_curve.sql: one row per brand, clock ('calendar' | 'business') and elapsed minutes on a
-- fixed grid (1, 2, 5, 10, 15, 20, 30, 45 min, 1, 1.5, 2, 3, 4, 6, 8, 12, 18 h, 1, 1.5, 2, 3,
-- 5, 7 days) plus the brand's SLA targets from carepulse.toml (is_target).
-- Conversations: as in response-times (start in [$start, $end), brand known, DM handoffs not
-- counted twice), read from summary_sla_conversations (their columns, ordered by brand). Each
-- is observed from its start until its first response (an event) or, if unanswered, until
-- the end of the data = max(created_at) in messages (censored); with $horizon_minutes set,
-- observation also stops at the horizon (answers after it are censored there) and the grid
-- stops at it. On the business clock, both times are open minutes.
-- share_answered_km: 1 - the Kaplan-Meier survival at t (ties: answers at t before the
-- censorings at t); share_answered: answered within t over all conversations (censored ones in
-- the denominator, a lower bound). answered_by / censored_by: events and censorings at <= t;
-- waiting_after: conversations still observed and unanswered after t.
-- How, without sorting every answer time: between two censoring times the Kaplan-Meier
-- product telescopes (answers only shrink the risk set), so the survival at t is the product,
-- over the censoring times c <= t and then t, of (observed after the answers at c, i.e.
-- after c plus censored at c) / (observed after the previous censoring time). Only the counts
-- observed after each censoring time on the grid's span (unanswered conversations younger
-- than the grid's end) and after each grid minute are needed: per-minute totals plus the
-- exact times inside that one minute, both from the observations counted once per distinct
-- time. Those counting steps key each curve (brand and clock) by one number, hash(brand,
-- clock), half as costly to group, join and window by as the two texts (`curves` maps it
-- back; a key shared by two curves stops the query).
-- $clock picks the rows of one clock ('calendar' or 'business'; 'both' or null: both), at
-- half the work: the SLA page draws one clock at a time.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $horizon_minutes (double; null = observe until the end of the data),
--         $clock (text: both | calendar | business)
-- default: horizon_minutes = null
-- default: clock = both (both | calendar | business)
with

clocks as (
    -- the clocks asked for (the branches below test $clock itself: a test of the parameter
    -- alone goes below their joins, so a clock not asked for costs nothing)
    select clock
    from (values ('calendar'), ('business')) as clocks(clock)
    where $clock::varchar is null or $clock::varchar in ('both', clock)
),

data_end as (select max(created_at) as at from messages),

scoped as not materialized (
    -- read where used (the conversations, the clocks' times and the business clock's open
    -- ages): materializing 0.9M rows for its readers cost more than scanning the summary again
    select brand, started_at, answered, first_response_minutes, first_response_business_minutes
    from summary_sla_conversations
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

intervals as (
    -- each open interval until the next one opens: the interval holding t (or the last one
    -- closed before it) by an equality-and-range join, cheaper here than an ASOF join
    select
        *,
        coalesce(lead(open_at) over (partition by brand order by open_at),
                 'infinity'::timestamptz) as next_open_at
    from business_intervals
),

interval_days as (
    -- each interval once per UTC day number holding one of its times up to the end of the
    -- data (epoch_us of 'infinity' is null, which least() skips): the interval holding a start
    -- is found by brand and day, not among all of the brand's intervals (hundreds over a
    -- long span)
    select
        intervals.*,
        unnest(range(epoch_us(intervals.open_at) // 86400000000,
                     least(epoch_us(intervals.next_open_at) - 1, epoch_us(data_end.at))
                         // 86400000000 + 1)) as day
    from intervals
    cross join data_end
    where coalesce($clock::varchar in ('both', 'business'), true)
),

at_end as (
    select intervals.*
    from intervals
    cross join data_end
    where intervals.open_at <= data_end.at and data_end.at < intervals.next_open_at
),

open_age as (
    -- the open minutes from start to the end of the data: the business clock's censoring
    -- time, needed for the unanswered conversations only
    select
        scoped.brand,
        scoped.answered,
        coalesce(at_end.open_before_minutes, 0) - coalesce(at_start.open_before_minutes, 0)
            + (coalesce(epoch_us(least(data_end.at, at_end.close_at))
                   - epoch_us(at_end.open_at), 0)
               - coalesce(epoch_us(least(scoped.started_at, at_start.close_at))
                   - epoch_us(at_start.open_at), 0)) / 60e6 as minutes
    from scoped
    cross join data_end
    left join interval_days as at_start
      on at_start.brand = scoped.brand
     and at_start.day = epoch_us(scoped.started_at) // 86400000000
     and at_start.open_at <= scoped.started_at
     and scoped.started_at < at_start.next_open_at
    left join at_end on at_end.brand = scoped.brand
    where scoped.first_response_business_minutes is null
      and coalesce($clock::varchar in ('both', 'business'), true)
),

raw_times as (
    select
        scoped.brand,
        'calendar' as clock,
        scoped.answered,
        -- an unanswered conversation's age at the end of the data in seconds as
        -- epoch(data_end.at - started_at) gives it (whole UTC days plus the rest), in integer
        -- arithmetic (the timestamptz difference costs five times as much); coalesce
        -- computes it for the unanswered rows only
        coalesce(scoped.first_response_minutes,
                 (scoped.age_us // 86400000000 * 86400 + scoped.age_us % 86400000000 / 1e6)
                     / 60.0) as minutes
    from (
        select scoped.*, epoch_us(data_end.at) - epoch_us(scoped.started_at) as age_us
        from scoped
        cross join data_end
    ) as scoped
    where coalesce($clock::varchar in ('both', 'calendar'), true)

    union all

    select brand, 'business' as clock, answered, first_response_business_minutes
    from scoped
    where first_response_business_minutes is not null
      and coalesce($clock::varchar in ('both', 'business'), true)

    union all

    select brand, 'business' as clock, answered, minutes
    from open_age
),

observed as (
    -- curve: the 64-bit hash of brand and clock, the key of the counting steps below
    -- (grouping, joining and sorting by one number costs half as much as by two texts);
    -- `curves` maps it back
    select
        hash(brand, clock) as curve,
        answered and ($horizon_minutes::double is null
                      or minutes <= $horizon_minutes::double) as event,
        -- without a horizon the time itself: the planner folds the constant test, where
        -- least(minutes, coalesce(null, minutes)) was computed for every row (-2 to -4% CPU)
        case
            when $horizon_minutes::double is null then minutes
            else least(minutes, $horizon_minutes::double)
        end as minutes
    from raw_times
),

totals as (
    select brand, count(*) as conversations from scoped group by brand
),

brand_targets as (
    -- the brand's own SLA targets, else the default ones (joins, not a correlated subquery:
    -- cheaper to plan)
    select totals.brand, config_sla.target_minutes
    from totals
    left join (
        select distinct lower(brand) as brand_key from config_sla where brand is not null
    ) as own on own.brand_key = lower(totals.brand)
    join config_sla
      on lower(config_sla.brand) = lower(totals.brand)
      or (config_sla.brand is null and own.brand_key is null)
),

grid as (
    select totals.brand, clocks.clock, marks.minutes
    from totals
    cross join clocks
    cross join (
        select unnest([1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720,
                       1080, 1440, 2160, 2880, 4320, 7200, 10080])::double as minutes
    ) as marks

    union

    select brand_targets.brand, clocks.clock, brand_targets.target_minutes
    from brand_targets
    cross join clocks
),

grid_end as (select max(minutes) as minutes from grid),

curves as (
    -- the curves drawn (brand and clock) with their keys; two of one key (a hash collision)
    -- stop the query rather than merge their counts
    select
        totals.brand,
        clocks.clock,
        totals.conversations,
        case
            when count(*) over (partition by hash(totals.brand, clocks.clock)) = 1
                then hash(totals.brand, clocks.clock)
            else error('sla_curve: two curves share a hash key')
        end as curve
    from totals
    cross join clocks
),

grid_keyed as (
    select curves.curve, grid.minutes
    from grid
    join curves using (brand, clock)
),

value_counts as (
    -- observations on the grid's span, one row per curve and distinct time with its counts
    -- (the later ones only count as still observed: all conversations minus those up to a
    -- threshold); counts as doubles (exact below 2^53): running sums of doubles are twice as
    -- fast as of integers, which DuckDB widens to 128 bits
    select
        curve,
        minutes,
        floor(minutes)::bigint as minute,
        count(*)::double as observed,
        count(*) filter (where event)::double as answered
    from observed
    where minutes <= (select minutes from grid_end)
    group by curve, minutes
),

thresholds as (
    -- the censoring times on the grid's span, with how many are censored there, and the grid
    select curve, minutes, minute, sum(censored) as censored, bool_or(on_grid) as on_grid
    from (
        select curve, minutes, minute, observed - answered as censored, false as on_grid
        from value_counts
        where observed > answered

        union all

        select curve, minutes, floor(minutes)::bigint, 0, true from grid_keyed
    )
    group by curve, minutes, minute
),

minute_totals as (
    -- observations and answers in the whole minutes before each minute with observations or
    -- on the grid (a censoring time's minute has its own observation): running sums over the
    -- minutes, less the minute's own counts (the distinct times summed by minute in one step
    -- with the grid's minutes: exact counts in any order)
    select
        curve,
        minute,
        sum(observed) over upto - observed as observed,
        sum(answered) over upto - answered as answered
    from (
        select curve, minute, sum(observed) as observed, sum(answered) as answered
        from (
            select curve, minute, observed, answered
            from value_counts

            union all

            select curve, minute, 0, 0
            from thresholds
            where on_grid
        )
        group by curve, minute
    )
    window upto as (partition by curve order by minute rows unbounded preceding)
),

in_own_minute as (
    -- observations and answers at or before each threshold within the threshold's minute (for
    -- a whole-minute threshold, those exactly at it): a threshold meets the few distinct times
    -- of its minute (at most 60 when times are whole seconds), not every observation in it
    -- (thousands in an early minute)
    -- (each threshold's row is carried through, one per curve and time: no second join back)
    select
        thresholds.curve,
        thresholds.minutes,
        thresholds.minute,
        any_value(thresholds.censored) as censored,
        any_value(thresholds.on_grid) as on_grid,
        coalesce(sum(observed.observed), 0) as observed,
        coalesce(sum(observed.answered), 0) as answered
    from thresholds
    left join value_counts as observed
      on observed.curve = thresholds.curve
     and observed.minute = thresholds.minute
     and observed.minutes <= thresholds.minutes
    group by thresholds.curve, thresholds.minutes, thresholds.minute
),

counted as (
    -- at each threshold: answered and censored at or before it, observed after it
    select
        in_own_minute.curve,
        curves.brand,
        curves.clock,
        in_own_minute.minutes,
        in_own_minute.censored,
        in_own_minute.on_grid,
        curves.conversations,
        before_minute.answered + in_own_minute.answered as answered_by,
        before_minute.observed + in_own_minute.observed
            - before_minute.answered - in_own_minute.answered as censored_by,
        curves.conversations - before_minute.observed - in_own_minute.observed as after
    from in_own_minute
    -- observations and answers in the whole minutes before the threshold's minute
    join minute_totals as before_minute using (curve, minute)
    join curves using (curve)
),

censoring_steps as (
    -- at risk after the previous censoring time (or all conversations before the first), and
    -- after the last censoring time at or before this one (counts: exact in any order, so
    -- windowed by the curve's key)
    select
        *,
        coalesce(last_value(case when censored > 0 then after end ignore nulls) over (
                     partition by curve order by minutes
                     rows between unbounded preceding and 1 preceding),
                 conversations) as before,
        coalesce(last_value(case when censored > 0 then after end ignore nulls) over (
                     partition by curve order by minutes rows unbounded preceding),
                 conversations) as after_last_censoring
    from counted
),

km as (
    -- the answers since the previous censoring time multiply the survival by (at risk after
    -- them) / (at risk after that censoring time); at a grid minute, the product up to the
    -- last censoring time at or before it times the answers since then (a sum of doubles,
    -- windowed by brand and clock: DuckDB's windowed sum rounds by where a partition's rows
    -- sit among the others, and this is the layout the previous text summed in)
    select
        *,
        sum(case
                when censored > 0 and after + censored < before
                    then ln(1 - (before - after - censored) / before)
                else 0
            end) over (partition by brand, clock order by minutes rows unbounded preceding)
            as log_survival
    from censoring_steps
),

final as (
    select
        km.brand,
        km.clock,
        km.minutes,
        km.conversations,
        km.answered_by::bigint as answered_by,
        km.censored_by::bigint as censored_by,
        km.after::bigint as waiting_after,
        case
            when km.after = 0 and km.after_last_censoring > 0 then 1.0
            when km.after < km.after_last_censoring
                then 1 - exp(km.log_survival
                             + ln(1 - (km.after_last_censoring - km.after)
                                      / km.after_last_censoring))
            else 1 - exp(km.log_survival)
        end as share_answered_km,
        km.answered_by / km.conversations as share_answered,
        -- a join, not a correlated IN: cheaper to plan (targets are never null, so no NULL)
        targets.brand is not null as is_target
    from km
    left join (select distinct brand, target_minutes from brand_targets) as targets
      on targets.brand = km.brand
     and targets.target_minutes = km.minutes
    where km.on_grid
      and ($horizon_minutes::double is null or km.minutes <= $horizon_minutes::double)
)

select * from final
order by brand, clock desc, minutes
