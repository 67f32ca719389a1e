"""Business hours and SLA targets from carepulse.toml, validated and stored in the database.

The configuration becomes four small tables (sql/etl/config_store.sql), which the derive step
sql/etl/derive_business.sql turns into each brand's open intervals in UTC; business minutes
between two instants are then a difference of cumulative open minutes (see docs/configuration.md).

    [sla]
    targets_minutes = [15, 60, 240, 1440]   # reported targets (default 15, 60, 240, 1440)
    target_minutes = 60                     # the headline target (default 60, else the first)

    [brands.AcmeCareHelp]
    timezone = "America/New_York"           # IANA name (default UTC)
    holidays = ["2026-12-25"]               # optional: closed in every schedule version
    sla = { target_minutes = 30 }           # optional per-brand targets

    [[brands.AcmeCareHelp.schedule]]         # one table per version; several allowed
    effective_from = "2026-01-01"           # local date; the earliest version also covers before
    mon = "08:00-20:00"                     # "HH:MM-HH:MM", several with ",", "closed";
    sat = "09:00-12:00, 13:00-17:00"        # 24:00 ends at midnight; 22:00-06:00 runs overnight
    holidays = ["2026-09-07"]               # local dates closed while this version is in effect

A day not listed in a version is closed; a brand without any schedule is open 24x7 in its time
zone; a brand missing from the file is open 24x7 in UTC.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sql
from etl.config import DEFAULT_TARGETS, Config
from etl.errors import EtlError

if TYPE_CHECKING:
    import pandas as pd

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LONG_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_TARGET = 60
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_BRAND_KEYS = {"timezone", "schedule", "holidays", "sla", *DAYS, *LONG_DAYS}
_VERSION_KEYS = {"effective_from", "holidays", *DAYS, *LONG_DAYS}
_SLA_KEYS = {"targets_minutes", "target_minutes"}


@dataclass(frozen=True)
class Tables:
    """The configuration as rows, ready for the config_* tables."""
    brands: pd.DataFrame      # brand, timezone
    hours: pd.DataFrame       # brand, effective_from, weekday (1 = Mon), opens_minute, closes_minute
    versions: pd.DataFrame    # brand, effective_from (every version, also one with no open day)
    holidays: pd.DataFrame    # brand, effective_from (null = every version), day
    sla: pd.DataFrame         # brand (null = default), target_minutes, is_primary


def tables(config: Config) -> Tables:
    """Parse and validate the business-hours part of `config`; errors name the offending key."""
    where = str(config.path) if config.path else "configuration"
    brands, hours, versions, holidays = [], [], [], []
    sla = _sla_rows(None, config.data.get("sla", {}), f"{where}: [sla]")
    raw_brands = config.data.get("brands", {})
    if not isinstance(raw_brands, dict):
        raise EtlError(f"{where}: [brands] must be a table of brands")
    for brand, spec in raw_brands.items():
        at = f"{where}: [brands.{brand}]"
        if not isinstance(spec, dict):
            raise EtlError(f"{at} must be a table")
        _no_unknown(spec, _BRAND_KEYS, at)
        brands.append((brand, _timezone(spec.get("timezone", "UTC"), at)))
        holidays += [(brand, None, d) for d in _dates(spec.get("holidays", []), f"{at} holidays")]
        if "sla" in spec:
            sla += _sla_rows(brand, spec["sla"], f"{at} sla")
        for effective, days, days_off in _versions(spec, at):
            versions.append((brand, effective))
            hours += [(brand, effective, *span) for span in days]
            holidays += [(brand, effective, d) for d in days_off]
    import pandas as pd   # here, not at the top: only a load whose configuration changed needs it

    return Tables(
        brands=pd.DataFrame(brands, columns=["brand", "timezone"]).astype({"brand": str}),
        hours=pd.DataFrame(hours, columns=["brand", "effective_from", "weekday", "opens_minute",
                                           "closes_minute"]),
        versions=pd.DataFrame(versions, columns=["brand", "effective_from"]),
        holidays=pd.DataFrame(holidays, columns=["brand", "effective_from", "day"]),
        sla=pd.DataFrame(sla, columns=["brand", "target_minutes", "is_primary"]),
    )


def store(con, config: Config) -> None:
    """Replace the config_* tables of `con` with `config` (run before every derive)."""
    parsed = tables(config)
    frames = {
        "config_brands_frame": parsed.brands,
        "config_hours_frame": parsed.hours,
        "config_versions_frame": parsed.versions,
        "config_holidays_frame": parsed.holidays,
        "config_sla_frame": parsed.sla,
    }
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        sql.execute_script(con, "etl/config_store")
    finally:
        for name in frames:
            con.unregister(name)


def _versions(spec: dict, at: str):
    """(effective_from, [(weekday, opens, closes)], [holidays]) per schedule version."""
    inline = {k: v for k, v in spec.items() if k in DAYS or k in LONG_DAYS}
    raw = spec.get("schedule", [])
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(v, dict) for v in raw):
        raise EtlError(f"{at} schedule must be a list of tables ([[brands.NAME.schedule]])")
    if inline and raw:
        raise EtlError(f"{at}: put opening hours either on the brand or in its schedule versions")
    if inline:
        raw = [dict(inline)]
    seen = set()
    for i, version in enumerate(raw):
        vat = f"{at} schedule #{i + 1}"
        _no_unknown(version, _VERSION_KEYS, vat)
        effective = _date(version.get("effective_from", "1970-01-01"), f"{vat} effective_from")
        if effective in seen:
            raise EtlError(f"{vat}: two schedule versions start on {effective}")
        seen.add(effective)
        spans = []
        for key, value in version.items():
            if key in DAYS or key in LONG_DAYS:
                weekday = (DAYS.index(key) if key in DAYS else LONG_DAYS.index(key)) + 1
                spans += [(weekday, *s) for s in _spans(value, f"{vat} {key}")]
        days_off = _dates(version.get("holidays", []), f"{vat} holidays")
        yield effective, spans, days_off


def _spans(value, at: str) -> list[tuple[int, int]]:
    """'08:00-20:00', '09:00-12:00, 13:00-17:00', a list of those, or 'closed' -> minutes."""
    parts = value if isinstance(value, list) else str(value).split(",")
    out = []
    for part in parts:
        text = str(part).strip().lower()
        if text in ("", "closed", "00:00-00:00"):
            continue
        m = _SPAN.match(text)
        if not m:
            raise EtlError(f'{at}: "{part}" is not "HH:MM-HH:MM" (or "closed")')
        h1, m1, h2, m2 = map(int, m.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise EtlError(f'{at}: "{part}" is not a time of day')
        opens, closes = h1 * 60 + m1, h2 * 60 + m2
        if closes == opens:
            raise EtlError(f'{at}: "{part}" opens and closes at the same time')
        out.append((opens, closes if closes > opens else closes + 1440))  # overnight
    return out


def _sla_rows(brand: str | None, spec, at: str) -> list[tuple]:
    if not isinstance(spec, dict):
        raise EtlError(f"{at} must be a table")
    _no_unknown(spec, _SLA_KEYS, at)
    targets = spec.get("targets_minutes", DEFAULT_TARGETS if brand is None else [])
    if not isinstance(targets, (list, tuple)) or not all(_positive(t) for t in targets):
        raise EtlError(f"{at} targets_minutes must be a list of positive numbers")
    primary = spec.get("target_minutes")
    if primary is not None and not _positive(primary):
        raise EtlError(f"{at} target_minutes must be a positive number")
    if primary is None and targets:
        primary = DEFAULT_TARGET if DEFAULT_TARGET in targets else targets[0]
    rows = [(brand, float(t), t == primary) for t in dict.fromkeys(targets)]
    if primary is not None and primary not in targets:
        rows.append((brand, float(primary), True))
    return rows


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _timezone(name, at: str) -> str:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise EtlError(f'{at} timezone: "{name}" is not a time zone name '
                       f'(IANA, e.g. "Europe/London")') from exc
    return str(name)


def _dates(values, at: str) -> list[dt.date]:
    if not isinstance(values, list):
        raise EtlError(f"{at} must be a list of dates")
    return [_date(v, at) for v in values]


def _date(value, at: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise EtlError(f'{at}: "{value}" is not a date (YYYY-MM-DD)') from exc


def _no_unknown(spec: dict, allowed: set, at: str) -> None:
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise EtlError(f"{at}: unknown key(s) {', '.join(unknown)}")
