"""Dashboard summary tables (sql/etl/summary_*.sql) brought up to date after a derive.

After a full derive each summary is rebuilt whole. After an incremental one, only the UTC hours
where something changed are recomputed (a rebuild reads every message: at 2.8M rows the two
summaries of now cost ~1.7 CPU s, more than the rest of a one-day load's derive): the hours
(sql/etl/scope_summary_hours.sql) of the messages the load placed or re-keyed and the start
hours of the conversation rows it replaced (and of those they continue by DM handoff). Their
inputs are views, in an attached in-memory database, over the rows of `messages` and
`conversations` they need; the summary steps run there unchanged, and their rows for those hours
replace the stored ones.

A summary file whose header has the line BY_WEEK_MARK (rows of a UTC week from Monday, e.g.
exact medians per day and per week, which no hour's rows can give) keys its rows by a column
`week` (the top of the week's Monday); a row depends only on the conversations started in its
week (not on the DM conversations that continue them; `messages`, if read, is read whole).
After an incremental derive, the weeks holding an hour of summary_hours are recomputed from
those conversations (sql/etl/scope_summary_week_rows.sql), as the hours are for BY_HOUR_MARK:
on whichever connection finishes its other summaries first, when there are two (the hours
reach the second one as a list of values).

A summary file whose header has the line FROM_HOUR_MARK (its rows of an hour depend on earlier
hours too, e.g. a backlog; they may depend only on the conversations' brand, start, first
response and DM handoff, and on the end of the data) recomputes its rows from the first hour
where one of those changed (sql/etl/scope_summary_first_hour.sql), given to it in temp table
summary_first_hour after an incremental derive; after a full one, or when its SQL changed, its
table is dropped and it recomputes every row. After an incremental derive these run on a second
connection (etl/side_connection.py), side by side with the others.

A summary file opts in with the line BY_HOUR_MARK in its header, which states the contract this
relies on: summary_X.sql creates the table summary_X with a column `hour` (the top of a UTC
hour), and a row depends only on the messages created in its hour and on the conversations
started in it, with all their messages and the DM conversations that continue them (other
tables it reads are read whole). A summary without the mark, whose table has no `hour` column,
or whose SQL changed since its table was built (digest in meta), is rebuilt whole.

Inputs per summary: a header may narrow the contract (CONTRACTS). "A row depends only on the
messages of its hour": the step reads those messages, found in the same scan that reads them.
"... only on the conversations started in its hour and the DM conversations that continue them":
it reads those conversations by row id (scope_summary_conversation_rows.sql), and `messages`
whole if at all. Otherwise it reads the messages of those hours and of those conversations by
row id too (scope_summary_message_rows.sql). Each row set is prepared once, if a step needs it.
A table a step's contract leaves out is read whole, which can only cost time, never rows.
"""
from __future__ import annotations

import hashlib
import os
import threading
import time
from typing import Callable

import sql
from etl.side_connection import SideConnection

SCOPE_DB = "summary_scope"
SIDE_SCOPE_DB = "summary_side_scope"   # the same, for the steps refreshed on the second connection
DIGEST_KEY = "summary_digest:"
BY_HOUR_MARK = "-- refreshed by hour: "
BY_WEEK_MARK = "-- refreshed by week: "
FROM_HOUR_MARK = "-- refreshed from the first changed hour: "
# the tables a summary reads in the refreshed hours, by what its header states after the mark
# (the sentence may wrap over comment lines); anything else: both, as the general contract says
CONTRACTS = {
    "a row depends only on the messages of its hour": ("messages",),
    "a row depends only on the conversations started in its hour and the DM conversations "
    "that continue them": ("conversations",),
}
GENERAL = ("messages", "conversations")
# each table's row ids in the refreshed hours: (temp table, the SQL file that makes it)
ROWS = {"messages": ("summary_message_rows", "etl/scope_summary_message_rows"),
        "conversations": ("summary_conversation_rows", "etl/scope_summary_conversation_rows")}
# a row of the refreshed hours; the bound first (scope_summary_hours.sql) skips older row groups
IN_HOURS = ("{column} >= getvariable('summary_hours_from') "
            "and epoch_us({column}) // 3600000000 in (select hour_mark from summary_hours)")
# a row of the refreshed weeks (scope_summary_week_rows.sql), by its `week` column
IN_WEEKS = ("week >= getvariable('summary_weeks_from') "
            "and epoch_us(week) // 86400000000 in (select week_day from summary_weeks)")


