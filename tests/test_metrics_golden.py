"""Every metric from the CLI: golden outputs on the real sample (tests/golden/metrics_*), sane
shapes on a demo database (20k rows with its carepulse.toml: time zones, schedules, DMs)."""
from __future__ import annotations

import io
import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl.cli import main
from tests.conftest import rebuild_summaries
from tests.golden_files import assert_golden
from tests.test_metrics import write_config

BUSIEST = ("ChipotleTweets", "AmazonHelp", "AppleSupport", "Uber_Support", "comcastcares")
# metric -> extra CLI arguments for its golden (big grids are cut to the busiest brands/days)
GOLDEN = {
    "response-times": (),
    "daily-volume": BUSIEST,
    "sla-curve": BUSIEST,
    "response-trend": (*BUSIEST, "--param", "grain=week"),
    "heatmap": BUSIEST,
    "channels": (),
    "sentiment": BUSIEST,
    "sentiment-turnaround": (),
    "influence": (),
    "agents": BUSIEST,
    "backlog": (*BUSIEST, "--start", "2017-10-30", "--end", "2017-11-01"),
}
MINE = tuple(GOLDEN)

# Sentiment is scored at load by etl/sentiment.py, whose lexicon keeps improving; these tests
# pin the metric SQL, so they overwrite the scores with a fixed rule first.
FIXED_SENTIMENT = """
update messages set
    sentiment = case
        when regexp_matches(lower(text), '\\b(not|never|worst|still|waiting|refund|broken|why)\\b')
            then -0.6
        when regexp_matches(lower(text), '\\b(thanks|thank|great|love|awesome)\\b') then 0.6
        else 0.0 end,
    sentiment_label = case
        when regexp_matches(lower(text), '\\b(not|never|worst|still|waiting|refund|broken|why)\\b')
            then 'negative'
        when regexp_matches(lower(text), '\\b(thanks|thank|great|love|awesome)\\b')
            then 'positive'
        else 'neutral' end
where direction = 'inbound'
"""


def _args(extra) -> list[str]:
    out, brands = [], True
    for item in extra:
        if item.startswith("--"):
            brands = False
        out += ["--brand", item] if brands else [item]
    return out


def run_metric(db, name, *args, fmt="csv"):
    import contextlib

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["metrics", name, "--db", str(db), "--format", fmt, *map(str, args)])
    assert code == 0, name
    text = buffer.getvalue()
    return pd.read_csv(io.StringIO(text)) if fmt == "csv" else json.loads(text)


def _fix_sentiment(db):
    con = duckdb.connect(str(db))
    try:
        con.execute(FIXED_SENTIMENT)
        rebuild_summaries(con)        # summaries follow the scores, as after a load
    finally:
        con.close()


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    from tests.conftest import TWCS_5000, shared

    out = tmp_path_factory.mktemp("golden")
    db = out / "real.duckdb"
    config = write_config(out / "none.toml")
    assert main(["load", "twcs", str(shared(TWCS_5000)), "--db", str(db),
                 "--config", str(config)]) == 0
    _fix_sentiment(db)
    return db


@pytest.mark.parametrize("name", MINE)
def test_golden_on_the_real_sample(real_db, name):
    frame = run_metric(real_db, name, *_args(GOLDEN[name]))
    assert len(frame), name
    assert_golden(frame, f"metrics_twcs5000_{name.replace('-', '_')}")


# -- the demo database ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from etl import demo

    out = tmp_path_factory.mktemp("demo")
    info = demo.generate(out / "source", rows=20_000, seed=1)
    db = out / "demo.duckdb"
    assert main(["load", "twcs", info["twcs"], "--db", str(db), "--config", info["config"]]) == 0
    _fix_sentiment(db)
    return dict(db=db, brands=set(info["brands"]))


def _query(db, text):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(text).fetchall()
    finally:
        con.close()


def test_demo_response_times_and_business_clock(demo_db):
    rows = run_metric(demo_db["db"], "response-times")
    assert set(rows["brand"]) == demo_db["brands"]
    shares = rows[["within_15m", "within_60m", "within_4h", "within_24h"]].to_numpy()
    assert (np.diff(shares, axis=1) >= 0).all() and (shares <= rows[["response_rate"]].to_numpy()
                                                     + 1e-12).all()
    # a business clock never runs faster than the calendar; a 24x7 UTC brand shows the same
    assert (rows["frt_business_median_minutes"] <= rows["frt_median_minutes"] + 1e-9).all()
    orbit = rows.set_index("brand").loc["OrbitAirHelp"]                # 00:00-24:00 UTC
    assert orbit["frt_business_median_minutes"] == pytest.approx(orbit["frt_median_minutes"])
    pixel = rows.set_index("brand").loc["PixelPayCare"]                # 9-18 weekdays, LA
    assert pixel["frt_business_median_minutes"] < pixel["frt_median_minutes"] / 2
    # every customer-started conversation counted once: DM handoffs are not counted again
    total, handoffs = _query(demo_db["db"], "select count(*), count(handoff_of) "
                                            "from conversations")[0]
    assert handoffs > 0 and rows["conversations"].sum() == total - handoffs


