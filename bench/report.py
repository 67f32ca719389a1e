"""Markdown tables from saved benchmark results (bench/out/result_<rows>.json).

    python -m bench.report [--out DIR]

Combines the per-size results of separate runs (e.g. `make bench`, then `make bench-30m`) into
the tables of docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(out: Path) -> list[dict]:
    sizes = []
    for path in sorted(out.glob("result_*.json"), key=lambda p: int(p.stem.split("_")[1])):
        report = json.loads(path.read_text())
        for size in report["sizes"]:
            size["started"] = report["started"]
            sizes.append(size)
    return sizes


def size_table(sizes: list[dict]) -> str:
    head = ("rows loaded", "generator rows/s", "scan floor s", "parse floor s", "full load s",
            "load / scan", "load / parse", "load rows/s", "load peak RSS", "next day rows",
            "next day s", "next-day derive", "day peak RSS", "load avg")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in sizes:
        d, f, ld, inc, r = s["dataset"], s["floor"], s["load"], s["incremental"], s["ratios"]
        mode = (inc.get("derive_mode") or "").split(":")[0]
        lines.append("| " + " | ".join(str(x) for x in (
            f"{d['base_rows']:,}", f"{d['generate_rows_per_s']:,.0f}", f"{f['scan_s']:.2f}",
            f"{f['parse_s']:.2f}", f"{ld['median_seconds']:.1f}", f"{r['load_over_scan']:.0f}×",
            f"{r['load_over_parse']:.0f}×", f"{r['load_rows_per_s']:,}",
            f"{ld['peak_rss_mib'] / 1024:.1f} GiB", f"{d['day_rows']:,}",
            f"{inc['median_seconds']:.1f}", mode, f"{inc['peak_rss_mib'] / 1024:.1f} GiB",
            f"{ld['load_before']:.1f}")) + " |")
    return "\n".join(lines)


def page_table(size: dict) -> str:
    scenarios = size["pages"]["scenarios"]
    names = [sc["scenario"] for sc in scenarios]
    lines = ["| page | " + " | ".join(f"{n}: warm / cold ms" for n in names) + " |",
             "|---|" + "---|" * len(names)]
    for page in scenarios[0]["pages"]:
        cells = [f"{sc['pages'][page]['warm_ms']:,.0f} / {sc['pages'][page]['cold_ms']:,.0f}"
                 for sc in scenarios]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines += ["", "| query | " + " | ".join(f"{n}: warm / cold ms" for n in names) + " |",
              "|---|" + "---|" * len(names)]
    for i, q in enumerate(scenarios[0]["queries"]):
        cells = []
        for sc in scenarios:
            row = sc["queries"][i]
            cells.append(row.get("skipped") or f"{row['warm_ms']:,.0f} / {row['cold_ms']:,.0f}")
        lines.append(f"| {q['query']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def statements_table(size: dict, what: str, n: int = 10) -> str:
    lines = ["| statement | wall s | CPU s |", "|---|---|---|"]
    for row in size[what].get("top_statements", [])[:n]:
        lines.append(f"| {row['statement']} | {row['wall_s']:.2f} | {row['cpu_s']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.split("\n")[0])
    p.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = p.parse_args(argv)
    sizes = load(Path(args.out))
    if not sizes:
        print(f"no results in {args.out}; run `python -m bench.run` first", file=sys.stderr)
        return 1
    print(size_table(sizes))
    for size in sizes:
        rows = f"{size['dataset']['base_rows']:,}"
        for what in ("load", "incremental"):
            mode = size[what].get("derive_mode")
            print(f"\n{what} at {rows} rows ({mode}), slowest statements\n")
            print(statements_table(size, what))
        if "pages" in size:
            print(f"\ndashboard queries at {rows} rows "
                  f"(reader peak RSS {size['pages']['peak_rss_mib']:,.0f} MiB)\n")
            print(page_table(size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
