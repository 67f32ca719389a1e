"""The metrics library behind `carepulse metrics`: find, run and format the metric queries.

Every `sql/metrics/<name>.sql` whose header has a line

    -- metric: <cli-name>: <one-line meaning>

is a metric (`carepulse metrics --list`), run as `carepulse metrics <cli-name>`. Besides the
common parameters `$brands`, `$start`, `$end`, a metric declares its own with defaults:

    -- default: grain = day (day | week)       (name = value, optional allowed values)

A metric computed in Python registers itself with `register(...)` (e.g. from its CLI module).
The dashboard runs the same files through `sql.query`.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

import sql
from etl.errors import EtlError

METRICS_DIR = sql.SQL_DIR / "metrics"
FORMATS = ("table", "json", "csv")
# Unbounded defaults for --start / --end: before the first and after the last possible tweet.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
LATEST = dt.datetime(9999, 12, 31, tzinfo=dt.timezone.utc)

_METRIC = re.compile(r"^--\s*metric:\s*([a-z0-9][a-z0-9-]*)\s*:\s*(.+?)\s*$")
_DEFAULT = re.compile(r"^--\s*default:\s*([a-z_][a-z0-9_]*)\s*=\s*(\S+)\s*(?:\(([^)]*)\))?\s*$")


@dataclass(frozen=True)
class Metric:
    name: str                                   # CLI name, with dashes
    meaning: str
    query: str | None = None                    # 'metrics/response_times', or None (Python)
    defaults: dict = field(default_factory=dict)   # the metric's own parameters
    choices: dict = field(default_factory=dict)    # parameter -> allowed values
    runner: Callable | None = None              # runner(con, params) -> DataFrame

    def run(self, con, params: dict) -> pd.DataFrame:
        if self.runner is not None:
            return self.runner(con, params)
        return sql.query(con, self.query, params)


_REGISTERED: dict[str, Metric] = {}


def register(name: str, meaning: str, runner: Callable, defaults: dict | None = None,
             choices: dict | None = None) -> None:
    """Add a metric computed in Python; runner(con, params) -> DataFrame."""
    _REGISTERED[name] = Metric(name, meaning, None, dict(defaults or {}), dict(choices or {}),
                               runner)


def available() -> dict[str, Metric]:
    """Every metric by CLI name: the SQL files with a `-- metric:` line, then registered ones."""
    found = {}
    for path in sorted(METRICS_DIR.glob("*.sql")):
        metric = _from_file(path)
        if metric is not None:
            found[metric.name] = metric
    return {**found, **_REGISTERED}


def _from_file(path: Path) -> Metric | None:
    name = meaning = None
    defaults, choices = {}, {}
    for line in sql.text(f"metrics/{path.stem}").splitlines():
        if not line.startswith("--"):
            break
        if m := _METRIC.match(line):
            name, meaning = m.group(1), m.group(2)
        elif m := _DEFAULT.match(line):
            defaults[m.group(1)] = _value(m.group(2))
            if m.group(3):
                choices[m.group(1)] = tuple(c.strip() for c in m.group(3).split("|"))
    if name is None:
        return None
    return Metric(name, meaning, f"metrics/{path.stem}", defaults, choices)


def get(name: str) -> Metric:
    metrics = available()
    key = name.strip().lower().replace("_", "-")
    if key not in metrics:
        raise EtlError(f"no metric {name!r}; known: {', '.join(metrics)} "
                       "(see `carepulse metrics --list`)")
    return metrics[key]


def parameters(metric: Metric, brands: list[str] | None = None, start: str | None = None,
               end: str | None = None, overrides: list[str] | None = None) -> dict:
    """Bind values: $brands, $start, $end (end exclusive) and the metric's own parameters."""
    params = {
        "brands": list(brands or []),
        "start": parse_bound(start, end=False) if start else EARLIEST,
        "end": parse_bound(end, end=True) if end else LATEST,
        **metric.defaults,
    }
    if params["end"] <= params["start"]:
        raise EtlError(f"--end {end} is not after --start {start}")
    for item in overrides or []:
        key, sep, raw = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in metric.defaults:
            own = ", ".join(metric.defaults) or "none"
            raise EtlError(f"--param {item!r}: {metric.name} takes NAME=VALUE with NAME in: {own}")
        value = _value(raw.strip())
        allowed = metric.choices.get(key)
        if allowed and str(value) not in allowed:
            raise EtlError(f"--param {key}: {raw!r} is not one of {', '.join(allowed)}")
        params[key] = value
    return params


