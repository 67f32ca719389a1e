"""Sentiment of inbound customer messages: VADER's compound score, computed set-based in DuckDB.

Two paths give a score in [-1, 1] and a label (negative | neutral | positive):

- `reference_scores`: plain VADER (`polarity_scores(text)['compound']`), one Python call per text.
  The yardstick, far too slow for the ETL.
- `score_texts` / `score_messages`: the same rules as SQL over all texts at once
  (sql/etl/sentiment.sql). With `care=True` (the default) the care lexicon and rules in
  etl/care_lexicon.tsv are added: complaints such as "still waiting" or "doesn't work" carry no
  VADER word, and "please"/"help" make VADER read requests as praise.

The lexicons are VADER's own files (shipped in the vaderSentiment package), loaded once per
connection into temp tables; see docs/sentiment.md for the method and measured figures.
"""
from __future__ import annotations

import csv
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from vaderSentiment import vaderSentiment as vader

import sql
from etl import lexicon_cache

if TYPE_CHECKING:
    import pandas as pd
# pandas (~0.45 s to import) is imported where a function returns or builds a DataFrame: the
# reference path, score_texts and building the lexicon frames. A load that finds the lexicon
# stored in its database scores without it.

THRESHOLD = 0.05  # VADER's standard cut: compound >= 0.05 positive, <= -0.05 negative
LABELS = ("negative", "neutral", "positive")
CARE_LEXICON = Path(__file__).with_name("care_lexicon.tsv")
# Every emoji whose VADER description carries sentiment lies in these blocks (checked in tests).
EMOJI_BLOCKS = re.compile("[\u2300-\u27bf\u2900-\u2bff\U0001f000-\U0001faff]")
# Punctuation that touches a word goes (VADER strips it at token ends); the care variant keeps
# '@' so that '@brand', the addressee, never scores. Passed to the SQL as $strip.
STRIP = r"\b[^\w\s']+|[^\w\s']+\b"
STRIP_CARE = r"\b[^\w\s'@]+|[^\w\s'@]+\b"
# Words VADER's rules compare neighbours with, beyond boosters and negations.
RULE_WORDS = {"no", "so", "this", "never", "without", "doubt", "least", "at", "very", "or", "nor",
              "kind", "sort", "just", "enough", "of"}
_LEXICON_TABLES = ("sentiment_words", "sentiment_context", "sentiment_phrases")


# -- reference path ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _analyzer() -> vader.SentimentIntensityAnalyzer:
    return vader.SentimentIntensityAnalyzer()


def label_of(score: float) -> str:
    if score >= THRESHOLD:
        return "positive"
    if score <= -THRESHOLD:
        return "negative"
    return "neutral"


def reference_scores(texts) -> pd.DataFrame:
    """Plain VADER, one call per text: DataFrame(score, label) in input order."""
    import pandas as pd
    analyzer = _analyzer()
    scores = [analyzer.polarity_scores(t if isinstance(t, str) else "")["compound"] for t in texts]
    return pd.DataFrame({"score": scores, "label": [label_of(s) for s in scores]})


# -- fast path ---------------------------------------------------------------------------------

def score_texts(texts, con: duckdb.DuckDBPyConnection | None = None, care: bool = True) -> pd.DataFrame:
    """Score a list of texts through the SQL path: DataFrame(score, label) in input order."""
    import pandas as pd
    own = con is None
    con = con or duckdb.connect()
    try:
        load_lexicon(con)
        frame = pd.DataFrame({"text": pd.Series(list(texts), dtype=object)})
        frame["ord"] = range(len(frame))
        con.register("sentiment_texts_df", frame)
        try:
            sql.execute_script(con, "etl/sentiment_stage_texts")
            _score_input(con, care)
            result = sql.query(con, "etl/sentiment_texts_result")
        finally:
            con.unregister("sentiment_texts_df")
            sql.execute_script(con, "etl/sentiment_cleanup")
        return result[["score", "label"]].reset_index(drop=True)
    finally:
        if own:
            con.close()


def score_staged(con: duckdb.DuckDBPyConnection, care: bool = True) -> None:
    """Score the mappable inbound records of the view `staged` before they are saved: their
    sentiment and sentiment_label are written into the staged rows (temp table staged_rows),
    which insert_messages.sql then saves with one plain scan. Call `forget_scores` once they
    are saved.
    """
    load_lexicon(con)
    sql.execute_script(con, "etl/sentiment_stage_staged")
    _score_input(con, care)
    sql.execute_script(con, "etl/sentiment_save_staged")


