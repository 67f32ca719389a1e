"""Time every dashboard query file on a published database, cold and warm, per scenario.

    python -m bench.pages DB OUT.json [--reruns 5]

Queries: every sql/metrics/*.sql, sql/dashboard/*.sql and sql/meta/*.sql present when it runs.
Scenarios (what a manager opens): all brands over the last 30 days of data, the busiest brand
over the last 30 days, and all brands over the dashboard's default period (last 90 days).
Cold = the first run on a fresh read-only connection (`etl.api.open_reader`, as the dashboard
opens one per published version); warm = the median of `reruns` reruns on that connection.
Pages: each module of dashboard/views (plus the shared sidebar, dashboard/filters.py) is charged
for every query file it names, directly or through a function of dashboard/views/common.py, once
per mention.
A page that binds a query otherwise than the sidebar's filters is charged for that binding
(PAGE_BINDINGS: the SLA page's heatmap asks for the one brand it draws, timed as
"<query> (one brand)"; the overview asks campaigns for no care columns, "<query> (no care)"),
and for a fallback query (FALLBACKS) only when the query it falls back from answered no rows.
A page's warm_ms is the sum of its queries' warm times (each alone); its concurrent_wall_ms is
the wall time of fetching them the way the page does, on one warm connection, median of
`reruns`: the queries it starts (`data.start`, or a dashboard/views/common.py function that
calls it) on WORKERS threads with a cursor each, in the page's order, one it starts only once
another's rows are in (STARTED_AFTER) when those are, and the ones it runs (`data.run`: the
sidebar's first) one after another on the page's own thread.
Runs in its own process so that its peak memory is the serving side's alone.
"""
from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import resource
import statistics
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import sql
from etl import api

ROOT = Path(__file__).resolve().parent.parent
GROUPS = ("meta", "metrics", "dashboard")
SIDEBAR = "dashboard/filters.py"
SHARED = "dashboard/views/common.py"

# Typical values of the filter parameters the pages bind (see dashboard/filters.py and pages);
# brands / start / end / brand / conversation_id are set per scenario.
TYPICAL = {
    "grain": "week",                # the overview and SLA pages draw weekly trends by default
    "sla_minutes": 60,
    "target_minutes": 60,
    "clock": "calendar",
    "answered": "any",
    "moved_to_dm": "any",
    "sentiment": "any",
    "sentiment_cut": 0.05,
    "campaign": "",
    "frt_above_minutes": None,
    "limit": 500,
    "horizon_minutes": None,
    "max_age_hours": 168,          # dashboard/views/sla.py STALE_HOURS
}


# (page, query) -> (label, the binding the page passes besides the sidebar's filters), checked
# against the pages' sources by tests/test_bench.py. "one brand": the chart shows one brand, the
# busiest by default (dashboard/views/common.py brand_choice), whatever the sidebar's brands;
# "no care": the overview's lift chart leaves campaigns' conversation columns uncomputed.
PAGE_BINDINGS = {
    ("sla", "metrics/heatmap"): ("one brand", "brands=[brand]"),
    ("overview", "metrics/campaigns"): ("no care", "care=False"),
}


# (page, query) -> the query whose empty answer makes the page run it: the SLA page reads the
# backlog from its summary (metrics/backlog_summary) and runs the full metric only when that
# answers nothing (a period the summary does not cover), so it is charged for the full one only
# then. Checked against the page's source by tests/test_bench.py.
FALLBACKS = {
    ("sla", "metrics/backlog"): "metrics/backlog_summary",
}


# (page, query) -> the query whose rows the page waits for before it starts this one: the SLA
# page's heatmap asks for the brand its selector shows, one of response_times' brands.
STARTED_AFTER = {
    ("sla", "metrics/heatmap"): "metrics/response_times",
}

WORKERS = 3        # queries a page's fetch runs at once: dashboard/data.py WORKERS (test_bench)


def query_names() -> list[str]:
    names = []
    for group in GROUPS:
        names += [f"{group}/{p.stem}" for p in sorted((sql.SQL_DIR / group).glob("*.sql"))]
    return names


def page_queries(names: list[str]) -> dict[str, list[str]]:
    """page module -> query files it runs (with repeats), in the order its source names them,
    found by reading the page sources."""
    return {page: [name for name, _ in used] for page, used in _page_sources(names).items()}


def page_starts(names: list[str]) -> dict[str, set[str]]:
    """page module -> the query files it starts (data.start) rather than runs in turn."""
    return {page: {name for name, started in used if started}
            for page, used in _page_sources(names).items()}


