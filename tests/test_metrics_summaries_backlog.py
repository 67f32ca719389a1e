"""The SLA and overview metrics that read dashboard summaries against their direct computation
(tests/reference_sql: the metric as it was before its summary), on real twcs rows and on a demo
database (business clocks, DMs, handoffs), for periods whose edges cut hours and days, one brand
and all: backlog (summary_backlog_hourly, at the default stale age; other ages are computed
directly by the same file). That the summaries refreshed by an incremental load equal a full
rebuild is checked by tests/test_bench_incremental.py and test_derive_incremental_scope.py."""
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


def _backlog_periods(con) -> list[tuple[dt.datetime, dt.datetime]]:
    """The shared periods, and ones starting inside a long wait and ending past the data."""
    first, last = con.execute("select min(created_at), max(created_at) from messages").fetchone()
    return _periods(con) + [
        (first + dt.timedelta(days=2, minutes=31), last + dt.timedelta(days=3)),
        (last - dt.timedelta(hours=5, seconds=1), last + dt.timedelta(microseconds=1)),
    ]


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_backlog_from_the_summary_equals_its_direct_computation(which, request):
    con = _reader(request.getfixturevalue(which))
    direct = _direct("backlog")
    assert con.execute("select count(*) from summary_backlog_hourly").fetchone()[0] > 0
    waiting = 0
    for start, end in _backlog_periods(con):
        for brands in _brand_sets(con):
            for max_age in (168, 168.0, 30.5):
                params = dict(brands=brands, start=start, end=end, max_age_hours=max_age)
                got = sql.query(con, "metrics/backlog", params)
                expected = con.execute(direct, params).df()
                pd.testing.assert_frame_equal(got, expected, check_exact=True)
                waiting += int(got["waiting"].sum())
    assert waiting > 0


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_the_backlog_summary_holds_every_hour_of_every_brand(which, request):
    """One row per brand and hour from its first conversation's hour (or the first hour of the
    120-day window) to the end of the data."""
    con = _reader(request.getfixturevalue(which))
    rows = con.execute("select brand, min(hour), max(hour), count(*) "
                       "from summary_backlog_hourly group by brand order by brand").fetchall()
    expected = con.execute(
        "select brand, greatest(date_trunc('hour', min(started_at)), "
        "any_value(last_hour) - interval 2879 hours), any_value(last_hour) "
        "from conversations "
        "cross join (select date_trunc('hour', max(created_at)) as last_hour from messages) "
        "where brand is not null and handoff_of is null "
        "group by brand order by brand").fetchall()
    assert [row[:3] for row in rows] == expected
    for _, first, last, count in rows:
        assert count == (last - first) // dt.timedelta(hours=1) + 1


def _event_periods(con) -> list[tuple[dt.datetime, dt.datetime]]:
    """The shared periods, and ones cutting the calendar's events (their edges, mid-event)."""
    events = con.execute("select starts_at, ends_at from events order by event_id").fetchall()
    cut = [(start + (end - start) / 3, end - dt.timedelta(minutes=7)) for start, end in events]
    return _periods(con) + cut


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_campaigns_from_the_summary_equal_their_direct_computation(which, request):
    con = _reader(request.getfixturevalue(which))
    direct = _direct("campaigns")
    volume = 0
    for start, end in _event_periods(con):
        for brands in _brand_sets(con):
            params = dict(brands=brands, start=start, end=end)
            got = sql.query(con, "metrics/campaigns", params)
            expected = con.execute(direct, params).df()
            # counts exact; sentiment_mean is a float sum whose order (and so last bit) depends
            # on the join order, in the direct query too
            pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)
            volume += int(got["volume"].sum())
    assert volume > 0 or which == "real_db"


CARE_COLUMNS = ["conversations", "response_rate", "frt_median_minutes", "frt_p90_minutes",
                "before_conversations", "before_response_rate", "before_frt_median_minutes",
                "before_frt_p90_minutes"]


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_campaigns_without_care_are_the_same_rows_with_the_care_columns_empty(which, request):
    """care = false (the overview's lift chart): every other column is the full metric's."""
    con = _reader(request.getfixturevalue(which))
    rows = 0
    for start, end in _event_periods(con):
        for brands in _brand_sets(con):
            params = dict(brands=brands, start=start, end=end)
            full = sql.query(con, "metrics/campaigns", params)
            light = sql.query(con, "metrics/campaigns", dict(params, care=False))
            pd.testing.assert_frame_equal(light.drop(columns=CARE_COLUMNS),
                                          full.drop(columns=CARE_COLUMNS))
            assert (light["conversations"] == 0).all() and (light["before_conversations"] == 0).all()
            assert light[[c for c in CARE_COLUMNS if "conversations" not in c]].isna().all().all()
            rows += len(full)
    assert rows > 0 or which == "real_db"


# zones whose offset is not whole hours (and one whose DST shift is half an hour): their UTC
# hours fall in two local hours, so the heatmap counts them from messages by quarter hour
SPLIT_ZONES = ("Asia/Kolkata", "Australia/Lord_Howe", "Asia/Kathmandu")


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_heatmap_from_the_summary_equals_its_direct_computation(which, request, tmp_path):
    import shutil

    db = tmp_path / "zones.duckdb"
    shutil.copy(request.getfixturevalue(which), db)
    con = _reader(db)
    direct = _direct("heatmap")
    brands = [b for (b,) in con.execute("select distinct brand from conversations "
                                        "where brand is not null order by brand").fetchall()]
    con.close()
    counted = 0
    for split in (False, True):
        if split:
            _set_zones(db, dict(zip(brands, SPLIT_ZONES)))
        con = _reader(db)
        for start, end in _periods(con):
            for chosen in _brand_sets(con):
                params = dict(brands=chosen, start=start, end=end)
                got = sql.query(con, "metrics/heatmap", params)
                expected = con.execute(direct, params).df()
                pd.testing.assert_frame_equal(got, expected, check_exact=True)
                counted += int(got["inbound_messages"].sum())
        con.close()
    assert counted > 0


def _set_zones(db, zones: dict) -> None:
    import duckdb

    con = duckdb.connect(str(db))
    try:
        con.execute("delete from config_brands")
        for brand, zone in zones.items():
            con.execute("insert into config_brands (brand, timezone) values ($b, $z)",
                        dict(b=brand, z=zone))
    finally:
        con.close()


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_influence_equals_its_direct_computation(which, request):
    con = _reader(request.getfixturevalue(which))
    direct = _direct("influence")
    conversations = 0
    for start, end in _periods(con):
        for brands in _brand_sets(con):
            params = dict(brands=brands, start=start, end=end)
            got = sql.query(con, "metrics/influence", params)
            expected = con.execute(direct, params).df()
            pd.testing.assert_frame_equal(got, expected, check_exact=True)
            conversations += int(got["conversations"].sum())
    assert conversations > 0