def parse_bound(text: str, end: bool) -> dt.datetime:
    """A date (UTC day; as --end the whole day is included) or an ISO timestamp (naive = UTC)."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(),
                                      dt.timezone.utc)
            return day + dt.timedelta(days=1) if end else day
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError as exc:
        raise EtlError(f"{value!r} is not a date (YYYY-MM-DD) or ISO timestamp") from exc
    return stamp.replace(tzinfo=dt.timezone.utc) if stamp.tzinfo is None else stamp


def run(con, name: str, brands=None, start=None, end=None, overrides=None) -> pd.DataFrame:
    metric = get(name)
    return metric.run(con, parameters(metric, brands, start, end, overrides))


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain values: ISO-8601 UTC timestamps ('...Z'), None for NaN/NaT."""
    names = list(frame.columns)
    if not names:
        return [{} for _ in range(len(frame))]
    columns = [_plain_column(frame.iloc[:, i]) for i in range(len(names))]
    return [dict(zip(names, values)) for values in zip(*columns)]


def _plain_column(column: pd.Series) -> list:
    """One column's values as _plain gives them, the common types a whole column at a time
    (cell by cell, 170k rows took ~4 s)."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        utc = column.dt.tz_convert("UTC")
        present = utc.dropna()
        if not ((present.dt.microsecond != 0).any() or (present.dt.nanosecond != 0).any()
                or (present.dt.year < 1000).any()):
            text = utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ").tolist()
            return [v if isinstance(v, str) else None for v in text]
    elif column.dtype == "float64":
        return [None if math.isnan(v) else v for v in column.tolist()]
    elif column.dtype in ("int64", "bool"):
        return column.tolist()
    return [_plain(v) for v in column.astype(object).tolist()]


def _plain(value):
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):                       # numpy scalars
        return _plain(value.item())
    return value


def render(frame: pd.DataFrame, fmt: str) -> str:
    """The frame as JSON (a list of row objects), CSV, or a text table for people."""
    rows = records(frame)
    columns = list(frame.columns)
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False, allow_nan=False)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if r[c] is None else r[c] for c in columns] for r in rows])
        return out.getvalue().rstrip("\n")
    if fmt == "table":
        return _table(columns, rows)
    raise EtlError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _table(columns: list[str], rows: list[dict]) -> str:
    cells = [[_cell(r[c]) for c in columns] for r in rows]
    numeric = [all(isinstance(r[c], (int, float)) or r[c] is None for r in rows) for c in columns]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric)).rstrip()

    body = [line(columns), line(["-" * w for w in widths]), *(line(row) for row in cells)]
    if not rows:
        body.append("(no rows)")
    return "\n".join(body)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def listing(fmt: str = "table") -> str:
    """`carepulse metrics --list`: name, meaning and own parameters of every metric."""
    metrics = available().values()
    if fmt in ("json", "csv"):
        frame = pd.DataFrame([
            {"name": m.name, "meaning": m.meaning,
             "params": " ".join(f"{k}={_show(v)}" for k, v in m.defaults.items())}
            for m in metrics])
        return render(frame, fmt)
    width = max(len(m.name) for m in metrics)
    lines = []
    for m in metrics:
        lines.append(f"{m.name.ljust(width)}  {m.meaning}")
        for key, value in m.defaults.items():
            allowed = f" ({' | '.join(m.choices[key])})" if key in m.choices else ""
            lines.append(f"{'':{width}}    --param {key}={_show(value)}{allowed}")
    return "\n".join(lines)


def _show(value) -> str:
    return "null" if value is None else str(value)


def _value(text: str):
    """'null' -> None, numbers -> int/float, anything else stays text."""
    if text.lower() in ("null", "none", ""):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
