"""Derive: rebuild conversations, replies and message keys from everything loaded, in SQL.

After a small load only the touched conversations are re-derived (etl/derive_scope.py), with the
same steps; CAREPULSE_DERIVE=full forces a full derive.
"""
from __future__ import annotations

import os
from typing import Callable

import duckdb

import sql
from etl import derive_scope, publish, summaries
from etl.config import Config, source_digest
from etl.side_connection import SideConnection
from etl.settings import DM_HANDOFF_HOURS

STEPS = ("etl/derive_threads", "etl/derive_business", "etl/derive_business_clock",
         "etl/derive_outbound_flags", "etl/derive_campaigns", "etl/derive_replies",
         "etl/derive_conversations")
# A full derive (and an incremental one, in its scope) runs derive_campaigns on a second
# connection of the same database (etl/side_connection.py) beside derive_replies, whose insert
# runs on one thread (positional joins): campaigns reads only stored tables (messages with the
# keys derive_threads writes, events) and writes event_matches, which derive_conversations
# reads. Its plan and CPU are the same whichever optimizer setting the other connection has set
# (DuckDB's disabled_optimizers is global, and derive_replies sets it), and its rows a set.
SIDE_STEP, SIDE_READER = "etl/derive_campaigns", "etl/derive_conversations"
# An incremental derive also runs derive_outbound_flags ahead on that connection, as soon as
# the scope is copied: it reads only the scope's texts and directions (no key derive_threads
# writes), so it overlaps derive_threads, derive_business and derive_business_clock on the first
# one, and derive_replies (the first step that reads its table) waits for it. Its table is
# temporary (a full derive keeps it on one connection), so the second connection copies it into
# the scope database, where the first one's unqualified reads find it (2.8M next day: the
# step's ~0.07 s off the first connection, where the second idled, for a copy of ~0.005 s).
AHEAD_STEP, AHEAD_READER = "etl/derive_outbound_flags", "etl/derive_replies"
# An incremental derive deletes and re-inserts rows of the derived tables and summaries; the
# checkpoint that publishes it would then merge the row groups those deletes thinned (DuckDB's
# vacuum), rewriting them: at 2.8M rows ~0.1 of its ~0.2 CPU s, mostly summary_sla_conversations
# (stored in brand order, so a refreshed hour's rows sit in every brand's row groups). Deleted
# rows cost a scan little until they add up, so the vacuum waits for a load after which some
# table of VACUUM_MIN_ROWS or more holds over VACUUM_DEAD_SHARE of deleted rows (at 2.8M rows
# a next day leaves ~7% in summary_sla_conversations: about every second day vacuums).
VACUUM_DEAD_SHARE = 0.10
VACUUM_MIN_ROWS = 100_000


def store_configuration(con, config: Config) -> None:
    """Store the configuration and the event calendar as of this load (business figures always
    follow the stored configuration), unless the files and the code that stores them are those
    of the last stored version: then the tables already hold them."""
    digest = source_digest(config)
    if sql.one(con, "etl/config_digest")["digest"] == digest:
        return
    from etl import business_hours, events   # only a load whose configuration changed stores it

    business_hours.store(con, config)
    events.store(con, config.events_path)
    sql.execute_script(con, "etl/config_digest_save", {"digest": digest})


def summary_steps() -> list[str]:
    """sql/etl/summary_*.sql, in name order: small tables the dashboard reads instead of scanning
    conversations and replies (docs/tables.md). Rebuilt whole after a full derive; after an
    incremental one, only their rows of the hours it changed (etl/summaries.py)."""
    return publish.summary_steps()


def rebuild(con, config: Config, full: bool = False,
            scored: Callable[[], object] = lambda: None) -> None:
    """Derive every table from what is loaded: incrementally when that is exact and worth it,
    unless `full` (or CAREPULSE_DERIVE=full) asks for everything to be derived again.
    `scored` waits until the loaded messages hold their scores (etl/load.py may score them on
    a connection of its own meanwhile): no derive step reads a message before it returns (the
    scope search before it reads no score)."""
    params = {"dm_handoff_hours": DM_HANDOFF_HOURS}
    incremental = not full and os.environ.get("CAREPULSE_DERIVE") != "full"
    mode = None
    with SideConnection(con) as side:   # etl/side_connection.py: work side by side
        store_configuration(con, config)
        # on the second connection while the first looks for the scope
        computing = side.call(lambda cursor: derive_scope.fingerprint(cursor, STEPS))

        def fingerprint() -> str:
            scored()
            return computing()

        if incremental:
            mode = _derive_incrementally(con, side, params, fingerprint)
        fingerprint = fingerprint()
    if mode is None:
        derive_all(con, params)
        mode = "full"
        # as after an incremental derive: the from-first-hour summaries (the backlog) on a
        # second connection, beside the others
        with SideConnection(con) as side:
            summaries.refresh(con, summary_steps(), params, incremental=False, side=side)
    derive_scope.save_state(con, fingerprint, mode)


def derive_all(con, params: dict) -> None:
    """Every step over all messages, in order; SIDE_STEP on a second connection, beside the
    steps after it, until SIDE_READER needs its table."""
    until = STEPS.index(SIDE_READER)
    with SideConnection(con) as side:
        for step in STEPS[:until]:
            if step == SIDE_STEP:
                side.submit(lambda cursor, step=step: sql.execute_script(cursor, step, params))
            else:
                sql.execute_script(con, step, params)
    for step in STEPS[until:]:
        sql.execute_script(con, step, params)


def _derive_incrementally(con, side: SideConnection, params: dict,
                          fingerprint: Callable[[], str]) -> str | None:
    """derive_scope.try_incremental (which also queues the whole-table steps on `side`); if
    it derived, the summaries, which read what it merged and write tables of their own, on the
    two connections.

    DuckDB checkpoints by itself when its write-ahead log passes 16 MiB: a one-day load's
    merge does (2.8M rows: at the replies' insert on the second connection, whose checkpoint
    holds the first one's next statement), and publishing checkpoints again, each ~0.13 s. So
    until publishing there is no automatic checkpoint: the one before publishing writes
    everything once (2.8M next day: still ~0.14 s). A full derive keeps the default (its key
    UPDATE of every message would stay in memory until the end)."""
    sql.execute_script(con, "etl/scope_checkpoint_defer")
    known = side.call(summaries.catalog)   # read by the summaries' refresh below
    try:
        mode = derive_scope.try_incremental(con, STEPS, params, fingerprint, side,
                                            beside=(SIDE_STEP, SIDE_READER),
                                            ahead=(AHEAD_STEP, AHEAD_READER))
    except duckdb.Error:
        mode = None   # e.g. a derived table of an older layout: the full derive replaces it
    if mode is None:
        sql.execute_script(con, "etl/scope_checkpoint_restore")
        return None
    summaries.refresh(con, summary_steps(), params, incremental=True, side=side, known=known)
    side.wait()   # the share counts every delete, the second connection's too
    if _deleted_share(con) <= VACUUM_DEAD_SHARE:
        sql.execute_script(con, "etl/scope_vacuum_defer")
    return mode


def _deleted_share(con) -> float:
    """The largest share of deleted rows a table of VACUUM_MIN_ROWS or more stored rows holds."""
    shares = [0.0]
    for row in sql.rows(con, "etl/scope_vacuum_tables", {"min_rows": VACUUM_MIN_ROWS}):
        table = '"' + row["table_name"].replace('"', '""') + '"'
        live = con.execute(f"select count(*) from {table}").fetchall()[0][0]  # sql-identifier: a listed table
        shares.append(1 - live / row["stored_rows"])
    return max(shares)
