-- derive_replies.sql: one row per brand message that answers a customer message present in the
-- data, with its latency (calendar and business clock), the agent who signed it and whether it
-- moves the conversation to DM or off-channel.
-- Latency = reply time - parent time; a reply stamped before its parent keeps a NULL latency.
-- Business latency: open minutes of the brand between the two (business_intervals, looked up
-- in business_clock, see derive_business.sql).
-- Text rules (pinned by tests/test_metrics_text.py):
--   agent: a signature at the very end, after links, "(1/2)"-style counters, punctuation and emoji
--     are trimmed: '^JK', '^sp', '2/2^Corry', '*TBT', '*KellenF', ' /LS', ' -Anna', ' - Mark',
--     '--JV', ' ~Sam'. Except for '^', the marker must not follow a letter or digit ('TV/DVR',
--     'Wi-Fi', 'Thanks-Emir' are not signatures) and the name starts upper-case; words such as
--     'Thanks' or 'Team' are not names.
--   dm_redirect: asks for or points to a DM: 'DM us', 'send us a DM', 'direct/private message',
--     'PM us', 'inbox us', "click 'Message'", 'replied to your DM', 'secure link' (care teams'
--     name for a DM link). Times such as '9 PM' are not PMs.
--   off_channel: sends the customer to a phone call, e-mail, web form, chat or a contact link:
--     'call us', 'give us a call', 'by phone', a phone number, 'email us', an e-mail address,
--     'web form', 'live chat', 'reach out / contact us / tell us more ... here: <link>'. Asking
--     for the customer's phone number or e-mail address in a DM is not off-channel.
-- Messages are their rowid here, and thread_parents and outbound_flags line up with messages
-- row for row (see derive_threads.sql).
-- -> temp table outbound_flags (row_id, agent, dm_redirect, off_channel): one row per message
--    in rowid order, NULL flags for customer messages; read by derive_conversations.sql too.
--    Table replies (with the reply's conversation_id, written by derive_threads.sql).
-- params: none

-- The distinct texts (final) are the side built and the replies stream through in rowid order,
-- so the sort at the end sorts presorted rows (1.02 -> 0.87 CPU s at 2.8M rows; left to the
-- optimizer, the million replies were the side built).
set disabled_optimizers = 'build_side_probe_side';

create or replace temp table outbound_flags as
with

outbound as (
    select
        rowid as row_id,
        -- Replies differ mostly in the @handles they open with, which no rule below reads (the
        -- words drop @handles, a signature sits at the end): each distinct rest is judged once.
        regexp_replace(coalesce(text, ''), '^([@＠]\w+\s+)+', '') as text
    from messages
    where direction = 'outbound'
),

distinct_texts as (select distinct text from outbound),

prepared as (
    select
        text,
        -- the end of the text, where signatures sit
        regexp_replace(
            regexp_replace(
                regexp_replace(text, '(\s*https?://\S+)+\s*$', ''),
                '\s*\(?\d{1,2}/\d{1,2}\)?\s*$', ''),
            '[\s\p{P}\p{S}]+$', '') as tail,
        -- the words: links become the word 'link', @handles and clock times go, and a
        -- "secure/private link" (care teams' name for a DM link) becomes a direct message
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(lower(text), 'https?://\S+', ' link ', 'g'),
                    '(^|\s)[@＠]\w+', ' ', 'g'),
                '\b\d{1,2}([:.]\d{2})?\s*(am|pm|a\.m\.|p\.m\.)', ' ', 'g'),
            '\b(private|secure|secured)( private| secure| secured)? (link|chat)\b',
            ' direct message ', 'g') as words
    from distinct_texts
),

signed as (
    select
        text,
        words,
        -- names in Latin letters (with accents); a Unicode letter class (\pL) makes RE2 ~60x
        -- slower on this end-anchored pattern
        regexp_replace(
            regexp_extract(
                tail,
                '(\^\s?[A-Za-z\x{C0}-\x{24F}]{1,20}'
                || '|(?:^|[^A-Za-z\x{C0}-\x{24F}0-9])[*/~\x{2013}\x{2014}-]\s?'
                || '[A-Z\x{C0}-\x{DE}][A-Za-z\x{C0}-\x{24F}]{0,19})$',
                1),
            '^[^A-Za-z\x{C0}-\x{24F}]+', '') as signature
    from prepared
),

