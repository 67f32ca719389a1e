"""Business hours: carepulse.toml parsing, business minutes across DST changes and in two time
zones, holidays, overnight and split opening hours, and a schedule change recomputing history
through `carepulse derive`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl import business_hours, demo
from etl.config import Config, load_config
from etl.errors import EtlError
from tests.test_metrics import load, metric, write_config

NY_DAILY = """
[brands.NYCare]
timezone = "America/New_York"
[[brands.NYCare.schedule]]
effective_from = "2026-01-01"
mon = "09:00-17:00"
tue = "09:00-17:00"
wed = "09:00-17:00"
thu = "09:00-17:00"
fri = "09:00-17:00"
sat = "09:00-17:00"
sun = "09:00-17:00"
"""

TOKYO_WEEKDAYS = """
[brands.TokyoCare]
timezone = "Asia/Tokyo"
mon = "09:00-18:00"
tue = "09:00-18:00"
wed = "09:00-18:00"
thu = "09:00-18:00"
fri = "09:00-18:00"
"""

# v2 from 2026-03-08: weekends closed and Monday 9 March a holiday
NY_CHANGED = NY_DAILY + """
[[brands.NYCare.schedule]]
effective_from = "2026-03-08"
mon = "09:00-17:00"
tue = "09:00-17:00"
wed = "09:00-17:00"
thu = "09:00-17:00"
fri = "09:00-17:00"
holidays = ["2026-03-09"]
"""


def pair(first_id: int, customer: int, brand: str, asked: str, answered: str) -> list[dict]:
    """A customer tweet at `asked` and the brand's answer at `answered` (UTC, ISO)."""
    return [dict(id=first_id, author=customer, at=asked, text=f"@{brand} help please"),
            dict(id=first_id + 1, author=brand, at=answered, text=f"@{customer} on it",
                 reply_to=first_id)]


def dst_rows() -> list[dict]:
    return [
        # A: Sat 7 Mar 16:00 EST -> Mon 9 Mar 10:00 EDT: 60 + 480 + 60 open minutes
        *pair(1, 301, "NYCare", "2026-03-07T21:00:00Z", "2026-03-09T14:00:00Z"),
        # B: Sun 8 Mar 09:30 -> 10:00 EDT, the first hours after the spring-forward
        *pair(3, 302, "NYCare", "2026-03-08T13:30:00Z", "2026-03-08T14:00:00Z"),
        # C: Sat 31 Oct 16:00 EDT -> Sun 1 Nov 10:00 EST, across the fall-back: 60 + 60
        *pair(5, 303, "NYCare", "2026-10-31T20:00:00Z", "2026-11-01T15:00:00Z"),
        # D, E: the same UTC instants for Tokyo (Mon 09:00-10:00 JST: open) and New York
        # (Sun 20:00-21:00 EDT: closed)
        *pair(7, 304, "TokyoCare", "2026-03-09T00:00:00Z", "2026-03-09T01:00:00Z"),
        *pair(9, 305, "NYCare", "2026-03-09T00:00:00Z", "2026-03-09T01:00:00Z"),
        # F: Tokyo Fri 13 Mar 17:00 JST -> Mon 16 Mar 10:00 JST: 60 + 60 across a closed weekend
        *pair(11, 306, "TokyoCare", "2026-03-13T08:00:00Z", "2026-03-16T01:00:00Z"),
    ]


def business(read_db, db: Path) -> dict:
    rows = read_db(db, "select customer_id, first_response_minutes, "
                       "first_response_business_minutes from conversations")
    return {int(c): (cal, biz) for c, cal, biz in rows}


def test_business_minutes_across_dst_and_in_two_time_zones(cli, tmp_path, read_db):
    db = load(cli, tmp_path, dst_rows(), NY_DAILY + TOKYO_WEEKDAYS)
    got = business(read_db, db)
    assert got[301] == (pytest.approx(2460), pytest.approx(600))
    assert got[302] == (pytest.approx(30), pytest.approx(30))
    assert got[303] == (pytest.approx(1140), pytest.approx(120))
    assert got[304] == (pytest.approx(60), pytest.approx(60))
    assert got[305] == (pytest.approx(60), pytest.approx(0))
    assert got[306] == (pytest.approx(3900), pytest.approx(120))
    # reply latency on the business clock matches (each answer replies to the opening tweet)
    latency = dict(read_db(db, "select parent_id, latency_business_minutes from replies"))
    assert latency["1"] == pytest.approx(600) and latency["9"] == pytest.approx(0)


