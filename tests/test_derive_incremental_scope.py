"""The incremental derive's scope (etl/derive_scope.py, sql/etl/scope_*.sql) is closed per
customer and per time window: loads in any order give the tables a full derive gives."""
import csv
import random

import pytest

from bench import dataset
from etl import derive_scope
from tests.test_bench_incremental import TABLES, _differences, _load, _mode

HEADER = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
          "in_response_to_tweet_id", "author_followers", "channel", "brand"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return dataset.make(tmp_path_factory.mktemp("gen"), 12_000, seed=11)


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        header, *body = list(csv.reader(fh))
    return header, body


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def _incremental_and_full(cli, tmp_path, monkeypatch, files, config=None):
    """Load `files` in order twice: incrementally (any scope size), then deriving in full."""
    inc, full = tmp_path / "inc.duckdb", tmp_path / "full.duckdb"
    monkeypatch.setattr(derive_scope, "MAX_SHARE", 1.0)
    modes = []
    for f in files:
        _load(cli, inc, f, config=config)
        modes.append(_mode(inc))
    monkeypatch.setenv("CAREPULSE_DERIVE", "full")
    for f in files:
        _load(cli, full, f, config=config)
    return modes, _differences(inc, full)


def test_random_parts_of_generated_data_derive_exactly(generated, cli, tmp_path, monkeypatch):
    """Rows dealt at random into a large first part and three small ones: replies arrive before
    their parents, DM conversations before or after the public ones they continue."""
    header, base = _rows(generated.base)
    _, day = _rows(generated.day)
    deal = random.Random(5)
    parts = [[], [], [], []]
    for row in base + day:
        parts[deal.choices(range(4), weights=(70, 10, 10, 10))[0]].append(row)
    files = [_write(tmp_path / f"part{i}.csv", header, rows) for i, rows in enumerate(parts)]
    modes, differences = _incremental_and_full(cli, tmp_path, monkeypatch, files,
                                               generated.config)
    assert modes[0] == "full"
    assert all(m.startswith("incremental:") for m in modes[1:]), modes
    assert differences == {t: [0, 0] for t in TABLES}


def _tweet(tweet_id, author, inbound, at, text, parent="", channel="public", brand="AcmeHelp"):
    return [tweet_id, author, str(inbound), at, text, "", parent, "10", channel, brand]


def test_dm_handoff_across_loads(cli, tmp_path, monkeypatch, read_db):
    """A customer's DM conversation loaded after the public one it continues (within the
    handoff window) moves that one to DM; one from outside the window leaves it alone; a reply
    loaded before its parent re-roots; an old conversation is answered late; a customer answers
    a DM the brand opened two days before (that DM conversation starts with the brand's
    message, not the customer's)."""
    first = [
        _tweet("1", "c1", True, "Mon Sep 07 10:00:00 +0000 2026", "@AcmeHelp my order is late"),
        _tweet("2", "AcmeHelp", False, "Mon Sep 07 10:05:00 +0000 2026", "@c1 sorry!", "1"),
        _tweet("3", "c4", True, "Tue Sep 01 10:00:00 +0000 2026", "@AcmeHelp hello?"),
        _tweet("4", "c2", True, "Mon Sep 07 11:00:00 +0000 2026", "@AcmeHelp app down"),
        _tweet("5", "c3", True, "Mon Sep 07 12:00:00 +0000 2026", "@AcmeHelp refund"),
        _tweet("6", "c5", True, "Mon Sep 07 08:00:00 +0000 2026", "@AcmeHelp wrong size"),
        _tweet("7", "AcmeHelp", False, "Mon Sep 07 09:00:00 +0000 2026", "hi!", "", "dm"),
    ]
    second = [
        # c1 writes a DM 20 h after the public conversation 1: a handoff
        _tweet("10", "c1", True, "Tue Sep 08 06:00:00 +0000 2026", "order 123", "", "dm"),
        _tweet("11", "AcmeHelp", False, "Tue Sep 08 06:30:00 +0000 2026", "checking", "10", "dm"),
        # c2's DM comes 3 days later: outside the window
        _tweet("12", "c2", True, "Thu Sep 10 11:00:00 +0000 2026", "still down", "", "dm"),
        # the brand answers c4's conversation of a week before, late
        _tweet("13", "AcmeHelp", False, "Tue Sep 08 07:00:00 +0000 2026", "@c4 hi!", "3"),
        # c3's reply that arrived before the tweet it answers (loaded in the third file)
        _tweet("14", "c3", True, "Mon Sep 07 12:30:00 +0000 2026", "@AcmeHelp any news?", "15"),
        # c5 answers, two days later, the DM the brand opened an hour after c5's tweet: from
        # now on that DM conversation is c5's, and it started within the window
        _tweet("17", "c5", True, "Wed Sep 09 10:00:00 +0000 2026", "it's size 9", "7", "dm"),
    ]
    third = [
        _tweet("15", "AcmeHelp", False, "Mon Sep 07 12:10:00 +0000 2026", "@c3 DM us", "5"),
        _tweet("16", "c3", True, "Tue Sep 08 12:00:00 +0000 2026", "hi, about my refund", "", "dm"),
    ]
    files = [_write(tmp_path / f"{name}.csv", HEADER, rows)
             for name, rows in (("first", first), ("second", second), ("third", third))]
    modes, differences = _incremental_and_full(cli, tmp_path, monkeypatch, files)
    assert all(m.startswith("incremental:") for m in modes[1:]), modes
    assert differences == {t: [0, 0] for t in TABLES}
    moved = dict(read_db(tmp_path / "inc.duckdb",
                         "select conversation_id, moved_to_dm from conversations"))
    assert moved["1"] and not moved["4"] and not moved["3"] and moved["5"] and moved["6"]
    handoff = dict(read_db(tmp_path / "inc.duckdb",
                           "select conversation_id, handoff_of from conversations"))
    assert handoff["10"] == "1" and handoff["12"] is None and handoff["16"] == "5"