final as (
    select
        text,
        case
            when lower(signature) not in (
                '', 'thanks', 'thank', 'thx', 'ty', 'cheers', 'regards', 'team', 'support',
                'help', 'dm', 'dms', 'us', 'you', 'me', 'we', 'hi', 'hello', 'yes', 'no', 'ok',
                'okay', 'sorry', 'please', 'link', 'here')
                then signature
        end as agent,
        regexp_matches(
            words,
            '\b(dm|dms|dm''?d|dming|pm us|pm me|direct message|direct msg|direct messages'
            || '|private message|private msg|private messages|privately|inbox us|inbox me)\b'
            || '|\bsend (us|me) a (private |direct )?message'
            || '|\bmessage (us|me)\b'
            || '|\bclick\W+(\w+\W+)?message\b'
            || '|\bfollow (us )?(and|&amp;|&) (dm|message)'
        ) as dm_redirect,
        regexp_matches(
            words,
            '\b(call|ring|phone) (us|our|the team|the number|them|back)\b'
            || '|\bgive (us|them) a (call|ring|buzz)\b|\b(we|we''ll|we will|we can|i''ll) '
            || '(call|ring|phone) you\b|\bcalling (us|our|the|\+?\d)'
            || '|\b(by|via|over the) (phone|telephone)\b|\brequest a call\b'
            || '|\bcontact (us|them) (at|on|by|via|through)\b'
            || '|\+?\b\d{1,2}[-. ]\d{3}[-. ]\d{3}[-. ]\d{4}\b|\b\d{3}[-. ]\d{3}[-. ]\d{4}\b'
            || '|\b0\d{3,4} \d{3} ?\d{3,4}\b'
            || '|\b(email|e-mail) (us|our|the team|it to|them)\b'
            || '|\b(send|drop) us an? (email|e-mail)\b'
            || '|[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}'
            || '|\bweb ?form\b|\bcontact form\b|\bonline form\b|\bfill (in|out) (this|the|our)'
            || '|\blive chat\b|\bchat (with us|team|agent|support)\b|\bchat with (one of )?our'
            || '|\b(contact (us|our|my|them|the)|reach out|reach (us|our|them|the)'
            || '|connect with|get in touch|tell us more|send us a note'
            || '|speak (to|with) (us|our|a|an|one)|talk (to|with) (us|our|a|an|one))\b'
            || '[^.!?]{0,60}\blink\b'
        ) as off_channel
    from signed
)

select outbound.row_id, final.* exclude (text)
from outbound
join final on final.text = outbound.text

union all

select rowid as row_id, null as agent, null as dm_redirect, null as off_channel
from messages
where direction <> 'outbound'

order by row_id;

reset disabled_optimizers;

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

-- the id columns stored uncompressed (as in messages, schema.sql): near-unique digit strings
-- that compress 2-3x at ~0.3 CPU s per million rows and column
create or replace table replies (
    reply_id        text using compression uncompressed,
    brand           text,
    parent_id       text using compression uncompressed,
    created_at      timestamptz,
    latency_minutes double,
    agent           text,
    dm_redirect     boolean,
    off_channel     boolean,
    channel         text,
    latency_business_minutes double,
    conversation_id text using compression uncompressed
);

insert into replies by name
with

answered as (
    select
        messages.rowid as row_id,
        messages.message_id as reply_id,
        messages.brand,
        messages.in_reply_to_id as parent_id,
        messages.created_at,
        case
            when thread_parents.row_id = messages.rowid and flags.row_id = messages.rowid
                then thread_parents.parent_at
            else error('derive_replies: thread_parents is out of line with messages')
        end as parent_at,
        messages.channel,
        messages.conversation_id,
        flags.agent,
        flags.dm_redirect,
        flags.off_channel
    from thread_parents
    positional join (
        select
            rowid, message_id, brand, in_reply_to_id, created_at, channel, direction,
            conversation_id
        from messages
    ) as messages
    positional join outbound_flags as flags
    where messages.direction = 'outbound'
      and thread_parents.parent_inbound
),

clocked as (
    select
        answered.*,
        -- open minutes before each instant = whole minutes before its interval + microseconds
        -- into it (kept apart so the difference is exact)
        coalesce(at_reply.open_before_minutes, 0) as before_reply,
        coalesce(epoch_us(least(answered.created_at, at_reply.close_at))
            - epoch_us(at_reply.open_at), 0) as into_reply_us,
        coalesce(at_parent.open_before_minutes, 0) as before_parent,
        coalesce(epoch_us(least(answered.parent_at, at_parent.close_at))
            - epoch_us(at_parent.open_at), 0) as into_parent_us
    from answered
    left join business_clock as at_reply
      on at_reply.brand = answered.brand
     and at_reply.hour = epoch_us(answered.created_at) // 3600000000
     and at_reply.valid_from <= answered.created_at
     and at_reply.valid_to > answered.created_at
    left join business_clock as at_parent
      on at_parent.brand = answered.brand
     and at_parent.hour = epoch_us(answered.parent_at) // 3600000000
     and at_parent.valid_from <= answered.parent_at
     and at_parent.valid_to > answered.parent_at
)

select
    clocked.reply_id,
    clocked.brand,
    clocked.parent_id,
    clocked.created_at,
    case
        when clocked.created_at >= clocked.parent_at
            then minutes_between(clocked.created_at, clocked.parent_at)
    end as latency_minutes,
    clocked.agent,
    clocked.dm_redirect,
    clocked.off_channel,
    clocked.channel,
    case
        when clocked.created_at >= clocked.parent_at
            then clocked.before_reply - clocked.before_parent
                + (clocked.into_reply_us - clocked.into_parent_us) / 60e6
    end as latency_business_minutes,
    -- the reply's conversation (derive_threads.sql), so that readers need not join messages
    clocked.conversation_id
from clocked;

reset disabled_optimizers;
