"""Incremental derive (etl/derive_scope.py): after a small load, re-deriving only the touched
conversations gives exactly the tables a full derive gives, on generated and on real data."""
import csv

import duckdb
import pytest

from bench import dataset
from etl import derive
from tests.conftest import TWCS_5000, shared

# the derived tables, and the dashboard summaries (refreshed by hour after an incremental derive)
TABLES = ("messages", "conversations", "replies", "reply_pairs", "event_matches",
          "brand_accounts", *(step.rsplit("/", 1)[-1] for step in derive.summary_steps()))


def _mode(db) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select value from meta where key = 'derive_mode'").fetchall()[0][0]
    finally:
        con.close()


def _differences(a, b) -> dict:
    """Rows of each table in one database and not the other (doubles to 1e-6: business minutes
    are differences of running sums whose origin depends on the data's span)."""
    con = duckdb.connect()
    try:
        con.execute("attach $a as a (read_only)", {"a": str(a)})
        con.execute("attach $b as b (read_only)", {"b": str(b)})
        out = {}
        for table in TABLES:
            columns = con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where database_name = 'a' and table_name = $t order by column_index",
                {"t": table}).fetchall()
            select = ", ".join(f"round({c}, 6)" if t == "DOUBLE" else c for c, t in columns)
            diff = [con.execute(f"select count(*) from (select {select} from {x}.{table} "
                                f"except all select {select} from {y}.{table})").fetchall()[0][0]
                    for x, y in (("a", "b"), ("b", "a"))]
            out[table] = diff
        return out
    finally:
        con.close()


def _load(cli, db, *files, config=None):
    args = ["load", "twcs", *files, "--db", db] + (["--config", config] if config else [])
    code, _, err = cli(*args)
    assert code == 0, err


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return dataset.make(tmp_path_factory.mktemp("gen"), 12_000, seed=3)


def test_next_day_of_generated_data_is_derived_incrementally_and_exactly(
        generated, cli, tmp_path, monkeypatch):
    inc, full = tmp_path / "inc.duckdb", tmp_path / "full.duckdb"
    _load(cli, inc, generated.base, config=generated.config)
    _load(cli, inc, generated.day, config=generated.config)
    assert _mode(inc).startswith("incremental:")
    monkeypatch.setenv("CAREPULSE_DERIVE", "full")
    _load(cli, full, generated.base, config=generated.config)
    _load(cli, full, generated.day, config=generated.config)
    assert _mode(full) == "full"
    assert _differences(inc, full) == {t: [0, 0] for t in TABLES}


def test_real_sample_with_late_parents_and_new_brands(cli, tmp_path, monkeypatch):
    """The second file holds parents of messages already loaded (their threads re-root), and
    replies of brands never seen before (their accounts brand old messages that mention them)."""
    with open(shared(TWCS_5000), newline="", encoding="utf-8") as fh:
        header, *body = list(csv.reader(fh))
    moved = set(range(100, 4600, 150))
    parts = {"first.csv": [r for i, r in enumerate(body[:4600]) if i not in moved],
             "second.csv": [body[i] for i in sorted(moved)] + body[4600:]}
    for name, rows in parts.items():
        with open(tmp_path / name, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([header, *rows])
    inc, full = tmp_path / "inc.duckdb", tmp_path / "full.duckdb"
    _load(cli, inc, tmp_path / "first.csv")
    _load(cli, inc, tmp_path / "second.csv")
    assert _mode(inc).startswith("incremental:")
    monkeypatch.setenv("CAREPULSE_DERIVE", "full")
    _load(cli, full, tmp_path / "first.csv")
    _load(cli, full, tmp_path / "second.csv")
    assert _differences(inc, full) == {t: [0, 0] for t in TABLES}


def test_nothing_new_derives_nothing_and_a_config_change_derives_everything(
        generated, cli, tmp_path):
    db = tmp_path / "db.duckdb"
    _load(cli, db, generated.day, config=generated.config)
    assert _mode(db) == "full"                                  # the first load
    _load(cli, db, generated.day, config=generated.config)
    assert _mode(db) == "incremental: nothing new"
    changed = tmp_path / "carepulse.toml"
    text = open(generated.config, encoding="utf-8").read()
    assert "09:00" in text
    changed.write_text(text.replace("09:00", "10:00", 1), encoding="utf-8")
    _load(cli, db, generated.day, config=changed)
    assert _mode(db) == "full"                                  # schedules recompute history
