"""sql.query's parsed statements (sql._PARSED, one per query text, shared by every connection and
thread) used by several threads at once, as Streamlit sessions do: each thread on its own cursor
of one read-only connection runs the SLA page's queries, starting from an empty cache so that the
threads parse and share the statements concurrently; every frame equals the query text's frame
from a single thread, and no run raises."""
from __future__ import annotations

import threading

import pandas as pd

import sql
from etl import api
from tests.test_metrics_summaries import _periods, demo_db

__all__ = ["demo_db"]   # module fixture shared with test_metrics_summaries

THREADS = 8
ROUNDS = 3
SLA_PAGE_QUERIES = ["meta/date_range", "meta/brands", "metrics/response_times",
                    "metrics/sla_curve", "metrics/heatmap", "metrics/backlog_summary",
                    "metrics/backlog", "metrics/agents", "metrics/influence",
                    "metrics/response_trend"]


def _sla_page_params(con) -> list[dict]:
    start, end = _periods(con)[2]
    busiest = str(sql.query(con, "meta/brands").iloc[0]["brand"])
    base = dict(start=start, end=end, grain="week", sla_minutes=60, target_minutes=60,
                max_age_hours=168, horizon_minutes=None, brand=busiest)
    return [dict(base, brands=[], clock="calendar"),
            dict(base, brands=[busiest], clock="business")]


def test_threads_sharing_parsed_statements_get_the_single_thread_frames(demo_db, monkeypatch):
    con = api.open_reader(demo_db)
    try:
        jobs = [(name, i) for i, _ in enumerate(_sla_page_params(con)) for name in SLA_PAGE_QUERIES]
        params = _sla_page_params(con)
        expected = {}
        for name, i in jobs:
            text, bound = sql.bind(name, params[i])
            expected[name, i] = con.execute(text, bound).df()
        monkeypatch.setattr(sql, "_PARSED", {})
        failures = []
        start_together = threading.Barrier(THREADS)

        def run(offset: int) -> None:
            cursor = con.cursor()
            start_together.wait()
            try:
                for _ in range(ROUNDS):
                    for name, i in jobs[offset:] + jobs[:offset]:
                        try:
                            pd.testing.assert_frame_equal(sql.query(cursor, name, params[i]),
                                                          expected[name, i], check_exact=True)
                        except Exception as error:   # noqa: BLE001 - reported below
                            failures.append((name, i, repr(error)[:300]))
            finally:
                cursor.close()

        threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        con.close()
    assert failures == []
    assert len(sql._PARSED) == len(SLA_PAGE_QUERIES)
