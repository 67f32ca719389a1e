"""The twcs read path on real rows: the file is parsed while normalize_twcs.sql maps it (the view
raw_twcs), first by DuckDB's parallel reader, kept only when it reconciles with the independent
count; the raw record of a mapped row is rebuilt from the mapped fields when save_messages asks.
"""
from __future__ import annotations

import csv

import duckdb
import pytest

import sql
from etl import load
from etl.sources import twcs

RAW_JSON_OF_THE_VIEW = """
    select row_number() over () as record,
           to_json({tweet_id: tweet_id, author_id: author_id, inbound: inbound,
                    created_at: created_at, text: text, response_tweet_id: response_tweet_id,
                    in_response_to_tweet_id: in_response_to_tweet_id})::varchar as raw
    from raw_twcs
"""


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    sql.execute_script(con, "etl/schema")
    return con


def _read(con, path) -> twcs.RawRead:
    return twcs.read(con, twcs.inspect(path), stage=lambda: load._normalize_twcs(con))


def _real_rows(path, n=None):
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for _, r in zip(range(n or 10**9), reader)]
    return header, rows


def _write(path, header, rows, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])
    return path


def _odd_variants(header, rows):
    """Real rows with every rewrite normalize_twcs.sql makes: ids with spaces or '.0', other
    boolean spellings, timestamps with spaces or in ISO form, NUL in text, untidy reply lists."""
    col = {name: i for i, name in enumerate(header)}
    edits = [
        ("tweet_id", lambda v: f" {v} "), ("tweet_id", lambda v: f"{v}.0"),
        ("author_id", lambda v: f"{v}.0" if v.isdigit() else f" {v}"),
        ("inbound", lambda v: v.upper()), ("inbound", lambda v: " yes " if v == "True" else "f"),
        ("created_at", lambda v: f" {v} "), ("created_at", lambda v: "2017-10-31T22:10:47+01:00"),
        ("text", lambda v: v + "\x00!"),
        ("response_tweet_id", lambda v: f" {v}, ," if v else ","),
        ("in_response_to_tweet_id", lambda v: f"{v}.0" if v else " "),
    ]
    out = []
    for i, row in enumerate(rows):
        row = list(row)
        name, edit = edits[i % len(edits)]
        if i % 3 == 0:
            row[col[name]] = edit(row[col[name]])
        out.append(row)
    return out


def test_rebuilt_raw_is_the_raw_record(twcs_5000, tmp_path):
    header, rows = _real_rows(twcs_5000, 600)
    path = _write(tmp_path / "odd.csv", header, _odd_variants(header, rows))
    con = _connect()
    raw = _read(con, path)
    assert raw.parser == "duckdb" and raw.parsed == 600
    rebuilt = con.execute("select count(*) from staged_rows where raw is null").fetchall()[0][0]
    # mapped records whose raw is kept, by the field that mapping rewrote
    kept = con.execute(
        "select count(*) filter (where raw->>'tweet_id' is distinct from message_id), "
        "count(*) filter (where raw->>'author_id' is distinct from author_id), "
        "count(*) filter (where raw->>'inbound' not in ('True', 'False')), "
        "count(*) filter (where raw->>'text' is distinct from text), "
        "count(*) filter (where raw->>'response_tweet_id' is distinct from response_ids), "
        "count(*) filter (where raw->>'in_response_to_tweet_id' is distinct from in_reply_to_id) "
        "from staged_rows where reject_reason is null and raw is not null").fetchall()[0]
    assert rebuilt >= 400 and all(kept), kept      # the unedited 2/3 rebuilt; every rewrite seen
    differ = con.execute(
        f"select count(*) from staged join ({RAW_JSON_OF_THE_VIEW}) as parsed using (record) "
        "where staged.raw is distinct from parsed.raw").fetchall()[0][0]
    assert differ == 0


def _long_multiline_copies(header, rows, copies):
    """Copies of real rows with fresh ids and long quoted texts holding newlines, quotes and
    commas, so that DuckDB's parallel reader splits the file inside such records."""
    col = {name: i for i, name in enumerate(header)}
    out = []
    for k in range(copies):
        for row in rows:
            row = list(row)
            for c in ("tweet_id", "response_tweet_id", "in_response_to_tweet_id"):
                ids = [i for i in row[col[c]].split(",") if i]
                row[col[c]] = ",".join(str(int(i) + k * 10_000_000) for i in ids)
            row[col["text"]] = (row[col["text"]] + '\n"quoted", and,\n') * (3 + k % 5)
            out.append(row)
    return out


