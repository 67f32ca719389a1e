"""etl.demo: the synthetic twcs generator. Offline; one shared ~60k-row sample."""
import csv
import re
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from etl import demo

ROWS = 60_000
HEADER = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
          "in_response_to_tweet_id", "author_followers", "channel", "brand"]
TWCS_TIME = "%a %b %d %H:%M:%S +0000 %Y"
DM_ASK = re.compile(r"\bDM\b|direct message|private message|'Message'", re.I)
SIGNATURE = re.compile(r" (?:\^[A-Z]{2}|-[A-Z][a-z]+|/[A-Z]{2}|\*[A-Z]{2})$")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    info = demo.generate(out, rows=ROWS, seed=3)
    print(f"\ndemo.generate: {info['rows']:,} rows in {info['seconds']}s "
          f"= {info['rows_per_second']:,} rows/s")
    with open(info["twcs"], newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header, records = next(reader), list(reader)
    return dict(info=info, header=header, records=records, frame=_frame(header, records))


def _frame(header, records):
    frame = pd.DataFrame(records, columns=header)
    frame["inbound"] = frame["inbound"] == "True"
    frame["time"] = pd.to_datetime(frame["created_at"], format=TWCS_TIME, utc=True)
    return frame


def _brand_replies(frame):
    replies = frame[~frame["inbound"] & (frame["in_response_to_tweet_id"] != "")]
    parents = frame.set_index("tweet_id").loc[replies["in_response_to_tweet_id"]]
    latency = (replies["time"].to_numpy() - parents["time"].to_numpy()) / pd.Timedelta(minutes=1)
    return replies.assign(latency=latency, parent_inbound=parents["inbound"].to_numpy())


def _window_counts(frame, handle, start, end, weeks=1):
    """Inbound rows of a brand in [start, end) and in the same hours of the weeks before."""
    rows = frame[(frame["brand"] == handle) & frame["inbound"]]
    now = rows[(rows["time"] >= start) & (rows["time"] < end)]
    shifts = [pd.Timedelta(days=7 * w) for w in range(1, weeks + 1)]
    before = pd.concat([rows[(rows["time"] >= start - s) & (rows["time"] < end - s)]
                        for s in shifts])
    return now, before


def _events(info):
    events = pd.read_csv(info["events"])
    events["start"] = pd.to_datetime(events["start"], utc=True)
    events["end"] = pd.to_datetime(events["end"], utc=True)
    return events.set_index("kind")


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    files = ("twcs.csv", "carepulse.toml", "events.csv")
    runs = [demo.generate(tmp_path / name, rows=5_000, seed=seed, days=14)
            for name, seed in (("a", 5), ("b", 5), ("c", 6))]
    a, b, c = ([Path(r["twcs"]).parent / f for f in files] for r in runs)
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))
    assert a[0].read_bytes() != c[0].read_bytes()


def test_requested_scale(sample):
    info = sample["info"]
    assert abs(info["rows"] - ROWS) / ROWS < 0.1
    assert info["rows"] == len(sample["records"])
    assert info["brands"] == [b["handle"] for b in demo.T.BRANDS[:6]]


def test_csv_header_and_types(sample):
    assert sample["header"] == HEADER
    handles = set(sample["info"]["brands"])
    for row in sample["records"]:
        tweet_id, author, inbound, _, text, responses, parent, followers, channel, brand = row
        assert tweet_id.isdigit() and followers.isdigit()
        assert inbound in ("True", "False") and channel in ("public", "dm")
        assert brand in handles and text
        assert author == brand if inbound == "False" else author.isdigit()
        assert parent == "" or parent.isdigit()
        assert responses == "" or all(r.isdigit() for r in responses.split(","))
    for row in sample["records"][::97]:
        datetime.strptime(row[3], TWCS_TIME)      # the fixture parses all of them with pandas


