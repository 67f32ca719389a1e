"""dashboard/data.py's concurrent fetch (data.start) on the demo database: the same frames as
data.run one after another, queries started together really run at the same time (at most
data.WORKERS), and a failing query's error comes out as data.run's would, one message on the
page."""
from __future__ import annotations

import datetime as dt
import threading

import duckdb
import pandas as pd
import pytest

import sql
from bench import pages
from dashboard import data
from tests.test_dashboard_support import clear_caches, demo_database, open_page

PERIOD = {"from": "2026-08-15", "to": "2026-10-15"}


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return demo_database(tmp_path_factory.mktemp("dashboard_data_demo"))


@pytest.fixture
def demo(demo_db, monkeypatch):
    monkeypatch.setenv("CAREPULSE_DB", str(demo_db))
    return demo_db


def _page_calls(db, page: str) -> list[tuple[str, dict]]:
    """(query, parameters) of every query `page` starts, bound as bench.pages binds them (the
    sidebar's filters in bench.pages' scenarios, the page's own bindings)."""
    names = pages.query_names()
    started = pages.page_starts(names)[page]
    calls = []
    for scenario in pages.scenarios(db):
        params = dict(scenario["params"], conversation_id=None)
        used, variants = pages._page_bindings(pages.page_queries(names), params)
        for label in used[page]:
            name, bound = variants.get(label, (label, params))
            if name in started:
                calls.append((name, bound))
    return calls


@pytest.mark.parametrize("page", ["sla", "overview", "channels", "reputation"])
def test_started_queries_give_the_frames_run_gives(demo, page, monkeypatch):
    calls = _page_calls(demo, page)
    assert len(calls) >= 2 * 3                         # several queries in each scenario
    futures = [data.start(name, **params) for name, params in calls]
    concurrent = [future.result() for future in futures]
    clear_caches()
    one_by_one = [data.run(name, **params) for name, params in calls]
    assert sum(len(frame) for frame in one_by_one) > 0
    for (name, _), got, expected in zip(calls, concurrent, one_by_one):
        pd.testing.assert_frame_equal(got, expected, obj=name)
    # started again: served from the cache (no SQL runs), still the same frames
    ran = []
    real_query = sql.query

    def counting(con, name, params=None):
        ran.append(name)
        return real_query(con, name, params)

    monkeypatch.setattr(sql, "query", counting)
    cached = [data.start(name, **params).result() for name, params in calls]
    assert ran == []
    for (name, _), got, expected in zip(calls, cached, one_by_one):
        pd.testing.assert_frame_equal(got, expected, obj=name)


def test_started_queries_run_at_the_same_time_at_most_workers_at_once(demo, monkeypatch):
    running, most = [0], [0]
    lock = threading.Lock()
    # the first WORKERS queries wait for each other here: with fewer running at once the
    # barrier breaks (after its timeout, a guard against hanging) and their futures raise
    together = threading.Barrier(data.WORKERS, timeout=20)
    real_query = sql.query

    def watched(con, name, params=None):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            if name in waiting:
                together.wait()
            return real_query(con, name, params)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(sql, "query", watched)
    names = ["metrics/response_times", "metrics/agents", "metrics/influence",
             "metrics/daily_volume", "metrics/channels"]
    waiting = set(names[:data.WORKERS])
    futures = [data.start(name, **_params()) for name in names]
    frames = [future.result() for future in futures]
    assert all(len(frame) > 0 for frame in frames)
    assert most[0] == data.WORKERS


def test_a_failing_started_query_raises_what_run_raises(demo, monkeypatch):
    real_query = sql.query

    def failing(con, name, params=None):
        if name == "metrics/agents":
            raise duckdb.CatalogException("Catalog Error: Table with name reply_pairs does "
                                          "not exist!")
        return real_query(con, name, params)

    monkeypatch.setattr(sql, "query", failing)
    with pytest.raises(duckdb.CatalogException, match="reply_pairs") as sequential:
        data.run("metrics/agents", **_params())
    clear_caches()
    good = data.start("metrics/response_times", **_params())
    bad = data.start("metrics/agents", **_params())
    with pytest.raises(duckdb.CatalogException, match="reply_pairs") as concurrent:
        bad.result()
    assert str(concurrent.value) == str(sequential.value)
    assert len(good.result()) > 0                       # the others are not disturbed


def test_a_failing_query_shows_one_message_on_the_page(demo, monkeypatch):
    real_query = sql.query

    def failing(con, name, params=None):
        if name == "metrics/influence":
            raise duckdb.CatalogException("Catalog Error: Table with name no_such_table "
                                          "does not exist!")
        return real_query(con, name, params)

    monkeypatch.setattr(sql, "query", failing)
    at = open_page("sla", PERIOD)
    assert len(at.exception) == 1
    assert "no_such_table" in at.exception[0].message
    assert "lock" not in at.exception[0].message.lower()
    assert at.title[0].value                            # the page drew up to the failing part
    assert at.get("plotly_chart")


def test_the_bench_fetches_as_many_at_once_as_the_dashboard():
    assert pages.WORKERS == data.WORKERS


def _params() -> dict:
    utc = dt.timezone.utc
    return {"brands": [], "start": dt.datetime(2026, 8, 15, tzinfo=utc),
            "end": dt.datetime(2026, 10, 16, tzinfo=utc), "clock": "calendar"}
