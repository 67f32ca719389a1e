-- sentiment.sql: VADER's compound score, set-based. One row per text of temp table
-- sentiment_input (id, text) -> temp table sentiment_scores (id, score in [-1, 1], label).
-- params: $care (boolean: add the care lexicon and rules), $threshold (label cut, 0.05)
-- needs: sentiment_setup.sql on this connection. Constants are VADER 3.3.2's (vaderSentiment.py).

-- step 1, one row per token that hits the lexicon, with the neighbours the rules look at ------
create or replace temp table sentiment_hits as
with

words as (
    select word, valence, negated_valence, phrase_start
    from sentiment_words
    where care = $care
),

flat as (
    -- VADER splits on runs of whitespace: newlines and tabs become spaces, runs of up to 16
    -- spaces one (a longer run leaves empty tokens, which score nothing); a typographic
    -- apostrophe becomes "'" so that "don’t" negates
    select
        id,
        trim(
            replace(replace(replace(replace(replace(replace(replace(replace(
                text, chr(10), ' '), chr(13), ' '), chr(9), ' '),
                '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '),
                '’', '''')
        ) as text,
    from sentiment_input
),

padded as (
    -- VADER swaps each emoji for its description; here each emoji becomes a token of its own
    -- whose valence is that description's (sentiment_words)
    select
        id,
        case
            when regexp_matches(text, '[\x{2300}-\x{27BF}\x{2900}-\x{2BFF}\x{1F000}-\x{1FAFF}]')
                then regexp_replace(
                    text, '([\x{2300}-\x{27BF}\x{2900}-\x{2BFF}\x{1F000}-\x{1FAFF}])', ' \1 ', 'g'
                )
            else text
        end as text,
    from flat
),

token_lists as (
    -- two aligned lists: raw tokens (case, punctuation) and bare ones (lower case, no ASCII
    -- punctuation but the apostrophe, so "he'll" stays apart from "hell"); the regexp never
    -- removes a space, so position i is the same token in both
    select
        id,
        string_split(text, ' ') as raw_tokens,
        string_split(regexp_replace(lower(text), '[^\w\s'']+', '', 'g'), ' ') as bare_tokens,
        -- VADER's ALL-CAPS rule needs some token that is not all caps
        regexp_matches(text, '[a-z]')
            or regexp_matches(text, '(^|\s)[^A-Za-z\s]+(\s|$)') as cap_diff,
        -- VADER's punctuation emphasis: 0.292 per '!' (at most 4), 0.18 per '?' when 2-3, 0.96 above
        least(strlen(text) - strlen(replace(text, '!', '')), 4) * 0.292
            + case
                when strlen(text) - strlen(replace(text, '?', '')) > 3 then 0.96
                when strlen(text) - strlen(replace(text, '?', '')) > 1
                    then (strlen(text) - strlen(replace(text, '?', ''))) * 0.18
                else 0.0
            end as punct,
    from padded
),

tokens as (
    select
        id,
        unnest(bare_tokens) as bare,
        unnest(raw_tokens) as raw,
        unnest(range(1, len(bare_tokens) + 1)) as pos,
        bare_tokens,
        raw_tokens,
        cap_diff,
        punct,
    from token_lists
),

hits as (
    select tokens.*, words.*
    from tokens
    join words on words.word = sentiment_key(tokens.bare, tokens.raw)
),

final as (
    select
        id,
        pos,
        word as key,
        valence,
        negated_valence,
        phrase_start,
        cap_diff,
        punct,
        sentiment_isupper(raw) as is_upper,
        starts_with(raw, '@') as is_mention,
        -- the three tokens before (VADER's window) and two after (phrases, "no", "kind of")
        case when pos > 1 then sentiment_key(bare_tokens[pos - 1], raw_tokens[pos - 1]) end as prev1,
        case when pos > 2 then sentiment_key(bare_tokens[pos - 2], raw_tokens[pos - 2]) end as prev2,
        case when pos > 3 then sentiment_key(bare_tokens[pos - 3], raw_tokens[pos - 3]) end as prev3,
        case when pos > 1 then sentiment_isupper(raw_tokens[pos - 1]) end as prev1_upper,
        case when pos > 2 then sentiment_isupper(raw_tokens[pos - 2]) end as prev2_upper,
        case when pos > 3 then sentiment_isupper(raw_tokens[pos - 3]) end as prev3_upper,
        -- VADER also negates with any word containing "n't"
        case when pos > 1 then contains(lower(raw_tokens[pos - 1]), 'n''t') end as prev1_nt,
        case when pos > 2 then contains(lower(raw_tokens[pos - 2]), 'n''t') end as prev2_nt,
        case when pos > 3 then contains(lower(raw_tokens[pos - 3]), 'n''t') end as prev3_nt,
        sentiment_key(bare_tokens[pos + 1], raw_tokens[pos + 1]) as next1,
        sentiment_key(bare_tokens[pos + 2], raw_tokens[pos + 2]) as next2,
    from hits
)

select * from final;

-- step 2, VADER's rules on each hit, then one score per text ------------------------------
create or replace temp table sentiment_scores as
with

context as (
    select word, in_lexicon, booster, negation
    from sentiment_context
    where care = $care
),

phrases as (
    select phrase, n_tokens, valence, negated_valence
    from sentiment_phrases
    where care = $care
),

phrase_candidates as (
    select hits.id, hits.pos, phrases.n_tokens, phrases.valence, phrases.negated_valence
    from sentiment_hits as hits
    join phrases on phrases.phrase = hits.key || ' ' || hits.next1
    where hits.phrase_start
    union all
    select hits.id, hits.pos, phrases.n_tokens, phrases.valence, phrases.negated_valence
    from sentiment_hits as hits
    join phrases on phrases.phrase = hits.key || ' ' || hits.next1 || ' ' || hits.next2
    where hits.phrase_start
),

phrase_matches as (
    -- the longest phrase starting at a token wins
    select *
    from phrase_candidates
    qualify row_number() over (partition by id, pos order by n_tokens desc) = 1
),

covered as (
    -- tokens inside a phrase after its first one: the phrase scores for them
    select id, pos + unnest(range(1, n_tokens)) as pos
    from phrase_matches
),

but_positions as (
    -- VADER weighs words before the first "but" by 0.5 and after it by 1.5
    select id, min(pos) as but_pos
    from sentiment_hits
    where key = 'but'
    group by id
),

items as (
    select
        hits.*,
        coalesce(matches.valence, hits.valence) as base,
        case when matches.id is not null then matches.negated_valence else hits.negated_valence end
            as negated,
    from sentiment_hits as hits
    left join phrase_matches as matches on matches.id = hits.id and matches.pos = hits.pos
    where coalesce(matches.valence, hits.valence) is not null
        and not (hits.key = 'kind' and coalesce(hits.next1, '') = 'of')  -- "kind of" dampens
        and not ($care and hits.is_mention)  -- care: "@brand" names the addressee, not a feeling
        and not exists (
            select 1 from covered where covered.id = hits.id and covered.pos = hits.pos
        )
),

with_context as (
    select
        items.*,
        items.prev1 is not null and not coalesce(c1.in_lexicon, false) as near1,
        items.prev2 is not null and not coalesce(c2.in_lexicon, false) as near2,
        items.prev3 is not null and not coalesce(c3.in_lexicon, false) as near3,
        c1.booster as boost1,
        c2.booster as boost2,
        c3.booster as boost3,
        coalesce(c1.negation, false) or coalesce(items.prev1_nt, false) as neg1,
        coalesce(c2.negation, false) or coalesce(items.prev2_nt, false) as neg2,
        coalesce(c3.negation, false) or coalesce(items.prev3_nt, false) as neg3,
        coalesce(next.in_lexicon, false) as next_in_lexicon,
        items.prev1 = 'no' or items.prev2 = 'no'
            or (items.prev3 = 'no' and items.prev1 in ('or', 'nor')) as after_no,
    from items
    left join context as c1 on c1.word = items.prev1
    left join context as c2 on c2.word = items.prev2
    left join context as c3 on c3.word = items.prev3
    left join context as next on next.word = items.next1
),

rule_no as (
    -- "no" right before a lexicon word negates it instead of scoring -1.2 itself
    select
        *,
        case
            when coalesce(after_no, false) then base * -0.74
            when key = 'no' and next_in_lexicon then 0.0
            else base
        end as v_no,
    from with_context
),

rule_caps as (
    -- an ALL-CAPS lexicon word among lower-case ones: +-0.733
    select
        *,
        v_no + case
            when is_upper and cap_diff and (v_no <> 0 or key = 'no')
                then (case when v_no > 0 then 0.733 else -0.733 end)
            else 0.0
        end as v0,
    from rule_no
),

window_1 as (
    -- the word just before: booster, then negation (x -0.74)
    select
        *,
        case
            when near1 then (v0 + sentiment_scalar(boost1, prev1_upper, v0, cap_diff))
                * (case when neg1 then -0.74 else 1.0 end)
            else v0
        end as v1,
    from rule_caps
),

window_2 as (
    -- two words before: booster damped by 0.95; "never so/this" boosts instead of negating
    select
        *,
        case
            when near2 then (v1 + 0.95 * sentiment_scalar(boost2, prev2_upper, v1, cap_diff))
                * (case
                    when prev2 = 'never' and prev1 in ('so', 'this') then 1.25
                    when prev2 = 'without' and prev1 = 'doubt' then 1.0
                    when neg2 then -0.74
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
            when near3 then (v2 + 0.9 * sentiment_scalar(boost3, prev3_upper, v2, cap_diff))
                * (case
                    when (prev3 = 'never' and prev2 in ('so', 'this')) or prev1 in ('so', 'this')
                        then 1.25
                    when prev3 = 'without' and (prev2 = 'doubt' or prev1 = 'doubt') then 1.0
                    when neg3 then -0.74
                    else 1.0
                end)
                + (case when prev3 || ' ' || prev2 in ('kind of', 'sort of', 'just enough')
                    then -0.293 else 0.0 end)
                + (case when prev2 || ' ' || prev1 in ('kind of', 'sort of', 'just enough')
                    then -0.293 else 0.0 end)
            else v2
        end as v3,
    from window_2
),

rule_least as (
    -- "least good" negates, "at least" / "very least" do not
    select
        *,
        case
            when prev1 = 'least' and near1 and coalesce(prev2, '') not in ('at', 'very')
                then v3 * -0.74
            else v3
        end as v4,
    from window_3
),

rule_care_negation as (
    -- care: words such as "work" or "arrived" have no valence of their own but a fixed
    -- negative one when negated ("doesn't work", "never arrived")
    select
        *,
        case
            when negated is not null
                and (coalesce(after_no, false) or (near1 and neg1) or (near2 and neg2)
                    or (near3 and neg3))
                then negated
            else v4
        end as v5,
    from rule_least
),

weighted as (
    select
        items.id,
        items.punct,
        items.v5 * case
            when but_positions.but_pos is null then 1.0
            when items.pos < but_positions.but_pos then 0.5
            when items.pos > but_positions.but_pos then 1.5
            else 1.0
        end as valence,
    from rule_care_negation as items
    left join but_positions on but_positions.id = items.id
),

sums as (
    select
        id,
        sum(valence) as total,
        any_value(punct) as punct,
    from weighted
    group by id
),

emphasised as (
    -- punctuation pushes a non-zero sum away from zero
    select
        id,
        case
            when total > 0 then total + punct
            when total < 0 then total - punct
            else 0.0
        end as total,
    from sums
),

scored as (
    -- VADER's normalisation x / sqrt(x^2 + 15), rounded like VADER's compound
    select
        input.id,
        round(greatest(-1.0, least(1.0,
            coalesce(emphasised.total, 0.0) / sqrt(coalesce(emphasised.total, 0.0) * coalesce(emphasised.total, 0.0) + 15)
        )), 4) as score,
    from sentiment_input as input
    left join emphasised on emphasised.id = input.id
),

final as (
    select
        id,
        score,
        case
            when score >= $threshold then 'positive'
            when score <= -$threshold then 'negative'
            else 'neutral'
        end as label,
    from scored
)

select * from final;
