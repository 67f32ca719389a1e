"""Incremental derive: re-derive only the conversations a load touched, with the same SQL.

A full derive reads every message. After a small load, only some conversations can change: the
new messages' own, the ones they answer or that answer them (a reply can arrive before its
parent), and the same customers' conversations that start within a DM-handoff window of those
(a DM conversation decides whether a public one moved to DM). `try_incremental` collects them
and their context, per customer from the earliest touched message of theirs
(sql/etl/scope_*.sql), copies those whole conversations into an attached in-memory database,
runs the unchanged derive steps there (reads of other tables fall through to the loaded
database), and writes back the rows that changed. Those rows are exactly what a full derive
would give (tests/test_bench_incremental.py, tests/test_derive_incremental_scope.py compare the
two). The one assumption about the steps: a conversation's row depends on other conversations
only through the same customer's conversations within `dm_handoff_hours` of it.

It declines, and the caller derives in full, when: the derive SQL, the configuration or the
event calendar changed since the last derive (schedules recompute history); the scope is more
than MAX_SHARE of the messages; a derived table is missing; a step creates a table this module
does not know how to merge; or a brand account appeared that the scope did not foresee. (New
brand accounts are foreseen: old customer messages that @mention them join the scope.)
"""
from __future__ import annotations

import contextlib
import hashlib
from typing import Callable

import sql
from etl.side_connection import SideConnection

MAX_SHARE = 0.25           # above this share of messages in scope, a full derive is cheaper
SCOPE_DB = "derive_scope"
MERGED = {"messages", "conversations", "replies", "reply_pairs", "event_matches",
          "business_intervals"}
DERIVED = ("conversations", "replies", "reply_pairs", "event_matches")
GLOBAL_STEPS = ("etl/derive_business",)   # whole-table steps, re-run on the loaded database


def fingerprint(con, steps: tuple[str, ...]) -> str:
    """Digest of everything besides messages that derived rows depend on: the steps' SQL, the
    stored configuration and the event calendar."""
    h = hashlib.sha256()
    for step in steps:
        h.update(step.encode() + b"\0" + sql.text(step).encode() + b"\0")
    for table in (row["table_name"] for row in sql.rows(con, "etl/derive_inputs")):
        row = sql.one(con, "etl/derive_input_digest", {"table": table})
        h.update(f"{table}:{row['rows']}:{row['digest']}\0".encode())
    return h.hexdigest()


def last_state(con) -> tuple[str | None, str | None]:
    row = sql.one(con, "etl/derive_state")
    return row["fingerprint"], row["mode"]


def save_state(con, fingerprint_: str, mode: str) -> None:
    sql.execute_script(con, "etl/derive_state_save", {"fingerprint": fingerprint_, "mode": mode})


def try_incremental(con, steps: tuple[str, ...], params: dict,
                    fingerprint_: Callable[[], str], side: SideConnection,
                    beside: tuple[str, str] | None = None,
                    ahead: tuple[str, str] | None = None) -> str | None:
    """Derive incrementally if that is exact and worth it; returns the mode it ran in
    ('incremental: ...'), or None with nothing changed when the caller must derive in full.
    `fingerprint_` waits for the fingerprint, computed meanwhile (the scope is looked for
    first: that only makes temp tables). The replies are merged on `side` (its errors are
    raised when the caller closes it), and so are the whole-table steps (`run_global`) run,
    as soon as the messages' keys are written. `beside` = (step, reader): that step runs in
    the scope on `side`, beside the steps after it, until `reader` needs its table. `ahead` =
    (step, reader): that step, which makes a temp table from the scope's messages alone, runs
    on `side` first, beside the steps before it, and its table is shared through the scope
    database until the steps are done; `reader` is the first step that reads it."""
    if not _derived_tables_present(con):
        return None
    counts = sql.one(con, "etl/scope_counts")
    total, new = int(counts["messages"]), int(counts["new_messages"])
    if total == 0 or new > MAX_SHARE * total:
        return None
    sql.execute_script(con, "etl/scope_seed")
    sql.execute_script(con, "etl/scope_new_accounts")
    new_accounts = int(sql.one(con, "etl/scope_new_account_count")["accounts"])
    if new_accounts:
        sql.execute_script(con, "etl/scope_mentions")
    sql.execute_script(con, "etl/scope_context", params)
    if last_state(con)[0] != fingerprint_():
        return None
    database = _current_database(con)
    accounts_expected = _brand_accounts(con) + new_accounts
    con.execute(f"attach ':memory:' as {SCOPE_DB}")  # sql-identifier: a module constant
    try:
        sql.execute_script(con, "etl/scope_copy")
        scope = int(sql.one(con, "etl/scope_message_count")["scope_messages"])
        if scope > MAX_SHARE * total:
            return None
        if scope == 0:
            side.submit(lambda cursor: run_global(cursor, steps, params))
            return "incremental: nothing new"
        _run_in_scope(con, database, steps, params, side, beside or ("", ""),
                      ahead or ("", ""))
        # a brand account nobody foresaw (scope_new_accounts.sql) could brand old messages
        # anywhere: the full derive that follows sees it too (brand accounts only grow)
        if not _scope_tables(con) <= MERGED or _brand_accounts(con) != accounts_expected:
            return None
        _merge(con, side, steps, params)
    finally:
        con.execute(f"detach {SCOPE_DB}")
    return f"incremental: {scope:,} of {total:,} messages ({new:,} new)"


