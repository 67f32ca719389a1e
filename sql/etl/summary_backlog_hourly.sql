-- summary_backlog_hourly.sql: one row per brand and UTC hour mark (`hour`, the top of the hour)
-- from the hour of the brand's first customer conversation to the end of the data (the hour of
-- max(created_at) in messages), within the last 2,880 marks (120 days) of the data:
-- metrics/backlog.sql's figures at its default stale age of 168 hours (waiting,
-- oldest_age_minutes, median_age_minutes, stale, arrived, first_responses; definitions there),
-- which that metric reads instead of computing them when asked for 168 from a period starting
-- inside that window.
-- Choice: the window keeps the table (and its cost per load) proportional to brands x 120 days,
-- not to the whole span of the data: real exports hold a few tweets years older than the rest,
-- and every brand has a row for every hour from its first conversation on (80 brands over 2011 to
-- 2026 were 5.8M rows and 32 CPU s). 120 days cover the dashboard's longest preset (90 days);
-- older periods are computed directly by the metric. The same 2,880 is in metrics/backlog.sql.
-- refreshed from the first changed hour: every figure of an hour mark depends only on the
-- brand, start, first response and DM handoff of the conversations started before it and on
-- the end of the data, so after an incremental derive only the marks from the first hour
-- where one of those changed are recomputed (etl/summaries.py; that hour arrives in temp table
-- summary_first_hour; without that table, every mark).
-- How (exact, no per conversation-mark rows): a conversation waits at marks a <= h < b (a: the
-- first mark at or after its start; b: the first mark at or after its first response or its
-- turning stale). waiting = running sum of +1 at a and -1 at b. Oldest: the smallest start
-- among conversations with b > h (later starts have a > h and larger starts, so this is a
-- waiting one whenever any waits): a running minimum over b. Median: the two middle ranks,
-- found by start day (running sums per start day), then by start mark within that day, then
-- in the start-ordered list of that mark's conversations still waiting.
-- Choice: marks as whole hours since 1970 (integer arithmetic on epoch microseconds, UTC).
-- Choice: after an incremental derive, when the marks before the first recomputed one are
-- stored and still right (that first mark is the first changed hour or the one after the last
-- stored, not cut by the window, and the mark before it is stored), each brand's first mark
-- and stale count before it come from the stored row at that mark (the brands with one) and
-- from `scoped` (a brand without one starts at or after the first mark, so all its
-- conversations are there), instead of two scans of every conversation (0.8 CPU s at 30M
-- rows). Both give the same rows: the stored stale count at mark m is the count of every
-- conversation turned stale by m less those answered after turning stale by m, and a changed
-- conversation's steps are all at or after the first changed hour.
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create table if not exists summary_backlog_hourly (
    brand varchar,
    hour timestamptz,
    waiting bigint,
    oldest_age_minutes double,
    median_age_minutes double,
    stale bigint,
    arrived bigint,
    first_responses bigint
);

create temp table if not exists summary_first_hour as
select true as every_hour, null::bigint as hour_mark;

create or replace temp table summary_backlog_bounds as
with

