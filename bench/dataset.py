"""Benchmark data: a twcs file of about N rows plus "the next day" that continues it.

`make(out_dir, rows, seed)` runs the project's generator (`etl.demo.generate`) over `days + 1`
days, at the volume that gives about `rows` rows over the first `days`, then cuts the file at
the end of day `days`:

- `base.csv`: every row created before the cut (about `rows` rows), the file a first load reads.
  Its `response_tweet_id` lists drop the ids of replies that only exist after the cut, as an
  export taken at that instant would.
- `day.csv`: every row created at or after the cut: the conversations started on the last day
  and the late replies to earlier tweets, with new ids, as the next day's export.

`days` grows with `rows` (about DAY_ROWS rows a day, at least 14 days), so "one more day" is
about 50k rows at every size, and an incremental load measures the cost of 50k new rows against
a database of any size.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pandas as pd

from bench import queries
from etl import demo

DAY_ROWS = 50_000
MIN_DAYS = 14
LAST_DAY = pd.Timestamp("2026-10-01", tz="UTC")   # the data ends here, before "now"
TWCS_TIME = "%a %b %d %H:%M:%S %z %Y"


@dataclass
class Dataset:
    rows: int                  # rows asked for
    days: int
    generated_rows: int        # rows the generator wrote (base + day)
    generate_seconds: float
    generate_rows_per_s: float
    split_seconds: float
    base_rows: int
    base_bytes: int
    day_rows: int
    day_replies_to_base: int   # day rows that answer a message of base.csv
    base: str
    day: str
    config: str

    def as_dict(self) -> dict:
        return asdict(self)


def days_for(rows: int) -> int:
    return max(MIN_DAYS, round(rows / DAY_ROWS))


def make(out_dir: Path, rows: int, seed: int = 2017) -> Dataset:
    out_dir = Path(out_dir)
    gen_dir = out_dir / "generated"
    days = days_for(rows)
    start = LAST_DAY - pd.Timedelta(days=days)
    info = demo.generate(gen_dir, rows=round(rows * (days + 1) / days), seed=seed,
                         days=days + 1, start=str(start.date()))
    began = time.perf_counter()
    counts = split(Path(info["twcs"]), start + pd.Timedelta(days=days),
                   out_dir / "base.csv", out_dir / "day.csv")
    split_seconds = time.perf_counter() - began
    Path(info["twcs"]).unlink()
    return Dataset(
        rows=rows, days=days, generated_rows=int(info["rows"]),
        generate_seconds=float(info["seconds"]),
        generate_rows_per_s=float(info["rows_per_second"]),
        split_seconds=round(split_seconds, 3),
        base_bytes=(out_dir / "base.csv").stat().st_size,
        base=str(out_dir / "base.csv"), day=str(out_dir / "day.csv"),
        config=str(info["config"]), **counts,
    )


def split(source: Path, cut: pd.Timestamp, base: Path, day: Path) -> dict:
    """Write the rows before `cut` to `base` and the rest to `day`, in file order."""
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")
        queries.rows(con, "split_rows",
                     {"path": str(source), "fmt": TWCS_TIME, "cut": cut.to_pydatetime()})
        queries.rows(con, "split_later_children")
        queries.relation(con, "split_base").write_csv(str(base), header=True, sep=",",
                                                      quotechar='"')
        queries.relation(con, "split_day").write_csv(str(day), header=True, sep=",",
                                                     quotechar='"')
        base_rows, day_rows, answers = queries.rows(con, "split_counts")[0]
        return dict(base_rows=int(base_rows), day_rows=int(day_rows),
                    day_replies_to_base=int(answers))
    finally:
        con.close()
