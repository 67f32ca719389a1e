"""The SLA page's heatmap, influence and response_trend against their session-7 text
(tests/reference_sql/*_s7.sql: both clocks always, zones and targets looked up by correlated
subqueries, the heatmap's edge messages scanned whatever the bounds), on real twcs rows and on a
demo database (business clocks, DMs, handoffs), for periods whose edges cut hours and days or fall
on hour marks, one brand and all: every frame equals the old text's exactly (heatmap and
influence with $clock = both or left out); with one clock, the other clock's FRT columns are
NULL and every other column is the old one."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import sql
from tests.test_metrics_summaries import (REFERENCE_SQL, _brand_sets, _periods, _reader,
                                          demo_db, real_db)

__all__ = ["demo_db", "real_db"]   # module fixtures shared with test_metrics_summaries

# per metric and clock: the columns that clock leaves NULL
NOT_COMPUTED = {
    "heatmap": {"calendar": ["frt_business_median_minutes"],
                "business": ["frt_median_minutes"]},
    "influence": {"calendar": ["frt_business_median_minutes"], "business": []},
    "response_trend": {},                                 # no $clock: both always
}


def _old(name: str) -> str:
    return (REFERENCE_SQL / f"{name}_s7.sql").read_text(encoding="utf-8")


def _bounds(con) -> list[tuple[dt.datetime, dt.datetime]]:
    """The shared periods (whole days, cut hours), hour marks that are not day starts, and a
    period before the data."""
    first, last = con.execute("select min(created_at), max(created_at) from messages").fetchone()
    hour = dt.datetime.combine(last.date(), dt.time(), dt.timezone.utc) - dt.timedelta(hours=7)
    return _periods(con) + [
        (hour - dt.timedelta(days=9, hours=5), hour),
        (first - dt.timedelta(days=400), first - dt.timedelta(days=399)),
    ]


def _bindings(name: str, con):
    for start, end in _bounds(con):
        for brands in _brand_sets(con):
            params = dict(brands=brands, start=start, end=end)
            if name != "response_trend":
                yield params
                continue
            for grain in ("day", "week"):
                for target in (None, 15.0, 45.0):         # 45: not one of the summary's four
                    yield dict(params, grain=grain, target_minutes=target)


def _old_frame(con, name: str, params: dict) -> pd.DataFrame:
    text = _old(name)
    given = {**sql.defaults_of(text), **params}
    return con.execute(text, {k: given[k] for k in sql.params_of(text)}).df()


@pytest.mark.parametrize("name", sorted(NOT_COMPUTED))
@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_the_page_form_is_the_old_text_and_one_clock_leaves_the_others_medians(which, name,
                                                                               request):
    con = _reader(request.getfixturevalue(which))
    compared, one_clock = 0, 0
    for params in _bindings(name, con):
        old = _old_frame(con, name, params)
        pd.testing.assert_frame_equal(sql.query(con, f"metrics/{name}", params), old,
                                      check_exact=True)
        compared += int(old["conversations"].sum())
        if not NOT_COMPUTED[name]:
            continue
        pd.testing.assert_frame_equal(sql.query(con, f"metrics/{name}", dict(params, clock="both")),
                                      old, check_exact=True)
        for clock, other in NOT_COMPUTED[name].items():
            got = sql.query(con, f"metrics/{name}", dict(params, clock=clock))
            assert got[other].isna().all().all()
            pd.testing.assert_frame_equal(got.drop(columns=other), old.drop(columns=other),
                                          check_exact=True)
            kept = [c for c in NOT_COMPUTED[name]["calendar" if clock == "business"
                                                  else "business"] if c not in other]
            one_clock += int(got[kept].notna().sum().sum())
    assert compared > 0
    assert one_clock > 0 or not NOT_COMPUTED[name]