def test_demo_sla_curve_is_monotone_and_bounded(demo_db):
    curve = run_metric(demo_db["db"], "sla-curve")
    for (brand, clock), group in curve.groupby(["brand", "clock"]):
        km = group.sort_values("minutes")["share_answered_km"].to_numpy()
        naive = group.sort_values("minutes")["share_answered"].to_numpy()
        assert (np.diff(km) >= -1e-12).all() and (km <= 1).all(), (brand, clock)
        assert (km >= naive - 1e-12).all(), (brand, clock)
        assert (group["answered_by"] + group["censored_by"] + group["waiting_after"]
                == group["conversations"]).all()
    assert set(curve.loc[curve["is_target"], "minutes"]) == {15, 60, 240, 1440}


def test_demo_trend_heatmap_channels(demo_db):
    db = demo_db["db"]
    times = run_metric(db, "response-times").set_index("brand").sort_index()
    daily = run_metric(db, "response-trend")
    weekly = run_metric(db, "response-trend", "--param", "grain=week")
    assert daily.groupby("brand")["conversations"].sum().to_dict() \
        == times["conversations"].to_dict()
    assert weekly.groupby("brand")["conversations"].sum().to_dict() \
        == times["conversations"].to_dict()
    assert daily.groupby("brand").size().nunique() == 1                 # one row per day
    heat = run_metric(db, "heatmap")
    assert (heat.groupby("brand").size() == 168).all()
    inbound = _query(db, "select count(*) from messages where direction = 'inbound'")[0][0]
    assert heat["inbound_messages"].sum() == inbound
    tz = heat.groupby("brand")["timezone"].first()
    assert tz["SakuraRailDesk"] == "Asia/Tokyo" and tz["OrbitAirHelp"] == "UTC"
    # customers write in the local daytime: the busiest local hours are between 8 and 22
    busiest = heat.loc[heat.groupby("brand")["inbound_messages"].idxmax()]
    assert busiest["hour"].between(8, 22).all()
    channels = run_metric(db, "channels")
    parts = channels[["share_public", "share_dm", "share_off_channel", "share_unanswered"]]
    assert np.allclose(parts.sum(axis=1), 1.0)
    assert (channels["dm_conversations"] > 0).all()
    assert channels["dm_frt_median_minutes"].notna().all()
    assert (channels["dm_followed"] <= channels["moved_to_dm"]).all()


def test_demo_agents_influence_backlog_sentiment(demo_db):
    from etl import demo_text

    db = demo_db["db"]
    agents = run_metric(db, "agents")
    for persona in demo_text.BRANDS[:6]:
        signed = agents[(agents["brand"] == persona["handle"]) & agents["agent"].notna()]
        if persona["signature"]:
            assert set(signed["agent"]) == set(persona["agents"]), persona["handle"]
            share = signed["replies"].sum() / agents.loc[agents["brand"] == persona["handle"],
                                                         "replies"].sum()
            assert share > 0.85                                   # the demo signs 90 %
        else:
            assert signed.empty
    influence = run_metric(db, "influence")
    assert set(influence["follower_band"]) <= {"<100", "100-1k", "1k-10k", "10k-100k", ">=100k"}
    assert influence["response_rate"].between(0, 1).all()
    backlog = run_metric(db, "backlog")
    assert (backlog[["waiting", "stale", "arrived", "first_responses"]] >= 0).all().all()
    assert (backlog["oldest_age_minutes"].fillna(0) < 168 * 60).all()
    assert backlog.groupby("brand")["arrived"].sum().sum() == \
        run_metric(db, "response-times")["conversations"].sum()
    sentiment = run_metric(db, "sentiment")
    assert sentiment["negative_share"].between(0, 1).all()
    assert sentiment["net_sentiment"].between(-1, 1).all()
    turnaround = run_metric(db, "sentiment-turnaround")
    assert (turnaround["turned_neutral"] + turnaround["turned_positive"]
            + turnaround["stayed_negative"] == turnaround["spoke_after"]).all()
    assert turnaround["turnaround_rate"].dropna().between(0, 1).all()


def test_demo_reply_flags_agree_with_the_generator(demo_db):
    """The generator writes DM requests and off-channel referrals from known phrase pools."""
    from etl import demo, demo_text

    dm = list(demo_text.POOLS["dm_request"])
    off = [p.format(**demo.tags(b)) for b in demo_text.BRANDS for p in demo_text.POOLS["offchannel"]]
    rows = _query(demo_db["db"], "select m.text, r.dm_redirect, r.off_channel from replies as r "
                                 "join messages as m on m.message_id = r.reply_id")
    assert len(rows) > 5000
    wrong = [(text, flag_dm, flag_off) for text, flag_dm, flag_off in rows
             if flag_dm != any(p in text for p in dm) or flag_off != any(p in text for p in off)]
    assert wrong == []


def test_demo_json_is_a_list_of_objects(demo_db):
    rows = run_metric(demo_db["db"], "sla-curve", "--brand", "AcmeCareHelp", fmt="json")
    assert isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows)
    assert {r["clock"] for r in rows} == {"calendar", "business"}
