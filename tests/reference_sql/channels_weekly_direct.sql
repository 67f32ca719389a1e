-- channels_weekly_direct.sql: metrics/channels_weekly.sql as it was before it read summary_overview_hourly
-- (session 9): every public conversation of the period classified one by one. The tests compare
-- the metric with it exactly (tests/test_metrics_summaries_overview.py).
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
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

scoped as (
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
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

by_week as (
    select
        brand,
        week_start,
        count(*) as conversations,
        count(*) filter (where handled_in = 'public') as handled_public,
        count(*) filter (where handled_in = 'dm') as moved_to_dm,
        count(*) filter (where handled_in = 'off_channel') as moved_off_channel,
        count(*) filter (where handled_in = 'unanswered') as unanswered
    from scoped
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
