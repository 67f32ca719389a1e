-- metric: channels-weekly: how public conversations were handled, per brand and week
-- channels_weekly.sql: one row per brand and UTC week (Monday to Monday) with public customer
-- conversations starting in [$start, $end); week_start is the later of the week's Monday and
-- $start (the first and last weeks are cut by the period's edges).
-- Each week's counts are those of the channels metric run over that week alone: public
-- conversations (customer-started in public, brand known), each in exactly one class, in this
-- order: unanswered, moved to DM, moved off-channel, else handled in public; shares are over
-- the week's public conversations and add up to 1.
-- Choice: weeks as whole weeks since Monday 1970-01-05 (epoch arithmetic, the same Mondays as
-- date_trunc('week', ...) in UTC for times after it, at a tenth of its cost).
-- How: the whole UTC hours inside the period from summary_overview_hourly's public_* counts (a
-- week starts on an hour mark, so every conversation of an hour falls in the hour's week), the
-- cut hours at its edges from `conversations` (none when $start and $end are hour marks, as the
-- dashboard's days are): the same counts as classifying every conversation, at a fraction of
-- the scan.
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

whole_hours as (
    -- hours entirely inside [$start, $end), with public conversations
    select
        brand,
        greatest(
            to_timestamp((epoch_us(hour) - 345600000000) // 604800000000 * 604800 + 345600),
            $start::timestamptz
        ) as week_start,
        public_conversations as conversations,
        public_conversations - public_unanswered - public_moved_to_dm
            - public_moved_off_channel as handled_public,
        public_moved_to_dm as moved_to_dm,
        public_moved_off_channel as moved_off_channel,
        public_unanswered as unanswered
    from summary_overview_hourly
    where (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and public_conversations > 0
      and hour >= date_trunc('hour', $start::timestamptz - interval 1 microsecond)
                  + interval 1 hour
      and hour < date_trunc('hour', $end::timestamptz)
),

edge_conversations as (
    -- public conversations starting in the rest of the period: before the first whole hour,
    -- and from the end of the last one (with no whole hour inside, these two cover the period)
    select
        brand,
        greatest(
            to_timestamp((epoch_us(started_at) - 345600000000) // 604800000000 * 604800
                         + 345600),
            $start::timestamptz
        ) as week_start,
        case
            when not answered then 'unanswered'
            when moved_to_dm then 'dm'
            when moved_off_channel then 'off_channel'
            else 'public'
        end as handled_in
    from conversations
    where brand is not null
      and channel = 'public'
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and (date_trunc('hour', $start::timestamptz) <> $start::timestamptz
           or date_trunc('hour', $end::timestamptz) <> $end::timestamptz)
      and (
          (started_at >= $start::timestamptz
           and started_at < least(date_trunc('hour', $start::timestamptz
                                             - interval 1 microsecond) + interval 1 hour,
                                  $end::timestamptz))
          or (started_at >= greatest(date_trunc('hour', $end::timestamptz),
                                     date_trunc('hour', $start::timestamptz
                                                - interval 1 microsecond) + interval 1 hour)
              and started_at < $end::timestamptz)
      )
),

edge_hours as (
    select
        brand,
        week_start,
        count(*) as conversations,
        count(*) filter (where handled_in = 'public') as handled_public,
        count(*) filter (where handled_in = 'dm') as moved_to_dm,
        count(*) filter (where handled_in = 'off_channel') as moved_off_channel,
        count(*) filter (where handled_in = 'unanswered') as unanswered
    from edge_conversations
    group by brand, week_start
),

by_week as (
    select
        brand,
        week_start,
        sum(conversations)::bigint as conversations,
        sum(handled_public)::bigint as handled_public,
        sum(moved_to_dm)::bigint as moved_to_dm,
        sum(moved_off_channel)::bigint as moved_off_channel,
        sum(unanswered)::bigint as unanswered
    from (select * from whole_hours union all select * from edge_hours)
    group by brand, week_start
),

final as (
    select
        brand,
        week_start,
        conversations,
        handled_public,
        moved_to_dm,
        moved_off_channel,
        unanswered,
        handled_public / conversations as share_public,
        moved_to_dm / conversations as share_dm,
        moved_off_channel / conversations as share_off_channel,
        unanswered / conversations as share_unanswered
    from by_week
)

select * from final
order by week_start, conversations desc, brand