def test_ids_unique_and_threads_consistent(sample):
    records = sample["records"]
    parent_of = {row[0]: row[6] for row in records}
    assert len(parent_of) == len(records)
    assert all(p in parent_of for p in parent_of.values() if p)
    children = [(row[0], c) for row in records if row[5] for c in row[5].split(",")]
    assert all(parent_of[child] == tweet_id for tweet_id, child in children)
    assert any("," in row[5] for row in records)          # some '"a,b"' lists


def test_mentions_follow_twcs_style(sample):
    by_id = {row[0]: row for row in sample["records"]}
    for tweet_id, author, inbound, _, text, _, parent, _, channel, brand in by_id.values():
        if channel == "dm":
            assert not text.startswith("@")
        elif inbound == "True":
            assert text.startswith(f"@{brand} ")
        elif parent:
            assert text.startswith(f"@{by_id[parent][1]} ")


def test_unanswered_share_per_brand(sample):
    frame = sample["frame"]
    public = frame[frame["channel"] == "public"]
    roots = public[public["inbound"] & (public["in_response_to_tweet_id"] == "")]
    assert sample["info"]["conversations"] == len(roots)
    share = sample["info"]["unanswered"] / len(roots)
    assert 0.12 < share < 0.32
    answered_roots = _answered_roots(public)
    by_brand = 1 - roots["tweet_id"].isin(answered_roots).groupby(roots["brand"]).mean()
    assert by_brand.between(0.08, 0.40).all(), by_brand


def _answered_roots(public):
    """Root tweet ids of public threads that got at least one brand tweet."""
    parent = dict(zip(public["tweet_id"], public["in_response_to_tweet_id"]))

    def root(tweet_id):
        while parent.get(tweet_id):
            tweet_id = parent[tweet_id]
        return tweet_id
    return {root(t) for t in public.loc[~public["inbound"], "tweet_id"]}


def test_dm_requests_off_channel_and_signatures(sample):
    frame = sample["frame"]
    replies = frame[(frame["channel"] == "public") & ~frame["inbound"]]
    assert 0.17 < replies["text"].str.contains(DM_ASK).mean() < 0.33
    off = replies["text"].str.contains(r"call us|email us|web form|give us a call", case=False)
    assert 0.02 < off.mean() < 0.12
    signed = replies["text"].str.contains(SIGNATURE).groupby(replies["brand"]).mean()
    assert (signed.drop("SakuraRailDesk") > 0.8).all() and signed["SakuraRailDesk"] == 0
    agents = replies["text"].str.extract(r" (\^[A-Z]{2}|-[A-Z][a-z]+)$")[0]
    assert agents.groupby(replies["brand"]).nunique()["AcmeCareHelp"] >= 4


def test_dm_conversations_follow_a_public_dm_request(sample):
    frame = sample["frame"]
    dms = frame[(frame["channel"] == "dm") & frame["inbound"]
                & (frame["in_response_to_tweet_id"] == "")]
    assert sample["info"]["dm_conversations"] == len(dms) > 0
    asks = frame[(frame["channel"] == "public") & ~frame["inbound"]
                 & frame["text"].str.contains(DM_ASK)]
    asks = asks.assign(customer=asks["text"].str.extract(r"^@(\d+)")[0])
    pairs = dms.merge(asks, left_on=["author_id", "brand"], right_on=["customer", "brand"])
    gap = pairs["time_x"] - pairs["time_y"]
    followed = pairs[(gap > pd.Timedelta(0)) & (gap < pd.Timedelta(hours=48))]
    assert followed["tweet_id_x"].nunique() == len(dms)
    dm_replies = frame[(frame["channel"] == "dm") & ~frame["inbound"]]
    assert len(dm_replies) > 0.6 * len(dms)


