"""Spikes in loaded data, end to end on the demo: generated, loaded through the CLI with its
calendar, sentiment scored; the planted outage must come out as a SURPRISE negative spike and
the planted campaign as EXPECTED volume, each explained by its own terms."""
from __future__ import annotations

import json
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

import sql
from etl import demo, spike_report
from etl.spikes import detect
from tests.conftest import rebuild_summaries

SEED, ROWS = 3, 30_000


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """The demo (30k rows, seed 3) loaded with its calendar; sentiment labels set."""
    from etl import sentiment
    from etl.cli import main

    folder = tmp_path_factory.mktemp("spike_demo")
    info = demo.generate(folder, rows=ROWS, seed=SEED)
    db = folder / "carepulse.duckdb"
    assert main(["load", "twcs", info["twcs"], "--db", str(db), "--config", info["config"]]) == 0
    con = duckdb.connect(str(db))
    try:
        sentiment.score_messages(con)  # a no-op once the load scores messages itself
        assert con.execute("select count(*) from messages where direction = 'inbound' "
                           "and sentiment_label is null").fetchall() == [(0,)]
    finally:
        con.close()
    events = pd.read_csv(info["events"], parse_dates=["start", "end"]).set_index("kind")
    return {"db": db, "events": events, "folder": folder}


@pytest.fixture(scope="module")
def con(demo_db):
    connection = duckdb.connect(str(demo_db["db"]), read_only=True)
    connection.execute("set TimeZone = 'UTC'")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def spikes(con):
    return spike_report.find_spikes(con)


def _during(spikes, event):
    """Spikes of the event's brand whose window overlaps it."""
    return spikes[(spikes["brand"] == event["brand"])
                  & (spikes["window_start"] < event["end"])
                  & (spikes["window_end"] > event["start"])]


def test_planted_outage_is_a_surprise_negative_spike_named_by_its_terms(con, spikes, demo_db):
    outage = demo_db["events"].loc["outage"]
    found = _during(spikes[spikes["kind"] == "negative"], outage)
    assert len(found) >= 1
    spike = found.iloc[0]
    assert spike["label"] == "surprise"
    assert (spike["event"], spike["event_kind"]) == (outage["name"], "outage")
    assert spike["observed"] > 3 * max(spike["expected"], 1)
    assert spike["negative_share"] > spike["usual_negative_share"] + 0.3
    assert spike["share_z"] >= spike_report.NEGATIVE_SHARE_Z

    explained = spike_report.explain(con, spike["brand"], spike["at"], kind="negative")
    assert explained["is_spike"] and explained["at"] == spike["at"]
    terms = [t["term"].lower() for t in explained["top_terms"]]
    keywords = [k.lower() for k in outage["keywords"].split(";")]
    assert "#nimbusdown" in terms[:5]
    assert sum(any(k in t or t in k for k in keywords) for t in terms[:5]) >= 3, terms
    assert len(explained["samples"]) == 3
    assert all(s["sentiment_label"] == "negative" for s in explained["samples"])
    assert len({s["text"] for s in explained["samples"]}) == 3
    assert "SURPRISE (outage: Nimbus network outage)" in explained["summary"]


def test_planted_campaign_is_expected_volume_named_by_its_hashtag(con, spikes, demo_db):
    campaign = demo_db["events"].loc["campaign"]
    found = _during(spikes[spikes["kind"] == "volume"], campaign)
    assert len(found) >= 1
    spike = found.iloc[0]
    assert spike["label"] == "expected"
    assert (spike["event"], spike["event_kind"]) == (campaign["name"], "campaign")
    assert spike["observed"] > 1.8 * spike["expected"]
    explained = spike_report.explain(con, spike["brand"], spike["at"], kind="volume")
    hashtag = campaign["keywords"].split(";")[0]
    assert explained["hashtags"][0] == hashtag
    assert explained["top_terms"][0]["term"] == hashtag
    assert any(hashtag in s["text"] for s in explained["samples"])


def test_every_spike_is_labelled_and_expected_ones_name_a_planned_event(spikes):
    assert set(spikes["label"]) <= {"expected", "surprise"}
    expected = spikes[spikes["label"] == "expected"]
    assert expected["event"].notna().all()
    assert set(expected["event_kind"]) <= {"campaign", "launch", "price change", "other"}
    assert spikes["at"].is_monotonic_increasing
    # no spike in a brand's first week (no same-hour-of-week history yet)
    assert (spikes["at"] >= pd.Timestamp("2026-08-08", tz="UTC")).all()
    assert list(spikes.columns) == spike_report.COLUMNS


def test_campaign_lift_from_the_campaigns_metric(con, demo_db):
    rows = sql.query(con, "metrics/campaigns",
                     {"brands": [], "start": "2000-01-01", "end": "2100-01-01"})
    campaign = rows.set_index("name").loc[demo_db["events"].loc["campaign", "name"]]
    assert campaign["lift"] > 1.5
    assert campaign["volume"] > 0.25 * campaign["inbound"]
    assert campaign["baseline_volume"] < 0.05 * campaign["volume"]
    assert campaign["negative_share"] < 0.3            # the campaign's own chatter is happy
    assert campaign["conversations"] > campaign["before_conversations"]
    assert campaign["frt_median_minutes"] > 0 and 0 < campaign["response_rate"] <= 1
    assert len(rows) == len(demo_db["events"])


