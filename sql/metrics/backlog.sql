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
-- How: at the default max age (168 hours), for a period starting within the last 2,880 hour
-- marks (120 days) of the data, every figure of an hour mark is read from
-- summary_backlog_hourly (built after every load with the same definitions; it holds each brand's
-- marks from its first conversation, or the window's first mark, to the end of the data):
-- `summarised`. Any other max age or an older start is computed here from conversations
-- (`direct`, the rest of the file): hour marks are whole hours
-- since 1970 (integer arithmetic, UTC); see the ranks in wanted_days / wanted / picked: no per
-- conversation-hour rows.
-- default: max_age_hours = 168
with

by_summary as (
    -- the summary answers: default max age, and $start within its window (the same 2,880 marks
    -- as in sql/etl/summary_backlog_hourly.sql, back from its last mark, the end of the data)
    select coalesce(
        $max_age_hours::double = 168
        and (date_trunc('hour', $start::timestamptz) >= max(hour) - interval 2879 hours
             -- or no brand's first hour is cut off by the window
             or min(hour) > max(hour) - interval 2879 hours),
        false) as yes
    from summary_backlog_hourly
),

direct_mode as (
    -- one row when computing directly, none when the summary answers (an inner join with it
    -- ends the direct branch's scans early)
    select true as direct
    from by_summary
    where not yes
),

summarised as (
    select
        brand,
        hour as hour_at,
        waiting,
        oldest_age_minutes,
        median_age_minutes,
        stale,
        arrived,
        first_responses
    from summary_backlog_hourly
    where (select yes from by_summary)
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and hour >= date_trunc('hour', $start::timestamptz)
      and hour < $end::timestamptz
),

data_end as (
    select max(messages.created_at) as at
    from messages
    join direct_mode on direct_mode.direct
),

scoped as (
    select conversations.brand, conversations.started_at, conversations.first_response_at
    from conversations
    join direct_mode on direct_mode.direct
    where conversations.brand is not null
      and conversations.handoff_of is null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], conversations.brand))
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

timed as (
    -- start, first response (or never) and the instant of turning stale, in microseconds
    select
        scoped.brand,
        scoped.started_at,
        epoch_us(scoped.started_at) as started_us,
        coalesce(epoch_us(scoped.first_response_at), 9223372036854775807) as response_us,
        epoch_us(scoped.started_at) + epoch_us(limits.max_age) as stale_us
    from scoped
    cross join limits
),

