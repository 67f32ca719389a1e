"""Derive: rebuild conversations, replies and message keys from everything loaded, in SQL.

After a small load only the touched conversations are re-derived (etl/derive_scope.py), with the
same steps; CAREPULSE_DERIVE=full forces a full derive.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

import sql
from etl import business_hours, derive_scope, events
from etl.config import Config
from etl.settings import DM_HANDOFF_HOURS

STEPS = ("etl/derive_threads", "etl/derive_business", "etl/derive_replies",
         "etl/derive_campaigns", "etl/derive_conversations")
SQL_DIR = Path(sql.__file__).resolve().parent


def summary_steps() -> list[str]:
    """sql/etl/summary_*.sql, in name order: small tables the dashboard reads instead of scanning
    conversations and replies (docs/tables.md). Rebuilt whole after every derive, full or
    incremental, so they never need the incremental merge."""
    return [f"etl/{path.stem}" for path in sorted((SQL_DIR / "etl").glob("summary_*.sql"))]


def rebuild(con, config: Config) -> None:
    business_hours.store(con, config)   # business figures always follow the stored config
    events.store(con, config.events_path)   # the calendar file, as of this load
    params = {"dm_handoff_hours": DM_HANDOFF_HOURS}
    fingerprint = derive_scope.fingerprint(con, STEPS)
    mode = None
    if os.environ.get("CAREPULSE_DERIVE") != "full":
        try:
            mode = derive_scope.try_incremental(con, STEPS, params, fingerprint)
        except duckdb.Error:
            mode = None   # e.g. a derived table of an older layout: the full derive replaces it
    if mode is None:
        for step in STEPS:
            sql.execute_script(con, step, params)
        mode = "full"
    for step in summary_steps():
        sql.execute_script(con, step, params)
    derive_scope.save_state(con, fingerprint, mode)
