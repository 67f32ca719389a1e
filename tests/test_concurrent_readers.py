"""Concurrent readers: while a large load runs, readers see the old state or the new one, never an
error or anything in between; a second writer is refused with one clear line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.publish import open_reader
from tests.conftest import ROOT

TIMEOUT = 300.0

# The reader: opens the database read-only every 0.2 s, counts messages, closes. It stops by
# itself three reads after the stop file appears, or at its deadline, whichever comes first.
READER = r"""
import json, os, sys, time
import duckdb

db, stop_file, out, deadline_s = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
deadline = time.monotonic() + deadline_s
results, after_stop = [], 0
while time.monotonic() < deadline and after_stop < 3:
    if os.path.exists(stop_file):
        after_stop += 1
    try:
        con = duckdb.connect(db, read_only=True)
        try:
            results.append(["ok", con.execute("select count(*) from messages").fetchall()[0][0]])
        finally:
            con.close()
    except Exception as exc:
        results.append(["error", f"{type(exc).__name__}: {exc}"])
    with open(out + ".tmp", "w") as fh:
        json.dump(results, fh)
    os.replace(out + ".tmp", out)
    time.sleep(0.2)
"""


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREPULSE_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from messages").fetchall()[0][0]
    finally:
        con.close()


def _reads(path: Path) -> list:
    return json.loads(path.read_text()) if path.exists() else []


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    from etl import demo

    out = tmp_path_factory.mktemp("demo")
    demo.generate(out, rows=300_000, seed=3, days=60)
    return out / "twcs.csv"


def _load(csv_path: Path, db: Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "load", "twcs", str(csv_path), "--db", str(db)],
        cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_readers_see_old_or_new_never_an_error(twcs_5000, big_csv, tmp_path, cli):
    db = tmp_path / "carepulse.duckdb"
    assert cli("load", "twcs", twcs_5000, "--db", db)[0] == 0
    old = _count(db)
    stop, out = tmp_path / "stop", tmp_path / "reads.json"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop), str(out),
                               str(TIMEOUT)], env=_env())
    try:
        deadline = time.monotonic() + 60
        while len(_reads(out)) < 2 and time.monotonic() < deadline:   # the reader is running
            time.sleep(0.05)
        writer = _load(big_csv, db, tmp_path)
        # a second writer meanwhile is refused, in one line, without touching anything
        while not list(tmp_path.glob("carepulse.duckdb.building-*")) and writer.poll() is None:
            time.sleep(0.01)
        second = _load(big_csv, db, tmp_path)
        second_out, second_err = second.communicate(timeout=TIMEOUT)
        reads_during = len(_reads(out))
        w_out, w_err = writer.communicate(timeout=TIMEOUT)
        reads_after_load = len(_reads(out))
        stop.touch()
        reader.wait(timeout=60)
    finally:
        stop.touch()
        if reader.poll() is None:
            reader.kill()
    assert writer.returncode == 0, w_err
    assert second.returncode == 1 and "another load is running" in second_err
    assert second_err.count("\n") == 1 and second_out == ""

    new = _count(db)
    assert new > old + 250_000
    results = _reads(out)
    errors = [r for r in results if r[0] != "ok"]
    assert errors == []
    counts = [n for _, n in results]
    assert set(counts) <= {old, new}, sorted(set(counts))
    assert counts == sorted(counts, key=lambda n: n == new)     # old ... old, new ... new
    assert counts.count(old) >= 3 and counts[-1] == new
    assert reads_after_load - reads_during >= 2          # readers kept reading through the load
    assert reads_during >= 2


def test_open_reader_sees_each_publish_while_an_older_handle_is_open(twcs_5000, tmp_path, cli):
    """The dashboard keeps the previous version's connection open while it opens the next one:
    the held handle keeps the old state, a new open_reader sees the new one (not DuckDB's cached
    instance), and cursors (one per dashboard query) see it too, in UTC."""
    db = tmp_path / "carepulse.duckdb"
    from tests.bad_input import Sample, Writer

    sample = Sample.read(twcs_5000)
    first = Writer(sample.header)
    first.rows(sample.rows[:20])
    assert cli("load", "twcs", first.save(tmp_path / "first.csv"), "--db", db)[0] == 0
    held = open_reader(db)
    assert held.execute("select count(*) from messages").fetchall() == [(20,)]

    assert cli("load", "twcs", twcs_5000, "--db", db)[0] == 0
    fresh = open_reader(db)
    cursor = fresh.cursor()
    try:
        assert fresh.execute("select count(*) from messages").fetchall() == [(5000,)]
        assert cursor.execute("select count(*), current_setting('TimeZone') from messages"
                              ).fetchall() == [(5000, "UTC")]
        assert held.execute("select count(*) from messages").fetchall() == [(20,)]
        with pytest.raises(duckdb.Error):
            cursor.execute("delete from messages")
    finally:
        cursor.close()
        fresh.close()
        held.close()