def test_latency_brand_specific_and_heavy_tailed(sample):
    replies = _brand_replies(sample["frame"])
    assert (replies["latency"] >= 0).all()
    median = replies.groupby("brand")["latency"].median()
    assert median["OrbitAirHelp"] < median["NimbusMobile"] < median["AcmeCareHelp"] \
        < median["PixelPayCare"]
    assert median["OrbitAirHelp"] < 6 and median["PixelPayCare"] > 45
    orbit = replies.loc[replies["brand"] == "OrbitAirHelp", "latency"]
    assert orbit.quantile(0.99) > 8 * orbit.median()


def test_brand_replies_fall_in_opening_hours(sample):
    config = tomllib.loads(Path(sample["info"]["config"]).read_text())
    assert config["sla"]["targets_minutes"] == [15, 60, 240, 1440]
    frame = sample["frame"]
    for handle, brand in config["brands"].items():
        replies = frame[(frame["brand"] == handle) & ~frame["inbound"]]
        local = replies["time"].dt.tz_convert(brand["timezone"]).dt.tz_localize(None)
        assert _is_open(local, brand["schedule"]).mean() > 0.999, handle


def _is_open(local, schedule):
    is_open = pd.Series(False, index=local.index)
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    minute = local.dt.hour * 60 + local.dt.minute
    for version in sorted(schedule, key=lambda v: v["effective_from"]):
        active = local >= pd.Timestamp(version["effective_from"])
        for d, day in enumerate(days):
            lo, hi = (int(x[:2]) * 60 + int(x[3:])
                      for x in version.get(day, "00:00-00:00").split("-"))
            now = (local.dt.weekday == d) & (minute >= lo) & (minute < hi)
            is_open = is_open.where(~(active & (local.dt.weekday == d)), now)
        holiday = local.dt.strftime("%Y-%m-%d").isin(version["holidays"])
        is_open &= ~(active & holiday)
    return is_open


def test_daily_and_weekly_seasonality(sample):
    frame = sample["frame"]
    roots = frame[frame["inbound"] & (frame["brand"] == "AcmeCareHelp")
                  & (frame["in_response_to_tweet_id"] == "")]
    local = roots["time"].dt.tz_convert("America/New_York")
    by_hour = local.dt.hour.value_counts()
    assert by_hour[12] > 4 * by_hour[4]
    by_day = local.dt.weekday.value_counts()
    assert by_day[[0, 1]].sum() > 1.3 * by_day[[5, 6]].sum()


def test_followers_heavy_tailed(sample):
    frame = sample["frame"]
    followers = frame.loc[frame["inbound"], "author_followers"].astype(int)
    assert followers.median() < 1_000 and followers.max() > 50_000
    brands = frame.loc[~frame["inbound"], "author_followers"].astype(int)
    assert brands.min() >= 90_000


def test_events_file_and_campaign_lift(sample):
    events = _events(sample["info"])
    assert set(events.index) >= {"campaign", "outage", "launch", "price change"}
    campaign = events.loc["campaign"]
    tag = campaign["keywords"].split(";")[0]
    assert tag.startswith("#") and campaign["brand"] == "AcmeCareHelp"
    now, before = _window_counts(sample["frame"], campaign["brand"], campaign["start"],
                                 campaign["end"])
    opening = now[now["in_response_to_tweet_id"] == ""]
    assert 1.6 < len(opening) / (before["in_response_to_tweet_id"] == "").sum() < 3.5
    assert opening["text"].str.contains(tag).mean() > 0.4
    assert not before["text"].str.contains(tag).any()


def test_outage_is_a_negative_burst_with_slower_care(sample):
    outage = _events(sample["info"]).loc["outage"]
    frame = sample["frame"]
    now, before = _window_counts(frame, outage["brand"], outage["start"], outage["end"], weeks=2)
    opening = now[now["in_response_to_tweet_id"] == ""]
    assert len(opening) > 5 * max((before["in_response_to_tweet_id"] == "").sum() / 2, 1)
    words = "|".join(re.escape(k) for k in outage["keywords"].split(";"))
    assert opening["text"].str.contains(words, case=False).mean() > 0.75
    assert before["text"].str.contains(words, case=False).mean() < 0.2
    replies = _brand_replies(frame[frame["brand"] == outage["brand"]])
    parent_time = replies["time"] - pd.to_timedelta(replies["latency"], unit="min")
    during = (parent_time >= outage["start"]) & (parent_time < outage["end"])
    assert replies.loc[during, "latency"].median() > 2 * replies.loc[~during, "latency"].median()


