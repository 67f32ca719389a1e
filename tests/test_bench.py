"""bench.run at a tiny size: it runs end to end and its data is what it claims (no timings)."""
import csv
import json
import re

import pytest

from bench import pages, run


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    code = run.main(["--rows", "4000", "--no-curve", "--repeat", "1", "--reruns", "1",
                     "--page-scenarios", "1", "--out", str(out)])
    assert code == 0
    return json.loads((out / "results.json").read_text())


def _ids(path, column):
    with open(path, newline="", encoding="utf-8") as fh:
        return [row[column] for row in csv.DictReader(fh)]


def test_the_report_carries_the_machine_speed_before_and_after(report):
    probes = report["machine"]["speed_probe_cpu_s"]
    assert len(probes) == 2 and all(p > 0 for p in probes)


def test_the_next_day_continues_the_base_file(report):
    data = report["sizes"][0]["dataset"]
    assert data["base_rows"] + data["day_rows"] == data["generated_rows"]
    assert data["base_rows"] > 3000 and data["day_rows"] > 0
    base_ids = set(_ids(data["base"], "tweet_id"))
    day_ids = set(_ids(data["day"], "tweet_id"))
    assert not base_ids & day_ids                              # new ids only
    assert data["day_replies_to_base"] > 0                     # replies to earlier tweets too
    parents = set(_ids(data["day"], "in_response_to_tweet_id"))
    assert len(parents & base_ids) > 0
    # base.csv is a snapshot at the cut: it never names a reply that only exists later
    named = {i for ids in _ids(data["base"], "response_tweet_id") for i in ids.split(",") if i}
    assert named <= base_ids


def test_every_step_ran_and_reconciles(report):
    size = report["sizes"][0]
    data = size["dataset"]
    assert size["floor"]["records"] == data["base_rows"]
    (loaded,) = size["load"]["summary"]
    assert loaded["rows_read"] == loaded["rows_loaded"] == data["base_rows"]
    (day,) = size["incremental"]["summary"]
    assert day["rows_read"] == day["rows_loaded"] == data["day_rows"]
    assert size["load"]["peak_rss_mib"] > 0 and size["incremental"]["peak_rss_mib"] > 0
    assert size["ratios"]["load_over_scan"] > 0


def test_every_dashboard_query_is_timed_or_says_why_not(report):
    scenarios = report["sizes"][0]["pages"]["scenarios"]
    assert scenarios[0]["scenario"] == "all brands, last 30 days"
    for s in scenarios:
        names = {q["query"] for q in s["queries"]}
        assert {"meta/brands", "meta/date_range"} <= names
        for q in s["queries"]:
            assert ("warm_ms" in q and q["rows"] >= 0) or q["skipped"].startswith("no typical")
        assert "overview" in s["pages"]
        for page in s["pages"].values():      # also timed fetched the way the page fetches
            assert page["concurrent_wall_ms"] > 0 and len(page["concurrent_runs_ms"]) == 1


def test_a_page_asking_for_one_brand_is_charged_for_that_one(report):
    (all_brands,) = report["sizes"][0]["pages"]["scenarios"]
    sla = all_brands["pages"]["sla"]["queries"]
    assert "metrics/heatmap (one brand)" in sla and "metrics/heatmap" not in sla
    timed = {q["query"]: q for q in all_brands["queries"]}
    assert timed["metrics/heatmap (one brand)"]["rows"] == 168     # one brand's hours of week
    assert timed["metrics/heatmap"]["rows"] > 168                  # every brand's, for other use
    overview = all_brands["pages"]["overview"]["queries"]
    assert "metrics/campaigns (no care)" in overview and "metrics/campaigns" not in overview
    assert "metrics/campaigns" in all_brands["pages"]["campaigns"]["queries"]
    assert "warm_ms" in timed["metrics/campaigns"]                # its defaulted $care bound


