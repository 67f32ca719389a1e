"""The event calendar: campaigns, launches, price changes, outages and other dated events.

The user keeps it in a CSV file (`events.csv` beside carepulse.toml, or the file `events_file`
names; see docs/events.md):

    name,brand,start,end,kind,keywords
    Mega Deal,Acme,2026-09-15T04:00:00Z,2026-09-19T04:00:00Z,campaign,#AcmeMegaDeal;Mega Deal

`read_calendar` validates it (one clear line naming the bad row), `store` replaces the `events`
table with it at every load, so the database always matches the file the user edits. Matching
messages to events happens in SQL (sql/etl/derive_campaigns.sql).
"""
from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import sql
from etl.errors import EtlError

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("campaign", "launch", "price change", "outage", "other")
# Kinds the brand plans: a spike during one is `expected`. An outage is an incident the user
# notes (usually after the fact): spikes during it name it but stay `surprise`.
PLANNED_KINDS = ("campaign", "launch", "price change", "other")
COLUMNS = ("name", "brand", "start", "end", "kind", "keywords")
KEYWORD_SEPARATOR = ";"

_FRAME_COLUMNS = ("event_id", "name", "brand", "starts_at", "ends_at", "kind", "keywords", "line")


def read_calendar(path: str | Path) -> pd.DataFrame:
    """The validated calendar: one row per event, times as UTC timestamps, keywords ';'-joined.

    Columns: event_id (1, 2, ... in file order), name, brand (None = every brand), starts_at,
    ends_at (exclusive), kind, keywords (the ';'-separated list, cleaned), line (in the file).
    Raises EtlError naming the file and line when anything is wrong.
    """
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = _read_rows(path, fh)
    except (OSError, UnicodeDecodeError) as exc:
        raise EtlError(f"{path}: cannot read the event calendar ({exc})") from exc
    import pandas as pd   # here, not at the top: only a load whose calendar changed needs it

    frame = pd.DataFrame(rows, columns=list(_FRAME_COLUMNS))
    frame["starts_at"] = pd.to_datetime(frame["starts_at"], utc=True)
    frame["ends_at"] = pd.to_datetime(frame["ends_at"], utc=True)
    return frame.astype({"event_id": "int64", "line": "int64"})


def _read_rows(path: Path, fh) -> list[tuple]:
    reader = csv.reader(fh)
    header = next(reader, None)
    if header is None:
        raise EtlError(f"{path}: the event calendar is empty; it needs the header "
                       f"{','.join(COLUMNS)}")
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise EtlError(f"{path} line 1: the event calendar needs columns {','.join(COLUMNS)}; "
                       f"missing {', '.join(missing)}")
    index = {c: names.index(c) for c in COLUMNS}
    rows = []
    for record in reader:
        if not any(field.strip() for field in record):
            continue  # blank lines are allowed
        line = reader.line_num
        values = {c: (record[i].strip() if i < len(record) else "") for c, i in index.items()}
        rows.append(_event(path, line, len(rows) + 1, values))
    return rows


def _event(path: Path, line: int, event_id: int, v: dict) -> tuple:
    where = f"{path} line {line}"
    if not v["name"]:
        raise EtlError(f"{where}: the event has no name")
    kind = " ".join(v["kind"].lower().split())
    if kind not in KINDS:
        raise EtlError(f"{where} ({v['name']}): kind {v['kind']!r} is not one of "
                       f"{', '.join(KINDS)}")
    start = _parse_time(v["start"], f"{where} ({v['name']}): start")
    end = _parse_time(v["end"], f"{where} ({v['name']}): end")
    if not start < end:
        raise EtlError(f"{where} ({v['name']}): start {v['start']} is not before end {v['end']}")
    keywords = [k.strip() for k in v["keywords"].split(KEYWORD_SEPARATOR) if k.strip()]
    bad = [k for k in keywords if k.strip("#") == ""]
    if bad:
        raise EtlError(f"{where} ({v['name']}): keyword {bad[0]!r} has no letters or digits")
    brand = v["brand"].lstrip("@") or None
    return (event_id, v["name"], brand, start, end, kind, KEYWORD_SEPARATOR.join(keywords), line)


def _parse_time(text: str, what: str) -> datetime:
    """ISO 8601 date or date-time; a time without a zone is UTC."""
    if not text:
        raise EtlError(f"{what} is empty (ISO 8601, e.g. 2026-09-15T04:00:00Z)")
    value = text[:-1] + "+00:00" if text[-1] in "zZ" else text
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise EtlError(f"{what} {text!r} is not an ISO 8601 time "
                       f"(e.g. 2026-09-15 or 2026-09-15T04:00:00Z)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def store(con, path: str | Path | None) -> int:
    """Replace the `events` table with the calendar at `path` (None: no calendar, no events)."""
    frame = read_calendar(path) if path is not None else _empty()
    con.register("events_frame", frame)
    try:
        sql.execute_script(con, "etl/events")
    finally:
        con.unregister("events_frame")
    return len(frame)


def _empty() -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in _FRAME_COLUMNS})
    frame["starts_at"] = pd.Series(dtype="datetime64[ns, UTC]")
    frame["ends_at"] = pd.Series(dtype="datetime64[ns, UTC]")
    return frame.astype({"event_id": "int64", "line": "int64"})
