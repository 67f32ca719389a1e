"""The metrics library: response-times against an independent implementation on the real sample,
Kaplan-Meier censoring and ties, DM handoffs, and the `carepulse metrics` command itself."""
from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl import metrics

TWCS_TIME = "%a %b %d %H:%M:%S %z %Y"
COLUMNS = ("tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
           "in_response_to_tweet_id", "author_followers", "channel", "brand")


# -- helpers shared by the metrics tests ------------------------------------------------------

def write_twcs(path: Path, rows: list[dict]) -> Path:
    """A tiny twcs CSV: each row gives id, author, at (ISO) and optionally inbound (default: the
    author is a number), text, reply_to, followers, channel, brand."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(COLUMNS)
        for r in rows:
            author = str(r["author"])
            inbound = r.get("inbound", author.isdigit())
            out.writerow([r["id"], author, str(inbound), r["at"], r.get("text", ""), "",
                          r.get("reply_to", ""), r.get("followers", ""),
                          r.get("channel", "public"), r.get("brand", "")])
    return path


def write_config(path: Path, text: str = "") -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def load(cli, tmp_path: Path, rows: list[dict], config: str = "", name: str = "m") -> Path:
    """Load rows through the CLI with an explicit configuration; returns the database."""
    db = tmp_path / f"{name}.duckdb"
    csv_path = write_twcs(tmp_path / f"{name}.csv", rows)
    toml = write_config(tmp_path / f"{name}.toml", config)
    code, _, err = cli("load", "twcs", csv_path, "--db", db, "--config", toml)
    assert code == 0, err
    return db


def metric(cli, db: Path, name: str, *args) -> list[dict]:
    """`carepulse metrics NAME --format json` as a list of rows."""
    code, out, err = cli("metrics", name, "--db", db, "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def by(rows: list[dict], *keys) -> dict:
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


# -- (a) response-times equals an independent implementation on the real sample ---------------

def independent_response_times(path: Path) -> pd.DataFrame:
    """The definitions, from the raw CSV with pandas, sharing no code with the ETL."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw["time"] = pd.to_datetime(raw["created_at"], format=TWCS_TIME, utc=True)
    raw["is_inbound"] = raw["inbound"] == "True"
    ids = set(raw["tweet_id"])
    parent = {t: p for t, p in zip(raw["tweet_id"], raw["in_response_to_tweet_id"]) if p in ids}

    def root(tweet):
        seen = set()
        while tweet in parent and tweet not in seen:
            seen.add(tweet)
            tweet = parent[tweet]
        return tweet

    raw["root"] = [root(t) for t in raw["tweet_id"]]
    brands = set(raw.loc[~raw["is_inbound"], "author_id"])
    lower_brands = {b.lower(): b for b in brands}
    by_id = raw.set_index("tweet_id")

    roots = by_id.loc[sorted(set(raw["root"]))]
    roots = roots[roots["is_inbound"]]                      # customer-started
    outbound = raw[~raw["is_inbound"]].sort_values("time", kind="stable")
    answering = outbound.groupby("root")["author_id"].first()

    def mentioned(text):
        handles = re.findall(r"@([A-Za-z0-9_]+)", text)
        return next((lower_brands[h.lower()] for h in handles if h.lower() in lower_brands), None)

    brand = pd.Series([answering.get(r) or mentioned(roots.loc[r, "text"]) for r in roots.index],
                      index=roots.index)
    outbound = outbound[outbound["author_id"].to_numpy()
                        == brand.reindex(outbound["root"]).to_numpy()]
    first_answer = outbound.groupby("root")["time"].min()
    frt = (first_answer.reindex(roots.index) - roots["time"]) / pd.Timedelta(minutes=1)
    conversations = pd.DataFrame({"brand": brand, "frt": frt}).dropna(subset=["brand"])

    replies = raw[~raw["is_inbound"] & raw["in_response_to_tweet_id"].isin(ids)].copy()
    parents = by_id.loc[replies["in_response_to_tweet_id"]]
    replies = replies[parents["is_inbound"].to_numpy()]
    parents = by_id.loc[replies["in_response_to_tweet_id"]]
    replies["latency"] = (replies["time"].to_numpy() - parents["time"].to_numpy()) \
        / pd.Timedelta(minutes=1)
    replies.loc[replies["latency"] < 0, "latency"] = np.nan

    out = []
    for brand, group in conversations.groupby("brand"):
        frt = group["frt"]
        answered = frt.dropna()
        latency = replies.loc[replies["author_id"] == brand, "latency"].dropna()
        out.append({
            "brand": brand,
            "conversations": len(group),
            "answered": len(answered),
            "response_rate": len(answered) / len(group),
            "frt_median_minutes": float(np.median(answered)),
            "frt_p90_minutes": float(np.percentile(answered, 90)),
            "frt_mean_minutes": float(answered.mean()),
            "within_15m": float((frt <= 15).sum() / len(group)),
            "within_60m": float((frt <= 60).sum() / len(group)),
            "within_4h": float((frt <= 240).sum() / len(group)),
            "within_24h": float((frt <= 1440).sum() / len(group)),
            "replies": int((replies["author_id"] == brand).sum()),
            "reply_latency_median_minutes": float(np.median(latency)),
        })
    return pd.DataFrame(out).sort_values(["conversations", "brand"], ascending=[False, True])


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    from tests.conftest import TWCS_5000, shared
    from etl.cli import main

    path = shared(TWCS_5000)
    out = tmp_path_factory.mktemp("real")
    db = out / "real.duckdb"
    empty = write_config(out / "empty.toml")
    assert main(["load", "twcs", str(path), "--db", str(db), "--config", str(empty)]) == 0
    return db