@pytest.mark.parametrize("copies", [6, 3])
def test_parallel_reader_stages_what_the_exact_parser_stages(twcs_5000, tmp_path, monkeypatch,
                                                             copies):
    header, rows = _real_rows(twcs_5000)
    path = _write(tmp_path / "big.csv", header, _long_multiline_copies(header, rows, copies))
    size = path.stat().st_size
    if copies == 6:
        assert size > 20_000_000                     # several chunks of the default buffer
    else:                                            # a small file: several small buffers
        assert 3 * twcs.SMALL_FILE_BUFFER < size < twcs.SMALL_FILE
    con = _connect()
    fast = _read(con, path)
    assert fast.parser == "duckdb" and fast.parsed == fast.records == 5_000 * copies
    con.execute("create temp table parallel as select * from staged")
    monkeypatch.setattr(twcs, "_try_duckdb", lambda *a, **k: None)
    exact = _read(con, path)
    assert exact.parser == "python-csv" and exact.parsed == 5_000 * copies
    assert list(exact.record_lines) == list(fast.record_lines)
    # raw aside: the csv module reads an empty field as '', DuckDB as NULL (in raw only)
    differ = con.execute(
        "select count(*) from (select * exclude (raw) from parallel "
        "except all select * exclude (raw) from staged)").fetchall()[0][0]
    assert differ == 0


def test_unreconciled_parallel_read_is_read_again_single_threaded(twcs_5000, tmp_path,
                                                                   monkeypatch):
    header, rows = _real_rows(twcs_5000, 300)
    path = _write(tmp_path / "f.csv", header, rows)
    modes, define = [], twcs._define_duckdb_view
    monkeypatch.setattr(twcs, "_define_duckdb_view",
                        lambda con, layout, parallel: modes.append(parallel)
                        or define(con, layout, parallel))
    con = _connect()
    stage_calls = []

    def stage_losing_a_record_the_first_time() -> int:
        stage_calls.append(1)
        return load._normalize_twcs(con) - (len(stage_calls) == 1)

    raw = twcs.read(con, twcs.inspect(path), stage=stage_losing_a_record_the_first_time)
    assert modes == [True, False]
    assert raw.parser == "duckdb" and raw.parsed == raw.records == 300


def test_a_latin1_byte_after_the_first_mib_is_read_as_latin1(twcs_5000, tmp_path):
    header, rows = _real_rows(twcs_5000)
    rows = (rows * 3)[:12_000]
    path = _write(tmp_path / "late.csv", header, rows[:-1])
    last = list(rows[-1])
    last[header.index("text")] = "caf\u00e9 closed"
    with open(path, "a", newline="", encoding="latin-1") as fh:
        csv.writer(fh, lineterminator="\n").writerow(last)
    assert path.stat().st_size > 1 << 20
    assert twcs.inspect(path).encoding == "utf-8"    # the first MiB is valid UTF-8
    con = _connect()
    raw = _read(con, path)
    assert raw.parsed == raw.records == 12_000
    text = con.execute("select text from staged order by record desc limit 1").fetchall()
    assert text == [("caf\u00e9 closed",)]


def _copies(header, rows, copies):
    col = {name: i for i, name in enumerate(header)}
    out = []
    for k in range(copies):
        for row in rows:
            row = list(row)
            for c in ("tweet_id", "response_tweet_id", "in_response_to_tweet_id"):
                ids = [i for i in row[col[c]].split(",") if i]
                row[col[c]] = ",".join(str(int(i) + k * 10_000_000) for i in ids)
            out.append(row)
    return out


