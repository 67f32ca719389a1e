"""Constants and defaults in one place (dlt-style settings)."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "carepulse.duckdb"
DB_ENV = "CAREPULSE_DB"
CONFIG_ENV = "CAREPULSE_CONFIG"
DEFAULT_CONFIG = "carepulse.toml"
EVENTS_ENV = "CAREPULSE_EVENTS"
DEFAULT_EVENTS = "events.csv"

# twcs columns: required ones, and optional ones our own files may add.
TWCS_REQUIRED = ("tweet_id", "author_id", "inbound", "created_at", "text")
TWCS_OPTIONAL = ("response_tweet_id", "in_response_to_tweet_id", "author_followers", "channel", "brand")

# A DM with the same customer within this many hours after a public conversation = moved to DM.
DM_HANDOFF_HOURS = 48


def db_path(cli_value: str | None) -> Path:
    """--db, else $CAREPULSE_DB, else ./carepulse.duckdb."""
    return Path(cli_value or os.environ.get(DB_ENV) or DEFAULT_DB)
