-- metric: channels: public / DM / off-channel shares, DM offer time, DM vs public FRT
-- channels.sql: one row per brand.
-- Public conversations (customer-started in public, start in [$start, $end), brand known), each
-- in exactly one class, in this order: unanswered (no brand response, public or DM); moved to
-- DM (a brand message in it asks for a DM, or the customer opened a DM conversation with the
-- brand within 48 h: conversations.moved_to_dm); moved off-channel (a brand message sends the
-- customer to phone, e-mail, a web form or a contact link); else handled in public. Shares are
-- over all public conversations and add up to 1.
-- dm_offer_*: minutes from the start to the first brand message asking for a DM, over the
-- conversations with such a message. dm_followed: public conversations with an actual DM
-- conversation after them (handoff).
-- DM vs public FRT: dm_* figures are over DM conversations starting in the period (handoffs and
-- DMs started directly), each timed from the customer's first DM to the brand's first DM
-- answer; public_frt_* are the FRT of the public conversations (null when there is no DM data,
-- dm_conversations = 0, the DM columns are null).
-- params: $brands (text[]; empty = all), $start, $end (timestamptz, end exclusive)
with

public_side as (
    select
        brand,
        -- the class as a small number (cheaper than a name per row): 0 unanswered, 1 moved to
        -- DM, 2 moved off-channel, 3 handled in public
        case
            when not answered then 0
            when moved_to_dm then 1
            when moved_off_channel then 2
            else 3
        end as handled_in,
        dm_offer_minutes,
        first_response_minutes
    from conversations
    where brand is not null
      and channel = 'public'
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
),

followed as (
    -- the public conversations of the period that a DM conversation continues (handoff_of):
    -- each was moved to DM (derive_conversations.sql marks a conversation with a handoff so),
    -- so only those are looked up, and only DM conversations started since $start can
    -- continue one (a handoff starts after the conversation it continues)
    select brand, count(*) as dm_followed
    from conversations
    where brand is not null
      and channel = 'public'
      and moved_to_dm
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
      and conversation_id in (
          select handoff_of
          from conversations
          where handoff_of is not null
            and started_at >= $start::timestamptz
      )
    group by brand
),

public_figures as (
    select
        brand,
        count(*) as conversations,
        count(*) filter (where handled_in = 3) as handled_public,
        count(*) filter (where handled_in = 1) as moved_to_dm,
        count(*) filter (where handled_in = 2) as moved_off_channel,
        count(*) filter (where handled_in = 0) as unanswered,
        count(dm_offer_minutes) as dm_offers,
        -- median and p90 from one sort each (the values of median() and quantile_cont(.., 0.9))
        quantile_cont(dm_offer_minutes, [0.5, 0.9]) as dm_offer_quantiles,
        quantile_cont(first_response_minutes, [0.5, 0.9]) as public_frt_quantiles
    from public_side
    group by brand
),

dm_figures as (
    select
        brand,
        count(*) as dm_conversations,
        count(*) filter (where handoff_of is not null) as dm_handoffs,
        count(*) filter (where answered) as dm_answered,
        quantile_cont(first_response_minutes, [0.5, 0.9]) as dm_frt_quantiles
    from conversations
    where brand is not null
      and channel = 'dm'
      and (len($brands::varchar[]) = 0 or list_contains($brands::varchar[], brand))
      and started_at >= $start::timestamptz
      and started_at < $end::timestamptz
    group by brand
),

final as (
    select
        public_figures.brand,
        public_figures.conversations,
        public_figures.handled_public,
        public_figures.moved_to_dm,
        public_figures.moved_off_channel,
        public_figures.unanswered,
        public_figures.handled_public / public_figures.conversations as share_public,
        public_figures.moved_to_dm / public_figures.conversations as share_dm,
        public_figures.moved_off_channel / public_figures.conversations as share_off_channel,
        public_figures.unanswered / public_figures.conversations as share_unanswered,
        public_figures.dm_offers,
        public_figures.dm_offer_quantiles[1] as dm_offer_median_minutes,
        public_figures.dm_offer_quantiles[2] as dm_offer_p90_minutes,
        coalesce(followed.dm_followed, 0) as dm_followed,
        coalesce(dm_figures.dm_conversations, 0) as dm_conversations,
        coalesce(dm_figures.dm_handoffs, 0) as dm_handoffs,
        coalesce(dm_figures.dm_answered, 0) as dm_answered,
        dm_figures.dm_frt_quantiles[1] as dm_frt_median_minutes,
        dm_figures.dm_frt_quantiles[2] as dm_frt_p90_minutes,
        public_figures.public_frt_quantiles[1] as public_frt_median_minutes,
        public_figures.public_frt_quantiles[2] as public_frt_p90_minutes
    from public_figures
    left join dm_figures using (brand)
    left join followed using (brand)
)

select * from final
order by conversations desc, brand
