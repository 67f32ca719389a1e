"""The twcs loader end to end through the CLI, on real rows from ../shared/data."""
from __future__ import annotations

import csv
import hashlib
import io

import duckdb
import pytest

import sql
from tests.golden_files import assert_golden

TABLES = ("messages", "replies", "conversations")


def table_digest(path, table: str) -> str:
    """Order-independent digest of a table's contents (ignoring run bookkeeping)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        cols = [c for c in con.execute(f"select * from {table} limit 0").df().columns if c != "run_id"]
        rows = con.execute(f"select {', '.join(cols)} from {table} order by all").fetchall()
    finally:
        con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_golden_first5000_through_cli(cli, twcs_5000, db, read_db):
    code, out, err = cli("load", "twcs", twcs_5000, "--db", db)
    assert code == 0, err
    assert "read 5,000 · loaded 5,000 · duplicates 0 · rejected 0" in out
    assert read_db(db, "select count(*) from messages") == [(5000,)]
    assert read_db(db, "select count(*) from messages where direction = 'inbound'") == [(2778,)]
    replies, median = read_db(db, "select count(*), median(latency_minutes) from replies")[0]
    assert replies == 2188
    assert round(median, 3) == 12.058
    con = duckdb.connect(str(db), read_only=True)
    everything = {"brands": [], "start": "2000-01-01", "end": "2100-01-01"}
    assert_golden(sql.query(con, "metrics/response_times", everything), "twcs5000_response_times")
    con.close()


def test_loading_twice_changes_nothing(cli, twcs_5000, db):
    assert cli("load", "twcs", twcs_5000, "--db", db)[0] == 0
    before = {t: table_digest(db, t) for t in TABLES}
    code, out, _ = cli("load", "twcs", twcs_5000, "--db", db)
    assert code == 0
    assert "loaded 0 · duplicates 5,000 · rejected 0" in out
    assert {t: table_digest(db, t) for t in TABLES} == before


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        return next(reader), list(reader)


def _write(path, header, rows, **kw):
    with open(path, "w", newline="", encoding=kw.pop("encoding", "utf-8")) as fh:
        if kw.pop("bom", False):
            fh.write("\ufeff")
        csv.writer(fh, lineterminator=kw.pop("lineterminator", "\n"), quoting=csv.QUOTE_ALL,
                   **kw).writerows([header, *rows])
    return path


def _variant_bom_crlf_bools_floats(header, rows):
    """BOM, CRLF, TRUE/FALSE booleans, float-formatted ids, an unnamed leading index column."""
    out = []
    for i, row in enumerate(rows):
        r = dict(zip(header, row))
        r["inbound"] = r["inbound"].upper()
        for col in ("tweet_id", "in_response_to_tweet_id"):
            r[col] = f"{r[col]}.0" if r[col] else ""
        if not r["author_id"].isalpha() and r["author_id"].isdigit():
            r["author_id"] = f"{r['author_id']}.0"
        out.append([str(i)] + [r[c] for c in header])
    return ["", *header], out


def _variant_reordered_iso(header, rows):
    """Columns in another order, ISO-8601 timestamps with an offset, True/False."""
    from datetime import datetime, timedelta, timezone

    order = list(reversed(header))
    out = []
    for row in rows:
        r = dict(zip(header, row))
        t = datetime.strptime(r["created_at"], "%a %b %d %H:%M:%S %z %Y")
        r["created_at"] = t.astimezone(timezone(timedelta(hours=-5))).isoformat()
        r["inbound"] = r["inbound"].capitalize()
        out.append([r[c] for c in order])
    return order, out


@pytest.mark.parametrize("variant", [_variant_bom_crlf_bools_floats, _variant_reordered_iso])
def test_real_world_variants_load_the_same(variant, cli, twcs_5000, tmp_path):
    header, rows = _rows(twcs_5000)
    rows = rows[:1500]
    plain = _write(tmp_path / "plain.csv", header, rows)
    vheader, vrows = variant(header, rows)
    crlf = variant is _variant_bom_crlf_bools_floats
    changed = _write(tmp_path / "variant.csv", vheader, vrows, bom=crlf,
                     lineterminator="\r\n" if crlf else "\n")
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert cli("load", "twcs", plain, "--db", a)[0] == 0
    code, out, err = cli("load", "twcs", changed, "--db", b)
    assert code == 0, err
    assert "rejected 0" in out
    for table in TABLES:
        assert table_digest(a, table) == table_digest(b, table), table


def test_ids_are_text_and_reply_lists_kept(cli, twcs_5000, db, read_db):
    cli("load", "twcs", twcs_5000, "--db", db)
    types = dict(read_db(db, "select column_name, data_type from information_schema.columns "
                             "where table_name = 'messages'"))
    assert types["message_id"] == "VARCHAR" and types["in_reply_to_id"] == "VARCHAR"
    assert read_db(db, "select count(*) from messages where response_ids like '%,%'")[0][0] > 0


def test_inbound_then_outbound_file_links_up(cli, twcs_5000, tmp_path, read_db):
    header, rows = _rows(twcs_5000)
    inbound = [r for r in rows if r[header.index("inbound")] == "True"]
    outbound = [r for r in rows if r[header.index("inbound")] == "False"]
    f_in = _write(tmp_path / "in.csv", header, inbound)
    f_out = _write(tmp_path / "out.csv", header, outbound)
    split, together = tmp_path / "split.duckdb", tmp_path / "together.duckdb"
    assert cli("load", "twcs", f_in, "--db", split)[0] == 0
    assert read_db(split, "select count(*) from replies") == [(0,)]
    assert cli("load", "twcs", f_out, "--db", split)[0] == 0
    assert cli("load", "twcs", f_in, f_out, "--db", together)[0] == 0
    for table in TABLES:
        assert table_digest(split, table) == table_digest(together, table), table
    assert read_db(split, "select count(*) from replies") == [(2188,)]


def test_bad_rows_are_quarantined_and_counted(cli, twcs_5000, tmp_path, read_db):
    header, rows = _rows(twcs_5000)
    good = rows[:200]
    h = {c: i for i, c in enumerate(header)}
    bad_time = list(rows[200]); bad_time[h["created_at"]] = "yesterday-ish"
    bad_bool = list(rows[201]); bad_bool[h["inbound"]] = "maybe"
    bad_id = list(rows[202]); bad_id[h["tweet_id"]] = "abc"
    no_id = list(rows[203]); no_id[h["tweet_id"]] = ""
    path = _write(tmp_path / "bad.csv", header, [*good, bad_time, bad_bool, bad_id, no_id])
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("999999999,too,few\n")
    db = tmp_path / "bad.duckdb"
    code, out, _ = cli("load", "twcs", path, "--db", db)
    assert code == 0
    assert "read 205 · loaded 200 · duplicates 0 · rejected 5" in out
    reasons = dict(read_db(db, "select line, reason from rejected order by line"))
    assert sorted(reasons.values()) == sorted([
        "created_at is not a timestamp", "inbound is not a boolean", "tweet_id is not a number",
        "missing tweet_id", reasons[max(reasons)]])
    assert "malformed CSV record" in reasons[max(reasons)]
    assert read_db(db, "select rows_read, rows_loaded, rows_rejected from load_runs") == [(205, 200, 5)]
    raws = [r[0] for r in read_db(db, "select raw from rejected")]
    assert any("yesterday-ish" in r for r in raws)


@pytest.mark.parametrize("content, expected", [
    (None, "no such file"),
    (b"\x00\x01\x02\x03" * 5000, "binary data"),
    (b"", "empty"),
    (b"tweet_id,author_id,text\n1,a,hi\n", "required column(s) inbound, created_at missing"),
])
def test_unreadable_file_fails_cleanly_and_leaves_db_untouched(content, expected, cli, twcs_5000, tmp_path, db):
    assert cli("load", "twcs", twcs_5000, "--db", db)[0] == 0
    before = db.read_bytes()
    bad = tmp_path / "bad.csv"
    if content is not None:
        bad.write_bytes(content)
    code, out, err = cli("load", "twcs", twcs_5000, bad, "--db", db)
    assert code == 1
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("*.building-*"))


def _messages(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select * exclude (run_id) from messages order by message_id").fetchall()
    finally:
        con.close()


def test_scores_written_beside_the_insert_equal_scores_inserted_with_the_rows(
        twcs_5000, tmp_path, monkeypatch):
    """A small run whose records are all new is scored on the load's second connection while
    it is inserted (etl/load.py SIDE_SCORING_MAX_ROWS); larger runs, or runs with duplicates,
    insert the scores with the rows. Both give the same messages, row for row: here a first
    file, a next one in its own publish, and two files in one publish, the second repeating
    part of the first (so it takes the in-line path, after the first file's side scoring)."""
    from etl import load
    from etl.config import Config

    header, rows = _rows(twcs_5000)
    first = _write(tmp_path / "first.csv", header, rows[:1200])
    second = _write(tmp_path / "second.csv", header, rows[1200:2000])
    overlapping = _write(tmp_path / "overlap.csv", header, rows[1000:2000])
    config = Config(None, {}, None)
    beside = []
    scoring_beside = load._insert_scoring_beside
    monkeypatch.setattr(load, "_insert_scoring_beside",
                        lambda *a: beside.append(1) or scoring_beside(*a))

    def load_all(name, max_rows):
        monkeypatch.setattr(load, "SIDE_SCORING_MAX_ROWS", max_rows)
        one_by_one, together = tmp_path / f"{name}_1.duckdb", tmp_path / f"{name}_2.duckdb"
        load.load_twcs(one_by_one, [first], config=config)
        load.load_twcs(one_by_one, [second], config=config)
        load.load_twcs(together, [first, overlapping], config=config)
        return _messages(one_by_one), _messages(together)

    inline = load_all("inline", 0)
    assert beside == []
    side = load_all("side", 122_880)
    assert len(beside) == 3                  # first, second, and the first of the two files
    assert side == inline
    for messages in side:
        assert len(messages) == 2000
    con = duckdb.connect(str(tmp_path / "side_1.duckdb"), read_only=True)
    unscored = con.execute("select count(*) filter (where sentiment is null), count(*) "
                           "from messages where direction = 'inbound'").fetchall()[0]
    con.close()
    assert unscored[0] == 0 and unscored[1] > 500
