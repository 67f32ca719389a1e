"""The sentiment lexicon kept in the database (etl/lexicon_cache.py): read back, it gives the
scorer exactly the tables a fresh build gives; a change of its sources builds it again."""
from __future__ import annotations

import duckdb
import pytest

from etl import lexicon_cache, publish, sentiment

TEXTS = [
    "still waiting for a reply, this is ridiculous",
    "Thanks so much, the app works GREAT now :)",
    "my parcel never arrived 😡",
    "not bad at all, kind of good",
    "@brand please help, fed up with this",
    "",
]
LEXICON_TABLES = ("sentiment_words", "sentiment_context", "sentiment_phrases")


def lexicon_rows(con) -> dict:
    return {t: con.execute(f"select * from {t} order by all").fetchall() for t in LEXICON_TABLES}


def lexicon_types(con) -> dict:
    return {t: con.execute("select column_name, data_type from duckdb_columns() "
                           "where database_name = 'temp' and table_name = $t "
                           "order by column_index", {"t": t}).fetchall()
            for t in LEXICON_TABLES}


def stored_digest(con):
    return con.execute(
        "select max(value) from meta where key = 'sentiment_lexicon_digest'").fetchall()[0][0]


@pytest.fixture
def built(db):
    """A database whose first connection built the lexicon (and so stored it)."""
    con = publish.connect_writer(db)
    sentiment.load_lexicon(con)
    rows, types = lexicon_rows(con), lexicon_types(con)
    scores = sentiment.score_texts(TEXTS, con)
    con.close()
    return db, rows, types, scores


def test_a_second_connection_reads_the_stored_lexicon(built, monkeypatch):
    db, rows, types, scores = built
    monkeypatch.setattr(sentiment, "lexicon_frames", lambda: pytest.fail("rebuilt the lexicon"))
    con = publish.connect_writer(db)
    try:
        assert stored_digest(con) == lexicon_cache.digest()
        sentiment.load_lexicon(con)
        assert lexicon_rows(con) == rows
        assert lexicon_types(con) == types
        assert sentiment.score_texts(TEXTS, con).equals(scores)
        views = con.execute("select view_name from duckdb_views() "
                            "where temporary and not internal").fetchall()
        assert views == []
    finally:
        con.close()


def test_changed_sources_build_the_lexicon_again(built, monkeypatch):
    db, rows, _, _ = built
    calls = []
    build = sentiment.lexicon_frames

    def counted():
        calls.append(1)
        return build()

    monkeypatch.setattr(sentiment, "lexicon_frames", counted)
    monkeypatch.setattr(lexicon_cache, "digest", lambda: "sources changed")
    con = publish.connect_writer(db)
    try:
        sentiment.load_lexicon(con)
        assert calls == [1]
        assert stored_digest(con) == "sources changed"
        assert lexicon_rows(con) == rows
    finally:
        con.close()


def test_a_connection_without_meta_stores_nothing():
    con = duckdb.connect()
    try:
        sentiment.load_lexicon(con)
        tables = con.execute("select table_name from duckdb_tables() "
                             "where not temporary").fetchall()
        assert tables == []
        assert len(lexicon_rows(con)["sentiment_words"]) > 1000
    finally:
        con.close()


def test_the_digest_covers_the_lexicon_sources():
    names = {p.name for p in lexicon_cache._vader_files()}
    assert {"vader_lexicon.txt", "emoji_utf8_lexicon.txt", "vaderSentiment.py"} <= names
    assert len(lexicon_cache.digest()) == 64


def test_the_scorer_preloads_only_a_current_stored_lexicon(built, monkeypatch):
    """etl/load.py has the scorer read its lexicon early, beside the first connection's writes:
    from current stored frames it makes the tables load_lexicon makes (load_lexicon then does
    nothing more); from stale ones it makes nothing and writes nothing (no build, no store)."""
    from etl import load

    db, rows, types, scores = built
    monkeypatch.setattr(sentiment, "lexicon_frames", lambda: pytest.fail("built the lexicon"))
    con = publish.connect_writer(db)
    try:
        load._preload_lexicon(con)
        assert lexicon_rows(con) == rows and lexicon_types(con) == types
        monkeypatch.setattr(lexicon_cache, "open_stored",
                            lambda con: pytest.fail("loaded the lexicon twice"))
        sentiment.load_lexicon(con)
        assert sentiment.score_texts(TEXTS, con).equals(scores)
    finally:
        con.close()
    monkeypatch.undo()
    monkeypatch.setattr(sentiment, "lexicon_frames", lambda: pytest.fail("built the lexicon"))
    monkeypatch.setattr(lexicon_cache, "digest", lambda: "sources changed")
    con = publish.connect_writer(db)
    try:
        before = con.execute("select * from meta order by all").fetchall()
        load._preload_lexicon(con)
        assert con.execute("select count(*) from duckdb_tables() where temporary").fetchall() \
            == [(0,)]
        assert con.execute("select * from meta order by all").fetchall() == before
    finally:
        con.close()
