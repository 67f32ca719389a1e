"""The user's configuration: `carepulse.toml` (brands' time zones, opening hours, holidays, SLA
targets) and the event calendar file it points to (`events.csv` beside it by default).

Lookup: --config, else $CAREPULSE_CONFIG, else ./carepulse.toml; none at all means the defaults
(every brand 24x7 in UTC, SLA targets 15 min, 1 h, 4 h, 24 h, no events). The ETL stores the
configuration in the database at every load, so the derived tables always match it.
"""
from __future__ import annotations

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
