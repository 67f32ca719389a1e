"""The one loader for SQL text kept in this folder, shared by the ETL, the CLI and the dashboard.

Queries are files (`sql/<group>/<name>.sql`); values are always bound as named parameters
(`$brand`, `$start`), never formatted into the text.
"""
from __future__ import annotations

import functools
import os
import re
import resource
import sys
import threading
import time
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
# `-- default: name = value` in a file's header: the value bound when a caller leaves it out
_DEFAULT = re.compile(r"^--\s*default:\s*([a-z_][a-z0-9_]*)\s*=\s*(\S+)", re.M)
# CAREPULSE_SQL_TIMINGS=1: execute_script logs each statement's wall time to stderr (profiling).
TIMINGS_ENV = "CAREPULSE_SQL_TIMINGS"
# the zero of the timings' timeline (`@start-end`, seconds): this module's import, ~0.01 s after
# the interpreter starts the CLI
_TIMELINE_ZERO = time.perf_counter()


@functools.lru_cache(maxsize=None)
def text(name: str) -> str:
    """SQL text of `name` ('etl/schema' or 'metrics/response_times'), without the .sql suffix."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    return path.read_text(encoding="utf-8")


def params_of(sql_text: str) -> set[str]:
    """Named parameters a query uses, ignoring comments."""
    return set(_params_of(sql_text))


def defaults_of(sql_text: str) -> dict:
    """Parameters the file declares with a default (`-- default: clock = both`): 'null' -> None,
    numbers -> int / float, anything else text."""
    return dict(_defaults_of(sql_text))


# kept per text: reading a long metric file's parameters and defaults cost ~0.3 ms, paid by
# every query run (bind) and every dashboard call (data.run)
@functools.lru_cache(maxsize=1024)
def _params_of(sql_text: str) -> frozenset[str]:
    body = "\n".join(line.split("--", 1)[0] for line in sql_text.splitlines())
    return frozenset(_PARAM.findall(body))


@functools.lru_cache(maxsize=1024)
def _defaults_of(sql_text: str) -> tuple:
    return tuple((name, _default_value(raw)) for name, raw in _DEFAULT.findall(sql_text))


def _default_value(raw: str):
    if raw.lower() in ("null", "none"):
        return None
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def bind(name: str, params: dict | None = None) -> tuple[str, dict]:
    """The query text and just the parameters it uses (DuckDB rejects unused named ones); a
    parameter the caller leaves out takes the file's declared default, if it has one."""
    sql_text = text(name)
    wanted = params_of(sql_text)
    given = {**defaults_of(sql_text), **(params or {})}
    missing = wanted - given.keys()
    if missing:
        raise KeyError(f"{name}.sql needs parameters {sorted(missing)}")
    return sql_text, {k: given[k] for k in wanted}


def query(con, name: str, params: dict | None = None):
    """Run one query file on `con` and return a pandas DataFrame.

    Threads (Streamlit sessions) must pass their own `con.cursor()`: one DuckDB connection
    refuses concurrent calls. The ETL passes its connection, whose temp tables a cursor can't see.
    """
    sql_text, bound = bind(name, params)
    statement = _parsed(con, sql_text)
    zoned = _ZONED.get(sql_text)
    if zoned and _session_zone(con) == "UTC":
        from sql import frames

        return frames.frame(con.execute(statement, bound))
    result = con.execute(statement, bound)
    if zoned is None:
        from sql import frames

        _ZONED[sql_text] = frames.has_zoned(result.description)
    return result.df()


# query text -> whether its result has a timestamptz column (learned on its first run): such a
# result is built by sql/frames.py, ~1 ms less per such column than .df(), when the session's
# time zone is UTC (the dashboard's and the CLI's readers; .df() converts to the session's zone)
_ZONED: dict[str, bool] = {}


def _session_zone(con) -> str:
    return con.execute("select current_setting('TimeZone')").fetchall()[0][0]


_PARSED: dict[str, object] = {}


