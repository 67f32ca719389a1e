"""The SLA page's metrics against their previous text (tests/reference_sql/*_direct.sql), on
real twcs rows and on a demo database (business clocks, DMs, handoffs), for periods whose edges
cut hours and days, one brand and all: sla_curve with $clock = one clock gives that clock's
rows of both, every column exactly but share_answered_km to the last bit or two: DuckDB's
windowed sum of the Kaplan-Meier logs rounds by where a partition's rows sit among the others,
so the old text itself gives a brand alone and the same brand among all 1 ulp apart (demo data,
30 days: 0.6669020465414723 vs ...22)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import sql
from tests.test_metrics_summaries import (REFERENCE_SQL, _brand_sets, _periods, _reader,
                                          demo_db, real_db)

__all__ = ["demo_db", "real_db"]   # module fixtures shared with test_metrics_summaries


def _direct(name: str) -> str:
    return (REFERENCE_SQL / f"{name}_direct.sql").read_text(encoding="utf-8")


def _sla_periods(con) -> list[tuple[dt.datetime, dt.datetime]]:
    """The shared periods, one ending at the data's last message (censorings on the grid's
    span), and one with no data."""
    first, last = con.execute("select min(created_at), max(created_at) from messages").fetchone()
    return _periods(con) + [
        (last - dt.timedelta(days=6, hours=3, seconds=1), last + dt.timedelta(microseconds=1)),
        (first - dt.timedelta(days=400), first - dt.timedelta(days=399)),
    ]


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_sla_curve_of_one_clock_equals_that_clock_of_both(which, request):
    con = _reader(request.getfixturevalue(which))
    direct = _direct("sla_curve")
    compared = 0
    for start, end in _sla_periods(con):
        for brands in _brand_sets(con):
            for horizon in (None, 90.0, 1440):
                params = dict(brands=brands, start=start, end=end, horizon_minutes=horizon)
                expected = con.execute(direct, params).df()
                for clock in ("both", None, "calendar", "business"):
                    got = sql.query(con, "metrics/sla_curve", dict(params, clock=clock))
                    wanted = expected
                    if clock in ("calendar", "business"):
                        wanted = expected[expected["clock"] == clock].reset_index(drop=True)
                    _assert_same_curve(got, wanted)
                    compared += len(got)
    assert compared > 0


def _assert_same_curve(got: pd.DataFrame, wanted: pd.DataFrame) -> None:
    km = "share_answered_km"
    pd.testing.assert_frame_equal(got.drop(columns=km), wanted.drop(columns=km),
                                  check_exact=True)
    pd.testing.assert_series_equal(got[km], wanted[km], check_exact=False, rtol=1e-14,
                                   atol=0)


def test_sla_curve_defaults_to_both_clocks(request):
    con = _reader(request.getfixturevalue("demo_db"))
    params = dict(brands=[], start=dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc),
                  end=dt.datetime(9999, 1, 1, tzinfo=dt.timezone.utc), horizon_minutes=None)
    got = sql.query(con, "metrics/sla_curve", params)
    assert set(got["clock"]) == {"calendar", "business"}
    pd.testing.assert_frame_equal(got, con.execute(_direct("sla_curve"), params).df(),
                                  check_exact=True)
