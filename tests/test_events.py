"""The event calendar: reading and validating it, storing it at every load, matching messages to
events (whole tokens, case-insensitive, brand and window), conversations.campaign and the
campaigns metric, on a small hand-written data set whose answers are counted by hand."""
from __future__ import annotations

import csv
from datetime import datetime, timezone

import duckdb
import pandas as pd
import pytest

import sql
from etl.errors import EtlError
from etl.events import read_calendar

HEADER = "name,brand,start,end,kind,keywords\n"
TWCS = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
        "in_response_to_tweet_id", "brand"]

# (id, author, inbound, UTC time, text, in reply to, brand)
ROWS = [
    (1, "501", True, "2026-03-10 09:00", "@AcmeHelp loving the #acmedeal!", "", "AcmeHelp"),
    (2, "AcmeHelp", False, "2026-03-10 09:30", "@501 glad you like it ^JK", "1", "AcmeHelp"),
    (3, "502", True, "2026-03-10 10:00", "@AcmeHelp is the MEGA-deal on?", "", "AcmeHelp"),
    (4, "503", True, "2026-03-10 11:00", "@AcmeHelp #AcmeDeals are great", "", "AcmeHelp"),
    (5, "AcmeHelp", False, "2026-03-10 12:00", "@503 which one? ^JK", "4", "AcmeHelp"),
    (6, "503", True, "2026-03-10 12:05", "@AcmeHelp I mean the #AcmeDeal", "5", "AcmeHelp"),
    (7, "504", True, "2026-03-11 10:30", "@AcmeHelp the download is broken", "", "AcmeHelp"),
    (8, "505", True, "2026-03-11 10:40", "@AcmeHelp site Down?", "", "AcmeHelp"),
    (9, "506", True, "2026-03-03 09:30", "@AcmeHelp any #AcmeDeal coming?", "", "AcmeHelp"),
    (10, "507", True, "2026-03-10 13:00", "@OtherHelp #AcmeDeal lol", "", "OtherHelp"),
    (11, "508", True, "2026-03-12 00:00", "@AcmeHelp #AcmeDeal still on?", "", "AcmeHelp"),
    (12, "509", True, "2026-03-09 12:00", "@AcmeHelp hello there", "", "AcmeHelp"),
    (13, "AcmeHelp", False, "2026-03-09 12:10", "@509 hi! ^JK", "12", "AcmeHelp"),
]

CALENDAR = HEADER + (
    "Deal week,AcmeHelp,2026-03-10T00:00:00Z,2026-03-12T00:00:00Z,campaign,#AcmeDeal;Mega Deal\n"
    "Site outage,,2026-03-11T10:00:00Z,2026-03-11T12:00:00Z,outage,down\n"
)


def _twcs_time(text: str) -> str:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").strftime("%a %b %d %H:%M:%S +0000 %Y")


