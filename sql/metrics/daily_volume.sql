-- metric: daily-volume: conversations started, answered and FRT median per brand and day
-- daily_volume.sql: one row per brand and UTC day with customer conversations: conversations
-- started, answered, and their median first response time in minutes. Same scope as
-- response-times (a DM conversation continuing a public one is not counted again).
-- How: the days entirely inside [$start, $end) come from summary_overview_periods (the same
-- figures per brand and day, kept per load; its median is quantile_cont at 0.5, the value
-- median() gives); the days the bounds cut are computed from `conversations`.
-- Choice: days as whole days since 1970 (epoch arithmetic: the same UTC days as
-- date_trunc('day', ...) for times after 1970, at a tenth of its cost on timestamptz).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

whole as (
    -- the whole days [first_day, end_day): from the first day mark at or after $start (at the
    -- earliest day 1: integer division truncates towards zero, so day 0 is not one day wide)
    -- to the last one at or before $end; first_day >= end_day when there is none
    select
        first_day,
        end_day,
        make_timestamptz(first_day * 86400000000) as whole_from,
        make_timestamptz(greatest(end_day, first_day) * 86400000000) as whole_to
    from (
        select
            greatest((epoch_us($start::timestamptz) + 86399999999) // 86400000000, 1)
                as first_day,
            epoch_us($end::timestamptz) // 86400000000 as end_day
    )
),

whole_days as (
    select
        summary.brand,
        summary.period_day as day_mark,
        summary.conversations,
        summary.answered,
        summary.frt_median_minutes
    from summary_overview_periods as summary
    cross join whole
    where summary.grain = 'day'
      and summary.period_day >= whole.first_day
      and summary.period_day < whole.end_day
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], summary.brand))
),

edges as (
    -- the cut days at both ends, from $start to the first whole day and from the end of the
    -- last one (with no whole day inside, the two cover the bounds); empty ones dropped, so
    -- that with none (bounds at day marks) no conversation is read
    select lo, hi
    from (
        select $start::timestamptz as lo, whole_from as hi from whole
        union all
        select whole_to as lo, $end::timestamptz as hi from whole
    )
    where lo < hi
),

edge_days as (
    select
        conversations.brand,
        epoch_us(conversations.started_at) // 86400000000 as day_mark,
        count(*) as conversations,
        count(*) filter (where conversations.answered) as answered,
        median(conversations.first_response_minutes) as frt_median_minutes
    from conversations
    join edges
      on conversations.started_at >= edges.lo
     and conversations.started_at < edges.hi
    where conversations.brand is not null
      and conversations.handoff_of is null
      and (len($brands::varchar[]) = 0
           or list_contains($brands::varchar[], conversations.brand))
      and conversations.started_at >= $start::timestamptz
      and conversations.started_at < $end::timestamptz
    group by conversations.brand, day_mark
),

final as (
    select
        brand,
        to_timestamp(day_mark * 86400) as day,
        conversations,
        answered,
        frt_median_minutes
    from (select * from whole_days union all select * from edge_days)
)

select * from final
order by day, brand
