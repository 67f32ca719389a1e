"""Load: save staged messages (idempotent upsert by id), quarantine rejects, record the run.

Every source fills the temp table `staged` (the canonical message shape plus `record`, `raw` and
`reject_reason`, see sql/etl/normalize_twcs.sql); `save_staged` is the only code that writes
messages. Each run reconciles: records read = loaded + duplicates + rejected, or it fails.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

import sql
from etl import derive, publish
from etl.config import Config, load_config
from etl.errors import EtlError
from etl.sources import twcs


@dataclass
class RunSummary:
    run_id: int
    source: str
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    parser: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def load_twcs(db: Path, files: list[str | Path], progress: Progress = _quiet,
              config: Config | None = None) -> list[RunSummary]:
    """Load twcs CSV files into `db` in one atomic publish; all files or none."""
    config = config or load_config()
    layouts = [twcs.inspect(f) for f in files]          # fail before touching the database
    summaries = []
    with publish.writer(db) as con:
        for layout in layouts:
            progress(f"reading {layout.path.name}")
            summaries.append(_load_one_twcs(con, layout, progress))
        progress("deriving conversations and replies")
        finish(con, config)
    return summaries


def _load_one_twcs(con, layout: twcs.CsvLayout, progress: Progress) -> RunSummary:
    run = start_run(con, "twcs", str(layout.path))
    raw = twcs.read(con, layout)
    run.parser = raw.parser
    progress(f"normalizing {raw.parsed:,} records ({raw.parser})")
    sql.execute_script(con, "etl/normalize_twcs", {"source": "twcs", "now": _now()})
    progress("saving messages")
    save_staged(con, run, raw.records, raw.parse_rejects, raw.record_lines)
    return run


def start_run(con, source: str, file: str) -> RunSummary:
    run_id = con.execute("select coalesce(max(run_id), 0) + 1 from load_runs").fetchall()[0][0]
    con.execute(
        "insert into load_runs (run_id, started_at, source, file) values ($id, $at, $source, $file)",
        {"id": run_id, "at": _now(), "source": source, "file": file},
    )
    return RunSummary(run_id=run_id, source=source, file=file)


def save_staged(con, run: RunSummary, records_read: int, parse_rejects: pd.DataFrame,
                record_lines: np.ndarray | None = None, cursor: str | None = None) -> None:
    """Insert new staged messages, quarantine the rest, reconcile the counts, record the run."""
    sql.execute_script(con, "etl/save_messages", {"run_id": run.run_id})
    counts = sql.query(con, "etl/run_counts").iloc[0]
    rejects = _all_rejects(con, parse_rejects, record_lines)
    _save_rejects(con, run, rejects)
    run.rows_read = int(records_read)
    run.rows_loaded = int(counts["loaded"])
    run.rows_duplicate = int(counts["duplicates"])
    run.rows_rejected = len(rejects)
    accounted = run.rows_loaded + run.rows_duplicate + run.rows_rejected
    if accounted != run.rows_read:
        raise EtlError(
            f"{run.file}: read {run.rows_read:,} records but accounted for {accounted:,} "
            f"(loaded {run.rows_loaded:,}, duplicates {run.rows_duplicate:,}, "
            f"rejected {run.rows_rejected:,}); nothing was loaded"
        )
    con.execute(
        """
        update load_runs
        set finished_at = $at, rows_read = $read, rows_loaded = $loaded,
            rows_duplicate = $dup, rows_rejected = $rej, cursor = $cursor
        where run_id = $id
        """,
        {"at": _now(), "read": run.rows_read, "loaded": run.rows_loaded,
         "dup": run.rows_duplicate, "rej": run.rows_rejected, "cursor": cursor, "id": run.run_id},
    )


def _all_rejects(con, parse_rejects: pd.DataFrame, record_lines: np.ndarray | None) -> pd.DataFrame:
    mapped = sql.query(con, "etl/rejects_of_run")
    if record_lines is not None and len(mapped):
        mapped["line"] = record_lines[mapped["record"].to_numpy() - 1]
    else:
        mapped["line"] = mapped["record"]
    return pd.concat([parse_rejects, mapped[["line", "raw", "reason"]]], ignore_index=True)


def _save_rejects(con, run: RunSummary, rejects: pd.DataFrame) -> None:
    if rejects.empty:
        return
    frame = rejects.assign(
        run_id=run.run_id, source=run.source, file=run.file,
        line=rejects["line"].astype("int64"), raw=rejects["raw"].astype(str).str.slice(0, 100_000),
    )[["run_id", "source", "file", "line", "raw", "reason"]]
    con.register("rejects_frame", frame)
    con.execute("insert into rejected select * from rejects_frame")
    con.unregister("rejects_frame")


def finish(con, config: Config) -> None:
    """After all sources of a publish: store the configuration, re-derive everything loaded."""
    derive.rebuild(con, config)


def _now() -> datetime:
    return datetime.now(timezone.utc)
