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
-- Tokenizing is the costly part, so a message is tokenized only when its lowercased text
-- contains every token of one of its event's keywords: every token of a text is a piece of
-- that lowercased text, so a message skipped this way matches nothing. The lowercased text is
-- computed once per candidate and tested against the event's few keywords in one list lambda
-- (a correlated EXISTS here became a distinct aggregate and a join over every candidate).
-- params: none
create or replace table event_matches as

with

keyword_tokens as (
    select
        event_id,
        keyword,
        regexp_extract_all(
            lower(replace(keyword, '’', '''')),
            '#?[\p{L}\p{N}_]+(?:''[\p{L}\p{N}_]+)*'
        ) as tokens
    from (select event_id, unnest(keywords) as keyword from events)
),

needles as (
    select
        event_id,
        keyword,
        tokens,
        ' ' || array_to_string(tokens, ' ') || ' ' as needle
    from keyword_tokens
    where len(tokens) > 0
),

event_needles as (
    select event_id, list(tokens) as keywords_tokens
    from needles
    group by event_id
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
        coalesce(messages.text, '') as text
    from events
    join messages
      on (events.brand is null or messages.brand = events.brand)
     and messages.created_at >= events.starts_at - to_weeks(2 * greatest(1, ceil(
            epoch(events.ends_at - events.starts_at) / 604800))::bigint)
     and messages.created_at < events.ends_at + interval 14 day
    where messages.direction = 'inbound'
      and len(events.keywords) > 0
),

-- a message can match a keyword only if its lowercased text holds every token of it
worth_tokenizing as (
    select candidates.*
    from (
        select candidates.*, lower(replace(candidates.text, '’', '''')) as folded
        from candidates
    ) as candidates
    join event_needles using (event_id)
    where list_bool_or(list_transform(
        event_needles.keywords_tokens,
        lambda tokens: list_bool_and(list_transform(tokens, lambda token: contains(folded, token)))
    ))
),

tokenized as (
    select
        candidates.* exclude (text, folded),
        ' ' || array_to_string(regexp_extract_all(
            lower(replace(regexp_replace(
                text, 'https?://\S+|@\w+|&\w+;', ' ', 'g'), '’', '''')),
            '#?[\p{L}\p{N}_]+(?:''[\p{L}\p{N}_]+)*'
        ), ' ') || ' ' as haystack
    from worth_tokenizing as candidates
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
     and contains(tokenized.haystack, needles.needle)
    group by all
)

select * from final;