def _write_source(folder):
    """A twcs file, carepulse.toml and events.csv in one folder (the demo's layout)."""
    with open(folder / "twcs.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(TWCS)
        for tid, author, inbound, at, text, parent, brand in ROWS:
            writer.writerow([tid, author, inbound, _twcs_time(at), text, "", parent, brand])
    (folder / "carepulse.toml").write_text("[sla]\ntargets_minutes = [15, 60]\n")
    (folder / "events.csv").write_text(CALENDAR)
    return folder


@pytest.fixture
def source(tmp_path):
    return _write_source(tmp_path)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The hand-written source loaded once through the CLI, for the read-only tests."""
    from etl.cli import main

    folder = _write_source(tmp_path_factory.mktemp("events"))
    db = folder / "carepulse.duckdb"
    assert main(["load", "twcs", str(folder / "twcs.csv"), "--db", str(db),
                 "--config", str(folder / "carepulse.toml")]) == 0
    return db


def _load(cli, source, db):
    code, out, err = cli("load", "twcs", source / "twcs.csv", "--db", db,
                         "--config", source / "carepulse.toml")
    assert code == 0, err
    return out


# -- reading and validating ----------------------------------------------------------------------

def test_read_calendar_parses_times_brands_and_keywords(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "\ufeffName,Brand,Start,End,Kind,Keywords,notes\n"
        "Launch,@AcmeHelp,2026-03-10,2026-03-12,Launch, #App5 ; new app ;,ours\n"
        "\n"
        "Fees,,2026-03-10T09:00:00+02:00,2026-03-10T10:30:00,price  change,,\n",
        encoding="utf-8",
    )
    events = read_calendar(path)
    assert events["event_id"].tolist() == [1, 2]
    assert events["line"].tolist() == [2, 4]
    assert events["brand"].tolist()[0] == "AcmeHelp" and events["brand"].isna().tolist()[1]
    assert events["kind"].tolist() == ["launch", "price change"]
    assert events["keywords"].tolist() == ["#App5;new app", ""]
    utc = timezone.utc
    assert events["starts_at"].dt.to_pydatetime().tolist() == [
        datetime(2026, 3, 10, tzinfo=utc), datetime(2026, 3, 10, 7, 0, tzinfo=utc)]
    assert events["ends_at"].dt.to_pydatetime().tolist() == [
        datetime(2026, 3, 12, tzinfo=utc), datetime(2026, 3, 10, 10, 30, tzinfo=utc)]


@pytest.mark.parametrize("row, message", [
    ("Deal,Acme,2026-03-10,2026-03-12,promo,#deal", r"line 2 \(Deal\): kind 'promo' is not one of"),
    ("Deal,Acme,2026-03-12,2026-03-10,campaign,#deal",
     r"line 2 \(Deal\): start 2026-03-12 is not before"),
    ("Deal,Acme,2026-03-10,2026-03-10,campaign,#deal", "is not before end"),
    ("Deal,Acme,10/03/2026,2026-03-12,campaign,#deal",
     r"start '10/03/2026' is not an ISO 8601 time"),
    ("Deal,Acme,2026-03-10,,campaign,#deal", "end is empty"),
    (",Acme,2026-03-10,2026-03-12,campaign,#deal", "line 2: the event has no name"),
    ("Deal,Acme,2026-03-10,2026-03-12,campaign,#deal;#", "keyword '#' has no letters"),
])
def test_bad_calendar_rows_fail_with_one_line_naming_the_row(tmp_path, row, message):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + row + "\n")
    with pytest.raises(EtlError, match=message) as caught:
        read_calendar(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_bad_calendar_header_or_empty_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("name,brand,start,kind\nDeal,Acme,2026-03-10,campaign\n")
    with pytest.raises(EtlError, match="line 1: .*missing end, keywords"):
        read_calendar(path)
    path.write_text("")
    with pytest.raises(EtlError, match="the event calendar is empty"):
        read_calendar(path)


def test_a_bad_calendar_fails_the_load_and_leaves_the_database(cli, source, db, read_db):
    _load(cli, source, db)
    (source / "events.csv").write_text(CALENDAR + "Oops,AcmeHelp,2026-03-10,2026-03-11,party,\n")
    code, out, err = cli("load", "twcs", source / "twcs.csv", "--db", db,
                         "--config", source / "carepulse.toml")
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("carepulse: error:")]
    assert len(errors) == 1
    assert "events.csv line 4 (Oops): kind 'party' is not one of" in errors[0]
    assert read_db(db, "select count(*) from events") == [(2,)]


# -- stored at every load, matched in SQL --------------------------------------------------------

def test_calendar_is_stored_and_replaced_at_every_load(cli, source, db, read_db):
    _load(cli, source, db)
    rows = read_db(db, "select event_id, name, brand, kind, keywords, line from events order by 1")
    assert rows == [
        (1, "Deal week", "AcmeHelp", "campaign", ["#AcmeDeal", "Mega Deal"], 2),
        (2, "Site outage", None, "outage", ["down"], 3),
    ]
    (source / "events.csv").write_text(HEADER)
    _load(cli, source, db)
    assert read_db(db, "select count(*) from events") == [(0,)]
    assert read_db(db, "select count(*) from event_matches") == [(0,)]
    assert read_db(db, "select count(*) from conversations where campaign is not null") == [(0,)]


def test_matching_is_whole_token_case_insensitive_per_brand_and_window(loaded, read_db):
    db = loaded
    matches = read_db(db, """
        select event_id, message_id, in_window, keywords_matched
        from event_matches order by event_id, message_id::int""")
    assert matches == [
        (1, "1", True, ["#AcmeDeal"]),      # '#acmedeal!': case and punctuation do not matter
        (1, "3", True, ["Mega Deal"]),      # 'MEGA-deal' is the phrase 'mega deal'
        (1, "6", True, ["#AcmeDeal"]),      # a follow-up counts as volume
        (1, "9", False, ["#AcmeDeal"]),     # the week before: baseline chatter
        (1, "11", False, ["#AcmeDeal"]),    # at the end instant: the end is exclusive
        (2, "8", True, ["down"]),           # a brand-less event covers every brand
    ]
    # not matched: '#AcmeDeals' (4), 'download' (7), another brand's '#AcmeDeal' (10)


def test_conversation_campaign_is_the_first_customer_message_in_window(loaded, read_db):
    db = loaded
    campaigns = dict(read_db(db, "select conversation_id, campaign from conversations"))
    assert campaigns["1"] == "Deal week"
    assert campaigns["3"] == "Deal week"
    assert campaigns["4"] is None           # its first message says '#AcmeDeals'; a reply matched
    assert campaigns["9"] is None           # a week before the campaign
    assert campaigns["11"] is None          # after it ended
    assert campaigns["8"] is None           # an outage is not a campaign


def test_campaigns_metric_counts_by_hand(loaded):
    db = loaded
    con = duckdb.connect(str(db), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    try:
        everything = {"brands": [], "start": "2000-01-01", "end": "2100-01-01"}
        rows = sql.query(con, "metrics/campaigns", everything).set_index("name")
        only_other = sql.query(con, "metrics/campaigns", {**everything, "brands": ["OtherHelp"]})
        march_9 = sql.query(con, "metrics/campaigns",
                            {**everything, "start": "2026-03-09", "end": "2026-03-10"})
    finally:
        con.close()
    deal = rows.loc["Deal week"]
    assert deal["volume"] == 3                  # messages 1, 3, 6
    assert deal["inbound"] == 6                 # 1, 3, 4, 6, 7, 8
    assert deal["baseline_inbound"] == 0.5      # message 9 one week before, none two weeks before
    assert deal["baseline_volume"] == 0.5
    assert deal["lift"] == 12.0
    assert deal["volume_share"] == 0.5
    assert deal["conversations"] == 5 and deal["response_rate"] == 0.4
    assert deal["frt_median_minutes"] == 45.0   # 30 and 60 minutes
    assert deal["before_conversations"] == 1 and deal["before_frt_median_minutes"] == 10.0
    # NULL until sentiment is scored; a mean score in [-1, 1] once it is
    assert pd.isna(deal["sentiment_mean"]) or -1 <= deal["sentiment_mean"] <= 1
    outage = rows.loc["Site outage"]
    assert (outage["volume"], outage["inbound"], outage["baseline_inbound"]) == (1, 2, 0)
    assert pd.isna(outage["lift"])              # no baseline, no lift (never a division by 0)
    assert only_other["name"].tolist() == ["Site outage"]   # brand-less events cover every brand
    assert march_9.empty                                     # events overlapping the range only
