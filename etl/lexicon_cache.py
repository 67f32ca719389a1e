"""The sentiment lexicon frames, kept in the database so that a load does not rebuild them.

etl.sentiment builds three frames from VADER's package files and etl/care_lexicon.tsv (about
0.3 s of Python: a fixed cost of every load, a one-day incremental one too). The database keeps
them as tables `sentiment_lexicon_words`, `_context` and `_phrases`, with a digest of everything
they are built from in `meta` ('sentiment_lexicon_digest'): the package files, the care lexicon,
etl/sentiment.py (the code that builds them) and the DuckDB version (which reads the frames).
A load whose sources have the stored digest reads the tables instead of building the frames;
any change to a source builds and stores them again. Databases without a `meta` table (a
scorer's own in-memory connection) build the frames every time, as before.
"""
from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

import sql

FRAMES = ("sentiment_words_df", "sentiment_context_df", "sentiment_phrases_df")
_SENTIMENT_PY = Path(__file__).with_name("sentiment.py")
_CARE_LEXICON = Path(__file__).with_name("care_lexicon.tsv")


@lru_cache(maxsize=1)
def digest() -> str:
    """Digest of the frames' sources (read, not imported: no VADER import when they match)."""
    import duckdb

    h = hashlib.sha256(f"duckdb {duckdb.__version__}\0".encode())
    for path in (_SENTIMENT_PY, _CARE_LEXICON, *_vader_files()):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _vader_files() -> list[Path]:
    spec = importlib.util.find_spec("vaderSentiment")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return sorted(p for p in folder.iterdir() if p.suffix in (".py", ".txt"))


def open_stored(con) -> bool:
    """If the database keeps frames built from the current sources, make them readable under
    the frames' names (temp views) and return True; else change nothing and return False."""
    if not sql.one(con, "etl/lexicon_cache_state")["stored_tables"]:
        return False
    if sql.one(con, "etl/lexicon_cache_digest")["digest"] != digest():
        return False
    sql.execute_script(con, "etl/lexicon_cache_open")
    return True


def setup_from_stored(con, setup: str) -> bool:
    """Run the SQL file `setup` (which reads the frames under FRAMES) over the frames the
    database keeps, if they are current, and return True; else change nothing and return False.
    It never writes the database, so a second connection may run it while the first one writes
    (etl/load.py has the scorer read its lexicon early so)."""
    if not open_stored(con):
        return False
    try:
        sql.execute_script(con, setup)
    finally:
        close_stored(con)
    return True


def close_stored(con) -> None:
    sql.execute_script(con, "etl/lexicon_cache_close")


def store(con) -> None:
    """Keep the frames registered on `con` under FRAMES in the database (when it has `meta`)."""
    if sql.one(con, "etl/lexicon_cache_state")["has_meta"]:
        sql.execute_script(con, "etl/lexicon_cache_store", {"digest": digest()})
