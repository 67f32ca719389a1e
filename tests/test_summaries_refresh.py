"""Dashboard summaries after a derive (etl/summaries.py): `carepulse derive` rebuilds them whole
(after a tool edited messages directly), and a summary whose SQL changed is rebuilt whole even
after an incremental derive. (tests/test_bench_incremental.py and
test_derive_incremental_scope.py check that the by-hour refresh equals a full rebuild.)"""
from __future__ import annotations

from etl import summaries
from tests.test_events import _write_source

NEGATIVE = "select coalesce(sum(negative), 0) from summary_volume_hourly"
SCORED = "select count(*) from messages where sentiment_label is not null"
# a tool edits messages directly (loading the same file again does not undo it)
EDIT = "update messages set sentiment_label = 'negative' where sentiment_label is not null"


def _load(cli, source, db):
    code, _, err = cli("load", "twcs", source / "twcs.csv", "--db", db,
                       "--config", source / "carepulse.toml")
    assert code == 0, err


def _edit(db, statement):
    import duckdb

    con = duckdb.connect(str(db))
    try:
        con.execute(statement)
    finally:
        con.close()


def test_the_derive_command_rebuilds_the_summaries(cli, tmp_path, db, read_db):
    source = _write_source(tmp_path)
    _load(cli, source, db)
    scored = read_db(db, SCORED)[0][0]
    assert read_db(db, NEGATIVE)[0][0] < scored
    _edit(db, EDIT)
    code, _, err = cli("derive", "--db", db, "--config", source / "carepulse.toml")
    assert code == 0, err
    assert read_db(db, NEGATIVE) == [(scored,)]
    assert read_db(db, "select value from meta where key = 'derive_mode'") == [("full",)]


def test_a_changed_summary_is_rebuilt_whole(cli, tmp_path, db, read_db, monkeypatch):
    source = _write_source(tmp_path)
    _load(cli, source, db)
    before, scored = read_db(db, NEGATIVE)[0][0], read_db(db, SCORED)[0][0]
    assert before < scored
    _edit(db, EDIT)
    _load(cli, source, db)     # nothing new: the summaries keep their rows
    assert read_db(db, NEGATIVE) == [(before,)]
    monkeypatch.setattr(summaries, "_digest", lambda step: "new SQL of " + step)
    _load(cli, source, db)     # nothing new, but the summaries' SQL changed
    assert read_db(db, NEGATIVE) == [(scored,)]