def test_product_series_detection_is_causal(con, spikes):
    """Flags on a prefix of the hourly series equal the full run's, at both time scales, and
    find_spikes up to a cut equals the full run's spikes before the cut."""
    series = spike_report.hourly_series(con, ["NimbusMobile"])
    hours, negative = series["hour"], series["negative"].to_numpy(float)
    first = spike_report.SURGE_HOURS - 1
    sums = pd.Series(negative).rolling(spike_report.SURGE_HOURS).sum()
    full_burst = detect(hours, negative, spike_report.BURST)
    full_surge = detect(hours[first:], sums[first:], spike_report.SURGE)
    assert full_burst["is_spike"].any()
    for cut in (400, 1353, 1700):
        part = detect(hours[:cut], negative[:cut], spike_report.BURST)
        assert part["is_spike"].tolist() == full_burst["is_spike"][:cut].tolist()
        np.testing.assert_allclose(part["score"], full_burst["score"][:cut], equal_nan=True)
        part = detect(hours[first:cut], sums[first:cut], spike_report.SURGE)
        assert part["is_spike"].tolist() == full_surge["is_spike"][:cut - first].tolist()
        np.testing.assert_allclose(part["score"], full_surge["score"][:cut - first],
                                   equal_nan=True)
    brands = ["AcmeCareHelp", "NimbusMobile"]
    full = spikes[spikes["brand"].isin(brands)]
    cut = pd.Timestamp("2026-09-26 14:00", tz="UTC")
    before = spike_report.find_spikes(con, brands, end=cut)
    pd.testing.assert_frame_equal(before, full[full["at"] < cut].reset_index(drop=True))
    after = spike_report.find_spikes(con, brands, start=cut)
    pd.testing.assert_frame_equal(after, full[full["at"] >= cut].reset_index(drop=True))


def test_brand_and_kind_filters(con, spikes):
    nimbus = spike_report.find_spikes(con, ["NimbusMobile"], kind="negative")
    expected = spikes[(spikes["brand"] == "NimbusMobile") & (spikes["kind"] == "negative")]
    pd.testing.assert_frame_equal(nimbus, expected.reset_index(drop=True))
    with pytest.raises(ValueError, match="kind must be"):
        spike_report.find_spikes(con, kind="mood")


def test_without_sentiment_there_are_volume_spikes_only(demo_db, tmp_path):
    """Until sentiment is scored, negative counts are unknown: no negative spikes, no shares."""
    copy = tmp_path / "unscored.duckdb"
    shutil.copyfile(demo_db["db"], copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("update messages set sentiment = null, sentiment_label = null")
        rebuild_summaries(con)        # summaries follow the scores, as after a load
        found = spike_report.find_spikes(con)
        explained = spike_report.report(con, ["NimbusMobile"])
    finally:
        con.close()
    assert len(found) and set(found["kind"]) == {"volume"}
    assert found["negative_share"].isna().all() and found["usual_negative_share"].isna().all()
    outage = explained[0]
    assert outage["label"] == "surprise" and outage["event"] == "Nimbus network outage"
    assert "negative share" not in outage["summary"]


def test_explaining_an_hour_that_is_no_spike(con):
    quiet = spike_report.explain(con, "NimbusMobile", "2026-09-20 13:30", kind="volume")
    assert quiet["is_spike"] is False
    assert quiet["at"] == pd.Timestamp("2026-09-20 13:00", tz="UTC")
    assert quiet["label"] == "surprise" and quiet["event"] is None
    assert "(no spike)" in quiet["summary"]


def test_cli_lists_spikes_with_explanations(cli, demo_db):
    db = demo_db["db"]
    code, out, err = cli("spikes", "--db", db, "--since", "2026-08-01")
    assert code == 0, err
    assert "SURPRISE (outage: Nimbus network outage)" in out
    assert "EXPECTED (campaign: Acme Mega Deal)" in out
    assert "top terms: #NimbusDown" in out
    code, out, err = cli("spikes", "--db", db, "--since", "2026-08-01", "--brand", "NimbusMobile",
                         "--kind", "negative", "--format", "json")
    assert code == 0, err
    listed = json.loads(out)
    assert [(e["brand"], e["kind"], e["label"]) for e in listed] == [
        ("NimbusMobile", "negative", "surprise")]
    outage = demo_db["events"].loc["outage"]
    assert outage["start"].floor("h") <= pd.Timestamp(listed[0]["at"]) < outage["end"]
    assert listed[0]["top_terms"][0]["term"] == "#NimbusDown"
    code, out, _ = cli("spikes", "--db", db, "--since", "2d")    # the last two days: quiet
    assert code == 0 and out.startswith("no spikes from ")
    code, _, err = cli("spikes", "--db", db, "--since", "last tuesday")
    assert code == 1 and "--since 'last tuesday' is not a date" in err


def test_a_database_from_before_the_calendar_labels_everything_surprise(demo_db, tmp_path):
    copy = tmp_path / "old.duckdb"
    shutil.copyfile(demo_db["db"], copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("drop table event_matches")
        con.execute("drop table events")
        found = spike_report.find_spikes(con, ["AcmeCareHelp", "NimbusMobile"])
    finally:
        con.close()
    assert len(found) and set(found["label"]) == {"surprise"} and found["event"].isna().all()
