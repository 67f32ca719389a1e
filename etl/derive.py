"""Derive: rebuild conversations, replies and message keys from everything loaded, in SQL."""
from __future__ import annotations

import sql
from etl.config import Config
from etl.settings import DM_HANDOFF_HOURS

STEPS = ("etl/derive_threads", "etl/derive_replies", "etl/derive_conversations")


def rebuild(con, config: Config) -> None:
    params = {"dm_handoff_hours": DM_HANDOFF_HOURS}
    for step in STEPS:
        sql.execute_script(con, step, params)
