"""The publishing checkpoint's vacuum after an incremental derive (etl/derive.py): skipped while
no table of VACUUM_MIN_ROWS or more stored rows holds over VACUUM_DEAD_SHARE of deleted rows,
which _deleted_share measures from DuckDB's stored row count against count(*)."""
import duckdb
import pytest

import sql
from etl import derive


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "vacuum.duckdb"))
    con.execute("create table big as select range as id from range(200000)")
    con.execute("create table small as select range as id from range(1000)")
    con.execute("checkpoint")
    yield con
    con.close()


def test_no_deleted_rows_is_a_share_of_zero(con):
    assert derive._deleted_share(con) == 0.0


def test_the_share_is_the_deleted_rows_of_the_fullest_large_table(con):
    con.execute("delete from big where id % 20 = 0")        # 5%
    con.execute("delete from small where id % 2 = 0")       # 50%, but below VACUUM_MIN_ROWS
    assert derive._deleted_share(con) == pytest.approx(0.05, abs=1e-9)
    con.execute("checkpoint")   # rows deleted in an earlier load still count
    con.execute("delete from big where id % 20 = 1")
    assert derive._deleted_share(con) == pytest.approx(0.10, abs=1e-9)


def test_appended_rows_count_as_stored_rows(con):
    con.execute("delete from big where id < 40000")                 # 20% of 200k
    con.execute("insert into big select range from range(200000, 400000)")
    assert derive._deleted_share(con) == pytest.approx(40000 / 400000, abs=1e-9)


def test_the_deferred_vacuum_keeps_every_row_readable(tmp_path):
    path = tmp_path / "kept.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table big as select range as id, range % 7 as brand from range(300000)")
    con.execute("checkpoint")
    con.execute("delete from big where id % 10 < 3")
    con.execute("insert into big select range, range % 7 from range(300000, 310000)")
    sql.execute_script(con, "etl/scope_vacuum_defer")
    con.execute("checkpoint")
    con.close()
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select count(*), sum(id), count(distinct brand) from big").fetchall() == [
        (220000, sum(i for i in range(310000) if i >= 300000 or i % 10 >= 3), 7)]
    con.close()