def refresh(con, steps: list[str], params: dict, incremental: bool,
            side: SideConnection | None = None,
            known: Callable[[], tuple[dict[str, str], set[tuple[str, str]]]] | None = None
            ) -> None:
    """Bring every summary of `steps` up to date after a derive (incremental or full). The
    FROM_HOUR_MARK summaries run on `side` when given (their tables are their own, and they
    read only conversations and messages, which the others do not write), and so do, after an
    incremental derive, the BY_HOUR_MARK ones that read only the messages of their hours; the
    others on `con`. The BY_WEEK_MARK ones run on whichever of the two is done first. `known`
    (after an incremental derive) gives `catalog()` as read before or during the derive."""
    if known is not None and incremental:
        stored, key_tables = known()
    else:
        stored = _stored_digests(con)
        key_tables = _key_tables(con) if incremental else set()
    kept = {step for step in steps if _unchanged(step, stored, key_tables)}
    pending = bool(kept) and _hours_pending(con)
    by_hours = [step for step in steps if step in kept and _has_mark(step, BY_HOUR_MARK)]
    by_weeks = [step for step in steps if step in kept and _has_mark(step, BY_WEEK_MARK)]
    for step in steps:
        if _has_mark(step, FROM_HOUR_MARK):
            _refresh_from_first_hour(con, step, params, step in kept, pending, side)
        elif step not in by_hours and step not in by_weeks:
            sql.execute_script(con, step, params)
    if pending:
        beside = [step for step in by_hours if side is not None and _inputs(step) == ("messages",)]
        # the weeks on whichever connection is free first (their share of the work varies)
        weeks = _FirstComer(lambda connection, scope: _refresh_weeks(connection, by_weeks,
                                                                     params, scope))
        if side is not None and (beside or by_weeks):
            side.submit(_hours_beside(con, beside, weeks, params))
        _refresh_hours(con, [step for step in by_hours if step not in beside], params)
        weeks(con, SCOPE_DB)
    sql.execute_script(con, "etl/scope_summary_done")
    for step in steps:
        if stored.get(step) != _digest(step):   # an unchanged record is not written again
            sql.execute_script(con, "etl/scope_summary_digest_save",
                               {"key": DIGEST_KEY + step, "digest": _digest(step)})


def catalog(con) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """What `refresh` reads of the database before it refreshes anything after an incremental
    derive: the summaries' stored digests and their tables' key columns. Only `refresh` writes
    either (the derive touches no summary table and no digest), so the derive reads them on its
    second connection meanwhile, while that one idles (2.8M next day: ~0.01 s off the first
    connection's path, listing the columns of every table costing most of it)."""
    return _stored_digests(con), _key_tables(con)


def stale_tables(con, steps: list[str]) -> list[str]:
    """The tables of the summary `steps` that were built by another definition than this
    version's (the digest of their SQL recorded in meta differs, or none is): a reader must not
    read them (a column may be missing, a figure defined otherwise) until a load or
    `carepulse derive` rebuilds them."""
    stored = _stored_digests(con)
    return sorted(_table(step) for step in steps if stored.get(step) != _digest(step))


def _stored_digests(con) -> dict[str, str]:
    """Each summary step's digest as recorded when its table was last rebuilt whole."""
    rows = sql.rows(con, "etl/scope_summary_digest", {"prefix": DIGEST_KEY})
    return {row["key"][len(DIGEST_KEY):]: row["digest"] for row in rows}


def _has_mark(step: str, mark: str) -> bool:
    return any(line.startswith(mark) for line in sql.text(step).splitlines())


def _unchanged(step: str, stored: dict[str, str], key_tables: set[tuple[str, str]]) -> bool:
    """Whether the step's table was built by its current SQL (and has the column its rows are
    refreshed by: `week` for a BY_WEEK_MARK summary, else `hour`)."""
    column = "week" if _has_mark(step, BY_WEEK_MARK) else "hour"
    return stored.get(step) == _digest(step) and (_table(step), column) in key_tables


def _key_tables(con) -> set[tuple[str, str]]:
    """(table, column) for the tables of the current database with a column `hour` or `week`
    (read once per refresh: listing the columns of every attached table costs a few ms each
    time)."""
    return {(row["table_name"], row["column_name"])
            for row in sql.rows(con, "etl/scope_summary_hour_tables")}


