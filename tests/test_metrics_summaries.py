"""The dashboard's cheaper metrics against the metrics they summarise, on real twcs rows and on a
demo database (business clocks, DMs, handoffs): headline = response-times of both periods and
sla-curve at the target; channels-weekly = channels run week by week; and the metrics that read
summary_volume_hourly (sentiment, spikes/hourly_counts) = the same figures computed with pandas
straight from messages, for periods whose edges cut hours; sentiment-turnaround (read from
summary_turnaround_hourly) = its direct computation over conversations and messages
(tests/reference_sql)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import sql
from etl import metrics
from etl.cli import main
from tests.conftest import rebuild_summaries
from tests.test_metrics import write_config

UTC = dt.timezone.utc
REFERENCE_SQL = Path(__file__).resolve().parent / "reference_sql"
LATENCY = ["replies", "reply_latency_median_minutes", "reply_latency_business_median_minutes"]
CHANNEL_COLUMNS = ["conversations", "handled_public", "moved_to_dm", "moved_off_channel",
                   "unanswered", "share_public", "share_dm", "share_off_channel",
                   "share_unanswered"]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    from tests.conftest import TWCS_5000, shared

    out = tmp_path_factory.mktemp("summaries_real")
    db = out / "real.duckdb"
    assert main(["load", "twcs", str(shared(TWCS_5000)), "--db", str(db),
                 "--config", str(write_config(out / "none.toml"))]) == 0
    return db


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from etl import demo

    out = tmp_path_factory.mktemp("summaries_demo")
    info = demo.generate(out / "source", rows=20_000, seed=3)
    db = out / "demo.duckdb"
    assert main(["load", "twcs", info["twcs"], "--db", str(db), "--config", info["config"]]) == 0
    return db


def _reader(db):
    con = duckdb.connect(str(db), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    return con


def _span(con) -> tuple[dt.datetime, dt.datetime]:
    first, last = con.execute("select min(created_at), max(created_at) from messages").fetchone()
    return first, last


def _periods(con) -> list[tuple[dt.datetime, dt.datetime]]:
    """Whole UTC days, the data's last 30 days, and periods whose edges cut hours."""
    first, last = _span(con)
    day = dt.datetime.combine(last.date(), dt.time(), UTC)
    middle = first + (last - first) / 2
    return [
        (day - dt.timedelta(days=29), day + dt.timedelta(days=1)),
        (first - dt.timedelta(days=1), last + dt.timedelta(days=1)),
        (middle - dt.timedelta(hours=30, minutes=17), middle + dt.timedelta(hours=5, minutes=9)),
        (middle + dt.timedelta(minutes=7), middle + dt.timedelta(minutes=41)),
    ]


def _brand_sets(con) -> list[list[str]]:
    busiest = con.execute("select brand from conversations where brand is not null "
                          "group by brand order by count(*) desc limit 2").fetchall()
    return [[], [busiest[0][0]], [b for (b,) in busiest]]


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_headline_is_response_times_of_both_periods_and_sla_curve_at_the_target(which, request):
    con = _reader(request.getfixturevalue(which))
    for start, end in _periods(con):
        for brands in _brand_sets(con):
            for target in ((15, 60, 240) if not brands else (60,)):
                params = dict(brands=brands, start=start, end=end, target_minutes=target)
                headline = sql.query(con, "metrics/headline", params)
                previous = dict(params, start=start - (end - start), end=start)
                for period, bounds in (("current", params), ("previous", previous)):
                    _check_period(con, headline, period, bounds, target)


