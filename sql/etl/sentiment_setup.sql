-- sentiment_setup.sql: the sentiment lexicons as temp tables, and two macros.
-- Run once per connection by etl.sentiment.load_lexicon, which registers the three frames it
-- builds from VADER's package files and etl/care_lexicon.tsv. No params.
-- grain: sentiment_words and sentiment_context one row per (variant, case variant of a term);
-- sentiment_phrases one row per care phrase. `key` is the lower-case term, `word` as written.

create or replace temp table sentiment_words as
select
    care::boolean as care,
    word::varchar as word,
    key::varchar as key,
    valence::double as valence,                  -- null: only the start of a phrase
    negated_valence::double as negated_valence,  -- care: replaces VADER's flip when negated
    phrase_start::boolean as phrase_start,
    is_upper::boolean as is_upper,               -- 'GOOD': VADER's ALL-CAPS emphasis
from sentiment_words_df;

create or replace temp table sentiment_context as
select
    care::boolean as care,
    word::varchar as word,
    key::varchar as key,
    valence::double as valence,                  -- its own valence, when it is a lexicon word
    in_lexicon::boolean as in_lexicon,           -- VADER skips modifiers that are lexicon words
    booster::double as booster,                  -- VADER's BOOSTER_DICT (+-0.293)
    negation::boolean as negation,               -- VADER's NEGATE (+ care negators)
    modifier::boolean as modifier,               -- booster, negation or a word a rule names
    is_upper::boolean as is_upper,
from sentiment_context_df;

create or replace temp table sentiment_phrases as
select
    care::boolean as care,
    prefix::varchar as prefix,                   -- its first two words (unique)
    third::varchar as third,                     -- its third word, if any
    valence::double as valence,
    negated_valence::double as negated_valence,
from sentiment_phrases_df;

-- VADER's scalar_inc_dec: a booster's push, signed like the word it modifies, plus the
-- ALL-CAPS bonus when the booster is shouted.
create or replace temp macro sentiment_scalar(booster, is_upper, valence, cap_diff) as
    case
        when booster is null then 0.0
        else (case when valence < 0 then -booster else booster end)
            + case
                when cap_diff and is_upper then (case when valence > 0 then 0.733 else -0.733 end)
                else 0.0
            end
    end;


-- The words VADER's rules compare a neighbour with (etl.sentiment.RULE_WORDS), numbered: the
-- scorer packs a neighbour's number into one integer (sentiment.sql, `context`), and a rule
-- names a word as sentiment_rule('never'), a constant. 0 for any other word.
create or replace temp macro sentiment_rule(word) as
    coalesce(list_position(
        ['no', 'so', 'this', 'never', 'without', 'doubt', 'least', 'at', 'very', 'or', 'nor',
         'kind', 'sort', 'just', 'enough', 'of'],
        word
    ), 0);
