"""The benchmark's own SQL (bench/sql/*.sql): probes and floors that are not product queries.

Same conventions as the product's loader (`sql`): one query per file, values bound as `$params`.
"""
from __future__ import annotations

from pathlib import Path

import sql

BENCH_SQL = Path(__file__).resolve().parent / "sql"


def text(name: str) -> str:
    return (BENCH_SQL / f"{name}.sql").read_text(encoding="utf-8")


def _bound(name: str, params: dict | None) -> tuple[str, dict]:
    body = text(name)
    wanted = sql.params_of(body)
    return body, {k: v for k, v in (params or {}).items() if k in wanted}


def rows(con, name: str, params: dict | None = None) -> list[tuple]:
    """Run bench/sql/<name>.sql and fetch every row (a DuckDB result holds the connection)."""
    body, bound = _bound(name, params)
    return con.execute(body, bound).fetchall()


def relation(con, name: str, params: dict | None = None):
    """bench/sql/<name>.sql as a relation (to write it out with `.write_csv`)."""
    body, bound = _bound(name, params)
    return con.sql(body, params=bound)