def test_response_times_equal_an_independent_implementation(real_db, twcs_5000, cli):
    expected = independent_response_times(twcs_5000).head(5)
    got = pd.DataFrame(metric(cli, real_db, "response-times"))
    assert list(got["brand"].head(5)) == list(expected["brand"])
    got = got.set_index("brand").loc[expected["brand"]]
    for column in expected.columns.drop("brand"):
        assert np.allclose(got[column].astype(float), expected[column].astype(float),
                           rtol=1e-9, atol=0), column
    # calendar and business figures agree without a configuration (24x7 UTC)
    assert np.allclose(got["frt_business_median_minutes"], got["frt_median_minutes"], rtol=1e-12)
    assert np.allclose(got["frt_business_p90_minutes"], got["frt_p90_minutes"], rtol=1e-12)


def test_response_times_of_five_busiest_brands_on_the_real_sample(real_db, cli):
    """The reported figures (docs/metrics.md quotes them)."""
    rows = metric(cli, real_db, "response-times")[:5]
    assert [(r["brand"], r["conversations"], round(r["frt_median_minutes"], 2)) for r in rows] == [
        ("ChipotleTweets", 170, 9.85), ("AmazonHelp", 102, 12.43), ("AppleSupport", 84, 7.8),
        ("Uber_Support", 81, 20.7), ("comcastcares", 50, 14.13)]


# -- (b) Kaplan-Meier: censoring and ties -------------------------------------------------------

def _censoring_rows(with_tie: bool) -> list[dict]:
    day = "2026-01-05T"
    rows = [
        dict(id=1, author=101, at=day + "00:00:00Z", text="@Brand help"),
        dict(id=2, author="Brand", at=day + "00:10:00Z", text="@101 on it", reply_to=1),
        dict(id=3, author=102, at=day + "00:00:00Z", text="@Brand help"),
        dict(id=4, author="Brand", at=day + "00:10:00Z", text="@102 on it", reply_to=3),
        dict(id=5, author=103, at=day + "00:00:00Z", text="@Brand help"),
        dict(id=6, author="Brand", at=day + "00:30:00Z", text="@103 on it", reply_to=5),
        dict(id=7, author=104, at=day + "00:00:00Z", text="@Brand anyone?"),     # censored 620
        dict(id=8, author=105, at=day + "10:00:00Z", text="@Brand anyone?"),     # censored 20
        dict(id=9, author=106, at=day + "10:20:00Z", text="@Brand anyone?"),     # censored 0
    ]
    if with_tie:
        rows.append(dict(id=10, author=107, at=day + "10:10:00Z", text="@Brand hello?"))  # 10
    return rows


def _curve(cli, db, *args) -> dict:
    return by(metric(cli, db, "sla-curve", *args), "clock", "minutes")


