-- derive_campaigns.sql: one row per (event, inbound message) where the message matches one of
-- the event's hashtags or keywords: a customer message of the event's brand (any brand when the
-- event has none), sent from the start of the event's baseline (2 x its length rounded up to
-- whole weeks, at least 2 weeks, before it starts; see metrics/campaigns.sql) to 14 days after
-- it ends. `in_window` marks messages sent during the event.
-- Matching is case-insensitive on whole tokens: texts and keywords become lowercase tokens
-- (letters, digits, '_', inner apostrophes; a leading '#' kept), after URLs, @mentions and
-- HTML entities are removed and curly apostrophes straightened. A keyword matches when its
-- tokens occur consecutively: '#AcmeMegaDeal' matches '#acmemegadeal!' but neither
-- '#AcmeMegaDeals' nor 'AcmeMegaDeal'; 'Mega Deal' matches 'mega-deal' but not 'megadeal';
-- 'down' does not match 'download'.
-- params: none
create or replace table event_matches as

with

needles as (
    select
        event_id,
        keyword,
        ' ' || array_to_string(regexp_extract_all(
            lower(replace(keyword, '’', '''')),
            '#?[\p{L}\p{N}_]+(?:''[\p{L}\p{N}_]+)*'
        ), ' ') || ' ' as needle
    from (select event_id, unnest(keywords) as keyword from events)
),

candidates as (
    select
        events.event_id,
        messages.message_id,
        messages.brand,
        messages.conversation_id,
        messages.created_at,
        messages.created_at >= events.starts_at and messages.created_at < events.ends_at
            as in_window,
        messages.text
    from events
    join messages
      on (events.brand is null or messages.brand = events.brand)
     and messages.created_at >= events.starts_at - to_weeks(2 * greatest(1, ceil(
            epoch(events.ends_at - events.starts_at) / 604800))::bigint)
     and messages.created_at < events.ends_at + interval 14 day
    where messages.direction = 'inbound'
      and len(events.keywords) > 0
),

tokenized as (
    select
        candidates.* exclude (text),
        ' ' || array_to_string(regexp_extract_all(
            lower(replace(regexp_replace(
                coalesce(text, ''), 'https?://\S+|@\w+|&\w+;', ' ', 'g'), '’', '''')),
            '#?[\p{L}\p{N}_]+(?:''[\p{L}\p{N}_]+)*'
        ), ' ') || ' ' as haystack
    from candidates
),

final as (
    select
        tokenized.event_id,
        tokenized.message_id,
        tokenized.brand,
        tokenized.conversation_id,
        tokenized.created_at,
        tokenized.in_window,
        list_sort(list(distinct needles.keyword)) as keywords_matched
    from tokenized
    join needles
      on needles.event_id = tokenized.event_id
     and needles.needle <> '  '
     and contains(tokenized.haystack, needles.needle)
    group by all
)

select * from final;