def test_without_configuration_business_equals_calendar(cli, tmp_path, read_db):
    db = load(cli, tmp_path, dst_rows())
    for calendar, business_minutes in business(read_db, db).values():
        assert business_minutes == pytest.approx(calendar, rel=1e-12)


def test_schedule_change_recomputes_history_via_derive(cli, tmp_path, read_db):
    db = load(cli, tmp_path, dst_rows(), NY_DAILY + TOKYO_WEEKDAYS)
    before = metric(cli, db, "response-times", "--brand", "NYCare")[0]
    changed = write_config(tmp_path / "changed.toml", NY_CHANGED + TOKYO_WEEKDAYS)
    code, out, err = cli("derive", "--db", db, "--config", changed)
    assert code == 0, err
    assert "re-derived 6 conversations and 6 replies of 2 brands" in out
    got = business(read_db, db)
    assert got[301][1] == pytest.approx(60)      # Sat 16-17 (v1); Sunday closed, Monday holiday
    assert got[302][1] == pytest.approx(0)       # Sunday is closed from 8 March
    assert got[303][1] == pytest.approx(0)       # weekend in v2
    assert got[306][1] == pytest.approx(120)     # Tokyo unchanged
    after = metric(cli, db, "response-times", "--brand", "NYCare")[0]
    assert after["frt_median_minutes"] == before["frt_median_minutes"]
    assert after["frt_business_median_minutes"] < before["frt_business_median_minutes"]
    stored = read_db(db, "select brand, effective_from::varchar from config_schedules "
                         "order by all")
    assert stored == [("NYCare", "2026-01-01"), ("NYCare", "2026-03-08"), ("TokyoCare",
                                                                          "1970-01-01")]
    assert read_db(db, "select day::varchar from config_holidays") == [("2026-03-09",)]
    # and back: deriving with the first configuration gives the first figures again
    assert cli("derive", "--db", db, "--config",
               write_config(tmp_path / "v1.toml", NY_DAILY + TOKYO_WEEKDAYS))[0] == 0
    assert business(read_db, db)[301][1] == pytest.approx(600)


def test_derive_with_a_bad_configuration_changes_nothing(cli, tmp_path):
    db = load(cli, tmp_path, dst_rows(), NY_DAILY)
    before = db.read_bytes()
    bad = write_config(tmp_path / "bad.toml", '[brands.NYCare]\ntimezone = "Mars/Olympus"\n')
    code, _, err = cli("derive", "--db", db, "--config", bad)
    assert code == 1 and '"Mars/Olympus" is not a time zone name' in err
    assert db.read_bytes() == before
    code, _, err = cli("derive", "--db", tmp_path / "none.duckdb", "--config", bad)
    assert code == 1 and "no database yet" in err


def test_overnight_and_split_hours_and_case_insensitive_brands(cli, tmp_path, read_db):
    config = """
[brands.nightowl]            # the data spells it NightOwl
mon = "22:00-06:00"
[brands.LunchCare]
timezone = "Europe/London"
tue = "09:00-12:00, 13:00-17:00"
"""
    rows = [
        # Mon 5 Jan 23:00 -> Tue 05:00 UTC: open all along (overnight span)
        *pair(1, 401, "NightOwl", "2026-01-05T23:00:00Z", "2026-01-06T05:00:00Z"),
        # Tue 6 Jan 11:00 -> 14:00 GMT: 60 + 60, the lunch hour closed
        *pair(3, 402, "LunchCare", "2026-01-06T11:00:00Z", "2026-01-06T14:00:00Z"),
        # Tue 06:00 -> 07:00 UTC: NightOwl closed again
        *pair(5, 403, "NightOwl", "2026-01-06T06:00:00Z", "2026-01-06T07:00:00Z"),
    ]
    db = load(cli, tmp_path, rows, config)
    got = business(read_db, db)
    assert got[401][1] == pytest.approx(360)
    assert got[402][1] == pytest.approx(120)
    assert got[403][1] == pytest.approx(0)