def test_argument_checks(tmp_path):
    with pytest.raises(ValueError):
        demo.generate(tmp_path, rows=1_000, brands=0)
    with pytest.raises(ValueError):
        demo.generate(tmp_path, rows=1_000, days=7)
    info = demo.generate(tmp_path, rows=3_000, brands=2, days=14, start="2027-01-10")
    events = pd.read_csv(info["events"])
    assert list(events["kind"]) == ["campaign", "outage"]
    first = datetime.strptime(_first_time(info["twcs"]), TWCS_TIME)
    assert first >= datetime(2027, 1, 10) and first < datetime(2027, 1, 10) + timedelta(days=1)


def _first_time(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        return next(reader)[3]


def test_customer_texts_are_diverse_like_real_ones(sample):
    # twcs_first5000.csv: 99.8% of inbound texts distinct, 108 characters on average
    inbound = sample["frame"].loc[sample["frame"]["inbound"], "text"]
    assert inbound.nunique() / len(inbound) > 0.97
    assert 70 < inbound.str.len().mean() < 130
    public = sample["frame"][sample["frame"]["inbound"] & (sample["frame"]["channel"] == "public")]
    assert 0.12 < public["text"].str.contains("https://t.co/").mean() < 0.25
    assert 0.15 < public["text"].str.contains(r"^@\w+ @\d+ ").mean() < 0.3


def test_brand_replies_are_diverse_like_real_ones(sample):
    # twcs_first5000.csv: 98% of brand replies distinct even without the @handle they open with
    frame = sample["frame"]
    replies = frame.loc[~frame["inbound"] & (frame["channel"] == "public"), "text"]
    bare = replies.str.replace(r"^(@\w+\s+)+", "", regex=True)
    assert bare.nunique() / len(bare) > 0.85
    assert 80 < replies.str.len().mean() < 130


def test_variety_keeps_each_tone():
    # details and endings follow the message's tone, so the bodies' sentiment mix stays
    from etl import demo_variety as V
    from etl import sentiment

    def filled(template):
        return V.SLOT.sub(lambda m: m.group(2) or V.SLOT_WORDS[m.group(1)][0], template)

    for tone in V.TONES:
        texts = [filled(t) for t in V.DETAILS[tone]] + V.ENDINGS[tone]
        scores = sentiment.score_texts(texts).score
        if tone == "neg":
            assert (scores <= 0).all(), [t for t, s in zip(texts, scores) if s > 0]
        elif tone == "pos":
            assert (scores >= 0).all(), [t for t, s in zip(texts, scores) if s < 0]
        else:
            assert (scores.abs() < 0.5).all(), [t for t, s in zip(texts, scores) if abs(s) >= 0.5]


def test_body_variants_leave_mentions_tags_and_keywords_alone():
    from etl import demo_variety as V
    text = "Not again. is the app down? can't log in #NimbusDown @Nimbus please help you"
    as_written, lower, txt, typo = V.body_variants(text, True, 7)
    assert as_written == text and lower == text.lower().replace("#nimbusdown", "#NimbusDown") \
        .replace("@nimbus", "@Nimbus")
    assert txt.endswith("pls help u") and "#NimbusDown" in txt and "can't log in" not in txt
    assert typo != text and all(w in typo for w in ("#NimbusDown", "@Nimbus", "down"))
    assert V.body_variants("ok", False, 7) == ("ok",) * 4