@pytest.mark.parametrize("with_conflict", [False, True])
def test_messages_keep_the_file_order(with_conflict, twcs_5000, tmp_path):
    """Several row groups of messages, inserted in parallel, still in record order: with nothing
    contested (a plain scan) and with a conflicting copy left out (a join, then a sort)."""
    header, rows = _real_rows(twcs_5000)
    rows = _copies(header, rows, 52)                 # > 2 row groups of 122,880
    if with_conflict:
        conflict = list(rows[7])
        conflict[header.index("text")] += " (edited)"
        rows.append(conflict)
    path = _write(tmp_path / "many.csv", header, rows)
    con = _connect()
    run = load.start_run(con, "twcs", str(path))
    raw = _read(con, path)
    load.save_staged(con, run, raw.records, raw.parse_rejects, raw.record_lines)
    assert run.rows_loaded == 260_000 and run.rows_rejected == int(with_conflict)
    stored = con.execute("select list(message_id order by rowid) from messages").fetchall()
    staged = con.execute("select list(message_id order by record) from staged "
                         "where record <= 260000").fetchall()
    assert stored == staged


UTF8_CASES = [
    b"plain ascii, a tweet",
    "caf\u00e9 \U0001f621 \u2019".encode("utf-8"),
    b"caf\xe9 closed",                       # latin-1
    "\U0001f621".encode("utf-8")[:3],        # a character cut short
    b"\xed\xa0\x80",                         # an encoded surrogate
    b"\xc0\xaf",                             # an overlong '/'
]


@pytest.mark.parametrize("data", UTF8_CASES)
def test_both_utf8_checks_agree_with_python(data):
    """Small buffers are checked by Python's decoder, large ones by Arrow: the same verdict,
    and a verdict that matches bytes.decode."""
    try:
        data.decode("utf-8")
        expected = True
    except UnicodeDecodeError:
        expected = False
    padded = b" " * twcs._ARROW_FROM + data
    assert twcs._valid_utf8(data) == expected
    assert twcs._valid_utf8(padded) == expected


def test_loading_a_twcs_file_needs_neither_pandas_nor_pyarrow(twcs_5000, tmp_path):
    """pandas and pyarrow cost ~0.6 s to import, a fixed cost of every load: reading (count,
    parse, stage), scoring and saving a file under 16 MiB do without them, once the database
    keeps the sentiment lexicon (building it, on a fresh database, still uses pandas)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    db = tmp_path / "warm.duckdb"
    connect = (f"import sys, duckdb, sql; con = duckdb.connect({str(db)!r}); "
               "con.execute(\"set TimeZone = 'UTC'\"); sql.execute_script(con, 'etl/schema'); ")
    store_lexicon = connect + "from etl import sentiment; sentiment.load_lexicon(con); con.close()"
    load_file = connect + f"""
from etl import load
from etl.sources import twcs
run = load.start_run(con, "twcs", {str(twcs_5000)!r})
raw = twcs.read(con, twcs.inspect({str(twcs_5000)!r}), stage=lambda: load._normalize_twcs(con))
load.save_staged(con, run, raw.records, raw.parse_rejects, raw.record_lines)
scored = con.execute("select count(sentiment) from messages").fetchall()[0][0]
print(run.rows_loaded, raw.parser, scored > 0,
      sorted({{m.split('.')[0] for m in sys.modules}} & {{'pandas', 'pyarrow'}}))
"""
    root = Path(__file__).resolve().parents[1]
    outputs = [subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                              text=True, env=dict(os.environ), check=True).stdout
               for code in (store_lexicon, load_file)]
    assert outputs[1].split() == ["5000", "duckdb", "True", "[]"]


def test_large_files_are_read_in_buffers_of_whole_row_groups():
    """A large file's read buffers (one batch each of the order-keeping staging insert) hold
    more than a row group of records, so no batch is copied again to be merged; files up to
    ~128 MiB keep DuckDB's 16 MiB buffers (both cores busy), small ones 2 MiB buffers."""
    assert twcs.buffer_size_for(11_000_000) == twcs.SMALL_FILE_BUFFER
    assert twcs.buffer_size_for(30_000_000) == twcs.DEFAULT_BUFFER == 16 << 20
    size_2_8m = 523_753_219                          # the 2.8M benchmark file: 8 buffers
    assert 60 << 20 < twcs.buffer_size_for(size_2_8m) <= twcs.LARGE_FILE_BUFFER
    assert twcs.buffer_size_for(4_500_000_000) == twcs.LARGE_FILE_BUFFER
    assert twcs.LARGE_FILE_BUFFER > twcs.MAX_RECORD_CHARS
