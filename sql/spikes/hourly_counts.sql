-- hourly_counts.sql: one row per brand and UTC hour: customer messages (public and DM), those
-- with a sentiment label, and the negative ones. The grid runs from the later of $start and the
-- brand's first customer message to the last customer message in the database (any brand),
-- hours before $end only; an hour without messages is a real 0. `first_at` is the brand's first
-- customer message ever (the detector's warm-up is measured from it).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz)
with

inbound as (
    select brand, created_at, sentiment_label
    from messages
    where direction = 'inbound'
      and brand is not null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
),

horizon as (
    select date_trunc('hour', max(created_at)) as last_hour
    from messages
    where direction = 'inbound'
),

bounds as (
    select
        brand,
        min(created_at) as first_at,
        greatest(date_trunc('hour', min(created_at)), date_trunc('hour', $start::timestamptz))
            as first_hour
    from inbound
    group by brand
),

grid as (
    select
        bounds.brand,
        bounds.first_at,
        unnest(generate_series(
            bounds.first_hour,
            least(horizon.last_hour, $end::timestamptz - interval 1 microsecond),
            interval 1 hour
        )) as hour
    from bounds, horizon
),

counts as (
    select
        brand,
        date_trunc('hour', created_at) as hour,
        count(*) as inbound,
        count(sentiment_label) as scored,
        count(*) filter (where sentiment_label = 'negative') as negative
    from inbound
    where created_at >= $start::timestamptz
      and created_at < $end::timestamptz
    group by all
),

final as (
    select
        grid.brand,
        grid.hour,
        coalesce(counts.inbound, 0) as inbound,
        coalesce(counts.scored, 0) as scored,
        coalesce(counts.negative, 0) as negative,
        grid.first_at
    from grid
    left join counts using (brand, hour)
)

select * from final
order by brand, hour
