"""Dashboard summary tables (sql/etl/summary_*.sql) brought up to date after a derive.

After a full derive each summary is rebuilt whole. After an incremental one, only the UTC hours
where something changed are recomputed (a rebuild reads every message: at 2.8M rows the two
summaries of now cost ~1.7 CPU s, more than the rest of a one-day load's derive): the hours
(sql/etl/scope_summary_hours.sql) of the messages the load placed or re-keyed and the start
hours of the conversation rows it replaced (and of those they continue by DM handoff). Their
inputs (scope_summary_inputs.sql) are views, in an attached in-memory database, over the rows of
`messages` and `conversations` they need; the summary steps run there unchanged, and their rows
for those hours replace the stored ones.

A summary file opts in with the line BY_HOUR_MARK in its header, which states the contract this
relies on: summary_X.sql creates the table summary_X with a column `hour` (the top of a UTC
hour), and a row depends only on the messages created in its hour and on the conversations
started in it, with all their messages and the DM conversations that continue them (other
tables it reads are read whole). A summary without the mark, whose table has no `hour` column,
or whose SQL changed since its table was built (digest in meta), is rebuilt whole.
"""
from __future__ import annotations

import hashlib

import sql

SCOPE_DB = "summary_scope"
DIGEST_KEY = "summary_digest:"
BY_HOUR_MARK = "-- refreshed by hour: "
# what the summaries read in the refreshed hours: table -> its row ids (scope_summary_inputs.sql)
INPUTS = {"messages": "summary_message_rows", "conversations": "summary_conversation_rows"}


def refresh(con, steps: list[str], params: dict, incremental: bool) -> None:
    """Bring every summary of `steps` up to date after a derive (incremental or full)."""
    by_hours = [step for step in steps if incremental and _refreshable(con, step)]
    for step in steps:
        if step not in by_hours:
            sql.execute_script(con, step, params)
    if by_hours and _hours_pending(con):
        _refresh_hours(con, by_hours, params)
    sql.execute_script(con, "etl/scope_summary_done")
    for step in steps:
        sql.execute_script(con, "etl/scope_summary_digest_save",
                           {"key": DIGEST_KEY + step, "digest": _digest(step)})


def _refreshable(con, step: str) -> bool:
    if not any(line.startswith(BY_HOUR_MARK) for line in sql.text(step).splitlines()):
        return False
    stored = sql.query(con, "etl/scope_summary_digest", {"key": DIGEST_KEY + step})
    if stored.iloc[0]["digest"] != _digest(step):
        return False
    return bool(sql.query(con, "etl/scope_summary_table", {"table": _table(step)})
                .iloc[0]["refreshable"])


def _hours_pending(con) -> bool:
    """Whether the incremental derive left hours to refresh (none when nothing was new)."""
    return bool(sql.query(con, "etl/scope_summary_pending").iloc[0]["pending"])


def _refresh_hours(con, steps: list[str], params: dict) -> None:
    database = _ident(str(sql.query(con, "etl/current_database").iloc[0]["name"]))
    sql.execute_script(con, "etl/scope_summary_inputs")
    con.execute(f"attach ':memory:' as {SCOPE_DB}")  # sql-identifier: a module constant
    try:
        for table, rows in INPUTS.items():
            source = f"{database}.main.{table}"  # sql-identifier: the quoted catalog name, a constant
            con.execute(f"create view {SCOPE_DB}.{table} as "  # sql-identifier: module constants
                        f"select * from {source} where rowid in (select row_id from {rows})")
        con.execute(f"use {SCOPE_DB}")  # sql-identifier: a module constant
        con.execute(f"set search_path = '{SCOPE_DB}.main,{database}.main'")  # sql-identifier: constant + quoted catalog name
        try:
            for step in steps:
                sql.execute_script(con, step, params)
        finally:
            con.execute(f"use {database}")  # sql-identifier: quoted catalog name
            con.execute("reset search_path")
        for step in steps:
            _replace_hours(con, _table(step))
    finally:
        con.execute(f"detach {SCOPE_DB}")  # sql-identifier: a module constant


def _replace_hours(con, table: str) -> None:
    """The rows of the refreshed hours, from the scope's summary into the stored one."""
    in_hours = "epoch_us(hour) // 3600000000 in (select hour_mark from summary_hours)"
    con.execute(f"delete from {table} where {in_hours}")  # sql-identifier: a summary file's name
    con.execute(f"insert into {table} by name "  # sql-identifier: a summary file's name
                f"select * from {SCOPE_DB}.{table} where {in_hours}")


def _table(step: str) -> str:
    return step.rsplit("/", 1)[-1]


def _digest(step: str) -> str:
    return hashlib.sha256(sql.text(step).encode()).hexdigest()


def _ident(name: str) -> str:
    # a catalog name DuckDB derived from the file name; quoted as an identifier, never a value
    return '"' + name.replace('"', '""').replace("'", "''") + '"'
