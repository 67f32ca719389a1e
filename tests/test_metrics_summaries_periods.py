"""summary_overview_periods (sql/etl/summary_overview_periods.sql) and the metrics that read it
(response_trend, daily_volume): each metric = its direct computation over conversations, its
text before it read the summary (tests/reference_sql/*_direct.sql), compared exactly, on real
twcs rows and on a demo database (business clocks, DMs, handoffs, configured targets), for whole
days and weeks, periods whose edges cut hours, days and weeks, bounds before 1970, one brand,
several and all, every target kind (one of the four the summary counts, another, the
configured one). summary_campaigns_cut_hours = the messages of each event window's cut hours
counted straight from messages (metrics/campaigns = its direct computation is checked by
tests/test_metrics_summaries_backlog.py). The refreshes after an incremental load (by week, by
hour) are checked against a full rebuild by tests/test_bench_incremental.py and
tests/test_derive_incremental_scope.py."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import sql
from tests.test_metrics_summaries import (REFERENCE_SQL, UTC, _brand_sets, _periods, _reader,
                                          demo_db, real_db)

__all__ = ["demo_db", "real_db"]     # module fixtures shared with test_metrics_summaries


def _bounds(con) -> list[tuple[dt.datetime, dt.datetime]]:
    """_periods' cases, plus weeks cut on both sides, whole weeks, a period inside one week and
    one starting before 1970."""
    first, last = con.execute("select min(started_at), max(started_at) from conversations"
                              ).fetchone()
    monday = dt.datetime.combine(first.date(), dt.time(), UTC)
    monday += dt.timedelta(days=(7 - monday.weekday()) % 7)
    return _periods(con) + [
        (first, last),                                       # inside hours on both ends
        (monday, monday + dt.timedelta(days=14)),            # two whole weeks
        (monday + dt.timedelta(days=2), monday + dt.timedelta(days=12)),   # cuts two weeks
        (monday + dt.timedelta(days=1), monday + dt.timedelta(days=3)),    # inside one week
        (dt.datetime(1969, 12, 30, 23, tzinfo=UTC), last + dt.timedelta(days=1)),
        (first - dt.timedelta(days=400), first - dt.timedelta(days=399)),  # no data
    ]


def _used(text: str, params: dict) -> dict:
    return {name: value for name, value in params.items() if name in sql.params_of(text)}


def _compare(con, metric: str, params: dict) -> int:
    direct = (REFERENCE_SQL / f"{metric}_direct.sql").read_text(encoding="utf-8")
    got = sql.query(con, f"metrics/{metric}", params)
    expected = con.execute(direct, _used(direct, params)).df()
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=True)
    return len(got)


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_response_trend_equals_its_direct_computation(which, request):
    con = _reader(request.getfixturevalue(which))
    compared = 0
    for start, end in _bounds(con):
        for brands in _brand_sets(con) + [["no such brand"]]:
            for grain in ("day", "week"):
                for target in (60, 1440, 17.5, None):
                    compared += _compare(con, "response_trend", dict(
                        brands=brands, start=start, end=end, grain=grain,
                        target_minutes=target))
    assert compared > 0


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_daily_volume_equals_its_direct_computation(which, request):
    con = _reader(request.getfixturevalue(which))
    compared = 0
    for start, end in _bounds(con):
        for brands in _brand_sets(con) + [["no such brand"]]:
            compared += _compare(con, "daily_volume", dict(brands=brands, start=start, end=end))
    assert compared > 0


@pytest.fixture(scope="module")
def odd_targets_db(tmp_path_factory):
    """Real twcs rows with configured SLA targets the summary does not count (30 minutes for
    all brands, 45 for the busiest)."""
    from etl.cli import main
    from tests.conftest import TWCS_5000, shared
    from tests.test_metrics import write_config

    out = tmp_path_factory.mktemp("summaries_odd_targets")
    config = write_config(out / "odd.toml", "[sla]\ntarget_minutes = 30\n"
                          "[brands.AppleSupport.sla]\ntarget_minutes = 45\n")
    db = out / "odd.duckdb"
    assert main(["load", "twcs", str(shared(TWCS_5000)), "--db", str(db),
                 "--config", str(config)]) == 0
    return db


def test_response_trend_with_other_configured_targets_reads_conversations(odd_targets_db):
    """Brands whose configured target is not one the summary counts still get exact shares:
    all their periods are computed from conversations."""
    con = _reader(odd_targets_db)
    compared, targets = 0, set()
    for start, end in _bounds(con):
        for brands in _brand_sets(con):
            for grain in ("day", "week"):
                params = dict(brands=brands, start=start, end=end, grain=grain,
                              target_minutes=None)
                compared += _compare(con, "response_trend", params)
                got = sql.query(con, "metrics/response_trend", params)
                targets |= set(got["target_minutes"])
    assert compared > 0
    assert targets == {30.0, 45.0}


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_campaign_cut_hours_are_the_messages_of_each_cut_window_hour(which, request):
    """summary_campaigns_cut_hours = the customer messages of each event window's cut hours,
    counted straight from messages (metrics/campaigns adds them to the whole hours)."""
    con = _reader(request.getfixturevalue(which))
    expected = con.execute("""
        with windows as (
            select event_id, brand, 'during' as period, 0 as shift, starts_at as lo,
                ends_at as hi
            from events
            union all
            select event_id, brand, 'baseline', k,
                starts_at - to_weeks(k * greatest(1, ceil(epoch(ends_at - starts_at)
                                                           / 604800))::bigint),
                ends_at - to_weeks(k * greatest(1, ceil(epoch(ends_at - starts_at)
                                                         / 604800))::bigint)
            from events, (select unnest([1, 2]) as k)
        )
        select windows.event_id, windows.period, windows.shift, messages.brand,
            date_trunc('hour', messages.created_at) as hour, count(*) as inbound
        from windows
        join messages
          on messages.created_at >= windows.lo and messages.created_at < windows.hi
         and (windows.brand is null or messages.brand = windows.brand)
        where messages.direction = 'inbound' and messages.brand is not null
          and (date_trunc('hour', messages.created_at) < windows.lo
               or date_trunc('hour', messages.created_at) + interval 1 hour > windows.hi)
        group by all
        order by all""").fetchall()
    got = con.execute("select event_id, period, shift, brand, hour, inbound "
                      "from summary_campaigns_cut_hours order by all").fetchall()
    assert got == expected
    if which == "demo_db":
        assert got, "the demo calendar has events starting or ending inside an hour"
