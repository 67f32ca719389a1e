-- sentiment.sql: VADER's compound score, set-based. One row per text of temp table
-- sentiment_input (id, text) -> temp table sentiment_scores (id, score in [-1, 1], label).
-- params: $care (boolean: care lexicon and rules), $threshold (label cut, 0.05),
--         $strip (regexp of the punctuation to drop, etl.sentiment.STRIP or STRIP_CARE)
-- needs: sentiment_setup.sql on this connection. Constants are VADER 3.3.2's (vaderSentiment.py).
-- One streaming pass: tokens are never stored; only those that hit the lexicon go on.

create or replace temp table sentiment_scores as
with

words as (
    select word, key, valence, negated_valence, phrase_start, is_upper
    from sentiment_words
    where care = $care
),

context as (
    -- a neighbour's flags in one integer, so that each of the three joins below fetches it, its
    -- booster and (for the word just before) its valence, not seven columns: 1 in the lexicon,
    -- 2 a negation, 4 a modifier, 8 all caps, 16 x its rule word's number (sentiment_rule).
    -- With the flags decoded only for modified words (`items`): scorer alone on the 1.6M texts
    -- of the 2.8M file, two threads, 7.25 -> 6.81 CPU s (medians of 6 alternated pairs).
    select
        word,
        valence,
        booster,
        (case when in_lexicon then 1 else 0 end)
            + (case when negation then 2 else 0 end)
            + (case when modifier then 4 else 0 end)
            + (case when is_upper then 8 else 0 end)
            + 16 * sentiment_rule(key) as code,
    from sentiment_context
    where care = $care
),

phrases as (
    select prefix, third, valence, negated_valence
    from sentiment_phrases
    where care = $care
),

flat as (
    -- VADER splits on runs of whitespace: newlines and tabs become spaces, runs of up to 16
    -- spaces one (a longer run leaves empty tokens, which score nothing). Only where needed.
    select
        id,
        case
            when contains(text, chr(10)) or contains(text, chr(13)) or contains(text, chr(9))
                then replace(replace(replace(text, chr(10), ' '), chr(13), ' '), chr(9), ' ')
            else text
        end as text,
    from sentiment_input
),

