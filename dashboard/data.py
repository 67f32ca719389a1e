"""Cached, thread-safe data access for the pages: every query is a file in sql/.

One read-only connection per published data version (a load swaps the file; the next rerun sees
a new version and reopens). Each query runs on its own cursor, because Streamlit sessions run on
separate threads and one DuckDB connection refuses concurrent calls. Results are cached by
(query, parameters, data version).

A page that needs several queries starts them all at once (`start`, one thread and cursor each,
at most WORKERS running in the process) and then reads their results as it draws: its wait is
its slowest query's, not the sum of all of them.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from concurrent.futures import Future

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx

import sql
from dashboard import auth
from etl import api


def db_file() -> str:
    return str(api.db_path(os.environ.get("CAREPULSE_DB")))


def version() -> str:
    return api.data_version(db_file())


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(db: str, data_version: str):
    return api.open_reader(db)


def cursor(data_version: str | None = None):
    """A cursor of its own on the read-only connection of this data version (for etl.api calls
    that take a connection; close it after use)."""
    return _connection(db_file(), data_version or version()).cursor()


def available(name: str) -> bool:
    """Whether sql/<name>.sql exists (metric files land over time; pages say when one is missing)."""
    return (sql.SQL_DIR / f"{name}.sql").is_file()


def run(name: str, **params) -> pd.DataFrame:
    """Result of sql/<name>.sql with `params`, cached per data version.

    Only the parameters the file uses are bound and part of the cache key, so pages can pass
    their whole filter set to every query without splitting the cache.
    """
    return _cached(*_cache_key(name, params))


# Started queries running at once in this process, at most: the machine has 2 cores and each
# query already uses DuckDB's threads; 3 keeps both busy while one query's Python (binding,
# building its frame) runs (2.8M rows, quiet machine, SLA page's queries one after another vs 3
# at once: one brand 148 -> 113 ms, all brands / 30 days 268 -> 219, 90 days 341 -> 297).
WORKERS = 3
_workers = threading.BoundedSemaphore(WORKERS)


def start(name: str, **params) -> Future:
    """`run(name, **params)` on a thread of its own: returns at once; the future's result() is
    the frame, or raises what run would have raised. Queries started one after another run at
    the same time, each on its own cursor; a cached result is served from the cache as by run.
    """
    key = _cache_key(name, params)      # signed-in check and data version on the page's thread
    future: Future = Future()
    worker = threading.Thread(target=_fill, args=(future, key), daemon=True,
                              name=f"carepulse-query {name}")
    # the page's script run context: st.cache_data and a stop or rerun of the page behave
    # as on the page's own thread (Streamlit's way for threads a script starts)
    add_script_run_ctx(worker)
    worker.start()
    return future


def _fill(future: Future, key: tuple) -> None:
    future.set_running_or_notify_cancel()
    try:
        with _workers:
            frame = _cached(*key)
    except BaseException as exc:         # a failed query, or Streamlit stopping the run
        future.set_exception(exc)
    else:
        future.set_result(frame)


def _cache_key(name: str, params: dict) -> tuple[str, str, str]:
    used = sql.params_of(sql.text(name))
    auth.require()                 # no data for a session that is not signed in
    return name, _freeze({k: v for k, v in params.items() if k in used}), version()


# When a list, every query that misses the cache appends (name, seconds): dashboard/timing.py.
QUERY_LOG: list | None = None


@st.cache_data(max_entries=1000, show_spinner=False)
def _cached(name: str, frozen: str, data_version: str) -> pd.DataFrame:
    params = _thaw(frozen)
    started = time.perf_counter()
    cursor = _connection(db_file(), data_version).cursor()
    try:
        return sql.query(cursor, name, params)
    finally:
        cursor.close()
        if QUERY_LOG is not None:
            QUERY_LOG.append((name, time.perf_counter() - started))


def _freeze(params: dict) -> str:
    return json.dumps(params, sort_keys=True, default=_encode)


def _encode(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return {"__dt__": value.isoformat()}
    raise TypeError(f"cannot bind {type(value).__name__}")


def _thaw(frozen: str) -> dict:
    def hook(obj):
        if "__dt__" in obj:
            return dt.datetime.fromisoformat(obj["__dt__"])
        return obj

    return json.loads(frozen, object_hook=hook)