def _refresh_from_first_hour(con, step: str, params: dict, kept: bool, pending: bool,
                             side: SideConnection | None) -> None:
    """A FROM_HOUR_MARK summary: when its table is `kept` after an incremental derive,
    nothing to do if that derive changed nothing (no hours `pending`), else its rows from the
    first changed hour on; all of them otherwise. On `side` when given, else on `con`."""
    if kept:
        if not pending:
            return
        first = sql.one(con, "etl/scope_summary_first_hour")
        prepare = ("etl/scope_summary_first_hour_table", first)
    else:
        prepare = None

    def job(connection) -> None:
        if prepare:
            sql.execute_script(connection, *prepare)
        else:
            connection.execute(f"drop table if exists {_table(step)}")  # sql-identifier: a summary file's name
        sql.execute_script(connection, step, params)

    if side is None:
        job(con)
    else:
        side.submit(job)


def _hours_pending(con) -> bool:
    """Whether the incremental derive left hours to refresh (none when nothing was new)."""
    return bool(sql.one(con, "etl/scope_summary_pending")["pending"])


class _FirstComer:
    """A job either connection may run, `run(connection, scope database name)`: the first to
    call it runs it, a later call returns at once (each connection calls it once)."""

    def __init__(self, run: Callable[[object, str], None]):
        self._run, self._lock, self._taken = run, threading.Lock(), False

    def __call__(self, connection, scope: str) -> None:
        with self._lock:
            taken, self._taken = self._taken, True
        if not taken:
            self._run(connection, scope)


def _hours_beside(con, steps: list[str], weeks: _FirstComer, params: dict):
    """A job for the second connection: the BY_HOUR_MARK steps that read only the messages of
    their hours, refreshed there while `con` refreshes the others, then `weeks` (the
    BY_WEEK_MARK steps) unless `con` has taken them. The hours travel as a value
    (summary_hours is a temp table of `con`); the job makes its own copy, and its own scope
    database."""
    marks = sql.one(con, "etl/scope_summary_hour_marks")["marks"]

    def job(cursor) -> None:
        sql.execute_script(cursor, "etl/scope_summary_hours_given", {"marks": marks})
        try:
            _refresh_hours(cursor, steps, params, SIDE_SCOPE_DB)
            weeks(cursor, SIDE_SCOPE_DB)
        finally:
            sql.execute_script(cursor, "etl/scope_summary_done")
    return job


def _refresh_hours(con, steps: list[str], params: dict, scope: str = SCOPE_DB) -> None:
    if not steps:
        return
    database = _ident(str(sql.one(con, "etl/current_database")["name"]))
    inputs = {step: _inputs(step) for step in steps}
    _prepare_rows(con, list(inputs.values()))
    con.execute(f"attach ':memory:' as {scope}")  # sql-identifier: SCOPE_DB or SIDE_SCOPE_DB
    try:
        for step in steps:
            _define_inputs(con, database, inputs[step], scope)
            _run_in_scope(con, database, step, params, scope)
        for step in steps:
            _replace_hours(con, _table(step), scope)
    finally:
        con.execute(f"detach {scope}")  # sql-identifier: SCOPE_DB or SIDE_SCOPE_DB


def _refresh_weeks(con, steps: list[str], params: dict, scope: str = SCOPE_DB) -> None:
    """BY_WEEK_MARK summaries: their rows of the weeks holding a refreshed hour, recomputed from
    the conversations started in those weeks (read by row id; `messages` is read whole)."""
    if not steps:
        return
    database = _ident(str(sql.one(con, "etl/current_database")["name"]))
    sql.execute_script(con, "etl/scope_summary_week_rows")
    source = f"{database}.main.conversations"  # sql-identifier: the quoted catalog name
    con.execute(f"attach ':memory:' as {scope}")  # sql-identifier: SCOPE_DB or SIDE_SCOPE_DB
    try:
        con.execute(f"drop view if exists {scope}.messages")  # sql-identifier: constant
        con.execute(f"create or replace view {scope}.conversations as "  # sql-identifier: module constants
                    f"select * from {source} "
                    "where rowid in (select row_id from summary_week_conversation_rows)")
        for step in steps:
            _run_in_scope(con, database, step, params, scope)
        for step in steps:
            table = _table(step)
            _execute(con, f"write_back/{table}#1",
                     f"delete from {table} where {IN_WEEKS}")  # sql-identifier: a summary file's name
            _execute(con, f"write_back/{table}#2",
                     f"insert into {table} by name "  # sql-identifier: a summary file's name
                     f"select * from {scope}.{table} where {IN_WEEKS}")
    finally:
        con.execute(f"detach {scope}")  # sql-identifier: SCOPE_DB or SIDE_SCOPE_DB


