"""etl/side_connection.py: a call's result waits for its own job (and those before it), not for
jobs submitted after it; a failed job's error reaches both the call and close()."""
import threading

import duckdb
import pytest

from etl.side_connection import SideConnection


def test_a_call_waits_for_its_job_not_for_later_ones():
    con = duckdb.connect()
    release, order = threading.Event(), []
    with SideConnection(con) as side:
        side.submit(lambda cursor: order.append("before"))
        answer = side.call(lambda cursor: cursor.execute("select 41 + 1").fetchall()[0][0])
        side.submit(lambda cursor: (release.wait(5), order.append("after")))
        assert answer() == 42
        assert order == ["before"]          # the later job is still held
        release.set()
    assert order == ["before", "after"]


def test_a_failed_call_raises_in_the_caller_and_at_close():
    con = duckdb.connect()
    side = SideConnection(con)
    failing = side.call(lambda cursor: cursor.execute("select * from no_such_table"))
    skipped = side.call(lambda cursor: 1)
    with pytest.raises(duckdb.CatalogException):
        failing()
    with pytest.raises(RuntimeError, match="earlier job"):
        skipped()
    with pytest.raises(duckdb.CatalogException):
        side.close()
