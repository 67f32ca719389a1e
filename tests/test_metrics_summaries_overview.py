"""summary_overview_hourly (sql/etl/summary_overview_hourly.sql) and the metrics that read it
(headline, response_times, channels_weekly): the summary's rows = the same counts and sums computed with pandas
straight from conversations, and each metric = its direct computation over conversations and
replies (tests/reference_sql/*_direct.sql), on real twcs rows and on a demo database (business
clocks, DMs, handoffs), for whole days and for periods whose edges cut hours."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import sql
from tests.test_metrics_summaries import (REFERENCE_SQL, _brand_sets, _periods, _reader,
                                          demo_db, real_db)

__all__ = ["demo_db", "real_db"]     # module fixtures shared with test_metrics_summaries

COUNTS = ["conversations", "answered", "frt_count", "frt_business_count", "within_15m",
          "within_60m", "within_4h", "within_24h"]
SUMS = ["frt_sum", "frt_business_sum"]


def _conversations(con) -> pd.DataFrame:
    return con.execute("select brand, started_at, answered, first_response_minutes, "
                       "first_response_business_minutes, channel, moved_to_dm, "
                       "moved_off_channel from conversations "
                       "where brand is not null and handoff_of is null").df()


PUBLIC = ["public_conversations", "public_unanswered", "public_moved_to_dm",
          "public_moved_off_channel"]


def _public_classes(rows: pd.DataFrame) -> dict:
    """channels_weekly's classes of the public conversations, in its order: unanswered, moved to
    DM, moved off-channel (the rest were handled in public)."""
    public = rows["channel"] == "public"
    unanswered = public & ~rows["answered"].astype(bool)
    dm = public & ~unanswered & rows["moved_to_dm"].astype(bool)
    off = public & ~unanswered & ~dm & rows["moved_off_channel"].astype(bool)
    return dict(public_conversations=public, public_unanswered=unanswered,
                public_moved_to_dm=dm, public_moved_off_channel=off)


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_the_summary_equals_conversations_hour_by_hour(which, request):
    con = _reader(request.getfixturevalue(which))
    rows = _conversations(con).assign(hour=lambda x: x["started_at"].dt.floor("h"))
    frt, business = rows["first_response_minutes"], rows["first_response_business_minutes"]
    rows = rows.assign(
        frt_count=frt.notna(), frt_business_count=business.notna(),
        within_15m=frt <= 15, within_60m=frt <= 60, within_4h=frt <= 240,
        within_24h=frt <= 1440, frt_sum=frt, frt_business_sum=business,
        **_public_classes(rows))
    expected = rows.groupby(["brand", "hour"]).agg(
        conversations=("started_at", "size"), answered=("answered", "sum"),
        **{c: (c, "sum") for c in COUNTS[2:] + PUBLIC},
        **{c: (c, lambda s: s.sum(min_count=1)) for c in SUMS}).sort_index()
    got = con.execute("select * from summary_overview_hourly").df()
    got = got.set_index(["brand", "hour"]).sort_index()
    assert len(got) == len(expected) > 0
    assert list(got.index) == list(expected.index)
    for column in COUNTS + PUBLIC:
        assert got[column].tolist() == expected[column].astype(int).tolist(), column
    for column in SUMS:
        pd.testing.assert_series_equal(got[column], expected[column], check_names=False,
                                       check_dtype=False, rtol=1e-12)


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
@pytest.mark.parametrize("metric", ["headline", "response_times", "channels_weekly"])
def test_the_metric_equals_its_direct_computation(which, metric, request):
    con = _reader(request.getfixturevalue(which))
    direct = (REFERENCE_SQL / f"{metric}_direct.sql").read_text(encoding="utf-8")
    first, last = con.execute("select min(started_at), max(started_at) from conversations"
                              ).fetchone()
    periods = _periods(con) + [
        (first, last),                                   # instants inside hours on both ends
        (first - dt.timedelta(days=400), first - dt.timedelta(days=399)),    # no data
    ]
    compared = 0
    for start, end in periods:
        for brands in _brand_sets(con) + [["no such brand"]]:
            for target in (60, 17.5):
                params = dict(brands=brands, start=start, end=end, target_minutes=target)
                got = sql.query(con, f"metrics/{metric}", params)
                expected = con.execute(direct, _used(direct, params)).df()
                means = [c for c in got.columns if c.endswith("mean_minutes")]
                pd.testing.assert_frame_equal(got.drop(columns=means),
                                              expected.drop(columns=means), check_dtype=False,
                                              check_exact=True)
                pd.testing.assert_frame_equal(got[means], expected[means], check_dtype=False,
                                              rtol=1e-12)
                compared += len(got)
    assert compared > 0


def _used(text: str, params: dict) -> dict:
    return {name: value for name, value in params.items() if name in sql.params_of(text)}