def test_km_censors_unanswered_conversations_at_the_end_of_the_data(cli, tmp_path):
    db = load(cli, tmp_path, _censoring_rows(with_tie=False))
    curve = _curve(cli, db)
    # observed: 0 (C), 10, 10, 20 (C), 30, 620 (C): S(10) = 1 - 2/5, S(30) = 0.6 * (1 - 1/2)
    assert curve[("calendar", 5.0)]["share_answered_km"] == pytest.approx(0.0, abs=1e-12)
    assert curve[("calendar", 10.0)]["share_answered_km"] == pytest.approx(0.4, rel=1e-12)
    assert curve[("calendar", 15.0)]["share_answered_km"] == pytest.approx(0.4, rel=1e-12)
    assert curve[("calendar", 30.0)]["share_answered_km"] == pytest.approx(0.7, rel=1e-12)
    assert curve[("calendar", 10080.0)]["share_answered_km"] == pytest.approx(0.7, rel=1e-12)
    # the naive share keeps the censored ones in the denominator: a lower bound
    assert curve[("calendar", 15.0)]["share_answered"] == pytest.approx(2 / 6)
    assert curve[("calendar", 60.0)]["share_answered"] == pytest.approx(3 / 6)
    row = curve[("calendar", 20.0)]
    assert (row["conversations"], row["answered_by"], row["censored_by"], row["waiting_after"]) \
        == (6, 2, 2, 2)
    assert curve[("calendar", 15.0)]["is_target"] and not curve[("calendar", 20.0)]["is_target"]
    # 24x7 UTC without a configuration: the business clock gives the same curve
    for (clock, minutes), row in curve.items():
        other = curve[("business" if clock == "calendar" else "calendar", minutes)]
        assert row["share_answered_km"] == pytest.approx(other["share_answered_km"], abs=1e-12)
    # the response-times shares use the same denominator
    times = metric(cli, db, "response-times")[0]
    assert (times["conversations"], times["answered"]) == (6, 3)
    assert times["within_15m"] == pytest.approx(2 / 6) and times["within_60m"] == 0.5


def test_km_ties_count_censored_conversations_at_risk(cli, tmp_path):
    db = load(cli, tmp_path, _censoring_rows(with_tie=True))
    curve = _curve(cli, db)
    # a conversation censored at 10 min is still at risk at 10: S(10) = 1 - 2/6, S(30) = S(10)/2
    assert curve[("calendar", 10.0)]["share_answered_km"] == pytest.approx(1 / 3, rel=1e-12)
    assert curve[("calendar", 30.0)]["share_answered_km"] == pytest.approx(2 / 3, rel=1e-12)
    assert curve[("calendar", 10.0)]["censored_by"] == 2


def test_km_horizon_censors_later_answers(cli, tmp_path):
    db = load(cli, tmp_path, _censoring_rows(with_tie=False))
    curve = _curve(cli, db, "--param", "horizon_minutes=20")
    assert max(m for _, m in curve) == 20.0
    assert curve[("calendar", 20.0)]["share_answered_km"] == pytest.approx(0.4, rel=1e-12)
    assert curve[("calendar", 20.0)]["answered_by"] == 2
    # answered at 30 > horizon: censored at 20 with the one still unanswered there
    assert curve[("calendar", 20.0)]["censored_by"] == 4


def test_dates_filter_conversations_by_start(cli, tmp_path):
    db = load(cli, tmp_path, _censoring_rows(with_tie=False))
    rows = metric(cli, db, "response-times", "--start", "2026-01-05T09:00:00Z")
    assert rows[0]["conversations"] == 2
    assert metric(cli, db, "response-times", "--end", "2026-01-04") == []
    assert metric(cli, db, "response-times", "--end", "2026-01-05")[0]["conversations"] == 6


# -- DM handoffs: counted once, their answer counts for the public conversation ----------------

