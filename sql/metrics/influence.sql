-- metric: influence: response rate and FRT by customer follower band per brand
-- influence.sql: one row per brand and follower band with conversations.
-- Conversations as in response-times (customer-started, start in [$start, $end), brand known,
-- DM handoffs not counted twice); followers: the customer's follower count on the conversation's
-- first message (conversations.customer_followers). Bands: '<100', '100-1k', '1k-10k',
-- '10k-100k', '>=100k' (lower bound included), 'unknown' when the source has no follower
-- count (the public twcs CSV has none). band_order sorts them.
-- within_target: answered within the brand's headline SLA target (carepulse.toml, default
-- 60 min) over all conversations of the band, unanswered in the denominator.
-- How: the conversations from summary_sla_conversations (the same rows, in brand order: one
-- brand's period is a few row groups).
-- $clock: 'both' (default) and 'business' compute every column; 'calendar' leaves
-- frt_business_median_minutes NULL (a median needs every value; the calendar median and p90 come
-- from one sort and are always there: a page on the business clock still shows the calendar
-- median).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive),
--         $clock (text: both | calendar | business)
-- default: clock = both (both | calendar | business)
with

scoped as (
    select
        brand,
        case
            when customer_followers is null then 6
            when customer_followers < 100 then 1
            when customer_followers < 1000 then 2
            when customer_followers < 10000 then 3
            when customer_followers < 100000 then 4
            else 5
        end as band_order,
        answered,
        first_response_minutes,
        first_response_business_minutes
    from summary_sla_conversations
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

targets as (
    -- each brand's target (the brands from summary_brands, every brand with conversations:
    -- reading them from `scoped` would make DuckDB store all its rows for a second reader);
    -- the configured targets joined, not looked up by correlated subqueries (cheaper to plan)
    select
        brands.brand,
        coalesce(own.target_minutes, fallback.target_minutes, 60) as target_minutes
    from summary_brands as brands
    left join (
        select lower(brand) as brand_key, max(target_minutes) as target_minutes
        from config_sla
        where is_primary and brand is not null
        group by all
    ) as own on own.brand_key = lower(brands.brand)
    cross join (
        select max(target_minutes) as target_minutes
        from config_sla
        where brand is null and is_primary
    ) as fallback
    where len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brands.brand)
),

by_band as (
    -- median and p90 from one sort (quantile_cont with a list: the same values as median and
    -- quantile_cont 0.9 apart)
    select
        scoped.brand,
        scoped.band_order,
        count(*) as conversations,
        count(*) filter (where scoped.answered) as answered,
        quantile_cont(scoped.first_response_minutes, [0.5, 0.9]) as frt_quantiles,
        -- on the calendar clock alone a constant NULL: the planner drops the aggregate and the
        -- column (a constant FILTER is still read and tested on every row)
        case when $clock::varchar <> 'calendar'
            then median(scoped.first_response_business_minutes) end
            as frt_business_median_minutes,
        any_value(targets.target_minutes) as target_minutes,
        count(*) filter (where scoped.first_response_minutes <= targets.target_minutes)
            as within
    from scoped
    join targets using (brand)
    group by scoped.brand, scoped.band_order
),

final as (
    select
        brand,
        ['<100', '100-1k', '1k-10k', '10k-100k', '>=100k', 'unknown'][band_order]
            as follower_band,
        band_order,
        conversations,
        answered,
        answered / conversations as response_rate,
        frt_quantiles[1] as frt_median_minutes,
        frt_quantiles[2] as frt_p90_minutes,
        frt_business_median_minutes,
        target_minutes,
        within / conversations as within_target
    from by_band
)

select * from final
order by brand, band_order