def _check_period(con, headline, period, params, target):
    expected = sql.query(con, "metrics/response_times", params)
    got = headline[headline["period"] == period].reset_index(drop=True)
    assert list(got["brand"]) == list(expected["brand"])
    compared = [c for c in expected.columns if c not in LATENCY or period == "current"]
    pd.testing.assert_frame_equal(got[compared], expected[compared], check_dtype=False)
    if period == "previous":
        assert got[LATENCY].isna().all().all()
    curve = sql.query(con, "metrics/sla_curve", dict(params, horizon_minutes=None))
    at = curve[curve["minutes"] == target].set_index(["brand", "clock"])["share_answered"]
    for row in got.itertuples():
        assert row.within_target == pytest.approx(at[(row.brand, "calendar")], abs=1e-12)
        assert row.within_target_business == pytest.approx(at[(row.brand, "business")],
                                                           abs=1e-12)


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_channels_weekly_is_channels_week_by_week(which, request):
    con = _reader(request.getfixturevalue(which))
    for start, end in _periods(con)[:2]:
        start = dt.datetime.combine(start.date(), dt.time(), UTC)
        for brands in _brand_sets(con):
            weekly = sql.query(con, "metrics/channels_weekly",
                               dict(brands=brands, start=start, end=end))
            seen = 0
            monday = start - dt.timedelta(days=start.weekday())
            while monday < end:
                lo, hi = max(monday, start), min(monday + dt.timedelta(days=7), end)
                expected = sql.query(con, "metrics/channels",
                                     dict(brands=brands, start=lo, end=hi)).set_index("brand")
                got = weekly[weekly["week_start"] == pd.Timestamp(lo)].set_index("brand")
                assert sorted(got.index) == sorted(expected.index)
                if len(got):
                    pd.testing.assert_frame_equal(got[CHANNEL_COLUMNS],
                                                  expected.loc[got.index, CHANNEL_COLUMNS],
                                                  check_dtype=False)
                seen += len(got)
                monday += dt.timedelta(days=7)
            assert seen == len(weekly) and seen > 0


def _inbound(con) -> pd.DataFrame:
    frame = con.execute("select brand, created_at, sentiment, sentiment_label from messages "
                        "where direction = 'inbound' and brand is not null").df()
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame


def _in(frame, brands, start, end) -> pd.DataFrame:
    keep = (frame["created_at"] >= start) & (frame["created_at"] < end)
    if brands:
        keep &= frame["brand"].isin(brands)
    return frame[keep]


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_sentiment_from_the_summary_equals_messages(which, request):
    con = _reader(request.getfixturevalue(which))
    inbound = _inbound(con)
    assert inbound["sentiment_label"].notna().any()
    for start, end in _periods(con):
        for brands in _brand_sets(con):
            got = sql.query(con, "metrics/sentiment", dict(brands=brands, start=start, end=end))
            rows = _in(inbound, brands, start, end).assign(
                day=lambda x: x["created_at"].dt.floor("D"))
            expected = rows.groupby(["brand", "day"]).agg(
                inbound_messages=("created_at", "size"), scored=("sentiment_label", "count"),
                negative=("sentiment_label", lambda s: int((s == "negative").sum())),
                positive=("sentiment_label", lambda s: int((s == "positive").sum())),
                mean_sentiment=("sentiment", "mean")).reset_index()
            assert len(got) == len(expected)
            got = got.set_index(["brand", "day"]).loc[
                list(zip(expected["brand"], expected["day"]))].reset_index()
            for column in ("inbound_messages", "scored", "negative", "positive"):
                assert got[column].tolist() == expected[column].tolist(), column
            pd.testing.assert_series_equal(got["mean_sentiment"], expected["mean_sentiment"],
                                           check_names=False, rtol=1e-9)


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_hourly_counts_from_the_summary_equal_messages(which, request):
    con = _reader(request.getfixturevalue(which))
    inbound = _inbound(con)
    for start, end in _periods(con):
        for brands in _brand_sets(con):
            got = sql.query(con, "spikes/hourly_counts", dict(brands=brands, start=start,
                                                               end=end))
            got = got[got["inbound"] > 0]
            rows = _in(inbound, brands, start, end).assign(
                hour=lambda x: x["created_at"].dt.floor("h"))
            expected = rows.groupby(["brand", "hour"]).agg(
                inbound=("created_at", "size"), scored=("sentiment_label", "count"),
                negative=("sentiment_label", lambda s: int((s == "negative").sum())))
            assert len(got) == len(expected)
            got = got.set_index(["brand", "hour"]).loc[expected.index]
            for column in ("inbound", "scored", "negative"):
                assert got[column].tolist() == expected[column].tolist(), column


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_turnaround_from_the_summary_equals_its_direct_computation(which, request):
    con = _reader(request.getfixturevalue(which))
    direct = (REFERENCE_SQL / "sentiment_turnaround_direct.sql").read_text(encoding="utf-8")
    assert con.execute("select count(*) from summary_turnaround_hourly").fetchone()[0] > 0
    spoke_after = 0
    for start, end in _periods(con):
        for brands in _brand_sets(con):
            params = dict(brands=brands, start=start, end=end)
            got = sql.query(con, "metrics/sentiment_turnaround", params)
            expected = con.execute(direct, params).df()
            pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-9)
            spoke_after += int(got["spoke_after"].sum())
    assert spoke_after > 0


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_meta_queries_from_the_summaries_equal_their_tables(which, request):
    con = _reader(request.getfixturevalue(which))
    brands = sql.query(con, "meta/brands")
    expected = con.execute("select brand, count(*) as conversations from conversations "
                           "where brand is not null group by brand "
                           "order by conversations desc, brand").df()
    assert len(brands) > 0
    pd.testing.assert_frame_equal(brands, expected, check_dtype=False)
    span = sql.query(con, "meta/date_range")
    first, last, count = con.execute("select min(created_at), max(created_at), count(*) "
                                     "from messages").fetchone()
    assert (span.iloc[0]["first_at"], span.iloc[0]["last_at"]) == (pd.Timestamp(first),
                                                                   pd.Timestamp(last))
    assert span.iloc[0]["messages"] == count > 0