def forget_scores(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the per-run temp tables of the scorer (the lexicon stays on the connection)."""
    sql.execute_script(con, "etl/sentiment_cleanup")


def score_messages(con: duckdb.DuckDBPyConnection, care: bool = True) -> int:
    """Score inbound messages whose sentiment is still NULL (each distinct text once); returns
    the count. Loads score rows as they save them (`score_staged`), so this only finds work in
    a database written by an older version, or after a caller cleared scores.

    Outbound rows are never touched. A NULL or empty text scores 0 (neutral), as in VADER.
    """
    load_lexicon(con)
    sql.execute_script(con, "etl/sentiment_stage_messages")
    try:
        if not sql.one(con, "etl/sentiment_input_count")["texts"]:
            return 0
        _score_input(con, care)
        update, params = sql.bind("etl/sentiment_update")
        rows = con.execute(update, params).fetchall()
        return int(rows[0][0]) if rows else 0
    finally:
        sql.execute_script(con, "etl/sentiment_cleanup")


def score_input(con: duckdb.DuckDBPyConnection, care: bool = True) -> None:
    """Score temp table sentiment_input(id, text) of this connection into temp table
    sentiment_scores(id, score, label), the lexicon loaded on it first if need be."""
    load_lexicon(con)
    _score_input(con, care)


def _score_input(con, care: bool) -> None:
    """temp table sentiment_input(id, text) -> temp table sentiment_scores(id, score, label)."""
    params = {"care": bool(care), "threshold": THRESHOLD, "strip": STRIP_CARE if care else STRIP}
    pin = sql.one(con, "etl/sentiment_state")["disabled_optimizers"] == ""
    if pin:  # a caller's own optimizer setting is left alone
        sql.execute_script(con, "etl/sentiment_pin_plan")
    try:
        sql.execute_script(con, "etl/sentiment", params)
    finally:
        if pin:
            sql.execute_script(con, "etl/sentiment_unpin_plan")


# -- lexicons ----------------------------------------------------------------------------------

def load_lexicon(con, force: bool = False) -> None:
    """Create the lexicon temp tables and macros on this connection (once; cheap to call again).

    A database keeps the frames they are made from (etl/lexicon_cache.py): a load reads them
    instead of building them again, unless their sources changed."""
    if not force and (sql.one(con, "etl/sentiment_state")["lexicon_tables"]
                      == len(_LEXICON_TABLES)):
        return
    if lexicon_cache.open_stored(con):
        try:
            sql.execute_script(con, "etl/sentiment_setup")
        finally:
            lexicon_cache.close_stored(con)
        return
    for name, frame in zip(lexicon_cache.FRAMES, lexicon_frames()):
        con.register(name, frame)
    try:
        sql.execute_script(con, "etl/sentiment_setup")
        lexicon_cache.store(con)
    finally:
        for name in lexicon_cache.FRAMES:
            con.unregister(name)


def normalize_term(term: str) -> str | None:
    """The lexicon key a token must equal once sql/etl/sentiment.sql has stripped it.

    Lower case, a typographic apostrophe as "'", and punctuation removed where it touches a word
    (STRIP): "#fail," -> "fail", while a stand-alone emoticon such as ':)' stays whole, as in
    VADER. None for an entry our tokens can never equal (':d' becomes 'd', '<3' becomes '3').
    """
    low = term.lower().replace("\u2019", "'")
    bare = re.sub(STRIP, "", low, flags=re.ASCII)
    if not bare or (bare != low and len(bare.encode("utf-8")) <= 2):
        return None
    return bare


def case_variants(key: str) -> set[str]:
    """Tokens keep their case (caps matter to VADER): 'good', 'Good' and 'GOOD' all match."""
    return {key, key.capitalize(), key.upper()}


def _vader_lexicon() -> dict[str, float]:
    """VADER's lexicon as its analyzer reads it (last entry wins), keyed as our tokens are.

    Entries with upper-case letters are skipped: VADER looks up lower-cased tokens, so it never
    reaches them. Multi-word entries become care phrases (VADER never matches them either).
    """
    lexicon: dict[str, float] = {}
    for term, valence in _analyzer().lexicon.items():
        key = normalize_term(term) if term == term.lower() and " " not in term else None
        if key:
            lexicon[key] = valence
    return lexicon


def _emoji_valences() -> dict[str, float]:
    """Each single-character emoji -> the summed VADER valence of its description.

    VADER replaces an emoji by its description ('face with tears of joy'); the sum s of that
    text's word valences is recovered from its compound c = s / sqrt(s^2 + 15).
    """
    analyzer, out = _analyzer(), {}
    for emoji, description in analyzer.emojis.items():
        if len(emoji) != 1:
            continue  # VADER reads text one character at a time, so only these ever match
        c = analyzer.polarity_scores(description)["compound"]
        if c != 0:
            out[emoji] = round(c * math.sqrt(15 / (1 - c * c)), 3)
    return out


def read_care_lexicon(path: Path = CARE_LEXICON) -> pd.DataFrame:
    """etl/care_lexicon.tsv as a DataFrame(kind, term, valence, negated, group)."""
    import pandas as pd
    with path.open(encoding="utf-8") as f:
        rows = [r for r in csv.reader((l for l in f if not l.startswith("#")), delimiter="\t")]
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    for col in ("valence", "negated"):
        frame[col] = pd.to_numeric(frame[col].replace("", None), errors="raise")
    return frame


@lru_cache(maxsize=1)
def lexicon_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(words, context, phrases) for both variants (column `care`), built from the package files.

    words: what a token scores; context: what a neighbouring token does to it; keys are the
    canonical lower-case terms, `word` their case variants.
    """
    import pandas as pd
    boosters = {normalize_term(w): v for w, v in vader.BOOSTER_DICT.items() if " " not in w}
    boosters.pop(None, None)
    negators = {normalize_term(w) for w in vader.NEGATE} - {None}
    full = _vader_lexicon()  # VADER's "in the lexicon" test includes booster words
    base = {w: v for w, v in full.items() if w not in boosters}  # boosters never score alone
    emoji = _emoji_valences()
    care = read_care_lexicon()
    phrases = _phrases(care)
    starts = set(phrases["first"])

    word_rows, context_rows = [], []
    for is_care in (False, True):
        valence, negated, in_lexicon, negation = dict(base), {}, set(full), set(negators)
        if is_care:
            for term, v, n in care[care.kind == "word"][["term", "valence", "negated"]].itertuples(index=False):
                key = normalize_term(term)
                valence[key] = v
                in_lexicon.add(key)
                if pd.notna(n):
                    negated[key] = n
            negation |= {normalize_term(t) for t in care.term[care.kind == "negator"]}
        phrase_starts = starts if is_care else set()
        for key in set(valence) | set(emoji) | phrase_starts:
            for word in case_variants(key):
                word_rows.append((is_care, word, key, valence.get(key, emoji.get(key)),
                                  negated.get(key), key in phrase_starts, word.isupper()))
        for key in in_lexicon | set(boosters) | negation | RULE_WORDS:
            for word in case_variants(key):
                context_rows.append((
                    is_care, word, key, valence.get(key), key in in_lexicon, boosters.get(key),
                    key in negation, key in boosters or key in negation or key in RULE_WORDS,
                    word.isupper(),
                ))
    words = pd.DataFrame(word_rows, columns=[
        "care", "word", "key", "valence", "negated_valence", "phrase_start", "is_upper"])
    context = pd.DataFrame(context_rows, columns=[
        "care", "word", "key", "valence", "in_lexicon", "booster", "negation", "modifier",
        "is_upper"])
    return words, context, phrases.drop(columns="first")


def _phrases(care: pd.DataFrame) -> pd.DataFrame:
    """Care phrases, plus VADER's own multi-word entries ("fed up", "can't stand").

    Keyed by their first two words, with the third apart, so one join finds them; two phrases
    may not share their first two words.
    """
    import pandas as pd
    rows = list(care[care.kind == "phrase"][["term", "valence", "negated"]].itertuples(index=False))
    rows += [(t, v, None) for t, v in _analyzer().lexicon.items()
             if " " in t and re.fullmatch(r"[a-z' ]+", t)]
    out = []
    for term, valence, negated in rows:
        words = [normalize_term(w) for w in term.split()]
        if len(words) not in (2, 3) or None in words:
            raise ValueError(f"phrase {term!r}: two or three words, each a plain word")
        out.append((True, words[0], " ".join(words[:2]), (words[2:] or [None])[0], valence, negated))
    frame = pd.DataFrame(out, columns=["care", "first", "prefix", "third", "valence", "negated_valence"])
    if frame.prefix.duplicated().any():
        raise ValueError(f"phrases share their first two words: {sorted(frame.prefix[frame.prefix.duplicated()])}")
    return frame
