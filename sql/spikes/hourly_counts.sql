-- hourly_counts.sql: one row per brand and UTC hour: customer messages (public and DM), those
-- with a sentiment label, and the negative ones. The grid runs from the later of $start and the
-- brand's first customer message to the last customer message in the database (any brand),
-- hours before $end only; an hour without messages is a real 0. `first_at` is the brand's first
-- customer message ever (the detector's warm-up is measured from it).
-- Whole hours come from summary_volume_hourly (rebuilt at every load), the partial hours at the
-- edges of [$start, $end), if any, from messages.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz)
with

summary as (
    select *
    from summary_volume_hourly
    where brand is not null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
),

horizon as (
    -- the hour of the last customer message, of any brand or none
    select max(hour) as last_hour
    from summary_volume_hourly
),

bounds as (
    select
        brand,
        min(first_at) as first_at,
        greatest(min(hour), date_trunc('hour', $start::timestamptz)) as first_hour
    from summary
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

whole_hours as (
    -- hours entirely inside [$start, $end)
    select brand, hour, inbound, scored, negative
    from summary
    where hour >= date_trunc('hour', $start::timestamptz - interval 1 microsecond)
                  + interval 1 hour
      and hour < date_trunc('hour', $end::timestamptz)
),

edge_hours as (
    -- the rest: before the first whole hour and from the end of the last one
    select
        brand,
        date_trunc('hour', created_at) as hour,
        count(*) as inbound,
        count(sentiment_label) as scored,
        count(*) filter (where sentiment_label = 'negative') as negative
    from messages
    where direction = 'inbound'
      and brand is not null
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and (
          (created_at >= $start::timestamptz
           and created_at < least(date_trunc('hour', $start::timestamptz
                                             - interval 1 microsecond) + interval 1 hour,
                                  $end::timestamptz))
          or (created_at >= greatest(date_trunc('hour', $end::timestamptz),
                                     date_trunc('hour', $start::timestamptz
                                                - interval 1 microsecond) + interval 1 hour)
              and created_at < $end::timestamptz)
      )
    group by all
),

counts as (
    select brand, hour, sum(inbound) as inbound, sum(scored) as scored,
        sum(negative) as negative
    from (select * from whole_hours union all select * from edge_hours)
    group by brand, hour
),

final as (
    select
        grid.brand,
        grid.hour,
        coalesce(counts.inbound, 0)::bigint as inbound,
        coalesce(counts.scored, 0)::bigint as scored,
        coalesce(counts.negative, 0)::bigint as negative,
        grid.first_at
    from grid
    left join counts using (brand, hour)
)

select * from final
order by brand, hour