def test_reply_flags_run_ahead_on_the_second_connection(generated, cli, tmp_path, monkeypatch):
    """In an incremental derive derive_outbound_flags runs on the second connection (etl/derive.py
    AHEAD_STEP) while derive_threads runs on the first, and derive_replies reads its rows only
    once they are made; a full derive keeps it on the first connection. Either way the tables
    (summaries included) are a full derive's."""
    monkeypatch.setenv("CAREPULSE_SQL_TIMINGS", "1")
    inc, full = tmp_path / "inc.duckdb", tmp_path / "full.duckdb"
    _logged_load(cli, inc, generated.base, generated.config)
    incremental = _logged_load(cli, inc, generated.day, generated.config)
    assert _mode(inc).startswith("incremental:")
    monkeypatch.setenv("CAREPULSE_DERIVE", "full")
    _logged_load(cli, full, generated.base, generated.config)
    full_log = _logged_load(cli, full, generated.day, generated.config)
    assert _differences(inc, full) == {t: [0, 0] for t in TABLES}

    assert _threads(incremental, "etl/derive_outbound_flags") == ["carepulse-side"]
    assert _threads(incremental, "etl/scope_ahead_share") == ["carepulse-side"] * 2
    assert set(_threads(incremental, "etl/derive_threads")) == {"MainThread"}
    # derive_replies waits for the shared rows (whether the two connections overlapped
    # depends on the machine's load, so it is not asserted)
    shared, replies = _span(incremental, "etl/scope_ahead_share#2"), _span(
        incremental, "etl/derive_replies#4")
    assert shared[1] <= replies[0]
    assert _threads(full_log, "etl/derive_outbound_flags") == ["MainThread"]
    # the summaries' digests and key columns, read by refresh(), are read there meanwhile too
    # (summaries.catalog: the derive changes neither)
    assert _threads(incremental, "etl/scope_summary_hour_tables") == ["carepulse-side"]
    assert _threads(incremental, "etl/scope_summary_digest") == ["carepulse-side"]
    # and the campaign matches are merged there, after the replies
    assert set(_threads(incremental, "etl/scope_merge_events")) == {"carepulse-side"}
    assert _span(incremental, "etl/scope_merge_replies#8")[1] <= \
        _span(incremental, "etl/scope_merge_events#1")[0]
    # the day is scored on the second connection, its lexicon read there first (etl/load.py
    # _preload_lexicon, submitted before the first connection classifies the run)
    assert _threads(incremental, "etl/sentiment_setup")[0] == "carepulse-side"
    assert _span(incremental, "etl/sentiment_setup#4")[1] <= \
        _span(incremental, "etl/sentiment_side_input#1")[0]


def _logged_load(cli, db, path, config) -> list[str]:
    """Load one file; its sql-timing lines (CAREPULSE_SQL_TIMINGS set)."""
    code, _, err = cli("load", "twcs", path, "--db", db, "--config", config)
    assert code == 0, err
    return [line for line in err.splitlines() if line.startswith("sql-timing")]


def _threads(log: list[str], step: str) -> list[str]:
    """The thread of each statement of `step` (a SQL file) in the log, in order."""
    return [line.rsplit("[", 1)[1].split("]", 1)[0] for line in log if f" {step}#" in line]


def _span(log: list[str], statement: str) -> tuple[float, float]:
    """When `statement` ('file#n') ran on the log's timeline: (start, end) in seconds."""
    line = next(line for line in log if f" {statement} @" in line)
    start, end = line.split(f" {statement} @", 1)[1].split(" ", 1)[0].split("-")
    return float(start), float(end)


def test_a_failed_step_in_the_scope_falls_back_to_a_full_derive(generated, cli, tmp_path,
                                                                  monkeypatch):
    """A step failing in the scope on the first connection (e.g. a table of an older layout)
    makes the load derive in full, also while the step run ahead on the second connection is
    still reading the scope (derive_scope.py waits for it before the scope is detached)."""
    import threading
    import time

    import duckdb

    import sql

    inc, full = tmp_path / "inc.duckdb", tmp_path / "full.duckdb"
    _logged_load(cli, inc, generated.base, generated.config)
    execute = sql.execute_script
    failed = []

    def flaky(con, name, params=None):
        scoped = con.execute("select current_database()").fetchall()[0][0] == \
            derive_scope.SCOPE_DB
        if name == "etl/derive_outbound_flags" and scoped:
            time.sleep(0.5)          # still reading the scope when the first connection fails
        if name == "etl/derive_business_clock" and scoped and not failed \
                and threading.current_thread() is threading.main_thread():
            failed.append(name)
            raise duckdb.Error("a derived table of an older layout")
        return execute(con, name, params)

    monkeypatch.setattr(sql, "execute_script", flaky)
    _logged_load(cli, inc, generated.day, generated.config)
    assert failed and _mode(inc) == "full"
    monkeypatch.setattr(sql, "execute_script", execute)
    monkeypatch.setenv("CAREPULSE_DERIVE", "full")
    _logged_load(cli, full, generated.base, generated.config)
    _logged_load(cli, full, generated.day, generated.config)
    assert _differences(inc, full) == {t: [0, 0] for t in TABLES}
