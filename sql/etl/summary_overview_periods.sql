-- summary_overview_periods.sql: one row per grain ('day' | 'week'), brand and UTC period (a day,
-- or a week from Monday) in which customer conversations started (brand known, DM handoffs
-- inside the public conversation they continue, as metrics/response_trend.sql counts them):
-- the figures of metrics/response_trend.sql and metrics/daily_volume.sql for that period,
-- which those metrics read here for the whole periods of their bounds and compute from
-- `conversations` only for the periods their bounds cut.
-- Columns: grain; brand; period_day (the period's first day, whole days since 1970);
-- week (the top of the UTC Monday of the week holding the period: the key the rows are
-- refreshed by); conversations; answered; frt_median_minutes, frt_p90_minutes and
-- frt_business_median_minutes, frt_business_p90_minutes (quantile_cont at 0.5 and 0.9 over
-- the first response minutes of the answered ones on each clock: an exact value of the
-- period's own values, the same as the metrics compute); within_15m, within_60m, within_4h,
-- within_24h and within_business_15m, ... (first answered within (<=) 15, 60, 240, 1440
-- minutes on the calendar / business clock: the counts behind response_trend's within_target
-- at the dashboard's four SLA targets).
-- Choice: days as whole days since 1970 (epoch arithmetic, as the metrics); weeks start on
-- Monday (1970-01-01 was a Thursday, 3 days after one). Medians need every value, so the
-- row of a period cannot be made from smaller periods: a week has rows of its own.
-- refreshed by week: a row depends only on the conversations started in its UTC week
-- (etl/summaries.py; not on the DM conversations that continue them, which are not counted).
-- params: none ($dm_handoff_hours is given to every summary step; unused here)
create or replace table summary_overview_periods as

with

started as (
    select
        brand,
        epoch_us(started_at) // 86400000000 as day_mark,
        first_response_minutes,
        first_response_business_minutes,
        answered
    from conversations
    where brand is not null
      and handoff_of is null
),

in_periods as (
    select 'day' as grain, day_mark as period_day, * exclude (day_mark)
    from started
    union all
    select 'week' as grain, day_mark - (day_mark + 3) % 7 as period_day, * exclude (day_mark)
    from started
),

by_period as (
    select
        grain,
        brand,
        period_day,
        count(*) as conversations,
        count(*) filter (where answered) as answered,
        -- median and p90 from one sort (as metrics/response_trend.sql)
        quantile_cont(first_response_minutes, [0.5, 0.9]) as frt_quantiles,
        quantile_cont(first_response_business_minutes, [0.5, 0.9]) as frt_business_quantiles,
        count(*) filter (where first_response_minutes <= 15) as within_15m,
        count(*) filter (where first_response_minutes <= 60) as within_60m,
        count(*) filter (where first_response_minutes <= 240) as within_4h,
        count(*) filter (where first_response_minutes <= 1440) as within_24h,
        count(*) filter (where first_response_business_minutes <= 15) as within_business_15m,
        count(*) filter (where first_response_business_minutes <= 60) as within_business_60m,
        count(*) filter (where first_response_business_minutes <= 240) as within_business_4h,
        count(*) filter (where first_response_business_minutes <= 1440)
            as within_business_24h
    from in_periods
    group by grain, brand, period_day
),

final as (
    select
        grain,
        brand,
        period_day,
        to_timestamp((period_day - (period_day + 3) % 7) * 86400) as week,
        conversations,
        answered,
        frt_quantiles[1] as frt_median_minutes,
        frt_quantiles[2] as frt_p90_minutes,
        frt_business_quantiles[1] as frt_business_median_minutes,
        frt_business_quantiles[2] as frt_business_p90_minutes,
        within_15m,
        within_60m,
        within_4h,
        within_24h,
        within_business_15m,
        within_business_60m,
        within_business_4h,
        within_business_24h
    from by_period
)

select * from final
order by grain, period_day, brand;
