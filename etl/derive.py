"""Derive: rebuild conversations, replies and message keys from everything loaded, in SQL."""
from __future__ import annotations

import sql
from etl import business_hours, events
from etl.config import Config
from etl.settings import DM_HANDOFF_HOURS

STEPS = ("etl/derive_threads", "etl/derive_business", "etl/derive_replies",
         "etl/derive_campaigns", "etl/derive_conversations")


def rebuild(con, config: Config) -> None:
    business_hours.store(con, config)   # business figures always follow the stored config
    events.store(con, config.events_path)   # the calendar file, as of this load
    params = {"dm_handoff_hours": DM_HANDOFF_HOURS}
    for step in STEPS:
        sql.execute_script(con, step, params)
