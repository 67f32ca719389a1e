"""dashboard/conversations' first customer message, on the real twcs sample (loaded by the
production CLI; real threads, where a reply can carry an earlier timestamp than the message it
answers): for every listed conversation it is the text of its earliest inbound message,
computed here with pandas from `messages`, for the whole list and for the newest 50."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

import sql
from etl.cli import main
from tests.test_metrics import write_config


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    from tests.conftest import TWCS_5000, shared

    out = tmp_path_factory.mktemp("conversations_real")
    db = out / "real.duckdb"
    assert main(["load", "twcs", str(shared(TWCS_5000)), "--db", str(db),
                 "--config", str(write_config(out / "none.toml"))]) == 0
    return db


def _listed(con, limit):
    return sql.query(con, "dashboard/conversations", {
        "brands": [], "start": dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc),
        "end": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc), "answered": "any",
        "moved_to_dm": "any", "sentiment": "any", "sentiment_cut": 0.05, "campaign": "",
        "frt_above_minutes": None, "clock": "calendar", "limit": limit})


def _first_texts(con) -> dict[str, set[str]]:
    """Per conversation, the texts of its inbound messages sent at its earliest inbound time."""
    inbound = con.execute("select conversation_id, created_at, text from messages "
                          "where direction = 'inbound' and conversation_id is not null").df()
    first = inbound.groupby("conversation_id")["created_at"].transform("min")
    earliest = inbound[inbound["created_at"] == first]
    return earliest.groupby("conversation_id")["text"].agg(set).to_dict()


@pytest.mark.parametrize("limit", [None, 50])
def test_first_message_is_the_earliest_inbound_text(real_db, limit):
    con = duckdb.connect(str(real_db), read_only=True)
    try:
        listed = _listed(con, limit)
        expected = _first_texts(con)
    finally:
        con.close()
    assert len(listed) > (1000 if limit is None else limit - 1)
    for conversation_id, text in zip(listed["conversation_id"], listed["first_message"]):
        assert text in expected[conversation_id], conversation_id