def test_the_pages_still_bind_what_the_bench_charges_them_for():
    sources = {"sla": "dashboard/views/sla.py", "overview": "dashboard/views/common.py"}
    for (page, query), (_, binding) in pages.PAGE_BINDINGS.items():
        source = (pages.ROOT / sources[page]).read_text(encoding="utf-8")
        calls = [line for line in source.splitlines() if f'"{query}"' in line]
        assert calls and any(binding in line for line in calls), (page, query, binding)


def test_the_sla_page_is_charged_for_the_full_backlog_only_when_its_summary_is_empty(report):
    (all_brands,) = report["sizes"][0]["pages"]["scenarios"]
    sla = all_brands["pages"]["sla"]["queries"]
    timed = {q["query"]: q for q in all_brands["queries"]}
    assert "metrics/backlog_summary" in sla
    assert timed["metrics/backlog_summary"]["rows"] > 0          # the summary covers 30 days
    assert "metrics/backlog" not in sla
    assert timed["metrics/backlog"]["rows"] == timed["metrics/backlog_summary"]["rows"]
    pages_run = pages._without_unneeded_fallbacks(
        {"sla": ["metrics/backlog_summary", "metrics/backlog"]},
        {"metrics/backlog_summary": dict(rows=0)})
    assert pages_run == {"sla": ["metrics/backlog_summary", "metrics/backlog"]}


def test_the_bench_starts_what_the_pages_start_and_waits_where_they_wait():
    names = pages.query_names()
    starts = pages.page_starts(names)
    assert {"metrics/sla_curve", "metrics/response_times", "metrics/heatmap",
            "metrics/agents"} <= starts["sla"]
    assert "meta/brands" not in starts["sla"]                  # the sidebar runs its own
    assert "dashboard/overview_headline" in starts["overview"]
    assert not starts["conversations"]
    for (page, query), after in pages.STARTED_AFTER.items():
        source = (pages.ROOT / "dashboard" / "views" / f"{page}.py").read_text(encoding="utf-8")
        assert query in starts[page] and after in starts[page]
        # the page reads the rows of `after` before it starts `query`
        assert source.index(f'"{after}"') < source.index(f'data.start("{query}"')


def test_the_pages_still_fall_back_where_the_bench_charges_them_for_it():
    for (page, query), first in pages.FALLBACKS.items():
        source = (pages.ROOT / "dashboard" / "views" / f"{page}.py").read_text(encoding="utf-8")
        asked = source.index(f'"{first}"')
        falls_back = source.index(f'"{query}"', asked)
        assert "frame.empty" in source[asked:falls_back], (page, query)


def test_sql_timings_are_logged_per_statement_when_asked(monkeypatch, capsys):
    import duckdb

    import sql

    con = duckdb.connect()
    monkeypatch.delenv(sql.TIMINGS_ENV, raising=False)
    sql.execute_script(con, "etl/schema")
    assert "sql-timing" not in capsys.readouterr().err
    monkeypatch.setenv(sql.TIMINGS_ENV, "1")
    sql.execute_script(con, "etl/schema")
    lines = [l for l in capsys.readouterr().err.splitlines() if l.startswith("sql-timing")]
    assert len(lines) == len(sql.split_statements(sql.text("etl/schema")))
    assert re.search(r"etl/schema#1 @[\d.]+-[\d.]+ \[MainThread\] create table if not exists",
                     lines[0])
    # bench.run's parse of the lines still finds each statement's wall and CPU seconds
    assert [name for _, _, name in run._TIMING.findall("\n".join(lines))][:2] == [
        "etl/schema#1", "etl/schema#2"]
    # and the bookkeeping queries (sql.rows / sql.one), which gaps in the timeline once hid
    assert sql.one(con, "etl/current_database")["name"] == "memory"
    lines = [l for l in capsys.readouterr().err.splitlines() if l.startswith("sql-timing")]
    assert len(lines) == 1 and " etl/current_database#1 @" in lines[0]
