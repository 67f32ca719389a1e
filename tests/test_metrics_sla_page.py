"""How the SLA page runs its queries, against the metrics as the CLI runs them, on real twcs rows
and on a demo database (business clocks, DMs, handoffs), for periods whose edges cut hours and
days, one brand and all: the backlog read from its summary alone (metrics/backlog_summary, with
metrics/backlog when that answers nothing) equals metrics/backlog; a query file's parsed
statement, kept by sql.query, gives the same frames as its text on any connection."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import sql
from tests.test_metrics_summaries import _brand_sets, _periods, _reader, demo_db, real_db
from tests.test_metrics_summaries_backlog import _backlog_periods

__all__ = ["demo_db", "real_db"]   # module fixtures shared with test_metrics_summaries


def _page_backlog(con, params: dict) -> pd.DataFrame:
    """As dashboard/views/sla.py _backlog runs it."""
    frame = sql.query(con, "metrics/backlog_summary", params)
    if frame.empty:
        frame = sql.query(con, "metrics/backlog", params)
    return frame


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_the_pages_backlog_equals_the_backlog_metric(which, request):
    con = _reader(request.getfixturevalue(which))
    first, last = con.execute("select min(created_at), max(created_at) from messages").fetchone()
    periods = _backlog_periods(con) + [
        # before the summary's 120-day window (real twcs rows hold a tweet from years before)
        (first - dt.timedelta(hours=3, minutes=20), first + dt.timedelta(days=1, minutes=5)),
        # after the data: nothing to show
        (last + dt.timedelta(days=1), last + dt.timedelta(days=2)),
    ]
    from_summary = 0
    for start, end in periods:
        for brands in _brand_sets(con) + [["no such brand"]]:
            for max_age in (168, 168.0, 30.5):
                params = dict(brands=brands, start=start, end=end, max_age_hours=max_age)
                expected = sql.query(con, "metrics/backlog", params)
                summary = sql.query(con, "metrics/backlog_summary", params)
                if not summary.empty:
                    assert max_age == 168
                    from_summary += 1
                pd.testing.assert_frame_equal(_page_backlog(con, params), expected,
                                              check_exact=True)
    assert from_summary > 0


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_a_parsed_query_gives_what_its_text_gives_on_any_connection(which, request):
    db = request.getfixturevalue(which)
    first, second = _reader(db), _reader(db)
    start, end = _periods(first)[2]
    names = ["metrics/response_times", "metrics/influence", "metrics/heatmap",
             "metrics/response_trend", "metrics/backlog_summary", "metrics/backlog"]
    for name in names:
        for brands in _brand_sets(first):
            params = dict(brands=brands, start=start, end=end, grain="week", max_age_hours=168)
            text, bound = sql.bind(name, params)
            expected = first.execute(text, bound).df()
            for con in (first, second, first):
                pd.testing.assert_frame_equal(sql.query(con, name, params), expected,
                                              check_exact=True)
    assert sql._PARSED                                    # kept for the next run


def test_a_text_of_several_statements_is_run_as_text(monkeypatch):
    import duckdb

    con = duckdb.connect()
    monkeypatch.setattr(sql, "text", lambda name: "select 1 as a;\nselect $b as b")
    assert sql.query(con, "two/statements", dict(b=2))["b"].tolist() == [2]


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_the_sla_conversations_summary_holds_the_counted_conversations_by_brand(which, request):
    con = _reader(request.getfixturevalue(which))
    columns = ("brand, started_at, answered, first_response_minutes, "
               "first_response_business_minutes, customer_followers")
    counted = (f"select {columns}, date_trunc('hour', started_at) as hour from conversations "
               "where brand is not null and handoff_of is null")
    kept = f"select {columns}, hour from summary_sla_conversations"
    assert con.execute(f"select count(*) from ({kept})").fetchone()[0] > 0
    for first, second in ((counted, kept), (kept, counted)):
        assert con.execute(f"select count(*) from ({first} except all {second})").fetchone() == (0,)
    brands = [b for (b,) in con.execute("select brand from summary_sla_conversations").fetchall()]
    assert brands == sorted(brands)                       # a full derive's order


ONE_CLOCK = {
    "calendar": ["frt_median_minutes", "frt_p90_minutes", "reply_latency_median_minutes"],
    "business": ["frt_business_median_minutes", "frt_business_p90_minutes",
                 "reply_latency_business_median_minutes"],
}


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_response_times_on_one_clock_are_both_clocks_without_the_others_medians(which, request):
    """The SLA page asks for its clock: that clock's medians and p90s as with both, the other
    clock's NULL, every count, mean and share as with both."""
    con = _reader(request.getfixturevalue(which))
    compared = 0
    for start, end in _periods(con):
        for brands in _brand_sets(con):
            params = dict(brands=brands, start=start, end=end)
            both = sql.query(con, "metrics/response_times", params)
            for clock, own in ONE_CLOCK.items():
                other = ONE_CLOCK["business" if clock == "calendar" else "calendar"]
                got = sql.query(con, "metrics/response_times", dict(params, clock=clock))
                assert got[other].isna().all().all()
                pd.testing.assert_frame_equal(got.drop(columns=other), both.drop(columns=other),
                                              check_exact=True)
                compared += int(got[own].notna().sum().sum())
    assert compared > 0
