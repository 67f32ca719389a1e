"""The SLA page's metrics against their previous text (tests/reference_sql/*_direct.sql), on
real twcs rows, on a demo database (business clocks, DMs, handoffs) and on a small made-up one
whose times tie (answers and censorings at one time, whole-minute censorings), for periods whose
edges cut hours and days, one brand and all: sla_curve with $clock = one clock gives that clock's
rows of both, every column exactly but share_answered_km to the last bit or two: DuckDB's
windowed sum of the Kaplan-Meier logs rounds by where a partition's rows sit among the others,
so the old text itself gives a brand alone and the same brand among all 1 ulp apart (demo data,
30 days: 0.6669020465414723 vs ...22)."""
from __future__ import annotations

import datetime as dt
import random

import duckdb
import pandas as pd
import pytest

import sql
from tests.test_metrics_summaries import (REFERENCE_SQL, _brand_sets, _periods, _reader,
                                          demo_db, real_db)

__all__ = ["demo_db", "real_db"]   # module fixtures shared with test_metrics_summaries


def _direct(name: str) -> str:
    return (REFERENCE_SQL / f"{name}_direct.sql").read_text(encoding="utf-8")


def _sla_periods(con) -> list[tuple[dt.datetime, dt.datetime]]:
    """The shared periods, one ending at the data's last message (censorings on the grid's
    span), and one with no data."""
    first, last = con.execute("select min(created_at), max(created_at) from messages").fetchone()
    return _periods(con) + [
        (last - dt.timedelta(days=6, hours=3, seconds=1), last + dt.timedelta(microseconds=1)),
        (first - dt.timedelta(days=400), first - dt.timedelta(days=399)),
    ]


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_sla_curve_of_one_clock_equals_that_clock_of_both(which, request):
    con = _reader(request.getfixturevalue(which))
    direct = _direct("sla_curve")
    compared = 0
    for start, end in _sla_periods(con):
        for brands in _brand_sets(con):
            for horizon in (None, 90.0, 1440):
                params = dict(brands=brands, start=start, end=end, horizon_minutes=horizon)
                expected = con.execute(direct, params).df()
                for clock in ("both", None, "calendar", "business"):
                    got = sql.query(con, "metrics/sla_curve", dict(params, clock=clock))
                    wanted = expected
                    if clock in ("calendar", "business"):
                        wanted = expected[expected["clock"] == clock].reset_index(drop=True)
                    _assert_same_curve(got, wanted)
                    compared += len(got)
    assert compared > 0


def _assert_same_curve(got: pd.DataFrame, wanted: pd.DataFrame) -> None:
    km = "share_answered_km"
    pd.testing.assert_frame_equal(got.drop(columns=km), wanted.drop(columns=km),
                                  check_exact=True)
    pd.testing.assert_series_equal(got[km], wanted[km], check_exact=False, rtol=1e-14,
                                   atol=0)


def test_sla_curve_defaults_to_both_clocks(request):
    con = _reader(request.getfixturevalue("demo_db"))
    params = dict(brands=[], start=dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc),
                  end=dt.datetime(9999, 1, 1, tzinfo=dt.timezone.utc), horizon_minutes=None)
    got = sql.query(con, "metrics/sla_curve", params)
    assert set(got["clock"]) == {"calendar", "business"}
    pd.testing.assert_frame_equal(got, con.execute(_direct("sla_curve"), params).df(),
                                  check_exact=True)


def _tied_times_db():
    """A small database of the tables sla_curve reads (its conversations summary made by the
    summary's own SQL), made to tie: answers and censorings at the same exact time, several
    answers at one time, whole-minute censoring times, times a microsecond apart in one minute,
    answers at grid minutes, both clocks (seeded, so any failure repeats)."""
    rng = random.Random(7)
    end = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.timezone.utc)
    day_us, rows = 86_400_000_000, []
    ages = []                            # censoring times in minutes, as the query computes them
    for i in range(1500):
        brand = rng.choice(["Alpha", "Beta", "Beta", None])
        age_us = rng.choice([rng.randrange(1, 20_000) * 60_000_000,       # whole minutes
                             rng.randrange(1, 1_200_000) * 1_000_000,      # whole seconds
                             rng.randrange(1, 60_000_000_000)])            # any microsecond
        started = end - dt.timedelta(microseconds=age_us)
        age = (age_us // day_us * 86400 + age_us % day_us / 1e6) / 60.0
        if rng.random() < 0.3:
            ages.append(age)
            rows.append((brand, started, False, None, None, None))
            continue
        frt = rng.choice([float(rng.randrange(0, 200)), rng.randrange(0, 2400) / 60.0,
                          rng.randrange(0, 400) / 2, rng.choice(ages) if ages else 1.0,
                          rng.random() * 3000])
        frt = min(frt, age)
        business = None if rng.random() < 0.1 else rng.choice([frt, frt / 2, float(int(frt))])
        handoff = "x" if rng.random() < 0.05 else None
        rows.append((brand, started, True, frt, business, handoff))
    con = duckdb.connect()
    con.execute("create table messages (created_at timestamptz)")
    con.execute("insert into messages values ($1)", [end])
    con.execute("create table conversations (brand text, started_at timestamptz, "
                "answered boolean, first_response_minutes double, "
                "first_response_business_minutes double, handoff_of text, "
                "customer_followers bigint)")
    con.executemany("insert into conversations values (?, ?, ?, ?, ?, ?, null)", rows)
    sql.execute_script(con, "etl/summary_sla_conversations")
    con.execute("create table config_sla (brand text, target_minutes double, "
                "is_primary boolean)")
    con.execute("insert into config_sla values (null, 60, true), ('Alpha', 45, true), "
                "('Alpha', 17.5, false)")
    con.execute("create table business_intervals (brand text, open_at timestamptz, "
                "close_at timestamptz, open_before_minutes double)")
    for brand, days in (("Alpha", 60), ("Beta", 20)):   # Beta's start after some starts
        for day in range(days):
            opens = end - dt.timedelta(days=days - day, hours=3)
            con.execute("insert into business_intervals values ($1, $2, $3, $4)",
                        [brand, opens, opens + dt.timedelta(hours=8), 480.0 * day])
    return con, end


def test_sla_curve_with_tied_and_whole_minute_times_equals_its_previous_text():
    con, end = _tied_times_db()
    direct = _direct("sla_curve")
    periods = [(end - dt.timedelta(days=60), end + dt.timedelta(seconds=1)),
               (end - dt.timedelta(days=3, hours=5, minutes=17), end - dt.timedelta(hours=2))]
    compared = 0
    for start, stop in periods:
        for brands in ([], ["Beta"]):
            for horizon in (None, 45.0, 17.5, 90.25):
                params = dict(brands=brands, start=start, end=stop, horizon_minutes=horizon)
                expected = con.execute(direct, params).df()
                for clock in ("both", "calendar", "business"):
                    got = sql.query(con, "metrics/sla_curve", dict(params, clock=clock))
                    wanted = expected
                    if clock != "both":
                        wanted = expected[expected["clock"] == clock].reset_index(drop=True)
                    _assert_same_curve(got, wanted)
                    compared += len(got)
    assert compared > 0
