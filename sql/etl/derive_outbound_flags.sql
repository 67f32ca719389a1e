-- derive_outbound_flags.sql: what each brand message's text says: the agent who signed it and
-- whether it moves the conversation to DM or off-channel (derive_replies.sql and
-- derive_conversations.sql read it). A step of its own so that a full derive can run
-- derive_campaigns.sql beside derive_replies.sql (etl/derive.py).
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
-- -> temp table outbound_flags (row_id, agent, dm_redirect, off_channel): one row per message
--    in rowid order (lined up with messages row for row, see derive_threads.sql), NULL flags
--    for customer messages.
-- params: none

-- Each distinct text carries the list of its rows (row_ids) through the rules, and its flags
-- go back to those rows by unnest: the replies are read once (no stored copy of them for a
-- second reader) and no join on the texts is needed (2.8M, 8 alternated pairs: 3.40 -> 3.29
-- CPU s on average, within the machine's noise; same rows, same order).

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

distinct_texts as (select text, list(row_id) as row_ids from outbound group by text),

-- The rewrites below run only on the texts that hold a string every match of theirs needs (a
-- contains() test costs a tenth of a regexp call, and most texts hold none): exact, the rules'
-- results do not change (tests/test_bench_flags.py compares with the unfiltered rules, kept in
-- tests/reference_sql/outbound_flags_unfiltered.sql). At 2.8M rows: 1.03M distinct texts, of
-- which ~2% hold 'http', 1% '@', 14% '/', 31% 'am' or 'pm', 9% 'private' or 'secure'
-- (statement 3.9 -> 3.0 CPU s). A contains() prefilter before the dm_redirect, signature or
-- end-punctuation rules measured as dear as the regexp it would skip.

lowered as (select row_ids, text as tail, lower(text) as words from distinct_texts),

-- links go: at the end of the tail; in the words they become the word 'link'
unlinked as (
    select
        row_ids,
        case
            when contains(tail, 'http')
                then regexp_replace(tail, '(\s*https?://\S+)+\s*$', '')
            else tail
        end as tail,
        case
            when contains(words, 'http')
                then regexp_replace(words, 'https?://\S+', ' link ', 'g')
            else words
        end as words
    from lowered
),

-- "(1/2)"-style counters at the end of the tail go; @handles in the words go
uncounted as (
    select
        row_ids,
        case
            when contains(tail, '/')
                then regexp_replace(tail, '\s*\(?\d{1,2}/\d{1,2}\)?\s*$', '')
            else tail
        end as tail,
        case
            when contains(words, '@') or contains(words, '＠')
                then regexp_replace(words, '(^|\s)[@＠]\w+', ' ', 'g')
            else words
        end as words
    from unlinked
),

-- punctuation, symbols and spaces at the end of the tail go; clock times in the words go
untimed as (
    select
        row_ids,
        regexp_replace(tail, '[\s\p{P}\p{S}]+$', '') as tail,
        case
            when contains(words, 'am') or contains(words, 'pm')
                or contains(words, 'a.m.') or contains(words, 'p.m.')
                then regexp_replace(
                    words, '\b\d{1,2}([:.]\d{2})?\s*(am|pm|a\.m\.|p\.m\.)', ' ', 'g')
            else words
        end as words
    from uncounted
),

-- the end of the text, where signatures sit (tail), and the words, where a "secure/private
-- link" (care teams' name for a DM link) becomes a direct message
prepared as (
    select
        row_ids,
        tail,
        case
            when contains(words, 'private') or contains(words, 'secure')
                then regexp_replace(
                    words,
                    '\b(private|secure|secured)( private| secure| secured)? (link|chat)\b',
                    ' direct message ', 'g')
            else words
        end as words
    from untimed
),

signed as (
    select
        row_ids,
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
        row_ids,
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

select unnest(row_ids) as row_id, agent, dm_redirect, off_channel
from final

union all

select rowid as row_id, null as agent, null as dm_redirect, null as off_channel
from messages
where direction <> 'outbound'

order by row_id;
