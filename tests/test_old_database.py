"""A database built by an older CarePulse (before a table was added) is named as such, with the
command that brings it up to date, instead of a missing-table error deep inside a metric; and
that command does bring it up to date."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl import publish
from tests.conftest import TWCS_5000, shared

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def older_db(cli, tmp_path) -> Path:
    """The real sample loaded by this version, then the newest tables dropped and the derive's
    fingerprint changed, as in a database written before those tables existed (an older
    version's derive SQL differs, so its fingerprint does)."""
    db = tmp_path / "older.duckdb"
    code, _, err = cli("load", "twcs", shared(TWCS_5000), "--db", db)
    assert code == 0, err
    con = duckdb.connect(str(db))
    con.execute("drop table reply_pairs")
    con.execute("drop table summary_sla_conversations")
    con.execute("update meta set value = 'older' where key = 'derive_fingerprint'")
    con.close()
    return db


def test_expected_tables_are_the_ones_a_load_writes(cli, tmp_path):
    db = tmp_path / "current.duckdb"
    code, _, err = cli("load", "twcs", shared(TWCS_5000), "--db", db)
    assert code == 0, err
    con = duckdb.connect(str(db), read_only=True)
    present = {name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    con.close()
    expected = set(publish.expected_tables())
    assert {"messages", "conversations", "replies", "reply_pairs",
            "summary_sla_conversations", "summary_backlog_hourly"} <= expected
    assert expected <= present
    publish.open_reader(db).close()                      # a current database opens


def test_cli_names_the_old_database_and_the_fix(cli, older_db):
    code, out, err = cli("metrics", "agents", "--db", older_db)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "built by an older CarePulse" in err
    assert "reply_pairs" in err and "summary_sla_conversations" in err
    assert f"carepulse derive --db {older_db}" in err


def _agents(cli, db: Path) -> str:
    code, out, err = cli("metrics", "agents", "--db", db, "--format", "json")
    assert code == 0, err
    return out


@pytest.mark.parametrize("upgrade", ["derive", "load"])
def test_derive_or_a_load_brings_the_old_database_up_to_date(cli, older_db, tmp_path, upgrade):
    """`carepulse derive`, or loading more data (which reads the old file without the check),
    gives the numbers a fresh load gives."""
    if upgrade == "derive":
        code, _, err = cli("derive", "--db", older_db)
    else:
        code, _, err = cli("load", "twcs", shared(TWCS_5000), "--db", older_db)
    assert code == 0, err
    fresh = tmp_path / "fresh.duckdb"
    code, _, err = cli("load", "twcs", shared(TWCS_5000), "--db", fresh)
    assert code == 0, err
    assert _agents(cli, older_db) == _agents(cli, fresh)
    assert "AmazonHelp" in _agents(cli, older_db)


def test_dashboard_shows_the_fix_not_a_traceback(older_db, monkeypatch):
    monkeypatch.setenv("CAREPULSE_DB", str(older_db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("views/sla.py").run()
    assert not at.exception
    assert "built by an older CarePulse" in at.error[0].value
    assert "carepulse derive" in at.error[0].value



def test_a_summary_built_by_another_definition_is_named_and_rebuilt(cli, tmp_path):
    """A summary whose SQL changed since its table was built (a column added, a figure defined
    otherwise) is named, with the fix, instead of a missing-column error in a metric; derive
    rebuilds it."""
    db = tmp_path / "summary.duckdb"
    code, _, err = cli("load", "twcs", shared(TWCS_5000), "--db", db)
    assert code == 0, err
    con = duckdb.connect(str(db))
    con.execute("update meta set value = 'older' "
                "where key = 'summary_digest:etl/summary_overview_hourly'")
    con.close()
    code, out, err = cli("metrics", "channels-weekly", "--db", db)
    assert code == 1 and out == ""
    assert "built by an older CarePulse (summary summary_overview_hourly defined otherwise)" in err
    assert f"carepulse derive --db {db}" in err
    code, _, err = cli("derive", "--db", db)
    assert code == 0, err
    assert cli("metrics", "channels-weekly", "--db", db)[0] == 0
