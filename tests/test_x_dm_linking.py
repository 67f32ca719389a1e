"""Public conversations continued in DMs, with DM data as X really returns it: one DM
conversation per customer and brand for ever, sometimes opened by the brand."""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pytest

from etl import load

BRAND = {"id": "1000000001", "username": "AcmeCare", "public_metrics": {"followers_count": 50210}}
BOB = {"id": "2000000002", "username": "bobby_t", "public_metrics": {"followers_count": 9800}}
CAROL = {"id": "2000000003", "username": "carol_w", "public_metrics": {"followers_count": 15}}
DAVE = {"id": "2000000004", "username": "dave_leeds", "public_metrics": {"followers_count": 300}}
EPOCH_MS = 1288834974657


def snowflake(ts: str, seq: int = 1) -> str:
    ms = int(datetime.fromisoformat(ts).replace(tzinfo=timezone.utc).timestamp() * 1000)
    return str(((ms - EPOCH_MS) << 22) + seq)


def tweet(ts: str, user: dict, text: str) -> dict:
    tid = snowflake(ts)
    return {"id": tid, "text": text, "author_id": user["id"], "created_at": ts + ".000Z",
            "conversation_id": tid}


def dm(ts: str, sender: dict, customer: dict, text: str) -> dict:
    return {"id": snowflake(ts, 7), "event_type": "MessageCreate", "text": text,
            "sender_id": sender["id"], "created_at": ts + ".000Z",
            "dm_conversation_id": f"{BRAND['id']}-{customer['id']}"}


DAVE_PUBLIC = tweet("2024-05-13T11:00:00", DAVE, "@AcmeCare is the outage in Leeds over?")
BOB_FIRST_DM = dm("2024-05-13T09:25:00", BOB, BOB, "Hi, about the double charge")
BOB_PUBLIC = tweet("2024-05-20T10:00:00", BOB, "@AcmeCare the refund never arrived")
BOB_RETURN_DM = dm("2024-05-20T10:15:00", BOB, BOB, "It's me again: still no refund")
CAROL_DM = dm("2024-05-14T08:00:00", CAROL, CAROL, "Where is order 5531?")


@pytest.fixture(scope="module")
def conversations(tmp_path_factory):
    files = tmp_path_factory.mktemp("dm_linking")
    public = files / "mentions.json"
    public.write_text(_json({"data": [BOB_PUBLIC, DAVE_PUBLIC],
                             "includes": {"users": [BOB, DAVE]}}))
    dms = files / "dm_events.json"
    dms.write_text(_json({"data": [
        dm("2024-05-20T10:45:00", BRAND, BOB, "Found it: it was sent to an old card ^MK"),
        BOB_RETURN_DM,
        dm("2024-05-13T11:45:00", BRAND, DAVE, "An engineer is on site now ^JK"),
        dm("2024-05-13T11:40:00", DAVE, DAVE, "Thanks, it's still down in LS6"),
        # the brand opens this DM conversation itself, half an hour after Dave's tweet
        dm("2024-05-13T11:30:00", BRAND, DAVE, "Hi Dave, sorry about the outage. Which postcode?"),
        dm("2024-05-13T09:45:00", BOB, BOB, "Great, thank you"),
        dm("2024-05-13T09:40:00", BRAND, BOB, "Refund issued ^MK"),
        BOB_FIRST_DM,
        dm("2024-05-17T08:00:00", CAROL, CAROL, "Hello?? Three days and no answer"),
        CAROL_DM,
    ], "includes": {"users": [BRAND, BOB, CAROL, DAVE]}}))
    db = files / "carepulse.duckdb"
    load.load_x_json(db, [public, dms], "AcmeCare")
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("""
            select conversation_id, channel, customer_id, started_at, answered, moved_to_dm,
                   first_response_minutes, inbound_count, handoff_of
            from conversations order by started_at""").df()
    finally:
        con.close()
    return {r["conversation_id"]: r for r in rows.to_dict("records")}


def _json(obj) -> str:
    import json
    return json.dumps(obj)


def test_a_dm_opened_by_the_brand_answers_the_public_conversation(conversations):
    dave = conversations[DAVE_PUBLIC["id"]]
    assert (dave["answered"], dave["moved_to_dm"], dave["first_response_minutes"]) == (True, True, 30.0)


def test_a_returning_customer_starts_a_new_dm_conversation_in_the_same_x_conversation(conversations):
    first = conversations[BOB_FIRST_DM["id"]]
    assert (first["channel"], first["first_response_minutes"], first["inbound_count"]) == ("dm", 15.0, 2)
    again = conversations[BOB_RETURN_DM["id"]]
    assert (again["channel"], again["answered"], again["first_response_minutes"]) == ("dm", True, 30.0)
    assert again["handoff_of"] == BOB_PUBLIC["id"]
    public = conversations[BOB_PUBLIC["id"]]
    assert (public["moved_to_dm"], public["first_response_minutes"]) == (True, 45.0)


def test_a_customer_never_answered_stays_in_one_conversation(conversations):
    carol = conversations[CAROL_DM["id"]]
    assert (carol["answered"], carol["inbound_count"]) == (False, 2)


def test_every_conversation_is_counted_once(conversations):
    # dave's public one, bob's first DM session, bob's public one and his second DM session,
    # carol's DMs; the brand-opened DM session with dave is the answer, not a conversation
    assert len(conversations) == 5
