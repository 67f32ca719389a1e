"""Cached, thread-safe data access for the pages: every query is a file in sql/.

One read-only connection per published data version (a load swaps the file; the next rerun sees
a new version and reopens). Each query runs on its own cursor, because Streamlit sessions run on
separate threads and one DuckDB connection refuses concurrent calls. Results are cached by
(query, parameters, data version).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import time

import pandas as pd
import streamlit as st

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
    used = sql.params_of(sql.text(name))
    auth.require()                 # no data for a session that is not signed in
    return _cached(name, _freeze({k: v for k, v in params.items() if k in used}), version())


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