stored as (
    select
        (select bool_or(every_hour) from summary_first_hour) as every_hour,
        (select min(hour_mark) from summary_first_hour) as first_changed,
        (select max(epoch_us(hour)) // 3600000000 from summary_backlog_hourly) as last_stored
),

last_mark as (select epoch_us(max(created_at)) // 3600000000 as mark from messages),

after_stored as (
    -- the first changed hour, and at the latest the mark after the last one stored (the data
    -- may have grown past it); NULL when every mark is asked for (no summary_first_hour from
    -- etl/summaries.py) or nothing is stored
    select
        case
            when not every_hour and last_stored is not null
                then least(coalesce(first_changed, last_stored + 1), last_stored + 1)
        end as mark,
        (select min(epoch_us(hour)) // 3600000000 from summary_backlog_hourly) as first_stored
    from stored
)

select
    -- the first mark to recompute: that one, else each brand's first; never before the
    -- window (the last 2,880 marks)
    greatest(
        coalesce(
            after_stored.mark,
            (select min(epoch_us(started_at)) // 3600000000 from conversations)
        ),
        last_mark.mark - 2879
    ) as first_mark,
    last_mark.mark as last_mark,
    -- whether the stored mark before it gives the brands and the stale counts before it
    coalesce(after_stored.mark >= last_mark.mark - 2879
             and after_stored.mark - 1 >= after_stored.first_stored, false) as from_stored
from after_stored
cross join last_mark;

set variable summary_backlog_from_stored = (select from_stored from summary_backlog_bounds);

create or replace temp table summary_backlog_before as
-- the stored row at the mark before the first recomputed, per brand that has one (only when
-- it is used), read before the delete below can drop it (when it leaves the window)
select summary_backlog_hourly.brand, summary_backlog_hourly.stale
from summary_backlog_hourly
cross join summary_backlog_bounds as bounds
where bounds.from_stored
  and epoch_us(summary_backlog_hourly.hour) // 3600000000 = bounds.first_mark - 1;

delete from summary_backlog_hourly
where epoch_us(hour) // 3600000000 >= (select first_mark from summary_backlog_bounds)
   or epoch_us(hour) // 3600000000 < (select last_mark - 2879 from summary_backlog_bounds);

insert into summary_backlog_hourly

with

bounds as (select * from summary_backlog_bounds),

scoped as (
    -- the conversations that count at a mark to recompute: started up to 170 hours before the
    -- first (waiting, turning stale) or first answered from the hour before it on, with their
    -- instants in microseconds since 1970
    select
        brand,
        epoch_us(started_at) as started_us,
        coalesce(epoch_us(first_response_at), 9223372036854775807) as response_us,
        epoch_us(started_at) + 604800000000 as stale_us
    from conversations
    where brand is not null
      and handoff_of is null
      and (started_at >= (select to_timestamp((first_mark - 170) * 3600) from bounds)
           or first_response_at >= (select to_timestamp((first_mark - 1) * 3600) from bounds))
),

brands as (
    -- each brand's first hour mark: the hour of its first conversation, from every
    -- conversation; or, from stored rows, the mark before the first recomputed for a brand
    -- stored there (the grid starts at the first recomputed either way) and the first start
    -- in `scoped` for the others
    select brand, min(first_mark) as first_mark
    from (
        select brand, epoch_us(started_at) // 3600000000 as first_mark
        from conversations
        where brand is not null
          and handoff_of is null
          and not getvariable('summary_backlog_from_stored')

        union all

        select brand, (select first_mark - 1 from bounds) from summary_backlog_before

        union all

        select brand, started_us // 3600000000
        from scoped
        where getvariable('summary_backlog_from_stored')
    )
    group by brand
),

grid as (
    -- every mark to write: from the brand's first hour (or the first mark to recompute) to the
    -- end of the data
    select brands.brand, unnest(range(greatest(brands.first_mark, bounds.first_mark),
                                      bounds.last_mark + 1)) as mark
    from brands
    cross join bounds
),

waiters as (
    -- conversations waiting at a mark a <= h < b that is recomputed
    select brand, started_us, a, b
    from (
        select
            scoped.brand,
            scoped.started_us,
            (scoped.started_us + 3599999999) // 3600000000 as a,
            least(scoped.response_us - 1, scoped.stale_us - 1) // 3600000000 + 1 as b,
            bounds.first_mark,
            bounds.last_mark
        from scoped
        cross join bounds
    )
    where a < b
      and b > first_mark
      and a <= last_mark
),

start_groups as (
    -- waiting conversations by start mark and b, with the earliest start
    select brand, a // 24 as start_day, a, b, count(*) as conversations,
        min(started_us) as first_started_us
    from waiters
    group by brand, a, b
),

counts as (
    -- conversations waiting at each mark: +1 from a, -1 from b
    select brand, mark, sum(step) over (
        partition by brand order by mark rows unbounded preceding) as waiting
    from (
        select brand, mark, sum(step) as step
        from (
            select brand, a as mark, conversations as step from start_groups
            union all
            select brand, b, -conversations from start_groups
            union all
            select brand, mark, 0 from grid
        )
        group by brand, mark
    )
),

oldest as (
    -- the smallest start among conversations with b after the mark
    select brand, mark, min(first_started_us) over (
        partition by brand order by mark desc range between unbounded preceding and 1 preceding
    ) as started_us
    from (
        select brand, mark, min(first_started_us) as first_started_us
        from (
            select brand, b as mark, first_started_us from start_groups
            union all
            select brand, mark, null from grid
        )
        group by brand, mark
    )
),

day_steps as (
    -- per start day (24 start marks), +1 / -1 at each mark, and 0 at each mark to recompute
    -- while the day's conversations can wait (up to 24 + 169 marks after its first)
    select brand, start_day, mark, sum(step) as step
    from (
        select brand, start_day, a as mark, conversations as step from start_groups
        union all
        select brand, start_day, b, -conversations from start_groups
        union all
        select grid.brand, days.start_day, grid.mark, 0
        from grid
        join (select distinct brand, start_day from start_groups) as days
          on days.brand = grid.brand
         and grid.mark between days.start_day * 24 and days.start_day * 24 + 193
    )
    group by brand, start_day, mark
),

day_cells as (
    -- conversations of each start day waiting at each mark, oldest day first, with running
    -- totals over the days
    select
        *,
        sum(waiting) over (
            partition by brand, mark order by start_day rows unbounded preceding) as through
    from (
        select brand, start_day, mark, sum(step) over (
            partition by brand, start_day order by mark rows unbounded preceding) as waiting
        from day_steps
    )
    where waiting > 0
      and mark in (select mark from grid)
),

ranks as (
    -- the two middle ranks (0 = oldest start; equal when the count is odd) at each mark
    select brand, mark, waiting as total, 'older middle' as role, (waiting - 1) // 2 as position
    from counts
    where waiting > 0

    union all

    select brand, mark, waiting, 'younger middle', waiting // 2
    from counts
    where waiting > 0
),

wanted_days as (
    -- the start day holding each rank, and the rank within the day
    select
        ranks.brand,
        ranks.mark,
        ranks.role,
        day_cells.start_day,
        ranks.position - (day_cells.through - day_cells.waiting) as position_in_day
    from ranks
    join day_cells
      on day_cells.brand = ranks.brand
     and day_cells.mark = ranks.mark
     and ranks.position >= day_cells.through - day_cells.waiting
     and ranks.position < day_cells.through
    where ranks.mark in (select mark from grid)
),

hour_cells as (
    -- within the wanted days only: conversations waiting at the mark by start mark, with
    -- running totals
    select
        *,
        sum(waiting) over (
            partition by brand, mark, start_day order by a rows unbounded preceding) as through
    from (
        select days.brand, days.mark, days.start_day, start_groups.a,
            sum(start_groups.conversations) as waiting
        from (select distinct brand, mark, start_day from wanted_days) as days
        join start_groups
          on start_groups.brand = days.brand
         and start_groups.start_day = days.start_day
         and start_groups.a <= days.mark
         and start_groups.b > days.mark
        group by days.brand, days.mark, days.start_day, start_groups.a
    )
),

wanted as (
    -- the start mark holding each rank and the rank among its waiting conversations
    select
        wanted_days.brand,
        wanted_days.mark,
        wanted_days.role,
        hour_cells.a,
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

start_marks as (
    -- per start mark holding a wanted rank, its conversations (start, b), oldest first
    select
        waiters.brand,
        waiters.a,
        list(struct_pack(started_us := waiters.started_us, b := waiters.b)
             order by waiters.started_us) as members
    from waiters
    semi join wanted
      on wanted.brand = waiters.brand
     and wanted.a = waiters.a
    group by waiters.brand, waiters.a
),

picked as (
    -- the conversation at that rank among those of its start mark still waiting at the mark
    select
        wanted.brand,
        wanted.mark,
        wanted.role,
        list_filter(start_marks.members, lambda member: member.b > wanted.mark)
            [(wanted.position_in_cell + 1)::bigint].started_us as started_us
    from wanted
    join start_marks using (brand, a)
),

medians as (
    select
        brand,
        mark,
        (max(mark * 3600000000 - started_us) filter (where role = 'younger middle')
         + 0.5 * (max(mark * 3600000000 - started_us) filter (where role = 'older middle')
                  - max(mark * 3600000000 - started_us) filter (where role = 'younger middle')))
            / 60e6 as median_age_minutes
    from picked
    group by brand, mark
),

stale_before as (
    -- the stale count at the mark before the first one recomputed: stored, or from every
    -- conversation (the steps of stale_steps summed up to that mark; the window may start
    -- after conversations that turned stale long before it)
    select brand, stale from summary_backlog_before

    union all

    select
        brand,
        count(*) filter (where (stale_us - 1) // 3600000000 + 1 < first_mark)
        - count(*) filter (where response_us < 9223372036854775807
                             and (response_us - 1) // 3600000000 + 1 < first_mark) as stale
    from (
        select
            brand,
            epoch_us(started_at) + 604800000000 as stale_us,
            coalesce(epoch_us(first_response_at), 9223372036854775807) as response_us
        from conversations
        where brand is not null
          and handoff_of is null
          and not getvariable('summary_backlog_from_stored')
    )
    cross join bounds
    where response_us > stale_us
    group by brand
),

stale_steps as (
    -- +1 when a conversation turns stale unanswered, -1 when a stale one is answered, from the
    -- first mark at or after the instant: a running sum from the stored count
    select brand, mark, coalesce(stale_before.stale, 0) + sum(step) over (
        partition by brand order by mark rows unbounded preceding) as stale
    from (
        select brand, mark, sum(step) as step
        from (
            select scoped.brand, (scoped.stale_us - 1) // 3600000000 + 1 as mark, 1 as step
            from scoped
            where scoped.response_us > scoped.stale_us

            union all

            select scoped.brand, (scoped.response_us - 1) // 3600000000 + 1, -1
            from scoped
            where scoped.response_us > scoped.stale_us
              and scoped.response_us < 9223372036854775807

            union all

            select brand, mark, 0 from grid
        )
        where mark >= (select first_mark from bounds)
        group by brand, mark
    )
    left join stale_before using (brand)
),

flows as (
    select brand, mark, sum(arrived) as arrived, sum(answered) as first_responses
    from (
        select scoped.brand, scoped.started_us // 3600000000 as mark, 1 as arrived,
            0 as answered
        from scoped
        cross join bounds
        where scoped.started_us // 3600000000 >= bounds.first_mark

        union all

        select scoped.brand, scoped.response_us // 3600000000, 0, 1
        from scoped
        cross join bounds
        where scoped.response_us < 9223372036854775807
          and scoped.response_us // 3600000000 >= bounds.first_mark
    )
    group by brand, mark
),

final as (
    select
        grid.brand,
        to_timestamp(grid.mark * 3600) as hour,
        counts.waiting::bigint as waiting,
        case when counts.waiting > 0 then (grid.mark * 3600000000 - oldest.started_us) / 60e6
        end as oldest_age_minutes,
        medians.median_age_minutes,
        stale_steps.stale::bigint as stale,
        coalesce(flows.arrived, 0)::bigint as arrived,
        coalesce(flows.first_responses, 0)::bigint as first_responses
    from grid
    join counts using (brand, mark)
    join oldest using (brand, mark)
    join stale_steps using (brand, mark)
    left join medians using (brand, mark)
    left join flows using (brand, mark)
)

select * from final
order by hour, brand;

drop table summary_backlog_bounds;

drop table summary_backlog_before;

drop table summary_first_hour;

reset variable summary_backlog_from_stored;
