-- backlog_summary.sql: metrics/backlog read from summary_backlog_hourly alone, for the SLA page:
-- the same rows (one per brand and UTC hour mark in [$start, $end) up to the end of the data,
-- same columns) when the summary answers the period, and no rows when it does not (another
-- max age, or a start before its 2,880-hour window that cuts a brand's first hours), nor when
-- it holds no hour of the period. The caller then runs metrics/backlog, which computes those
-- cases from conversations: this file spares the page parsing and planning that direct branch
-- (~15 ms at one brand) when the summary answers. Definitions: metrics/backlog.sql.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $max_age_hours (double: from this age a waiting conversation counts as stale)
-- default: max_age_hours = 168
with

by_summary as (
    -- the summary answers: default max age, and $start within its window (the same condition
    -- as metrics/backlog.sql's by_summary)
    select coalesce(
        $max_age_hours::double = 168
        and (date_trunc('hour', $start::timestamptz) >= max(hour) - interval 2879 hours
             -- or no brand's first hour is cut off by the window
             or min(hour) > max(hour) - interval 2879 hours),
        false) as yes
    from summary_backlog_hourly
),

final as (
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
)

select * from final
order by brand, hour_at