def test_heatmap_uses_the_brand_local_time(cli, tmp_path):
    db = load(cli, tmp_path, dst_rows(), NY_DAILY + TOKYO_WEEKDAYS)
    cells = {(r["brand"], r["hour_of_week"]): r for r in metric(cli, db, "heatmap")}
    tokyo_monday_9 = cells[("TokyoCare", 9)]
    assert (tokyo_monday_9["timezone"], tokyo_monday_9["inbound_messages"]) == ("Asia/Tokyo", 1)
    assert tokyo_monday_9["frt_business_median_minutes"] == pytest.approx(60)
    ny_sunday_20 = cells[("NYCare", 6 * 24 + 20)]      # 00:00 UTC Monday = 20:00 EDT Sunday
    assert (ny_sunday_20["weekday_name"], ny_sunday_20["conversations"]) == ("Sun", 1)
    assert sum(r["inbound_messages"] for r in cells.values()) == 6


def test_response_trend_uses_the_configured_target(cli, tmp_path):
    config = NY_DAILY + TOKYO_WEEKDAYS + '\n[sla]\ntargets_minutes = [30, 120]\n' \
        + '[brands.TokyoCare.sla]\ntarget_minutes = 150\n'
    db = load(cli, tmp_path, dst_rows(), config)
    rows = metric(cli, db, "response-trend", "--param", "grain=week")
    targets = {r["brand"]: r["target_minutes"] for r in rows}
    assert targets == {"NYCare": 30.0, "TokyoCare": 150.0}     # default: the first listed
    weeks = [r["period_start"] for r in rows if r["brand"] == "NYCare"]
    assert weeks[0] == "2026-03-02T00:00:00Z" and weeks[-1] == "2026-10-26T00:00:00Z"
    assert len(weeks) == 35                                    # quiet weeks kept
    tokyo = [r for r in rows if r["brand"] == "TokyoCare" and r["conversations"]]
    assert [(r["conversations"], r["within_target"], r["within_target_business"])
            for r in tokyo] == [(2, 0.5, 1.0)]
    forced = metric(cli, db, "response-trend", "--param", "target_minutes=5000")
    assert {r["target_minutes"] for r in forced} == {5000.0}
    curve = {(r["brand"], r["minutes"]): r["is_target"] for r in metric(cli, db, "sla-curve")}
    assert curve[("NYCare", 30.0)] and curve[("NYCare", 120.0)] and not curve[("NYCare", 60.0)]
    assert curve[("TokyoCare", 150.0)] and not curve[("TokyoCare", 30.0)]


# -- parsing ------------------------------------------------------------------------------------

def parse(text: str, tmp_path: Path):
    return business_hours.tables(load_config(write_config(tmp_path / "c.toml", text)))


def test_the_demo_configuration_parses(tmp_path):
    info = demo.generate(tmp_path / "demo", rows=2000, seed=1, days=30)
    parsed = business_hours.tables(load_config(info["config"]))
    assert set(parsed.brands["brand"]) == {"AcmeCareHelp", "NimbusMobile", "OrbitAirHelp",
                                           "PixelPayCare", "SakuraRailDesk", "KesselEnergyHelp"}
    acme = parsed.hours[parsed.hours["brand"] == "AcmeCareHelp"]
    assert acme["effective_from"].nunique() == 2              # a schedule change
    orbit = parsed.hours[parsed.hours["brand"] == "OrbitAirHelp"]
    assert set(zip(orbit["opens_minute"], orbit["closes_minute"])) == {(0, 1440)}
    assert len(parsed.holidays[parsed.holidays["brand"] == "SakuraRailDesk"]) == 3
    assert sorted(parsed.sla["target_minutes"]) == [15, 60, 240, 1440]
    assert parsed.sla.loc[parsed.sla["is_primary"], "target_minutes"].tolist() == [60]