def _parsed(con, sql_text: str):
    """The query's parsed statement, kept per text: DuckDB's Python client parses the text on
    every execute (2-5 ms for a long metric file, a fixed cost of every dashboard query), and a
    parsed statement runs on any connection (each execute works on its own copy of it). A text
    of several statements is passed as it is."""
    statement = _PARSED.get(sql_text)
    if statement is None:
        statements = con.extract_statements(sql_text)
        statement = statements[0] if len(statements) == 1 else sql_text
        _PARSED[sql_text] = statement
    return statement


def rows(con, name: str, params: dict | None = None) -> list[dict]:
    """Run one query file on `con` and return its rows as dicts (column name -> Python value).

    For the ETL's small bookkeeping queries: no DataFrame, so a load never imports pandas
    (~0.45 CPU s at start-up, a fixed cost of every load, a one-day one too). With
    CAREPULSE_SQL_TIMINGS set they are logged as execute_script's statements are: at 2.8M's next
    day ~40 of them, ~0.04 s of the timeline that showed as gaps."""
    sql_text, bound = bind(name, params)
    timed = bool(os.environ.get(TIMINGS_ENV))
    if timed:
        began, cpu = time.perf_counter(), _cpu_seconds()
    result = con.execute(sql_text, bound)
    names = [column[0] for column in result.description]
    found = [dict(zip(names, values)) for values in result.fetchall()]
    if timed:
        _log_timing(name, 1, sql_text, time.perf_counter() - began, _cpu_seconds() - cpu)
    return found


def one(con, name: str, params: dict | None = None) -> dict:
    """The first row of `rows(con, name, params)`: for queries that return exactly one."""
    return rows(con, name, params)[0]


def execute_script(con, name: str, params: dict | None = None) -> None:
    """Run a file of several statements separated by ';' lines (DDL, derivations)."""
    sql_text, bound = bind(name, params)
    timed = bool(os.environ.get(TIMINGS_ENV))
    for number, statement in enumerate(split_statements(sql_text), start=1):
        used = {k: v for k, v in bound.items() if k in params_of(statement)}
        if not timed:
            con.execute(statement, used)
            continue
        began, cpu = time.perf_counter(), _cpu_seconds()
        con.execute(statement, used)
        _log_timing(name, number, statement, time.perf_counter() - began, _cpu_seconds() - cpu)


def _cpu_seconds() -> float:
    """The process's CPU seconds, all threads: ~0.4 ms a call once DuckDB's threads run, so
    only timed runs ask (a load runs ~100 statements)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _log_timing(name: str, number: int, statement: str, seconds: float, cpu: float) -> None:
    """One line: wall time, CPU time of the process (all DuckDB threads; other load on the
    machine inflates the wall time, much less the CPU time), the statement's first line."""
    first = next((l.strip() for l in statement.splitlines()
                  if l.strip() and not l.strip().startswith("--")), "")
    log_timing(f"{name}#{number}", seconds, cpu, first[:60])


def log_timing(step: str, seconds: float, cpu: float, what: str = "") -> None:
    """A `sql-timing` line on stderr: wall and CPU seconds, the step, when it ran on the
    timeline (`@start-end`, seconds since the CLI started) and on which thread (the second
    connection's steps run on their own), then `what` (a statement's first line)."""
    end = time.perf_counter() - _TIMELINE_ZERO
    thread = threading.current_thread().name
    print(f"sql-timing {seconds:8.3f}s cpu {cpu:7.3f}s {step} @{end - seconds:.3f}-{end:.3f} "
          f"[{thread}] {what}".rstrip(), file=sys.stderr, flush=True)


def split_statements(sql_text: str) -> list[str]:
    """Split on ';' at line end; our files never put ';' inside a string at a line end."""
    parts, current = [], []
    for line in sql_text.splitlines():
        current.append(line)
        if line.rstrip().endswith(";"):
            parts.append("\n".join(current))
            current = []
    tail = "\n".join(current).strip()
    if tail and any(l.strip() and not l.strip().startswith("--") for l in current):
        parts.append(tail)
    return [p for p in parts if any(l.strip() and not l.strip().startswith("--") for l in p.splitlines())]