spaced as (
    select
        id,
        case
            when contains(text, '  ')
                then replace(replace(replace(replace(text, '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' ')
            else text
        end as text,
    from flat
),

padded as (
    -- Non-ASCII text only: a typographic apostrophe becomes "'" (so "don’t" negates), and each
    -- emoji a token of its own, worth its VADER description (sentiment_words). The rewrite
    -- names the whole match (\0), not a group: RE2 then needs no submatch (0.27 -> 0.23 CPU s
    -- on the 484k non-ASCII texts of the 2.8M bench file, one thread)
    select
        id,
        case
            when strlen(text) <> length(text)
                then regexp_replace(
                    replace(text, '’', ''''),
                    '[\x{2300}-\x{27BF}\x{2900}-\x{2BFF}\x{1F000}-\x{1FAFF}]', ' \0 ', 'g'
                )
            else text
        end as text,
    from spaced
),

token_lists as (
    select
        id,
        text,
        -- punctuation touching a word goes ("#fail," -> "fail"), emoticons such as ":)" stay,
        -- case stays too: lexicon keys come in 'good', 'Good' and 'GOOD'
        string_split(regexp_replace(text, $strip, '', 'g'), ' ') as tokens,
        -- VADER's ALL-CAPS rule needs some token that is not all caps (the second, slower
        -- test only runs on texts without a lower-case letter)
        case
            when regexp_matches(text, '[a-z]') then true
            else regexp_matches(text, '(^|\s)[^A-Za-z\s]+(\s|$)')
        end as cap_diff,
        -- VADER's punctuation emphasis: 0.292 per '!' (at most 4), 0.18 per '?' when 2-3, 0.96 above.
        -- Each mark is counted (one replace per text) only in the texts that hold it: about 19%
        -- and 23% of the 2.8M bench texts
        case
            when contains(text, '!') then least(strlen(text) - strlen(replace(text, '!', '')), 4) * 0.292
            else 0.0
        end
            + case
                when not contains(text, '?') then 0.0
                when strlen(text) - strlen(replace(text, '?', '')) > 3 then 0.96
                when strlen(text) - strlen(replace(text, '?', '')) > 1
                    then (strlen(text) - strlen(replace(text, '?', ''))) * 0.18
                else 0.0
            end as punct,
    from padded
),

positioned as (
    -- (per text, before unnest: an expression next to unnest would run once per token)
    select
        id,
        unnest(tokens) as token,
        generate_subscripts(tokens, 1) as pos,
        tokens,
        cap_diff,
        punct,
        but_pos,
    from (
        select
            *,
            -- VADER weighs words before the first "but" by 0.5 and after it by 1.5
            case
                when contains(text, 'but') or contains(text, 'But') or contains(text, 'BUT')
                    then least(
                        list_position(tokens, 'but'), list_position(tokens, 'But'),
                        list_position(tokens, 'BUT')
                    )
            end as but_pos,
        from token_lists
    )
),

hits as (
    -- tokens in the lexicon, with the three tokens before (VADER's window) and two after
    select
        positioned.id,
        positioned.pos,
        positioned.cap_diff,
        positioned.punct,
        words.key,
        words.valence,
        words.negated_valence,
        words.phrase_start,
        words.is_upper,
        case when positioned.pos > 1 then positioned.tokens[positioned.pos - 1] end as prev1,
        case when positioned.pos > 2 then positioned.tokens[positioned.pos - 2] end as prev2,
        case when positioned.pos > 3 then positioned.tokens[positioned.pos - 3] end as prev3,
        positioned.tokens[positioned.pos + 1] as next1,
        case when words.phrase_start then positioned.tokens[positioned.pos + 2] end as next2,
        positioned.but_pos,
    from positioned
    join words on words.word = positioned.token
),

with_context as (
    select
        hits.*,
        -- no token there (the text's start) is coded as a lexicon word: the rules skip both
        coalesce(c1.code, case when hits.prev1 is null then 1 else 0 end) as code1,
        coalesce(c2.code, case when hits.prev2 is null then 1 else 0 end) as code2,
        coalesce(c3.code, case when hits.prev3 is null then 1 else 0 end) as code3,
        c1.valence as valence1,
        c1.booster as boost1,
        c2.booster as boost2,
        c3.booster as boost3,
        -- care: a phrase starting here scores instead of the word (2 tokens, or 3 when the
        -- third matches too; sentiment_phrases holds one phrase per two-token prefix)
        phrases.prefix is not null
            and (phrases.third is null or phrases.third = lower(hits.next2)) as starts_phrase,
        phrases.valence as phrase_valence,
        phrases.negated_valence as phrase_negated,
    from hits
    left join context as c1 on c1.word = hits.prev1
    left join context as c2 on c2.word = hits.prev2
    left join context as c3 on c3.word = hits.prev3
    left join phrases
        on phrases.prefix = case when hits.phrase_start then hits.key || ' ' || lower(hits.next1) end
),

items as (
    -- one row per scored word or phrase, with its base valence. A neighbour i is `near` when
    -- code_i & 1 = 0 (a token, not a lexicon word), a negation when code_i & 2 <> 0 (VADER's
    -- NEGATE words; its extra test, any word containing "n't", adds only glued tokens such as
    -- "today,didn't": 18 in 19,000 tweets), shouted when code_i & 8 <> 0; key_i is its rule word
    select
        id, pos, but_pos, punct, cap_diff, key, valence, is_upper, valence1,
        code1, code2, code3, boost1, boost2, boost3,
        code1 >> 4 as key1,
        code2 >> 4 as key2,
        code3 >> 4 as key3,
        -- most words have no modifier before them: the rules below skip those, and compute
        -- their neighbours' flags only for the others
        (code1 | code2 | code3) & 4 <> 0 as modified,
        case when starts_phrase then phrase_valence else valence end as base,
        case when starts_phrase then phrase_negated else negated_valence end as negated,
    from with_context
    where (valence is not null or starts_phrase)
        -- "kind of" dampens (a booster bigram) and scores nothing itself
        and not (key = 'kind' and coalesce(next1 in ('of', 'Of', 'OF'), false))
),

rule_no as (
    -- "no" right before a lexicon word negates it (x -0.74) instead of scoring -1.2 itself:
    -- that word takes back the -1.2 (no_refund, summed below). Then an ALL-CAPS lexicon word
    -- among lower-case ones: +-0.733. ("no" is a modifier, so only modified words follow one.)
    select
        *,
        case
            when after_no and is_upper and cap_diff and base * -0.74 <> 0
                then base * -0.74 + (case when base * -0.74 > 0 then 0.733 else -0.733 end)
            when after_no then base * -0.74
            when is_upper and cap_diff and base <> 0
                then base + (case when base > 0 then 0.733 else -0.733 end)
            else base
        end as v0,
        case
            when modified and key1 = sentiment_rule('no') and valence is not null then -valence1 * case
                when but_pos is null or pos - 1 = but_pos then 1.0
                when pos - 1 < but_pos then 0.5
                else 1.5
            end
            else 0.0
        end as no_refund,
    from (
        select
            *,
            modified
                and (key1 = sentiment_rule('no') or key2 = sentiment_rule('no')
                    or (key3 = sentiment_rule('no') and key1 in (sentiment_rule('or'), sentiment_rule('nor'))))
                as after_no,
        from items
    )
),

window_1 as (
    -- the word just before: booster, then negation (x -0.74)
    select
        *,
        case
            when modified and code1 & 1 = 0
                then (v0 + sentiment_scalar(boost1, code1 & 8 <> 0, v0, cap_diff))
                * (case when code1 & 2 <> 0 then -0.74 else 1.0 end)
            else v0
        end as v1,
    from rule_no
),

window_2 as (
    -- two words before: booster damped by 0.95; "never so/this" boosts instead of negating
    select
        *,
        case
            when modified and code2 & 1 = 0
                then (v1 + 0.95 * sentiment_scalar(boost2, code2 & 8 <> 0, v1, cap_diff))
                * (case
                    when key2 = sentiment_rule('never')
                        and key1 in (sentiment_rule('so'), sentiment_rule('this')) then 1.25
                    when key2 = sentiment_rule('without') and key1 = sentiment_rule('doubt') then 1.0
                    when code2 & 2 <> 0 then -0.74
                    else 1.0
                end)
            else v1
        end as v2,
    from window_1
),

window_3 as (
    -- three words before: booster damped by 0.9, negation, and the dampeners "kind of",
    -- "sort of", "just enough" (VADER's precedence quirk on "so"/"this" kept)
    select
        *,
        case
            when modified and code3 & 1 = 0
                then (v2 + 0.9 * sentiment_scalar(boost3, code3 & 8 <> 0, v2, cap_diff))
                * (case
                    when (key3 = sentiment_rule('never')
                            and key2 in (sentiment_rule('so'), sentiment_rule('this')))
                        or key1 in (sentiment_rule('so'), sentiment_rule('this'))
                        then 1.25
                    when key3 = sentiment_rule('without')
                        and (key2 = sentiment_rule('doubt') or key1 = sentiment_rule('doubt'))
                        then 1.0
                    when code3 & 2 <> 0 then -0.74
                    else 1.0
                end)
                + (case
                    when (key3 in (sentiment_rule('kind'), sentiment_rule('sort'))
                            and key2 = sentiment_rule('of'))
                        or (key3 = sentiment_rule('just') and key2 = sentiment_rule('enough'))
                        then -0.293
                    else 0.0
                end)
                + (case
                    when (key2 in (sentiment_rule('kind'), sentiment_rule('sort'))
                            and key1 = sentiment_rule('of'))
                        or (key2 = sentiment_rule('just') and key1 = sentiment_rule('enough'))
                        then -0.293
                    else 0.0
                end)
            else v2
        end as v3,
    from window_2
),

rule_least as (
    -- "least good" negates, "at least" / "very least" do not
    select
        *,
        case
            when modified and key1 = sentiment_rule('least') and code1 & 1 = 0
                and key2 not in (sentiment_rule('at'), sentiment_rule('very'))
                then v3 * -0.74
            else v3
        end as v4,
    from window_3
),

rule_care_negation as (
    -- care: words such as "work" or "arrived" have no valence of their own but a fixed
    -- negative one when negated ("doesn't work", "never arrived"): after "no", or a near
    -- negation (code_i & 3 = 2)
    select
        *,
        case
            when negated is not null
                and modified
                and (after_no or code1 & 3 = 2 or code2 & 3 = 2 or code3 & 3 = 2)
                then negated
            else v4
        end as v5,
    from rule_least
),

sums as (
    -- summed as decimals: the same text always gets the same score, whatever the thread order
    select
        id,
        sum(
            (v5 * case
                when but_pos is null or pos = but_pos then 1.0
                when pos < but_pos then 0.5
                else 1.5
            end + no_refund)::decimal(18, 9)
        )::double as total,
        any_value(punct) as punct,
    from rule_care_negation
    group by id
),

scored as (
    -- punctuation pushes a non-zero sum away from zero; then VADER's normalisation
    -- x / sqrt(x^2 + 15), rounded like its compound
    select
        id,
        round(total / sqrt(total * total + 15), 4) as score,
    from (
        select
            id,
            case
                when total > 0 then total + punct
                when total < 0 then total - punct
                else 0.0
            end as total,
        from sums
    )
),

final as (
    -- every input text; one without a lexicon word scores 0
    select
        input.id,
        coalesce(scored.score, 0.0) as score,
        case
            when scored.score >= $threshold then 'positive'
            when scored.score <= -$threshold then 'negative'
            else 'neutral'
        end as label,
    from sentiment_input as input
    left join scored on scored.id = input.id
)

select * from final;
