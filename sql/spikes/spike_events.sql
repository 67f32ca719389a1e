-- spike_events.sql: one row per spike of the registered frame `spike_windows` (spike_id, brand,
-- window_start, window_end, negative_only, excess) with the calendar event that explains it.
-- label 'expected': a planned event ($planned_kinds) of the spike's brand (or of every brand)
--   overlapping its window, or the window's messages matching such an event's hashtags/keywords
--   (event_matches; negative ones only for a negative spike) make up at least $carry_share of
--   the spike's excess over expected (the event's hashtags carry it, e.g. a campaign's run-up).
-- label 'surprise': anything else, including spikes during an outage (not planned; the outage
--   is still named).
-- event, event_kind: the event behind an 'expected' label, else an overlapping event, else one
--   whose keywords carry the spike; event_matched: the window's messages matching its keywords;
--   event_carried: event_matched / excess.
-- params: $planned_kinds (text[]), $carry_share (double)
with

candidates as (
    select
        spike_windows.spike_id,
        events.event_id,
        events.name,
        events.kind,
        events.starts_at,
        events.starts_at < spike_windows.window_end
            and events.ends_at > spike_windows.window_start as overlapping
    from spike_windows
    join events on events.brand is null or events.brand = spike_windows.brand
),

matched as (
    select
        spike_windows.spike_id,
        event_matches.event_id,
        count(*) as matched
    from spike_windows
    join event_matches
      on event_matches.brand = spike_windows.brand
     and event_matches.created_at >= spike_windows.window_start
     and event_matches.created_at < spike_windows.window_end
    join messages on messages.message_id = event_matches.message_id
    where not spike_windows.negative_only or messages.sentiment_label = 'negative'
    group by all
),

judged as (
    select
        candidates.*,
        coalesce(matched.matched, 0) as matched,
        coalesce(matched.matched, 0) / greatest(spike_windows.excess, 1.0) as carried
    from candidates
    join spike_windows using (spike_id)
    left join matched using (spike_id, event_id)
),

ranked as (
    select
        *,
        list_contains($planned_kinds::varchar[], kind)
            and (overlapping or carried >= $carry_share::double) as explains
    from judged
    where overlapping or carried >= $carry_share::double
    qualify row_number() over (
        partition by spike_id
        order by
            list_contains($planned_kinds::varchar[], kind)
                and (overlapping or carried >= $carry_share::double) desc,
            overlapping desc,
            carried desc,
            starts_at desc,
            event_id
    ) = 1
),

final as (
    select
        spike_windows.spike_id,
        case when coalesce(ranked.explains, false) then 'expected' else 'surprise' end as label,
        ranked.name as event,
        ranked.kind as event_kind,
        ranked.matched as event_matched,
        ranked.carried as event_carried
    from spike_windows
    left join ranked using (spike_id)
)

select * from final
order by spike_id