def _page_sources(names: list[str]) -> dict[str, list[tuple[str, bool]]]:
    """page module -> (query, whether it is started) for each query its source names, the
    shared sidebar's first, then the page's own in source order (a common.py function's where
    the page names the function)."""
    known = set(names)
    shared = _function_queries(ROOT / SHARED, known)
    pages = {}
    for path in sorted((ROOT / "dashboard" / "views").glob("*.py")):
        if path.name in ("__init__.py", "common.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = [(at, [used]) for at, used in _literals(tree, known)]
        found += [(_position(node), shared[node.attr]) for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and node.value.id == "common" and node.attr in shared]
        pages[path.stem] = [used for _, group in sorted(found) for used in group]
    sidebar = [used for _, used in _literals(
        ast.parse((ROOT / SIDEBAR).read_text(encoding="utf-8")), known)]
    return {page: sidebar + used for page, used in pages.items()}


def _function_queries(path: Path, known: set[str]) -> dict[str, list[tuple[str, bool]]]:
    if not path.exists():
        return {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: [used for _, used in _literals(node, known)] for node in tree.body
            if isinstance(node, ast.FunctionDef)}


def _literals(tree, known: set[str]) -> list[tuple[tuple[int, int], tuple[str, bool]]]:
    """(position, (query, started)) of the query names in `tree`, in source order, except as
    arguments of `available(...)` / `not_available(...)`, which only check that a file exists
    or name the missing one; started: the name is the first argument of a `start(...)` call."""
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute)]
    skip = {id(arg) for node in calls if node.func.attr in ("available", "not_available")
            for arg in node.args}
    started = {id(node.args[0]) for node in calls if node.func.attr == "start" and node.args}
    found = [(_position(node), (node.value, id(node) in started)) for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and node.value in known and id(node) not in skip]
    return sorted(found)


def _position(node) -> tuple[int, int]:
    return node.lineno, node.col_offset


def scenarios(db: Path) -> list[dict]:
    con = api.open_reader(db)
    try:
        brands = sql.query(con, "meta/brands")
        last = sql.query(con, "meta/date_range").iloc[0]["last_at"]
    finally:
        con.close()
    end = dt.datetime.combine(last.date() + dt.timedelta(days=1), dt.time(), dt.timezone.utc)
    busiest = str(brands.iloc[0]["brand"]) if len(brands) else None
    out = [
        dict(name="all brands, last 30 days", brands=[], days=30),
        dict(name=f"one brand ({busiest}), last 30 days", brands=[busiest] if busiest else [],
             days=30),
        dict(name="all brands, last 90 days (dashboard default)", brands=[], days=90),
    ]
    for s in out:
        s["params"] = dict(TYPICAL, brands=s["brands"], brand=busiest,
                           start=end - dt.timedelta(days=s["days"]), end=end)
    return out


def pick_conversation(db: Path, params: dict) -> str | None:
    """The newest conversation the conversation list shows: what a manager clicks first."""
    if "dashboard/conversations" not in query_names():
        return None
    con = api.open_reader(db)
    try:
        wanted = sql.params_of(sql.text("dashboard/conversations"))
        if not wanted <= params.keys():
            return None
        rows = sql.query(con, "dashboard/conversations", params)
        return str(rows.iloc[0]["conversation_id"]) if len(rows) else None
    finally:
        con.close()


def time_query(db: Path, name: str, params: dict, reruns: int) -> dict:
    text = sql.text(name)
    # a parameter the file declares a default for is bound with it (sql.bind), as the pages do
    missing = sorted(sql.params_of(text) - params.keys() - sql.defaults_of(text).keys())
    if missing:
        return dict(query=name, skipped=f"no typical value for ${', $'.join(missing)}")
    began = time.perf_counter()
    con = api.open_reader(db)
    opened = time.perf_counter() - began
    try:
        cold, rows = _timed(con, name, params)
        warm = [_timed(con, name, params)[0] for _ in range(reruns)]
    finally:
        con.close()
    return dict(query=name, rows=rows, open_ms=_ms(opened), cold_ms=_ms(cold),
                warm_ms=_ms(statistics.median(warm)), warm_runs_ms=[_ms(w) for w in warm])


