"""The user's configuration: `carepulse.toml` (brands' time zones, opening hours, holidays, SLA
targets) and the event calendar file it points to (`events.csv` beside it by default).

Lookup: --config, else $CAREPULSE_CONFIG, else ./carepulse.toml; none at all means the defaults
(every brand 24x7 in UTC, SLA targets 15 min, 1 h, 4 h, 24 h, no events). The ETL stores the
configuration in the database at every load, so the derived tables always match it.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from etl.errors import EtlError
from etl.settings import CONFIG_ENV, DEFAULT_CONFIG, DEFAULT_EVENTS, EVENTS_ENV

DEFAULT_TARGETS = (15, 60, 240, 1440)
ROOT = Path(__file__).resolve().parent.parent
# The code that turns the configuration files into stored tables (etl/derive.py stores them
# again whenever the files or this code change).
STORE_SOURCES = ("etl/config.py", "etl/business_hours.py", "etl/events.py",
                 "sql/etl/config_store.sql", "sql/etl/events.sql")


@dataclass(frozen=True)
class Config:
    path: Path | None                      # the TOML file read, if any
    data: dict = field(default_factory=dict)
    events_path: Path | None = None        # the event calendar (CSV), if any

    @property
    def sla_targets(self) -> tuple[int, ...]:
        targets = self.data.get("sla", {}).get("targets_minutes", DEFAULT_TARGETS)
        return tuple(int(t) for t in targets)

    @property
    def brands(self) -> dict:
        return self.data.get("brands", {})


def load_config(path: str | Path | None = None) -> Config:
    """Read the configuration; a file named explicitly must exist and parse."""
    explicit = path or os.environ.get(CONFIG_ENV)
    candidate = Path(explicit) if explicit else Path(DEFAULT_CONFIG)
    if not candidate.exists():
        if explicit:
            raise EtlError(f"{candidate}: no such configuration file")
        return Config(None, {}, _events_path(None, {}))
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise EtlError(f"{candidate}: not valid TOML ({exc})") from exc
    return Config(candidate, data, _events_path(candidate, data))


def _events_path(config_path: Path | None, data: dict) -> Path | None:
    named = data.get("events_file") or os.environ.get(EVENTS_ENV)
    base = config_path.parent if config_path else Path.cwd()
    if named:
        path = Path(named) if Path(named).is_absolute() else base / named
        if not path.exists():
            raise EtlError(f"{path}: no such event calendar file")
        return path
    default = base / DEFAULT_EVENTS
    return default if default.exists() else None


def source_digest(config: Config) -> str:
    """Digest of what the stored configuration and event calendar are made from: the bytes of
    the TOML file and of the calendar file (or their absence), and the code that stores them."""
    h = hashlib.sha256()
    for path in (config.path, config.events_path):
        h.update(b"file\0" + Path(path).read_bytes() + b"\0" if path else b"none\0")
    for source in STORE_SOURCES:
        h.update(source.encode() + b"\0" + (ROOT / source).read_bytes() + b"\0")
    return h.hexdigest()
