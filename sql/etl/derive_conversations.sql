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
-- first_scored_* / last_scored_*: the customer's first and last message with a sentiment label
-- (time, score, label), which summary_turnaround_hourly.sql reads instead of the messages.
-- campaign: the campaign (event of kind campaign) whose hashtags/keywords the
-- conversation's first customer message matches during the campaign's window
-- (event_matches, see derive_campaigns.sql); the latest-starting one if several.
-- How: one pass over the messages, each with its conversation's root row and start from
-- thread_roots and its reply flags from outbound_flags (both in rowid order: lined up with
-- messages, see derive_threads.sql), gives every figure of a conversation that its own messages decide, for customer
-- threads and DM threads alike; DM handoffs, business clocks and campaigns join that.
-- params: $dm_handoff_hours
-- Minutes from one instant to another as epoch(later - earlier) / 60 gives them, bit for bit
-- (whole days of seconds plus the rest in microseconds), in integer arithmetic: subtracting
-- timestamptz values costs ~10x more.
create or replace temp macro minutes_between(later_at, earlier_at) as (
    (epoch_us(later_at) - epoch_us(earlier_at)) // 86400000000 * 86400
    + (epoch_us(later_at) - epoch_us(earlier_at)) % 86400000000 / 1e6
) / 60.0;

-- A POSITIONAL JOIN's row estimate is 0, so DuckDB would build its hash tables on the million
-- rows coming from one instead of on the small tables joined to them: for this statement the
-- right side of each join, as written, is the one built.
set disabled_optimizers = 'build_side_probe_side';

-- the id columns stored uncompressed (as in messages and replies, schema.sql): near-unique digit
-- strings that DICT_FSST compresses at ~0.2 CPU s per million rows and column
create or replace table conversations (
    conversation_id   text using compression uncompressed,
    brand             text,
    customer_id       text using compression uncompressed,
    channel           text,
    started_at        timestamptz,
    first_response_at timestamptz,
    first_response_minutes double,
    first_response_business_minutes double,
    answered          boolean,
    moved_to_dm       boolean,
    inbound_count     bigint,
    outbound_count    bigint,
    first_sentiment   double,
    last_sentiment    double,
    campaign          text,
    handoff_of        text,
    moved_off_channel boolean,
    dm_offer_minutes  double,
    customer_followers bigint,
    first_scored_at   timestamptz,
    first_scored_sentiment double,
    first_scored_label text,
    last_scored_at    timestamptz,
    last_scored_sentiment double,
    last_scored_label text
);

insert into conversations by name
with

-- read where used (each reader takes its few columns): materializing every message's columns
-- once for the three readers cost more than reading them three times
threads as not materialized (
    select
        case
            when messages.rowid = thread_roots.row_id and flags.row_id = thread_roots.row_id
                then thread_roots.conversation_row
            else error('derive_conversations: thread_roots is out of line with messages')
        end as conversation_row,
        thread_roots.is_start as is_root,
        thread_roots.started_at,
        messages.*,
        flags.dm_redirect,
        flags.off_channel
    from thread_roots
    positional join (
        select
            rowid, conversation_id, brand, author_id, author_followers, channel, direction,
            created_at, sentiment,
            -- a scored customer message's label as a code (-1 negative, 0 neutral, 1
            -- positive): first / last over a number cost a fraction of the same over text
            case
                when direction = 'inbound' and sentiment_label is not null
                    then case sentiment_label when 'negative' then -1 when 'neutral' then 0
                        else 1 end
            end::tinyint as scored_label
        from messages
    ) as messages
    positional join outbound_flags as flags
),

roots as (
    select
        conversation_row,
        conversation_id,
        direction,
        brand,
        author_id as customer_id,
        channel,
        started_at,
        author_followers as customer_followers
    from threads
    where is_root
),

-- figures of a conversation's own traffic: numbers only (text aggregates over millions of rows
-- cost far more)
traffic as (
    select
        conversation_row,
        min(created_at) filter (where direction = 'outbound' and created_at >= started_at)
            as first_reply_at,
        count(*) filter (where direction = 'inbound') as inbound_count,
        count(*) filter (where direction = 'outbound') as outbound_count,
        arg_min(sentiment, created_at) filter (where direction = 'inbound') as first_sentiment,
        arg_max(sentiment, created_at) filter (where direction = 'inbound') as last_sentiment,
        coalesce(bool_or(dm_redirect), false) as asked_for_dm,
        coalesce(bool_or(off_channel), false) as sent_off_channel,
        min(created_at) filter (where dm_redirect and created_at >= started_at) as dm_offer_at,
        -- the first and last scored customer message: time and label packed in one number
        -- (microseconds * 4 + label code + 1; a conversation's messages never share an
        -- instant), one min / max instead of three aggregates each
        min(epoch_us(created_at) * 4 + scored_label + 1) as first_scored_mark,
        arg_min(sentiment, created_at) filter (where scored_label is not null)
            as first_scored_sentiment,
        max(epoch_us(created_at) * 4 + scored_label + 1) as last_scored_mark,
        arg_max(sentiment, created_at) filter (where scored_label is not null)
            as last_scored_sentiment
    from threads
    group by conversation_row
),

