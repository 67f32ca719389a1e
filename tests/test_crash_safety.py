"""Crash safety: a load killed with SIGKILL part-way leaves the published database byte-identical
and readable; the next load completes and removes the killed run's private copy.

The load runs as a real `carepulse` process on a synthetic file (etl.demo.generate; its ids
overlap the real sample's, so some of its records are quarantined as conflicts, which the run
reconciles) over a database that already holds the real sample. It is killed the moment its
private copy `<db>.building-<pid>` appears, then as each later stage starts (stderr progress).
"""
from __future__ import annotations

import hashlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT

TABLES = ("messages", "conversations", "replies", "load_runs", "rejected")
# Markers the CLI's progress line prints as each stage starts (StageProgress on stderr).
STAGES = ("normalizing", "saving messages", "deriving")
TIMEOUT = 180.0


def digests(db: Path) -> dict[str, str]:
    """Order-independent digest of each table, read the way a user's tool reads it."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: hashlib.sha256(repr(con.execute(f"select * from {t} order by all").fetchall())
                                  .encode()).hexdigest() for t in TABLES}
    finally:
        con.close()


def count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from messages").fetchall()[0][0]
    finally:
        con.close()


def strays(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.name}.building-*"))


def start_load(csv_path: Path, db: Path, cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREPULSE_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "load", "twcs", str(csv_path), "--db", str(db)],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def stderr_lines(proc: subprocess.Popen) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for_stage(lines: queue.Queue, marker: str) -> str:
    """Block until the process reports the stage `marker`; fail if it ends or stalls first."""
    deadline = time.monotonic() + TIMEOUT
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1.0)
        except queue.Empty:
            continue
        if line is None:
            pytest.fail(f"the load ended before '{marker}': {''.join(seen)}")
        seen.append(line)
        if marker in line:
            return line
    pytest.fail(f"no '{marker}' within {TIMEOUT:.0f}s")


def wait_for_copy(proc: subprocess.Popen, db: Path) -> Path:
    building = db.with_name(f"{db.name}.building-{proc.pid}")
    deadline = time.monotonic() + TIMEOUT
    while not building.exists():
        assert proc.poll() is None, "the load ended before its private copy appeared"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    return building


def kill(proc: subprocess.Popen) -> None:
    assert proc.poll() is None, "the load finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=TIMEOUT)
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def demo_csv(tmp_path_factory) -> Path:
    from etl import demo

    out = tmp_path_factory.mktemp("demo")
    demo.generate(out, rows=30_000, seed=5, days=30)
    return out / "twcs.csv"


def test_sigkill_at_every_stage_leaves_previous_state(twcs_5000, demo_csv, tmp_path, cli):
    db = tmp_path / "carepulse.duckdb"
    assert cli("load", "twcs", twcs_5000, "--db", db)[0] == 0
    before_bytes, before = db.read_bytes(), digests(db)

    points = ("private copy appears", *STAGES)
    for point in points:
        proc = start_load(demo_csv, db, tmp_path)
        lines = stderr_lines(proc)
        if point == "private copy appears":
            wait_for_copy(proc, db)
        else:
            wait_for_stage(lines, point)
        kill(proc)
        # the published file is untouched and readable while the killed run's copy lies around
        assert db.read_bytes() == before_bytes, point
        assert digests(db) == before, point
        assert [p.name for p in strays(db)] in ([], [f"{db.name}.building-{proc.pid}"],
                                                [f"{db.name}.building-{proc.pid}",
                                                 f"{db.name}.building-{proc.pid}.wal"]), point

    rerun = start_load(demo_csv, db, tmp_path)
    out, err = rerun.communicate(timeout=TIMEOUT)
    assert rerun.returncode == 0, err
    assert strays(db) == []
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = con.execute("select rows_read, rows_loaded + rows_duplicate + rows_rejected "
                           "from load_runs order by run_id").fetchall()
    finally:
        con.close()
    assert len(runs) == 2                      # the killed runs left no trace in the database
    assert all(read == accounted for read, accounted in runs)
    assert count(db) > 5000 + 20_000


def test_sigkill_during_first_load_leaves_no_database(demo_csv, tmp_path):
    """No previous state: a killed first load publishes nothing at all (no half-made file)."""
    db = tmp_path / "first.duckdb"
    proc = start_load(demo_csv, db, tmp_path)
    wait_for_stage(stderr_lines(proc), "saving messages")
    kill(proc)
    assert not db.exists()
