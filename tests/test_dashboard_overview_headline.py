"""sql/dashboard/overview_headline.sql, the overview page's headline query: every figure it gives
equals metrics/headline's exactly, on real twcs rows and a demo database (business clocks,
DMs, handoffs), both clocks, the four SLA targets, one brand, several and all, whole days and
periods whose edges cut hours; what it leaves out (the other clock's medians and p90s,
business reply latency, the previous period's medians unless the current one has a single
brand, and the business share within the target on the calendar clock) is NULL, and the page
drops the columns it never computes."""
from __future__ import annotations

import pandas as pd
import pytest

import sql
from dashboard.views import overview
from tests.test_metrics_summaries import _brand_sets, _periods, _reader, demo_db, real_db

__all__ = ["demo_db", "real_db"]     # module fixtures shared with test_metrics_summaries

QUANTILES = {"calendar": ["frt_median_minutes", "frt_p90_minutes"],
             "business": ["frt_business_median_minutes", "frt_business_p90_minutes"]}


def _check(full: pd.DataFrame, page: pd.DataFrame, clock: str, brands: list[str]) -> None:
    assert list(page.columns) == list(full.columns)
    assert page[["period", "brand"]].equals(full[["period", "brand"]])
    other = "business" if clock == "calendar" else "calendar"
    # on the calendar clock the business share within the target is not computed either
    left_out = QUANTILES[other] + ["reply_latency_business_median_minutes"] + (
        ["within_target_business"] if clock == "calendar" else [])
    assert page[left_out].isna().all().all()
    assert sorted(left_out) == sorted(overview.NOT_COMPUTED[clock])
    current = full["period"] == "current"
    medians_shown = current | (current.sum() == 1)
    shown = QUANTILES[clock]
    pd.testing.assert_frame_equal(page.loc[medians_shown, shown], full.loc[medians_shown, shown],
                                  check_exact=True)
    assert page.loc[~medians_shown, shown].isna().all().all()
    # the business share: on the business clock, both periods (their answers are read)
    business = ["within_target_business"]
    if clock == "business":
        pd.testing.assert_frame_equal(page[business], full[business], check_exact=True)
    rest = [c for c in full.columns
            if c not in shown + business and c not in overview.NOT_COMPUTED[clock]]
    pd.testing.assert_frame_equal(page[rest], full[rest], check_exact=True)


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_the_page_query_gives_the_metrics_figures(which, request):
    con = _reader(request.getfixturevalue(which))
    compared = single = 0
    for start, end in _periods(con):
        for brands in _brand_sets(con) + [["no such brand"]]:
            for clock in ("calendar", "business"):
                for target in (15, 60, 240, 1440):
                    params = dict(brands=brands, start=start, end=end, target_minutes=target,
                                  clock=clock)
                    full = sql.query(con, "metrics/headline", params)
                    page = sql.query(con, "dashboard/overview_headline", params)
                    _check(full, page, clock, brands)
                    compared += len(full)
                    single += (full["period"] == "current").sum() == 1
    assert compared > 0 and single > 0
