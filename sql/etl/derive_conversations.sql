-- derive_conversations.sql: one row per customer conversation (a public thread whose root is a
-- customer message, or a DM conversation a customer started).
-- first_response_at: the first brand message in it at or after its start; for a public
-- conversation handed off to DM, the brand's first DM answer counts too (whichever is first).
-- moved_to_dm: a brand reply in it asks for a DM, or the customer has a DM conversation with the
-- same brand that starts within $dm_handoff_hours after it (started by the customer, or opened by
-- the brand: then its first brand DM is the answer).
-- moved_off_channel: a brand message in it sends the customer to phone, e-mail or a web form.
-- dm_offer_minutes: start to the first brand message in it that asks for a DM (calendar).
-- first_response_business_minutes: the brand's open minutes between start and first response
-- (business_intervals, see derive_business.sql).
-- campaign: the campaign (event of kind campaign) whose hashtags/keywords the
-- conversation's first customer message matches during the campaign's window
-- (event_matches, see derive_campaigns.sql); the latest-starting one if several.
-- params: $dm_handoff_hours
create or replace table conversations as

with

keyed as (select * from messages where conversation_id is not null),

roots as (
    select
        conversation_id,
        coalesce(
            max(case when message_id = conversation_id then message_id end),
            arg_min(message_id, created_at)
        ) as root_id
    from keyed
    group by conversation_id
),

started as (
    select
        roots.conversation_id,
        root.brand,
        root.author_id as customer_id,
        root.channel,
        root.created_at as started_at,
        root.author_followers as customer_followers
    from roots
    join keyed as root on root.message_id = roots.root_id
    where root.direction = 'inbound'
),

traffic as (
    select
        started.conversation_id,
        min(keyed.created_at) filter (
            where keyed.direction = 'outbound' and keyed.created_at >= started.started_at
        ) as first_reply_at,
        count(*) filter (where keyed.direction = 'inbound') as inbound_count,
        count(*) filter (where keyed.direction = 'outbound') as outbound_count,
        arg_min(keyed.sentiment, keyed.created_at) filter (where keyed.direction = 'inbound')
            as first_sentiment,
        arg_max(keyed.sentiment, keyed.created_at) filter (where keyed.direction = 'inbound')
            as last_sentiment,
        coalesce(bool_or(outbound_flags.dm_redirect), false) as asked_for_dm,
        coalesce(bool_or(outbound_flags.off_channel), false) as sent_off_channel,
        min(keyed.created_at) filter (
            where outbound_flags.dm_redirect and keyed.created_at >= started.started_at
        ) as dm_offer_at
    from started
    join keyed using (conversation_id)
    left join outbound_flags on outbound_flags.message_id = keyed.message_id
    group by started.conversation_id
),

dm_threads as (
    -- every DM conversation, whoever opened it; its customer is the one who writes in it
    select
        conversation_id,
        arg_min(brand, created_at) as brand,
        arg_min(author_id, created_at) filter (where direction = 'inbound') as customer_id,
        min(created_at) as started_at,
        min(created_at) filter (where direction = 'outbound') as first_brand_at
    from keyed
    where channel = 'dm'
    group by conversation_id
),

handoffs as (
    select
        public_side.conversation_id,
        arg_min(dm_side.conversation_id, dm_side.started_at) as dm_conversation_id,
        arg_min(dm_side.first_brand_at, dm_side.started_at) as dm_first_reply_at
    from started as public_side
    join dm_threads as dm_side
      on dm_side.customer_id = public_side.customer_id
     and dm_side.brand = public_side.brand
     and public_side.channel = 'public'
     and dm_side.started_at >= public_side.started_at
     and dm_side.started_at < public_side.started_at + to_hours($dm_handoff_hours::bigint)
    group by public_side.conversation_id
),

combined as (
    select
        started.*,
        traffic.inbound_count,
        traffic.outbound_count,
        traffic.first_sentiment,
        traffic.last_sentiment,
        handoffs.dm_conversation_id,
        case
            when handoffs.dm_first_reply_at is null then traffic.first_reply_at
            when traffic.first_reply_at is null then handoffs.dm_first_reply_at
            else least(traffic.first_reply_at, handoffs.dm_first_reply_at)
        end as first_response_at,
        traffic.asked_for_dm or handoffs.dm_conversation_id is not null as moved_to_dm,
        traffic.sent_off_channel as moved_off_channel,
        traffic.dm_offer_at
    from started
    join traffic using (conversation_id)
    left join handoffs using (conversation_id)
),

clocked as (
    select
        combined.*,
        -- open minutes before each instant = whole minutes before its interval + microseconds
        -- into it (kept apart so the difference is exact)
        coalesce(at_start.open_before_minutes, 0) as before_start,
        coalesce(epoch_us(least(combined.started_at, at_start.close_at))
            - epoch_us(at_start.open_at), 0) as into_start_us,
        coalesce(at_response.open_before_minutes, 0) as before_response,
        coalesce(epoch_us(least(combined.first_response_at, at_response.close_at))
            - epoch_us(at_response.open_at), 0) as into_response_us
    from combined
    asof left join business_intervals as at_start
      on at_start.brand = combined.brand and at_start.open_at <= combined.started_at
    asof left join business_intervals as at_response
      on at_response.brand = combined.brand and at_response.open_at <= combined.first_response_at
),

campaign_of as (
    select
        roots.conversation_id,
        first(events.name order by events.starts_at desc, events.name) as campaign
    from roots
    join event_matches
      on event_matches.message_id = roots.root_id
     and event_matches.in_window
    join events
      on events.event_id = event_matches.event_id
     and events.kind = 'campaign'
    group by roots.conversation_id
),

final as (
    select
        combined.conversation_id,
        combined.brand,
        combined.customer_id,
        combined.channel,
        combined.started_at,
        combined.first_response_at,
        epoch(combined.first_response_at - combined.started_at) / 60.0 as first_response_minutes,
        case
            when combined.first_response_at is not null
                then combined.before_response - combined.before_start
                    + (combined.into_response_us - combined.into_start_us) / 60e6
        end as first_response_business_minutes,
        combined.first_response_at is not null as answered,
        combined.moved_to_dm,
        combined.inbound_count,
        combined.outbound_count,
        combined.first_sentiment,
        combined.last_sentiment,
        campaign_of.campaign,
        dm_of.handoff_of,
        combined.moved_off_channel,
        epoch(combined.dm_offer_at - combined.started_at) / 60.0 as dm_offer_minutes,
        combined.customer_followers
    from clocked as combined
    left join (
        select dm_conversation_id, min(conversation_id) as handoff_of
        from handoffs
        group by dm_conversation_id
    ) as dm_of on dm_of.dm_conversation_id = combined.conversation_id
    left join campaign_of on campaign_of.conversation_id = combined.conversation_id
)

select * from final;
