-- schema.sql: the canonical tables (a public contract, documented in docs/tables.md).
-- Idempotent: safe to run on an existing database.

create table if not exists load_runs (
    run_id          bigint primary key,
    started_at      timestamptz not null,
    finished_at     timestamptz,
    source          text not null,          -- 'twcs' | 'x-json' | 'x-api' | 'demo'
    file            text,                   -- path, or the API stream name
    rows_read       bigint not null default 0,
    rows_loaded     bigint not null default 0,
    rows_duplicate  bigint not null default 0,
    rows_rejected   bigint not null default 0,
    cursor          text,                   -- newest id seen (incremental API pulls)
    note            text
);

-- messages: the id columns are stored uncompressed. They are near-unique digit strings, which
-- DICT_FSST (the default) compresses only 2-3x at ~0.6 CPU s per million rows and column on
-- every insert: 2.8M rows load ~2 CPU s faster for ~40 MB more file (docs/performance.md).
-- `text` is stored with ZSTD: DICT_FSST (the default) costs ~2.3 CPU s per 2.8M texts to write
-- and keeps them in 134 MB; ZSTD ~0.9 CPU s and 63 MB, and scans them as fast.
-- conversation_id is an id column too (0.995M distinct in 2.8M rows), written by every full
-- derive (derive_threads.sql): uncompressed, 0.44 -> 0.20 CPU s at 2.8M rows for ~18 MB of file.
create table if not exists messages (
    message_id        text not null         -- unique (enforced by the loader); text, never floats
                      using compression uncompressed,
    brand             text,
    channel           text not null,        -- 'public' | 'dm'
    direction         text not null,        -- 'inbound' (customer) | 'outbound' (brand)
    author_id         text not null,
    author_followers  bigint,
    created_at        timestamptz not null,
    text              text using compression zstd,
    in_reply_to_id    text using compression uncompressed,
    conversation_id   text using compression uncompressed, -- the root's id (derive_threads.sql)
    source            text not null,
    sentiment         double,               -- [-1, 1], inbound only
    sentiment_label   text,                 -- negative | neutral | positive
    response_ids      text using compression uncompressed, -- twcs response_tweet_id list, comma sep.
    dm_conversation_id text,                -- X API DM conversation id (channel 'dm')
    run_id            bigint
);

create table if not exists rejected (
    run_id   bigint,
    source   text,
    file     text,
    line     bigint,                        -- physical line where the record starts (header = 1)
    raw      text,
    reason   text not null
);

create table if not exists brand_accounts (
    handle   text primary key               -- author ids that speak for a brand
);

create table if not exists api_cursors (
    stream      text primary key,          -- e.g. 'mentions:AmazonHelp'
    newest_id   text,
    updated_at  timestamptz
);

-- conversations: ids uncompressed as in messages (derive_conversations.sql recreates it the same way)
create table if not exists conversations (
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
    handoff_of        text,                 -- for a DM conversation: the public one it continues
    moved_off_channel boolean,              -- a brand reply sends it to phone, email or a web form
    dm_offer_minutes  double,               -- start to the first brand reply asking for a DM
    customer_followers bigint,              -- the customer's followers on the first message
    first_scored_at   timestamptz,          -- the customer's first message with a sentiment label
    first_scored_sentiment double,
    first_scored_label text,
    last_scored_at    timestamptz,          -- ... and last one
    last_scored_sentiment double,
    last_scored_label text
);

-- replies: ids uncompressed as in messages (derive_replies.sql recreates it the same way)
create table if not exists replies (
    reply_id        text using compression uncompressed,
    brand           text,
    parent_id       text using compression uncompressed,
    created_at      timestamptz,
    latency_minutes double,
    agent           text,
    dm_redirect     boolean,
    off_channel     boolean,                -- sends the customer to phone, email or a web form
    channel         text,
    latency_business_minutes double,        -- the same latency on the brand's business clock
    conversation_id text using compression uncompressed -- the reply's conversation (as in messages)
);

-- reply_pairs: one row per conversation, brand and agent with a reply (derive_replies.sql)
create table if not exists reply_pairs (
    conversation_id text using compression uncompressed,
    brand           text,
    agent           text,                   -- null: the brand's unsigned replies
    first_at        timestamptz,            -- the pair's first reply
    last_at         timestamptz             -- ... and last one
);

create table if not exists events (         -- the event calendar (docs/events.md), replaced at every load
    event_id   bigint,                      -- 1, 2, ... in calendar file order
    name       text not null,
    brand      text,                        -- null = every brand
    starts_at  timestamptz not null,
    ends_at    timestamptz not null,        -- exclusive
    kind       text not null,               -- campaign | launch | price change | outage | other
    keywords   text[],                      -- hashtags (with '#') and keywords or phrases, as written
    line       bigint                       -- line in the calendar file
);

create table if not exists meta (
    key   text primary key,
    value text
);

-- The configuration (carepulse.toml) as of the last load or `carepulse derive`; see
-- docs/configuration.md. Replaced as a whole before every derive.
create table if not exists config_brands (
    brand     text,
    timezone  text                          -- IANA name; brands not listed: UTC
);

create table if not exists config_schedules (
    brand           text,
    effective_from  date                    -- local date; the earliest version also covers before
);

create table if not exists config_hours (
    brand           text,
    effective_from  date,
    weekday         integer,                -- 1 = Monday ... 7 = Sunday (local)
    opens_minute    integer,                -- minutes after local midnight
    closes_minute   integer                 -- > opens_minute; above 1440 runs past midnight
);

create table if not exists config_holidays (
    brand           text,
    effective_from  date,                   -- the schedule version it belongs to; null = all
    day             date                    -- local date, closed all day
);

create table if not exists config_sla (
    brand           text,                   -- null = the default for every brand
    target_minutes  double,
    is_primary      boolean                 -- the headline target
);