def _timed(con, name: str, params: dict) -> tuple[float, int]:
    began = time.perf_counter()
    frame = sql.query(con, name, params)
    return time.perf_counter() - began, len(frame)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def measure(db: Path, reruns: int = 5, limit: int | None = None) -> dict:
    names = query_names()
    pages = page_queries(names)
    starts = page_starts(names)
    results = []
    for scenario in scenarios(db)[:limit]:
        params = scenario["params"]
        params["conversation_id"] = pick_conversation(db, params)
        timings = {name: time_query(db, name, params, reruns) for name in names}
        pages_run, variants = _page_bindings(pages, params)
        for label, (name, bound) in variants.items():
            timings[label] = dict(time_query(db, name, bound, reruns), query=label)
        pages_run = _without_unneeded_fallbacks(pages_run, timings)
        page_totals = {
            page: dict(
                queries=used,
                warm_ms=round(sum(timings[q].get("warm_ms", 0) for q in used), 1),
                cold_ms=round(sum(timings[q].get("cold_ms", 0) for q in used), 1),
                **time_page_fetch(db, page, _fetch_jobs(used, variants, params, timings),
                                  starts[page], reruns),
            )
            for page, used in pages_run.items()
        }
        results.append(dict(scenario=scenario["name"], queries=list(timings.values()),
                            pages=page_totals))
    return dict(db=str(db), reruns=reruns, scenarios=results)


def _fetch_jobs(used: list[str], variants: dict, params: dict, timings: dict) -> list:
    """(label, query, parameters) of a page's timed queries, in its order."""
    jobs = []
    for label in used:
        name, bound = variants.get(label, (label, params))
        if "warm_ms" in timings[label]:
            jobs.append((label, name, bound))
    return jobs


def time_page_fetch(db: Path, page: str, jobs: list, started: set[str], reruns: int) -> dict:
    """The page's queries fetched as the page fetches them (see the module's doc), on one
    read-only connection: the first fetch warms it, then the median wall (and process CPU) of
    `reruns` fetches."""
    con = api.open_reader(db)
    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            _fetch_page(con, pool, page, jobs, started)
            runs = [_fetch_page(con, pool, page, jobs, started) for _ in range(reruns)]
    finally:
        con.close()
    return dict(concurrent_wall_ms=_ms(statistics.median(w for w, _ in runs)),
                concurrent_cpu_ms=_ms(statistics.median(c for _, c in runs)),
                concurrent_runs_ms=[_ms(w) for w, _ in runs])


def _fetch_page(con, pool, page: str, jobs: list, started: set[str]) -> tuple[float, float]:
    cpu, began = _cpu(), time.perf_counter()
    futures: dict[str, Future] = {}
    for label, name, params in jobs:
        after = STARTED_AFTER.get((page, name))
        if name not in started:
            _on_cursor(con, name, params)
        elif after in futures:
            futures[label] = _start_after(pool, futures[after], con, name, params)
        else:
            futures[label] = pool.submit(_on_cursor, con, name, params)
    for future in futures.values():
        future.result()
    return time.perf_counter() - began, _cpu() - cpu


def _start_after(pool, before: Future, con, name: str, params: dict) -> Future:
    """A future of `name`'s rows, started on `pool` once `before` is done."""
    out: Future = Future()

    def chain(done: Future) -> None:
        if done.exception() is not None:
            out.set_exception(done.exception())
            return
        inner = pool.submit(_on_cursor, con, name, params)
        inner.add_done_callback(lambda f: out.set_exception(f.exception()) if f.exception()
                                else out.set_result(f.result()))

    before.add_done_callback(chain)
    return out


def _on_cursor(con, name: str, params: dict) -> int:
    cursor = con.cursor()
    try:
        return len(sql.query(cursor, name, params))
    finally:
        cursor.close()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _page_bindings(pages: dict[str, list[str]], params: dict):
    """Each page's query list with PAGE_BINDINGS' variants named "<query> (<label>)", and those
    variants' (query, parameters). A one-brand binding in a one-brand scenario is the plain
    timing (the same parameters)."""
    variants = {}
    renamed = {}
    for page, used in pages.items():
        renamed[page] = []
        for name in used:
            label, _ = PAGE_BINDINGS.get((page, name), (None, None))
            if label == "one brand" and (params["brands"] or not params.get("brand")):
                label = None
            if label is None:
                renamed[page].append(name)
                continue
            extra = dict(brands=[params["brand"]]) if label == "one brand" else dict(care=False)
            variants[f"{name} ({label})"] = (name, dict(params, **extra))
            renamed[page].append(f"{name} ({label})")
    return renamed, variants


def _without_unneeded_fallbacks(pages: dict[str, list[str]], timings: dict) -> dict:
    """Each page's query list without the FALLBACKS it does not run in this scenario (the query
    before them answered rows)."""
    kept = {}
    for page, used in pages.items():
        kept[page] = [name for name in used
                      if (page, name) not in FALLBACKS
                      or timings[FALLBACKS[page, name]].get("rows", 0) == 0]
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db")
    parser.add_argument("out")
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--scenarios", type=int, help="only the first N scenarios")
    args = parser.parse_args(argv)
    result = measure(Path(args.db), args.reruns, args.scenarios)
    Path(args.out).write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
