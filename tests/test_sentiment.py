"""Sentiment: the SQL fast path against plain VADER, the care tuning, and score_messages."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import sql
from etl import sentiment

AIRLINE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sentiment" / "airline_tweets.csv"

# Plain sentences exercising VADER's rules; the fast path must give each VADER's sign.
PLAIN = [
    "The book was good.",
    "The book was not good.",
    "The book was not bad at all",
    "The service isn't great",
    "I never liked this app",
    "The staff were very helpful",
    "The staff were VERY helpful",
    "The staff were extremely rude",
    "The staff were barely polite",
    "The food was kind of good.",
    "This is GREAT, thank you",
    "This is TERRIBLE and slow",
    "Best support ever!!!",
    "Worst support ever!!!",
    "The app was good, but the update is awful",
    "The app is awful, but the staff were lovely",
    "No problem at all, you were great",
    "I am so happy 😀",
    "I am upset 😡",
    "😍😍😍",
    "That was funny :)",
    "That was sad :(",
    "Not such a badass after all.",
    "At least it isn't a horrible book.",
    "my package was lost",
    "I love it",
    "I don't love it",
    "He'll be fine",
]

# Where the fast path departs from VADER on purpose: VADER misses a negation written with a
# typographic apostrophe, and takes sarcastic thanks at face value (care phrase).
DEPARTURES = {
    "The service wasn’t great": (False, "negative"),
    "Thanks for nothing": (True, "negative"),
}

# Customer-care complaints without a VADER sentiment word: the care path must call them negative.
COMPLAINTS = [
    "where is my refund",
    "still waiting",
    "charged twice for one order",
    "no response from your team",
    "you cancelled my order",
    "my delivery is delayed again",
    "on hold for an hour",
    "the app doesn't work",
    "I can't log in",
    "it has been 3 days",
    "please fix this",
    "my parcel never arrived",
    "nobody replied to my email",
    "the site stopped working",
    "internet outage since this morning",
    "@AmazonHelp please help, my order hasn't arrived",
]


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    sentiment.load_lexicon(connection)
    yield connection
    connection.close()


@pytest.mark.parametrize("care", [False, True])
def test_fast_path_has_vaders_sign_on_plain_sentences(con, care):
    fast = sentiment.score_texts(PLAIN, con, care=care)
    ref = sentiment.reference_scores(PLAIN)
    disagree = [
        (text, r, f) for text, r, f in zip(PLAIN, ref.score, fast.score) if np.sign(r) != np.sign(f)
    ]
    assert not disagree


def test_plain_fast_path_follows_vaders_numbers(con):
    # not only the sign: VADER's constants (negation x -0.74, boosters, caps, "but", "!")
    fast = sentiment.score_texts(PLAIN[:20], con, care=False)
    ref = sentiment.reference_scores(PLAIN[:20])
    assert np.allclose(fast.score, ref.score, atol=0.02)


def test_caps_emphasis_needs_a_token_that_is_not_all_caps(con):
    # VADER's ALL-CAPS bonus applies only when some token is not in capitals: a lower-case word,
    # or (the second test in sentiment.sql) a token without letters such as "2" or ":)"
    texts = ["THIS IS GREAT", "THIS IS GREAT 2 DAY", "THIS IS GREAT :)", "GREAT!!! 100%",
             "this is GREAT"]
    fast = sentiment.score_texts(texts, con, care=False)
    assert list(fast.score) == list(sentiment.reference_scores(texts).score)


# Each of VADER's window rules (sql/etl/sentiment.sql, rule_no to rule_least): the fast path
# reproduces VADER's number exactly on these.
WINDOW_RULES = [
    "it was never so good", "it was never this good", "without doubt a good app",
    "the food was kind of good", "the food was sort of bad", "the fix was just enough good",
    "it was the least good", "not the least bit good", "at least it was good",
    "at the very least good", "no good at all", "this is no good", "no or bad service",
    "the staff were VERY helpful", "it is not very good", "hardly good",
    "it isn't really that bad", "SO GOOD and nice", "not at all good",
]


def test_window_rules_give_vaders_numbers(con):
    fast = sentiment.score_texts(WINDOW_RULES, con, care=False)
    assert list(fast.score) == list(sentiment.reference_scores(WINDOW_RULES).score)


def test_rule_words_are_numbered_in_sql(con):
    # sentiment.sql names the words its rules compare a neighbour with as sentiment_rule('never'),
    # a number from sentiment_setup.sql: a word missing there would be 0, equal to every other
    # word, so each named word must be one of RULE_WORDS, and each of those numbered apart
    named = set(re.findall(r"sentiment_rule\('([a-z]+)'\)", sql.text("etl/sentiment")))
    assert named and named <= sentiment.RULE_WORDS
    words = sorted(sentiment.RULE_WORDS)
    numbers = con.execute(
        "select list(sentiment_rule(w) order by w) from unnest($words) as t(w)", {"words": words}
    ).fetchone()[0]
    assert len(set(numbers)) == len(words) and min(numbers) >= 1
    assert con.execute("select sentiment_rule('good'), sentiment_rule('No')").fetchone() == (0, 0)


def test_departures_from_vader(con):
    for text, (care, label) in DEPARTURES.items():
        assert sentiment.reference_scores([text]).label[0] == "positive"
        assert sentiment.score_texts([text], con, care=care).label[0] == label


def test_care_complaints_score_negative(con):
    fast = sentiment.score_texts(COMPLAINTS, con, care=True)
    not_negative = [t for t, label in zip(COMPLAINTS, fast.label) if label != "negative"]
    assert not not_negative
    # ...while plain VADER misses most of them (the reason the care lexicon exists)
    assert (sentiment.reference_scores(COMPLAINTS).label != "negative").sum() >= len(COMPLAINTS) // 2


def test_care_keeps_thanks_positive_and_requests_neutral(con):
    fast = sentiment.score_texts(
        ["thank you so much, quick response", "can you help me change my address please"],
        con,
        care=True,
    )
    assert list(fast.label) == ["positive", "neutral"]


def test_scores_in_range_and_labels_match(con):
    texts = PLAIN + COMPLAINTS + [
        "", None, "!!!!!!!!", "GREAT " * 200, "terrible " * 200, "😍" * 50, "   ", "\n\n", ":) :) :)",
        "not not not not good", "no no no", "but but but", "kind of", "@brand", "#fail #fail",
    ]
    for care in (False, True):
        fast = sentiment.score_texts(texts, con, care=care)
        assert len(fast) == len(texts)
        assert fast.score.between(-1, 1).all()
        expected = np.where(fast.score >= 0.05, "positive",
                            np.where(fast.score <= -0.05, "negative", "neutral"))
        assert list(fast.label) == list(expected)
    empty = sentiment.score_texts(["", None], con)
    assert list(empty.score) == [0.0, 0.0]
    assert list(empty.label) == ["neutral", "neutral"]


def test_score_texts_keeps_order_and_duplicates(con):
    texts = ["I love it", "I hate it", "I love it", "meh"]
    fast = sentiment.score_texts(texts, con)
    assert fast.score[0] == fast.score[2] > 0 > fast.score[1]
    assert list(fast.index) == [0, 1, 2, 3]


def test_score_texts_without_connection():
    fast = sentiment.score_texts(["great", "awful"])
    assert list(fast.label) == ["positive", "negative"]


def test_score_messages_updates_only_inbound_unscored_rows():
    con = duckdb.connect()
    sql.execute_script(con, "etl/schema")
    rows = [
        ("1", "inbound", "I love this, thanks!", None),
        ("2", "outbound", "We are so sorry :(", None),
        ("3", "inbound", "still waiting for my refund", None),
        ("4", "inbound", None, None),
        ("5", "inbound", "I love this, thanks!", None),
        ("6", "inbound", "awful", 0.5),  # scored before: left alone
    ]
    for message_id, direction, text, score in rows:
        con.execute(
            "insert into messages (message_id, channel, direction, author_id, created_at, text, "
            "source, sentiment, sentiment_label) values ($id, 'public', $direction, 'a', "
            "timestamptz '2024-01-01', $text, 'test', $score, "
            "case when $score is null then null else 'positive' end)",
            {"id": message_id, "direction": direction, "text": text, "score": score},
        )
    assert sentiment.score_messages(con) == 4
    got = {
        r[0]: r[1:]
        for r in con.execute(
            "select message_id, sentiment, sentiment_label from messages").fetchall()
    }
    assert got["1"][1] == "positive" and got["1"] == got["5"]
    assert got["2"] == (None, None)
    assert got["3"][1] == "negative"
    assert got["4"] == (0.0, "neutral")
    assert got["6"] == (0.5, "positive")
    assert sentiment.score_messages(con) == 0  # nothing left to score
    temp = {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where temporary").fetchall()}
    assert temp == {"sentiment_words", "sentiment_context", "sentiment_phrases"}


def test_emoji_with_sentiment_fall_in_the_sql_blocks():
    # sql/etl/sentiment.sql pads emoji of these Unicode blocks into tokens of their own
    words, _, _ = sentiment.lexicon_frames()
    emoji = [w for w in words.word if not w.isascii() and len(w) == 1 and not w.isalpha()]
    assert emoji and all(sentiment.EMOJI_BLOCKS.match(e) for e in emoji)


def test_care_lexicon_is_well_formed():
    care = sentiment.read_care_lexicon()
    assert set(care.kind) == {"word", "phrase", "negator"}
    assert not care.term.duplicated().any()
    assert care.valence[care.kind != "negator"].notna().all()
    assert care.valence.dropna().between(-4, 4).all()
    assert care.group.str.len().gt(0).all()


@pytest.mark.skipif(not AIRLINE.exists(), reason="real sample data lives beside the project")
def test_macro_recall_on_airline_tweets_at_least_vaders(con):
    frame = pd.read_csv(AIRLINE, usecols=["text", "airline_sentiment"])
    truth = frame.airline_sentiment.to_numpy()

    def macro_recall(labels):
        labels = np.asarray(labels)
        return np.mean([(labels[truth == c] == c).mean() for c in sentiment.LABELS])

    reference = macro_recall(sentiment.reference_scores(frame.text).label)
    plain = macro_recall(sentiment.score_texts(frame.text, con, care=False).label)
    care = macro_recall(sentiment.score_texts(frame.text, con, care=True).label)
    assert plain >= reference - 1e-9
    assert care >= reference
    assert care > reference + 0.05  # the care tuning is worth having


def _scores_by_text(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select message_id, direction, coalesce(text, ''), sentiment, sentiment_label "
            "from messages order by message_id").fetchall()
    finally:
        con.close()


def _assert_scored_as_score_texts(rows, con):
    inbound = [r for r in rows if r[1] == "inbound"]
    expected = sentiment.score_texts([r[2] for r in inbound], con)
    assert [r[3] for r in inbound] == list(expected.score)
    assert [r[4] for r in inbound] == list(expected.label)
    assert all(r[3] is None and r[4] is None for r in rows if r[1] == "outbound")


def test_a_load_saves_rows_with_their_scores(cli, twcs_5000, tmp_path, con):
    # the first load takes insert_messages.sql, the second (half of it duplicates)
    # insert_new_messages.sql: both write each inbound row with score_texts' score of its text
    lines = twcs_5000.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("".join(lines[:2001]), encoding="utf-8")
    second.write_text(lines[0] + "".join(lines[1001:]), encoding="utf-8")
    db = tmp_path / "carepulse.duckdb"
    assert cli("load", "twcs", first, "--db", db)[0] == 0
    assert cli("load", "twcs", second, "--db", db)[0] == 0
    rows = _scores_by_text(db)
    assert len(rows) == 5000 and any(r[1] == "outbound" for r in rows)
    _assert_scored_as_score_texts(rows, con)