started as (
    select
        roots.* exclude (direction),
        traffic.* exclude (conversation_row)
    from roots
    join traffic using (conversation_row)
    where roots.direction = 'inbound'
),

dm_threads as (
    -- every DM conversation, whoever opened it; its customer is the one who writes in it
    select
        dm_messages.conversation_row,
        arg_min(dm_messages.brand, dm_messages.created_at) as brand,
        arg_min(dm_messages.author_id, dm_messages.created_at) filter (
            where dm_messages.direction = 'inbound'
        ) as customer_id,
        min(dm_messages.created_at) as started_at,
        min(dm_messages.created_at) filter (where dm_messages.direction = 'outbound')
            as first_brand_at
    from (
        select conversation_row, brand, author_id, direction, created_at
        from threads
        where channel = 'dm'
    ) as dm_messages
    group by dm_messages.conversation_row
),

handoffs as (
    select
        public_side.conversation_row,
        public_side.conversation_id,
        arg_min(dm_side.conversation_row, dm_side.started_at) as dm_conversation_row,
        arg_min(dm_side.first_brand_at, dm_side.started_at) as dm_first_reply_at
    from started as public_side
    join dm_threads as dm_side
      on dm_side.customer_id = public_side.customer_id
     and dm_side.brand = public_side.brand
     and public_side.channel = 'public'
     and dm_side.started_at >= public_side.started_at
     and dm_side.started_at < public_side.started_at + to_hours($dm_handoff_hours::bigint)
    group by public_side.conversation_row, public_side.conversation_id
),

combined as (
    select
        started.conversation_row,
        started.conversation_id,
        started.brand,
        started.customer_id,
        started.channel,
        started.started_at,
        started.customer_followers,
        started.inbound_count,
        started.outbound_count,
        started.first_sentiment,
        started.last_sentiment,
        started.first_scored_mark,
        started.first_scored_sentiment,
        started.last_scored_mark,
        started.last_scored_sentiment,
        handoffs.dm_conversation_row,
        case
            when handoffs.dm_first_reply_at is null then started.first_reply_at
            when started.first_reply_at is null then handoffs.dm_first_reply_at
            else least(started.first_reply_at, handoffs.dm_first_reply_at)
        end as first_response_at,
        started.asked_for_dm or handoffs.dm_conversation_row is not null as moved_to_dm,
        started.sent_off_channel as moved_off_channel,
        started.dm_offer_at
    from started
    left join handoffs using (conversation_row)
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
    left join business_clock as at_start
      on at_start.brand = combined.brand
     and at_start.hour = epoch_us(combined.started_at) // 3600000000
     and at_start.valid_from <= combined.started_at
     and at_start.valid_to > combined.started_at
    left join business_clock as at_response
      on at_response.brand = combined.brand
     and at_response.hour = epoch_us(combined.first_response_at) // 3600000000
     and at_response.valid_from <= combined.first_response_at
     and at_response.valid_to > combined.first_response_at
),

campaign_of as (
    select
        event_matches.message_id as conversation_id,
        first(events.name order by events.starts_at desc, events.name) as campaign
    from event_matches
    join events
      on events.event_id = event_matches.event_id
     and events.kind = 'campaign'
    where event_matches.in_window
    group by event_matches.message_id
),

final as (
    select
        combined.conversation_id,
        combined.brand,
        combined.customer_id,
        combined.channel,
        combined.started_at,
        combined.first_response_at,
        minutes_between(combined.first_response_at, combined.started_at)
            as first_response_minutes,
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
        minutes_between(combined.dm_offer_at, combined.started_at) as dm_offer_minutes,
        combined.customer_followers,
        make_timestamptz(combined.first_scored_mark // 4) as first_scored_at,
        combined.first_scored_sentiment,
        case combined.first_scored_mark % 4
            when 0 then 'negative' when 1 then 'neutral' when 2 then 'positive'
        end as first_scored_label,
        make_timestamptz(combined.last_scored_mark // 4) as last_scored_at,
        combined.last_scored_sentiment,
        case combined.last_scored_mark % 4
            when 0 then 'negative' when 1 then 'neutral' when 2 then 'positive'
        end as last_scored_label
    from clocked as combined
    left join (
        select dm_conversation_row, min(conversation_id) as handoff_of
        from handoffs
        group by dm_conversation_row
    ) as dm_of on dm_of.dm_conversation_row = combined.conversation_row
    left join campaign_of on campaign_of.conversation_id = combined.conversation_id
)

select * from final;

reset disabled_optimizers;
