-- sentiment_setup.sql: the sentiment lexicons as temp tables, and the token macros.
-- Run once per connection by etl.sentiment.load_lexicon, which registers the three frames it
-- builds from VADER's package files and etl/care_lexicon.tsv. No params.
-- grain: sentiment_words one row per (variant, lookup key); sentiment_context one row per
-- (variant, word that can modify a neighbour); sentiment_phrases one row per care phrase.

create or replace temp table sentiment_words as
select
    care::boolean as care,
    word::varchar as word,
    valence::double as valence,                  -- null: phrase start or 'but' marker only
    negated_valence::double as negated_valence,  -- care: replaces VADER's flip when negated
    phrase_start::boolean as phrase_start,
from sentiment_words_df;

create or replace temp table sentiment_context as
select
    care::boolean as care,
    word::varchar as word,
    in_lexicon::boolean as in_lexicon,           -- VADER skips modifiers that are lexicon words
    booster::double as booster,                  -- VADER's BOOSTER_DICT (+-0.293)
    negation::boolean as negation,               -- VADER's NEGATE (+ care negators)
from sentiment_context_df;

create or replace temp table sentiment_phrases as
select
    care::boolean as care,
    phrase::varchar as phrase,
    n_tokens::integer as n_tokens,
    valence::double as valence,
    negated_valence::double as negated_valence,
from sentiment_phrases_df;

-- The lookup key of a token: lower case without ASCII punctuation, but the raw (lower-case)
-- token when fewer than 3 bytes are left, as VADER keeps ':)' whole.
create or replace temp macro sentiment_key(bare, raw) as
    case when strlen(bare) > 2 then bare else lower(raw) end;

-- Python's str.isupper(): some cased character and no lower-case one.
create or replace temp macro sentiment_isupper(raw) as
    raw = upper(raw) and raw <> lower(raw);

-- VADER's scalar_inc_dec: a booster's push, signed like the word it modifies, plus the
-- ALL-CAPS bonus when the booster is shouted.
create or replace temp macro sentiment_scalar(booster, is_upper, valence, cap_diff) as
    case
        when booster is null then 0.0
        else (case when valence < 0 then -booster else booster end)
            + case
                when is_upper and cap_diff then (case when valence > 0 then 0.733 else -0.733 end)
                else 0.0
            end
    end;