def _handoff_rows() -> list[dict]:
    day = "2026-02-02T"
    return [
        dict(id=1, author=201, at=day + "10:00:00Z", text="@Brand my order is late", brand="Brand",
             followers=50),
        dict(id=2, author="Brand", at=day + "10:10:00Z", text="@201 Please DM us your order "
             "number. ^JK", reply_to=1, brand="Brand"),
        dict(id=3, author=201, at=day + "10:30:00Z", text="order 123", channel="dm",
             brand="Brand", followers=50),
        dict(id=4, author="Brand", at=day + "10:35:00Z", text="Thanks, refund sent ^JK",
             reply_to=3, channel="dm", brand="Brand"),
        dict(id=5, author=202, at=day + "11:00:00Z", text="hi, question about my bill",
             channel="dm", brand="Brand", followers=20000),
        dict(id=6, author="Brand", at=day + "11:20:00Z", text="Happy to help -Anna",
             reply_to=5, channel="dm", brand="Brand"),
        dict(id=7, author=203, at=day + "12:00:00Z", text="@Brand app broken", brand="Brand",
             followers=500000),
        dict(id=8, author="Brand", at=day + "12:05:00Z", text="@203 Please call us at "
             "1-800-555-0142.", reply_to=7, brand="Brand"),
        dict(id=9, author=204, at=day + "13:00:00Z", text="@Brand love it", brand="Brand"),
        dict(id=10, author="Brand", at=day + "13:01:00Z", text="@204 Thanks!", reply_to=9,
             brand="Brand"),
        dict(id=11, author=205, at=day + "14:00:00Z", text="@Brand hello??", brand="Brand"),
    ]


def test_dm_handoff_is_counted_once_and_channels_add_up(cli, tmp_path):
    db = load(cli, tmp_path, _handoff_rows())
    times = metric(cli, db, "response-times")[0]
    # 4 public conversations + 1 DM started directly; the DM handoff is not counted again
    assert (times["conversations"], times["answered"]) == (5, 4)
    assert times["frt_median_minutes"] == pytest.approx(7.5)      # 1, 5, 10, 20 min
    channels = metric(cli, db, "channels")[0]
    assert (channels["conversations"], channels["handled_public"], channels["moved_to_dm"],
            channels["moved_off_channel"], channels["unanswered"]) == (4, 1, 1, 1, 1)
    assert sum(channels[k] for k in ("share_public", "share_dm", "share_off_channel",
                                     "share_unanswered")) == pytest.approx(1.0)
    assert (channels["dm_offers"], channels["dm_offer_median_minutes"]) == (1, 10.0)
    assert (channels["dm_followed"], channels["dm_conversations"], channels["dm_handoffs"]) \
        == (1, 2, 1)
    assert channels["dm_frt_median_minutes"] == pytest.approx(12.5)   # 5 and 20 min
    assert channels["public_frt_median_minutes"] == pytest.approx(5.0)   # 1, 5, 10
    bands = by(metric(cli, db, "influence"), "follower_band")
    assert {b: r["conversations"] for b, r in bands.items()} == {
        "<100": 1, "10k-100k": 1, ">=100k": 1, "unknown": 2}
    assert bands["unknown"]["response_rate"] == 0.5
    agents = metric(cli, db, "agents")
    assert [(a["agent"], a["replies"]) for a in agents] == [("JK", 2), ("Anna", 1), (None, 2)]


def test_backlog_counts_waiting_conversations_and_their_age(cli, tmp_path):
    db = load(cli, tmp_path, _handoff_rows())
    hours = by(metric(cli, db, "backlog"), "hour_at")
    # at 11:00: nobody waits (1 answered 10:10; DM 5 starts exactly at 11:00 -> age 0, waiting)
    assert hours["2026-02-02T11:00:00Z"]["waiting"] == 1
    assert hours["2026-02-02T11:00:00Z"]["oldest_age_minutes"] == 0.0
    assert hours["2026-02-02T10:00:00Z"]["arrived"] == 1
    assert hours["2026-02-02T10:00:00Z"]["first_responses"] == 1
    assert hours["2026-02-02T14:00:00Z"]["waiting"] == 1      # 11 is never answered
    assert list(hours)[-1] == "2026-02-02T14:00:00Z"           # the end of the data
    stale = by(metric(cli, db, "backlog", "--param", "max_age_hours=0.5"), "hour_at")
    assert stale["2026-02-02T14:00:00Z"]["waiting"] == 1       # age 0 at 14:00
    assert stale["2026-02-02T11:00:00Z"]["stale"] == 0


# -- the command --------------------------------------------------------------------------------

