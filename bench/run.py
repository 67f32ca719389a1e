"""The performance benchmark: figures and ratios for the ETL and the dashboard queries.

    python -m bench.run [--rows N ...] [--out DIR] [--repeat K] [--seed S] [--reuse] [--keep]

For each size (default 2.8M rows, the size of the public data set; `--rows` repeats; a 0.3M
point is always added for the cost curve unless --no-curve):

1. generate a twcs file with the project's generator (etl.demo) plus the next day (bench.dataset)
2. floor: DuckDB counting the records of the same file, and parsing it into a table
3. load: `carepulse load twcs` of the file into a new database, in a child process (wall time,
   peak RSS of that process); sentiment is timed on top when the loader leaves it unscored
4. incremental: `carepulse load twcs` of the next day into a copy of that database
5. pages: every dashboard query, cold and warm, on the loaded database (bench.pages)

Timings are medians of --repeat runs; the 1-minute load average is reported beside each figure
(other work on the machine slows every figure). Results go to DIR/results.json and the console.
Data lives in DIR (default bench/out, git-ignored); files of sizes >= 10M rows are deleted after
use unless --keep.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from bench import dataset, proc, queries, steps, targets

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROWS = 2_800_000
CURVE_ROWS = 300_000
BIG = 10_000_000


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = sorted(set(args.rows or [DEFAULT_ROWS]) | (set() if args.no_curve else {CURVE_ROWS}))
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    report = dict(machine=machine(), started=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                  repeat=args.repeat, sizes=[])
    # the machine's speed moves by up to 2x from hour to hour: measured before and after
    report["machine"]["speed_probe_cpu_s"] = [targets.speed_probe()]
    for rows in sizes:
        print(f"\n== {rows:,} rows", flush=True)
        report["sizes"].append(bench_size(rows, out / f"rows_{rows}", args))
        (out / "results.json").write_text(json.dumps(report, indent=2, default=str))
        # each size also on its own, so runs of different sizes can be combined later
        (out / f"result_{rows}.json").write_text(
            json.dumps(dict(report, sizes=report["sizes"][-1:]), indent=2, default=str))
    report["machine"]["speed_probe_cpu_s"].append(targets.speed_probe())
    (out / "results.json").write_text(json.dumps(report, indent=2, default=str))
    print_report(report)
    print(f"\nfull results: {out / 'results.json'}")
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, action="append",
                   help=f"rows of the first load (repeatable; default {DEFAULT_ROWS:,})")
    p.add_argument("--out", default=str(ROOT / "bench" / "out"), help="data and results folder")
    p.add_argument("--repeat", type=int, default=3, help="runs per timing (median; default 3)")
    p.add_argument("--reruns", type=int, default=5, help="warm reruns per page query (default 5)")
    p.add_argument("--seed", type=int, default=2017)
    p.add_argument("--reuse", action="store_true", help="reuse generated files already in --out")
    p.add_argument("--keep", action="store_true", help="keep the files of sizes >= 10M rows")
    p.add_argument("--no-curve", action="store_true", help=f"skip the {CURVE_ROWS:,}-row point")
    p.add_argument("--skip-pages", action="store_true", help="skip the dashboard queries")
    p.add_argument("--page-scenarios", type=int, help="only the first N page scenarios")
    return p.parse_args(argv)


def machine() -> dict:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return dict(cpus=os.cpu_count(), python=platform.python_version(), duckdb=duckdb.__version__,
                memory_gib=round(memory / 2**30, 1))


def bench_size(rows: int, folder: Path, args) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    data = get_dataset(rows, folder, args)
    print(f"generated {data.generated_rows:,} rows in {data.generate_seconds:.1f}s "
          f"({data.generate_rows_per_s:,.0f} rows/s); base {data.base_rows:,}, "
          f"next day {data.day_rows:,}", flush=True)
    result = dict(rows=rows, dataset=data.as_dict())
    result["floor"] = floor(Path(data.base), args.repeat)
    print(f"floor: scan {result['floor']['scan_s']:.2f}s, parse {result['floor']['parse_s']:.2f}s",
          flush=True)
    serving = folder / "serving.duckdb"
    result["load"] = full_load(data, serving, folder, args.repeat)
    print(f"load: {result['load']['median_seconds']:.2f}s, peak RSS "
          f"{result['load']['peak_rss_mib']:,.0f} MiB", flush=True)
    result["sentiment"] = sentiment_on_top(serving, folder)
    result["incremental"] = incremental(data, serving, folder, args.repeat)
    print(f"incremental day: {result['incremental']['median_seconds']:.2f}s", flush=True)
    if not args.skip_pages:
        result["pages"] = pages(serving, folder, args.reruns, args.page_scenarios)
    result["ratios"] = ratios(result)
    if rows >= BIG and not args.keep:
        for path in folder.glob("*"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return result


def get_dataset(rows: int, folder: Path, args) -> dataset.Dataset:
    saved = folder / "dataset.json"
    if args.reuse and saved.exists():
        known = json.loads(saved.read_text())
        same = known["rows"] == rows and known.get("seed") == args.seed
        if same and Path(known["base"]).exists():
            known.pop("seed")
            return dataset.Dataset(**known)
    data = dataset.make(folder, rows, args.seed)
    saved.write_text(json.dumps(dict(data.as_dict(), seed=args.seed)))
    return data


def floor(path: Path, repeat: int) -> dict:
    """DuckDB alone on the same file: count the records, then parse every field into a table."""
    scans, parses, load_avg = [], [], proc.load_average()
    for _ in range(repeat):
        con = duckdb.connect()
        con.execute("set enable_progress_bar = false")
        try:
            began = time.perf_counter()
            records = queries.rows(con, "floor_scan", {"path": str(path)})[0][0]
            scans.append(time.perf_counter() - began)
            began = time.perf_counter()
            queries.rows(con, "floor_parse", {"path": str(path)})
            parses.append(time.perf_counter() - began)
        finally:
            con.close()
    return dict(records=records, scan_s=round(statistics.median(scans), 3),
                parse_s=round(statistics.median(parses), 3), scan_runs=_r(scans),
                parse_runs=_r(parses), load_before=load_avg)


def full_load(data: dataset.Dataset, serving: Path, folder: Path, repeat: int) -> dict:
    runs = []
    for i in range(repeat):
        _remove_db(serving)
        m = proc.check(_carepulse_load(serving, data.base, data.config, folder / f"load_{i}"),
                       "carepulse load twcs")
        summary = json.loads(m.stdout)
        runs.append(m)
    result = proc.median_of(runs)
    result["summary"] = summary
    result["db_bytes"] = serving.stat().st_size
    result["derive_mode"] = steps.derive_mode(serving)
    result["top_statements"] = top_statements(runs)
    return result


def sentiment_on_top(serving: Path, folder: Path) -> dict:
    """The loader scores sentiment itself once wired; until then, time the scorer separately."""
    left = json.loads(proc.check(proc.python("bench.steps", "unscored", serving,
                                             log=folder / "unscored"), "unscored").stdout)
    if not left["unscored"]:
        return dict(included_in_load=True, seconds=0.0)
    copy = folder / "sentiment.duckdb"
    _remove_db(copy)
    shutil.copyfile(serving, copy)
    m = proc.python("bench.steps", "sentiment", copy, log=folder / "sentiment")
    _remove_db(copy)
    if m.returncode != 0:
        return dict(included_in_load=False, unscored=left["unscored"], error=m.stderr[-500:])
    return dict(m.as_dict(), included_in_load=False, unscored=left["unscored"],
                step=json.loads(m.stdout))


def incremental(data: dataset.Dataset, serving: Path, folder: Path, repeat: int) -> dict:
    runs, target = [], folder / "incremental.duckdb"
    for i in range(repeat):
        _remove_db(target)
        shutil.copyfile(serving, target)
        m = proc.check(_carepulse_load(target, data.day, data.config, folder / f"day_{i}"),
                       "carepulse load twcs (next day)")
        summary = json.loads(m.stdout)
        runs.append(m)
        mode = steps.derive_mode(target)
    _remove_db(target)
    return dict(proc.median_of(runs), summary=summary, derive_mode=mode,
                top_statements=top_statements(runs))


def pages(serving: Path, folder: Path, reruns: int, scenarios: int | None) -> dict:
    out = folder / "pages.json"
    extra = ["--scenarios", scenarios] if scenarios else []
    m = proc.check(proc.python("bench.pages", serving, out, "--reruns", reruns, *extra,
                               log=folder / "pages"), "bench.pages")
    return dict(json.loads(out.read_text()), peak_rss_mib=m.peak_rss_mib,
                load_before=m.load_before)


def ratios(result: dict) -> dict:
    load = result["load"]["median_seconds"]
    sentiment = result["sentiment"].get("seconds", 0.0) or 0.0
    rows = result["dataset"]["base_rows"]
    return dict(
        load_over_scan=round(load / result["floor"]["scan_s"], 1),
        load_over_parse=round(load / result["floor"]["parse_s"], 1),
        load_rows_per_s=round(rows / load),
        load_with_sentiment_s=round(load + sentiment, 2),
        scan_rows_per_s=round(rows / result["floor"]["scan_s"]),
        incremental_over_load=round(result["incremental"]["median_seconds"] / load, 3),
    )


def _carepulse_load(db: Path, csv: str, config: str, log: Path) -> proc.Measured:
    return proc.python("etl.cli", "load", "twcs", csv, "--db", db, "--config", config, "--json",
                       log=log, env={"CAREPULSE_SQL_TIMINGS": "1"})


_TIMING = re.compile(r"sql-timing\s+([\d.]+)s cpu\s+([\d.]+)s (\S+)")


def top_statements(runs: list[proc.Measured], n: int = 12) -> list[dict]:
    """The SQL statements that took the most time in a load (CAREPULSE_SQL_TIMINGS lines),
    as the median over the runs, slowest first."""
    walls, cpus = defaultdict(list), defaultdict(list)
    for m in runs:
        for wall, cpu, name in _TIMING.findall(m.stderr):
            walls[name].append(float(wall))
            cpus[name].append(float(cpu))
    rows = [dict(statement=k, wall_s=round(statistics.median(v), 3),
                 cpu_s=round(statistics.median(cpus[k]), 3)) for k, v in walls.items()]
    return sorted(rows, key=lambda r: -r["wall_s"])[:n]


def _remove_db(path: Path) -> None:
    for p in (path, Path(f"{path}.wal")):
        if p.exists():
            p.unlink()


def _r(values) -> list[float]:
    return [round(v, 3) for v in values]


# ---------------------------------------------------------------- report

def print_report(report: dict) -> None:
    print("\n== summary (seconds; load avg = 1-min load average of this 2-core machine)")
    head = ("rows", "gen rows/s", "scan", "parse", "load", "+sentiment", "load/scan",
            "load/parse", "load rows/s", "load RSS MiB", "next day", "day RSS MiB", "load avg")
    print(" | ".join(head))
    for s in report["sizes"]:
        r, ld, inc = s["ratios"], s["load"], s["incremental"]
        print(" | ".join(str(x) for x in (
            f"{s['dataset']['base_rows']:,}", f"{s['dataset']['generate_rows_per_s']:,.0f}",
            s["floor"]["scan_s"], s["floor"]["parse_s"], ld["median_seconds"],
            r["load_with_sentiment_s"], r["load_over_scan"], r["load_over_parse"],
            f"{r['load_rows_per_s']:,}", f"{ld['peak_rss_mib']:,.0f}",
            inc["median_seconds"], f"{inc['peak_rss_mib']:,.0f}", ld["load_before"])))
    for s in report["sizes"]:
        print(f"\n== where the time goes at {s['dataset']['base_rows']:,} rows "
              f"(median wall / CPU seconds per SQL statement)")
        for what in ("load", "incremental"):
            print(f"-- {what} ({s[what].get('derive_mode')})")
            for row in s[what].get("top_statements", [])[:8]:
                print(f"   {row['wall_s']:7.2f}  {row['cpu_s']:7.2f}  {row['statement']}")
    for s in report["sizes"]:
        if "pages" not in s:
            continue
        print(f"\n== dashboard queries at {s['dataset']['base_rows']:,} rows "
              f"(ms; warm = median of reruns; "
              f"reader peak RSS {s['pages']['peak_rss_mib']:,.0f} MiB)")
        for sc in s["pages"]["scenarios"]:
            print(f"-- {sc['scenario']}")
            for page, v in sc["pages"].items():
                flag = "" if v["warm_ms"] <= targets.PAGE_WARM_MS else "  (above 150 ms)"
                print(f"   page {page:<14} warm {v['warm_ms']:>8.1f}  "
                      f"cold {v['cold_ms']:>8.1f}  "
                      f"concurrent {v.get('concurrent_wall_ms', float('nan')):>8.1f}{flag}")
            for q in sc["queries"]:
                if "skipped" in q:
                    print(f"   {q['query']:<36} skipped: {q['skipped']}")
                else:
                    print(f"   {q['query']:<36} warm {q['warm_ms']:>8.1f}  "
                          f"cold {q['cold_ms']:>8.1f}"
                          f"  rows {q['rows']}")
    targets.print_verdicts(report)


if __name__ == "__main__":
    sys.exit(main())