def _inputs(step: str) -> tuple[str, ...]:
    """What the step reads in the refreshed hours: its header's contract (CONTRACTS), in full
    when the header states none of the narrow ones: 'messages' alone means the messages of
    those hours; 'conversations' alone, the conversations started in them."""
    contract = _contract(step)
    return next((tables for sentence, tables in CONTRACTS.items()
                 if contract.startswith(sentence)), GENERAL)


def _contract(step: str) -> str:
    """The sentence after BY_HOUR_MARK in the step's header, joined over its comment lines."""
    words, inside = [], False
    for line in sql.text(step).splitlines():
        if line.startswith(BY_HOUR_MARK):
            inside, line = True, line[len(BY_HOUR_MARK):]
        elif not inside:
            continue
        elif line.startswith("--"):
            line = line[2:]
        else:
            break
        words += line.split()
    return " ".join(words)


def _prepare_rows(con, inputs: list[tuple[str, ...]]) -> None:
    """The row ids the steps read by: the conversations' for a step that reads conversations,
    the messages' (made from the conversations') only for a step of the general contract."""
    if any("conversations" in tables for tables in inputs):
        sql.execute_script(con, ROWS["conversations"][1])
    if GENERAL in inputs:
        sql.execute_script(con, ROWS["messages"][1])


def _define_inputs(con, database: str, tables: tuple[str, ...], scope: str = SCOPE_DB) -> None:
    """The views a step reads in the scope: by row id under the general contract; under a
    narrow one, the messages of the refreshed hours (filtered as they are scanned) or the
    conversations by row id, and the other table not at all (read whole)."""
    for table, (rows, _) in ROWS.items():
        source = f"{database}.main.{table}"  # sql-identifier: the quoted catalog name, a constant
        view = f"{scope}.{table}"  # sql-identifier: module constants
        if table not in tables:
            con.execute(f"drop view if exists {view}")  # sql-identifier: module constants
            continue
        if tables == ("messages",):
            where = IN_HOURS.format(column="created_at")  # sql-identifier: a module constant
        else:
            where = f"rowid in (select row_id from {rows})"  # sql-identifier: module constants
        con.execute(f"create or replace view {view} as "  # sql-identifier: module constants
                    f"select * from {source} where {where}")


def _run_in_scope(con, database: str, step: str, params: dict, scope: str = SCOPE_DB) -> None:
    con.execute(f"use {scope}")  # sql-identifier: SCOPE_DB or SIDE_SCOPE_DB
    con.execute(f"set search_path = '{scope}.main,{database}.main'")  # sql-identifier: constant + quoted catalog name
    try:
        sql.execute_script(con, step, params)
    finally:
        # `use` sets the search path back to the database's main schema (a reset would fall
        # back to the connection's first database, which a writer has detached: etl/publish.py)
        con.execute(f"use {database}")  # sql-identifier: quoted catalog name


def _replace_hours(con, table: str, scope: str = SCOPE_DB) -> None:
    """The rows of the refreshed hours, from the scope's summary into the stored one."""
    in_hours = IN_HOURS.format(column="hour")
    _execute(con, f"write_back/{table}#1",
             f"delete from {table} where {in_hours}")  # sql-identifier: a summary file's name
    _execute(con, f"write_back/{table}#2",
             f"insert into {table} by name "  # sql-identifier: a summary file's name
             f"select * from {scope}.{table} where {in_hours}")


def _execute(con, step: str, statement: str) -> None:
    """Run one write-back statement; with CAREPULSE_SQL_TIMINGS set, log it as `step`, as
    sql.execute_script logs its statements (at 2.8M's next day the summary_sla_conversations
    write-back is ~0.1 s on the first connection)."""
    if not os.environ.get(sql.TIMINGS_ENV):
        con.execute(statement)
        return
    began, cpu = time.perf_counter(), time.process_time()
    con.execute(statement)
    sql.log_timing(step, time.perf_counter() - began, time.process_time() - cpu,
                   statement.split(" where ")[0][:60])


def _table(step: str) -> str:
    return step.rsplit("/", 1)[-1]


def _digest(step: str) -> str:
    return hashlib.sha256(sql.text(step).encode()).hexdigest()


def _ident(name: str) -> str:
    # a catalog name DuckDB derived from the file name; quoted as an identifier, never a value
    return '"' + name.replace('"', '""').replace("'", "''") + '"'