def _merge(con, side: SideConnection, steps: tuple[str, ...], params: dict) -> None:
    """Write the scope's rows back: the replies and campaign matches on `side`, the rest
    meanwhile on `con`; once the messages' keys are written, the whole-table steps (they read
    only messages and the configuration) queue on `side` behind them."""
    sql.execute_script(con, "etl/scope_touched_ids")
    replies = side.call(_merge_beside)
    try:
        sql.execute_script(con, "etl/scope_merge_keys")
        side.submit(lambda cursor: run_global(cursor, steps, params))
        sql.execute_script(con, "etl/scope_merge")
        sql.execute_script(con, "etl/scope_summary_hours")
    finally:
        replies()   # they read derive_scope, which the caller detaches next (not the steps)


def _merge_beside(cursor) -> None:
    """The merges of the second connection: replies and reply pairs, then campaign matches
    (they read only the scope and derive_scope.touched_ids, and write tables the first
    connection's merge does not touch)."""
    sql.execute_script(cursor, "etl/scope_merge_replies")
    sql.execute_script(cursor, "etl/scope_merge_events")


def run_global(con, steps: tuple[str, ...], params: dict) -> None:
    """The whole-table steps (GLOBAL_STEPS) on the loaded database, after an incremental
    derive's keys are written (try_incremental queues them on the second connection)."""
    for step in steps:
        if step in GLOBAL_STEPS:
            sql.execute_script(con, step, params)


def _run_in_scope(con, database: str, steps: tuple[str, ...], params: dict,
                  side: SideConnection, beside: tuple[str, str],
                  ahead: tuple[str, str] = ("", "")) -> None:
    """The steps, unchanged, with derive_scope first on the search path: they read and write its
    messages and create their tables there; other tables (configuration, events, brand accounts)
    are the loaded database's. The step `beside[0]` runs on `side` (in the scope too), beside
    the steps after it; the step `beside[1]` waits for it (and gets its error, if any). The
    step `ahead[0]` runs on `side` before anything else, its temp table then copied into the
    scope database (sql/etl/scope_ahead_share.sql; removed again once the steps are done), and
    the step `ahead[1]` waits for it."""
    step_beside, reader = beside
    step_ahead, ahead_reader = ahead
    waiting = ahead_done = lambda: None
    if step_ahead in steps:
        ahead_done = side.call(lambda cursor: _run_step_in_scope(
            cursor, database, step_ahead, params, share="etl/scope_ahead_share"))
    try:
        with _in_scope(con, database):
            for step in steps:
                if step == ahead_reader:
                    ahead_done()
                if step == reader:
                    waiting()
                if step == step_ahead:
                    continue
                if step == step_beside:
                    waiting = side.call(lambda cursor, step=step: _run_step_in_scope(
                        cursor, database, step, params))
                else:
                    sql.execute_script(con, step, params)
            waiting()
            ahead_done()
    except BaseException:
        # the caller detaches the scope next and may derive in full instead: the steps on
        # `side` read the scope, so they end first (an error of theirs is raised by side.close())
        for done in (ahead_done, waiting):
            with contextlib.suppress(BaseException):
                done()
        raise
    if step_ahead in steps:
        sql.execute_script(con, "etl/scope_ahead_done")


def _run_step_in_scope(con, database: str, step: str, params: dict,
                       share: str | None = None) -> None:
    with _in_scope(con, database):
        sql.execute_script(con, step, params)
        if share:
            sql.execute_script(con, share)


@contextlib.contextmanager
def _in_scope(con, database: str):
    """derive_scope as the current database of `con`, then the loaded one's main schema."""
    con.execute(f"use {SCOPE_DB}")
    con.execute(f"set search_path = '{SCOPE_DB}.main,{_ident(database)}.main'")  # sql-identifier: constant + quoted catalog name
    try:
        yield
    finally:
        # `use` sets the search path back to the database's main schema (a reset would fall
        # back to the connection's first database, which a writer has detached: etl/publish.py)
        con.execute(f"use {_ident(database)}")


def _derived_tables_present(con) -> bool:
    return set(DERIVED) <= _tables_of(con, _current_database(con))


def _scope_tables(con) -> set[str]:
    return _tables_of(con, SCOPE_DB)


def _tables_of(con, database: str) -> set[str]:
    return {row["table_name"] for row in sql.rows(con, "etl/scope_tables", {"database": database})}


def _brand_accounts(con) -> int:
    return int(sql.one(con, "etl/scope_brand_accounts")["accounts"])


def _current_database(con) -> str:
    return str(sql.one(con, "etl/current_database")["name"])


def _ident(name: str) -> str:
    # a catalog name DuckDB derived from the file name; quoted as an identifier, never a value
    return '"' + name.replace('"', '""').replace("'", "''") + '"'