def test_list_names_every_metric_file_with_a_metric_line(cli):
    code, out, _ = cli("metrics", "--list")
    assert code == 0
    for name in ("response-times", "sla-curve", "response-trend", "heatmap", "channels",
                 "sentiment", "sentiment-turnaround", "influence", "agents", "backlog"):
        assert re.search(rf"^{name}\s+\S", out, re.M), name
    assert "--param grain=day (day | week)" in out
    code, out, _ = cli("metrics", "--list", "--format", "json")
    listed = {m["name"]: m for m in json.loads(out)}
    assert listed["response-trend"]["params"] == "grain=day target_minutes=null"
    files = {p.stem.replace("_", "-") for p in metrics.METRICS_DIR.glob("*.sql")
             if "-- metric:" in p.read_text()}
    assert files <= set(listed)


def test_formats_json_csv_table(cli, tmp_path):
    db = load(cli, tmp_path, _censoring_rows(with_tie=False))
    rows = metric(cli, db, "response-times")
    assert rows[0]["answered_as_of"] == "2026-01-05T10:20:00Z"
    assert rows[0]["reply_latency_median_minutes"] == 10.0
    code, out, _ = cli("metrics", "response-trend", "--db", db, "--format", "csv")
    lines = out.splitlines()
    assert lines[0].startswith("brand,period_start,conversations,answered,response_rate")
    assert lines[1].startswith("Brand,2026-01-05T00:00:00Z,6,3,0.5,")
    code, out, _ = cli("metrics", "response-times", "--db", db)
    header, rule, first = out.splitlines()[:3]
    assert header.split()[:3] == ["brand", "conversations", "answered"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert first.split()[:4] == ["Brand", "6", "3", "0.500"]


def test_json_has_null_for_missing_values(cli, tmp_path):
    db = load(cli, tmp_path, _censoring_rows(with_tie=False))
    cells = by(metric(cli, db, "heatmap"), "hour_of_week")
    assert len(cells) == 168
    quiet = cells[100]
    assert quiet["conversations"] == 0 and quiet["frt_median_minutes"] is None
    monday = cells[0]                                # 2026-01-05 is a Monday, UTC
    assert (monday["weekday_name"], monday["inbound_messages"], monday["conversations"]) \
        == ("Mon", 4, 4)


@pytest.mark.parametrize("args, message", [
    (("nope",), "no metric 'nope'"),
    (("response-trend", "--param", "grain=month"), "not one of day, week"),
    (("response-trend", "--param", "colour=red"), "takes NAME=VALUE with NAME in: grain"),
    (("response-times", "--start", "last tuesday"), "is not a date"),
    (("response-times", "--start", "2026-02-01", "--end", "2026-01-01"), "is not after"),
])
def test_bad_arguments_fail_with_one_line(cli, tmp_path, args, message):
    db = load(cli, tmp_path, _censoring_rows(with_tie=False))
    code, out, err = cli("metrics", *args, "--db", db)
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1


def test_missing_database_and_brand_spelling(cli, tmp_path):
    code, _, err = cli("metrics", "response-times", "--db", tmp_path / "none.duckdb")
    assert code == 1 and "no database yet" in err
    db = load(cli, tmp_path, _censoring_rows(with_tie=False))
    assert metric(cli, db, "response-times", "--brand", "brand")[0]["brand"] == "Brand"
    code, out, err = cli("metrics", "response-times", "--db", db, "--brand", "Other",
                         "--format", "json")
    assert code == 0 and json.loads(out) == [] and "no customer conversations" in err


def test_parse_bound():
    assert metrics.parse_bound("2026-03-01", end=False).isoformat() == "2026-03-01T00:00:00+00:00"
    assert metrics.parse_bound("2026-03-01", end=True).isoformat() == "2026-03-02T00:00:00+00:00"
    assert metrics.parse_bound("2026-03-01T10:00", end=True).isoformat() \
        == "2026-03-01T10:00:00+00:00"
    assert metrics.parse_bound("2026-03-01T10:00:00-05:00", end=False).utcoffset().total_seconds() \
        == -5 * 3600


def test_records_are_plain_json_values():
    frame = pd.DataFrame({
        "at": pd.to_datetime(["2026-01-01T10:00:00Z", None], utc=True),
        "x": [1.5, math.nan], "n": pd.array([1, None], dtype="Int64"), "s": ["a", None]})
    assert metrics.records(frame) == [
        {"at": "2026-01-01T10:00:00Z", "x": 1.5, "n": 1, "s": "a"},
        {"at": None, "x": None, "n": None, "s": None}]