spans as (
    -- the hour marks each conversation waits through, younger than the stale age, as whole
    -- hours since 1970: from the first mark at or after its start (start_mark; not before the
    -- grid: first_mark) to last_mark, before the answer, before turning stale and at most the
    -- end of the data (none when answered before the next mark)
    select brand, started_us, start_mark, first_mark, last_mark
    from (
        select
            timed.brand,
            timed.started_us,
            (timed.started_us + 3599999999) // 3600000000 as start_mark,
            greatest((timed.started_us + 3599999999) // 3600000000,
                     epoch_us(limits.first_hour) // 3600000000) as first_mark,
            least(timed.response_us - 1, timed.stale_us - 1, epoch_us(limits.last_at))
                // 3600000000 as last_mark
        from timed
        cross join limits
        where timed.started_at <= limits.last_at
    )
    where first_mark <= last_mark
),

waits as (
    -- each mark a conversation waits at, younger than the stale age; conversations that share
    -- their start mark and last mark come as one row with their count (a week-long wait is then
    -- one row per mark for all conversations of its start hour)
    select
        brand,
        start_mark,
        conversations,
        unnest(range(first_mark, last_mark + 1)) as mark
    from (
        select brand, start_mark, first_mark, last_mark, count(*) as conversations
        from spans
        group by brand, start_mark, first_mark, last_mark
    )
),

day_cells as (
    -- conversations waiting at each mark by the UTC day (24 marks) they started waiting in,
    -- oldest first, with running totals
    select
        *,
        sum(waiting) over (
            partition by brand, mark order by start_day rows unbounded preceding
        ) as through,
        sum(waiting) over (partition by brand, mark) as total
    from (
        select brand, mark, start_mark // 24 as start_day, sum(conversations)::bigint as waiting
        from waits
        group by brand, mark, start_mark // 24
    )
),

wanted_days as (
    -- the ranks (0 = oldest start) that give the oldest age and the median age at each mark
    -- (median ages interpolate the two middle ones), and the start day holding each
    select
        ranks.brand,
        ranks.mark,
        ranks.total,
        ranks.role,
        day_cells.start_day,
        ranks.position - (day_cells.through - day_cells.waiting) as position_in_day
    from (
        select brand, mark, total, 'oldest' as role, 0 as position
        from day_cells
        where through = waiting

        union all

        select brand, mark, total, 'older middle', (total - 1) // 2
        from day_cells
        where through = waiting

        union all

        select brand, mark, total, 'younger middle', total // 2
        from day_cells
        where through = waiting
    ) as ranks
    join day_cells
      on day_cells.brand = ranks.brand
     and day_cells.mark = ranks.mark
     and ranks.position >= day_cells.through - day_cells.waiting
     and ranks.position < day_cells.through
),

hour_cells as (
    -- within those days only: conversations waiting by start mark, with running totals
    select
        *,
        sum(waiting) over (
            partition by brand, mark, start_day order by start_mark rows unbounded preceding
        ) as through
    from (
        select
            waits.brand,
            waits.mark,
            waits.start_mark // 24 as start_day,
            waits.start_mark,
            sum(waits.conversations)::bigint as waiting
        from waits
        semi join wanted_days
          on wanted_days.brand = waits.brand
         and wanted_days.mark = waits.mark
         and wanted_days.start_day = waits.start_mark // 24
        group by waits.brand, waits.mark, waits.start_mark
    )
),

wanted as (
    -- the start mark holding each rank and the rank among its waiting conversations
    select
        wanted_days.brand,
        wanted_days.mark,
        wanted_days.total,
        wanted_days.role,
        hour_cells.start_mark,
        wanted_days.position_in_day - (hour_cells.through - hour_cells.waiting)
            as position_in_cell
    from wanted_days
    join hour_cells
      on hour_cells.brand = wanted_days.brand
     and hour_cells.mark = wanted_days.mark
     and hour_cells.start_day = wanted_days.start_day
     and wanted_days.position_in_day >= hour_cells.through - hour_cells.waiting
     and wanted_days.position_in_day < hour_cells.through
),

start_hours as (
    -- per start mark holding a wanted rank, its waiting conversations (start, last mark
    -- waiting), oldest first
    select
        spans.brand,
        spans.start_mark,
        list(struct_pack(started_us := spans.started_us, last_mark := spans.last_mark)
             order by spans.started_us) as members
    from spans
    semi join wanted
      on wanted.brand = spans.brand
     and wanted.start_mark = spans.start_mark
    group by spans.brand, spans.start_mark
),

picked as (
    -- the conversation at that rank among those of its start mark still waiting at the mark
    select
        wanted.brand,
        wanted.mark,
        wanted.total,
        wanted.role,
        list_filter(start_hours.members, lambda member: member.last_mark >= wanted.mark)
            [(wanted.position_in_cell + 1)::bigint].started_us as started_us
    from wanted
    join start_hours using (brand, start_mark)
),

waiting_figures as (
    select
        brand,
        to_timestamp(mark * 3600) as hour_at,
        any_value(total)::bigint as waiting,
        max(mark * 3600000000 - started_us) filter (where role = 'oldest') / 60e6
            as oldest_age_minutes,
        (max(mark * 3600000000 - started_us) filter (where role = 'younger middle')
         + 0.5 * (max(mark * 3600000000 - started_us) filter (where role = 'older middle')
                  - max(mark * 3600000000 - started_us) filter (where role = 'younger middle')))
            / 60e6 as median_age_minutes
    from picked
    group by brand, mark
),

stale_steps as (
    -- +1 when a conversation turns stale unanswered, -1 when a stale one is answered; as
    -- microseconds since 1970 (whole UTC hours are then integer divisions)
    select brand, stale_us as step_us, 1 as step
    from timed
    where response_us > stale_us

    union all

    select brand, response_us as step_us, -1 as step
    from timed
    where response_us > stale_us and response_us < 9223372036854775807
),

stale_by_hour as (
    -- each step counts from the first hour mark at or after it (earlier ones at the grid start)
    select brand, to_timestamp(mark * 3600) as hour_at, sum(step) as step
    from (
        select
            stale_steps.brand,
            greatest((stale_steps.step_us - 1) // 3600000000 + 1,
                     epoch_us(grid_start.first_hour) // 3600000000) as mark,
            stale_steps.step
        from stale_steps
        join grid_start using (brand)
    )
    group by brand, mark
),

flows as (
    select brand, epoch_us(started_at) // 3600000000 as mark, count(*) as arrived,
        0 as answered
    from scoped
    group by all

    union all

    select brand, epoch_us(first_response_at) // 3600000000, 0, count(*)
    from scoped
    where first_response_at is not null
    group by all
),

flow_figures as (
    select brand, to_timestamp(mark * 3600) as hour_at, sum(arrived) as arrived,
        sum(answered) as first_responses
    from flows
    group by brand, mark
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
    where not (select yes from by_summary)
)

select * from summarised
union all
select * from final
order by brand, hour_at
