"""sql.query builds the frame of a result with timestamptz columns itself (sql/frames.py) once it
knows the text gives such columns and the session's time zone is UTC: every dashboard query file
(sql/metrics, sql/dashboard, sql/meta, as bench/pages.py times them) gives exactly the frame
`.df()` gives (values, NULLs, dtypes, column and index types), on real twcs rows and on a demo
database, for all brands and one, periods that cut hours, both clocks; in another time zone
sql.query keeps `.df()`'s frame."""
from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

import sql
from bench import pages
from sql import frames
from tests.test_metrics_summaries import _brand_sets, _periods, _reader, demo_db, real_db

__all__ = ["demo_db", "real_db"]   # module fixtures shared with test_metrics_summaries


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_column_type=True,
                                  check_index_type=True)
    assert list(got.dtypes) == list(expected.dtypes)


def _bindings(con):
    for start, end in _periods(con)[1:3]:
        for brands in _brand_sets(con)[:2]:
            for clock in ("calendar", "business"):
                params = dict(pages.TYPICAL, brands=brands, start=start, end=end, clock=clock,
                              brand=brands[0] if brands else None, conversation_id=None)
                yield params


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_every_dashboard_query_gives_the_frame_df_gives(which, request):
    con = _reader(request.getfixturevalue(which))
    built = 0
    for params in _bindings(con):
        conversation = sql.query(con, "dashboard/conversations", params)
        params["conversation_id"] = (str(conversation.iloc[0]["conversation_id"])
                                     if len(conversation) else "none")
        for name in pages.query_names():
            text = sql.text(name)
            given = {**sql.defaults_of(text), **params}
            expected = con.execute(text, {k: given[k] for k in sql.params_of(text)}).df()
            for _ in range(2):                     # the first run learns the columns
                _same(sql.query(con, name, params), expected)
            built += bool(sql._ZONED.get(text)) and len(expected) > 0
    assert built > 0


def test_nulls_and_kinds_as_df_gives_them():
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    text = """select * from (values
        (1::bigint, 2::integer, 'a', 1.5::double, timestamptz '2026-09-01 10:00:00.123456+00'),
        (null, null, null, null, null),
        (3, 4, 'é', 'nan'::double, timestamptz '1969-12-31 23:59:59+00'))
        t(big, small, words, ratio, seen_at)"""
    for where in ("", "where big is not null", "where big is null", "where false"):
        query = f"select * from ({text}) {where}"
        _same(frames.frame(con.execute(query)), con.execute(query).df())
    other = "select [1, 2] as list, timestamptz '2026-09-01 10:00:00+00' as seen_at"
    _same(frames.frame(con.execute(other)), con.execute(other).df())


def test_another_time_zone_keeps_dfs_frame(monkeypatch):
    con = duckdb.connect()
    con.execute("set TimeZone = 'Europe/Berlin'")
    monkeypatch.setattr(sql, "text", lambda name: "select timestamptz '2026-09-01 10:00:00+00' "
                                                  "as at, $n::bigint as n")
    expected = con.execute("select timestamptz '2026-09-01 10:00:00+00' as at, 1::bigint as n").df()
    for _ in range(2):
        got = sql.query(con, "zoned/berlin", dict(n=1))
        _same(got, expected)
    assert str(got["at"].dtype.tz) == "Europe/Berlin"
    assert np.datetime64(got["at"].iloc[0].tz_convert(None)) == np.datetime64("2026-09-01T10:00")