def test_new_metrics_are_listed():
    names = metrics.available()
    assert {"headline", "channels-weekly"} <= set(names)
    assert names["headline"].defaults == {"target_minutes": 60}


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_period_brands_are_response_times_brands_in_order(which, request):
    con = _reader(request.getfixturevalue(which))
    for start, end in _periods(con):
        for brands in _brand_sets(con):
            params = dict(brands=brands, start=start, end=end)
            listed = sql.query(con, "meta/period_brands", params)
            expected = sql.query(con, "metrics/response_times", params)
            assert listed["brand"].tolist() == expected["brand"].tolist()
            assert listed["conversations"].tolist() == expected["conversations"].tolist()


def test_turnaround_orders_a_public_and_a_dm_message_at_the_same_instant(cli, tmp_path):
    """The customer answers in public and in the DM handoff at the same second: the journey's
    last message is the DM one (public part first, then its DM continuation), on every run."""
    from tests.test_metrics import load, metric

    day = "2026-02-02T"
    rows = [
        dict(id=1, author=201, at=day + "10:00:00Z", text="@Brand my order is late",
             brand="Brand"),
        dict(id=2, author="Brand", at=day + "10:10:00Z", text="@201 Please DM us your order "
             "number.", reply_to=1, brand="Brand"),
        dict(id=3, author=201, at=day + "10:30:00Z", text="@Brand still nothing", reply_to=2,
             brand="Brand"),
        dict(id=4, author=201, at=day + "10:30:00Z", text="order 123", channel="dm",
             brand="Brand"),
        dict(id=5, author="Brand", at=day + "10:35:00Z", text="Refund sent", reply_to=4,
             channel="dm", brand="Brand"),
    ]
    db = load(cli, tmp_path, rows)
    con = duckdb.connect(str(db))
    con.execute("""
        update messages set
            sentiment = case when message_id = '4' then 0.6 else -0.6 end,
            sentiment_label = case when message_id = '4' then 'positive' else 'negative' end
        where direction = 'inbound'
    """)
    rebuild_summaries(con)            # summaries follow the scores, as after a load
    con.close()
    for _ in range(5):
        (row,) = metric(cli, db, "sentiment-turnaround")
        assert (row["started_negative"], row["spoke_after"], row["turned_positive"],
                row["stayed_negative"]) == (1, 1, 1, 0)
        assert row["mean_last_after_sentiment"] == pytest.approx(0.6)