def test_defaults_without_a_file():
    parsed = business_hours.tables(Config(None, {}))
    assert parsed.brands.empty and parsed.hours.empty
    assert sorted(parsed.sla["target_minutes"]) == [15, 60, 240, 1440]


def test_spans_overnight_split_and_closed(tmp_path):
    parsed = parse('[brands.B]\nmon = "22:00-06:00"\ntue = ["08:00-12:00", "13:00-24:00"]\n'
                   'wed = "closed"\n', tmp_path)
    assert sorted(zip(parsed.hours["weekday"], parsed.hours["opens_minute"],
                      parsed.hours["closes_minute"])) == [
        (1, 1320, 1800), (2, 480, 720), (2, 780, 1440)]


@pytest.mark.parametrize("text, message", [
    ('[brands.B]\ntimezone = "Nowhere/City"\n', "is not a time zone name"),
    ('[brands.B]\nmon = "9 to 5"\n', 'is not "HH:MM-HH:MM"'),
    ('[brands.B]\nmon = "09:00-25:00"\n', "is not a time of day"),
    ('[brands.B]\nmon = "09:00-09:00"\n', "opens and closes at the same time"),
    ('[brands.B]\nmonday = "09:00-17:00"\nopening = 1\n', "unknown key(s) opening"),
    ('[[brands.B.schedule]]\neffective_from = "soon"\n', '"soon" is not a date'),
    ('[[brands.B.schedule]]\neffective_from = 2026-01-01\n'
     '[[brands.B.schedule]]\neffective_from = 2026-01-01\n', "two schedule versions start on"),
    ('[brands.B]\nholidays = "2026-12-25"\n', "must be a list of dates"),
    ('[sla]\ntargets_minutes = [15, -1]\n', "targets_minutes must be a list of positive"),
    ('[brands.B]\nmon = "09:00-17:00"\n[[brands.B.schedule]]\nmon = "09:00-17:00"\n',
     "either on the brand or in its schedule versions"),
])
def test_configuration_errors_name_the_key(tmp_path, text, message):
    with pytest.raises(EtlError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text, tmp_path)


def test_toml_dates_and_primary_target(tmp_path):
    parsed = parse('[sla]\ntargets_minutes = [30, 240]\ntarget_minutes = 240\n'
                   '[[brands.B.schedule]]\neffective_from = 2026-05-01\nfri = "10:00-11:00"\n'
                   'holidays = [2026-05-01]\n', tmp_path)
    assert parsed.versions.values.tolist()[0][1].isoformat() == "2026-05-01"
    assert parsed.sla.loc[parsed.sla["is_primary"], "target_minutes"].tolist() == [240]
    assert json.dumps(parsed.holidays["day"].astype(str).tolist()) == '["2026-05-01"]'


def test_a_message_years_before_the_rest_keeps_the_clock_small_and_exact(cli, tmp_path, read_db):
    """Like the public twcs file (a few tweets of 2011 among 2017's): the business clock's
    lookup table holds the hours that hold a message, not every hour of six years, and the
    straggler's business minutes are still right."""
    import duckdb

    import sql

    straggler = pair(901, 309, "NYCare", "2020-03-05T16:30:00+00:00", "2020-03-05T17:30:00+00:00")
    db = load(cli, tmp_path, dst_rows() + straggler, NY_DAILY + TOKYO_WEEKDAYS)
    # 2020-03-05 is before NY's first schedule version, which then covers it: open 09-17 local
    # (14-22 UTC), so the hour is open minute for minute
    assert business(read_db, db)[309] == (pytest.approx(60), pytest.approx(60))
    con = duckdb.connect(str(db))
    try:
        sql.execute_script(con, "etl/derive_business_clock")    # a temp table: of `con`
        hours, message_hours = con.execute(
            "select (select count(distinct hour) from business_clock), "
            "(select count(distinct epoch_us(created_at) // 3600000000) from messages)"
        ).fetchall()[0]
    finally:
        con.close()
    assert hours == message_hours < 100        # the span is six years: 52k hours
