"""Shared fixtures: the real sample data in ../shared/data, temporary databases, the CLI."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
TWCS_5000 = SHARED_DATA / "twcs" / "twcs_first5000.csv"
TWCS_SAMPLE = SHARED_DATA / "twcs" / "twcs_kaggle_sample.csv"


def shared(path: Path) -> Path:
    """A file of ../shared/data; skips the test in a user's clone where it is absent, never in CI."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip(f"{path} not present (real sample data lives beside the project)")
    return path


@pytest.fixture
def twcs_5000() -> Path:
    return shared(TWCS_5000)


@pytest.fixture
def twcs_sample() -> Path:
    return shared(TWCS_SAMPLE)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "carepulse.duckdb"


@pytest.fixture
def cli(capsys):
    """Run the carepulse CLI in-process; returns (exit code, stdout, stderr)."""
    from etl.cli import main

    def run(*args: str):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def read_db():
    """Query a published database read-only (as a user's own tool would)."""
    import duckdb

    def query(path: Path, text: str, params=None):
        con = duckdb.connect(str(path), read_only=True)
        try:
            return con.execute(text, params or {}).fetchall()
        finally:
            con.close()

    return query


def rebuild_summaries(con) -> None:
    """Derive again and rebuild the dashboard summary tables (sql/etl/summary_*.sql) on an open
    connection, as every load does: for tests that edit messages (e.g. fixed sentiment scores)
    after loading them (conversations carry the first and last scores the summaries read)."""
    import sql
    from etl import derive
    from etl.settings import DM_HANDOFF_HOURS

    con.execute("set TimeZone = 'UTC'")
    for step in derive.STEPS + tuple(derive.summary_steps()):
        sql.execute_script(con, step, {"dm_handoff_hours": DM_HANDOFF_HOURS})
