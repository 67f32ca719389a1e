"""etl/x_transform.py: X API v2 objects -> flat records (pure functions, hand-written objects)."""
from __future__ import annotations

from datetime import datetime, timezone

from etl import x_transform as xt

ALICE = {"id": "2001", "username": "alice_k", "public_metrics": {"followers_count": 120}}
BRAND = {"id": "1000", "username": "AcmeCare", "public_metrics": {"followers_count": 50210}}


def tweet(id_, author, text="@AcmeCare hi", **extra):
    return {"id": id_, "author_id": author, "text": text,
            "created_at": "2024-05-13T08:00:00.000Z", "conversation_id": id_, **extra}


def test_tweet_record_takes_author_followers_and_parent_from_expansions():
    response = {
        "data": [tweet("11", "1000", "@alice_k sorry! ^JK",
                       referenced_tweets=[{"type": "quoted", "id": "7"},
                                          {"type": "replied_to", "id": "10"}])],
        "includes": {"users": [ALICE, BRAND]},
        "meta": {"result_count": 1},
    }
    [row] = xt.flatten([response])
    assert row["record"] == 1
    assert row["kind"] == "tweet"
    assert (row["message_id"], row["author_ref"], row["author_username"]) == ("11", "1000", "AcmeCare")
    assert row["author_followers"] == "50210"
    assert row["in_reply_to_id"] == "10"
    assert row["is_retweet"] is False and row["problem"] is None
    assert '"replied_to"' in row["raw"]


def test_dm_event_record_and_integer_ids_written_as_text():
    event = {"id": 99, "event_type": "MessageCreate", "text": "hello", "sender_id": 2001,
             "dm_conversation_id": "1000-2001", "created_at": "2024-05-13T09:00:00.000Z"}
    [row] = xt.flatten([{"data": [event], "includes": {"users": [ALICE]}}])
    assert row["kind"] == "dm"
    assert (row["message_id"], row["author_ref"], row["author_username"]) == ("99", "2001", "alice_k")
    assert row["dm_conversation_id"] == "1000-2001"
    assert row["event_type"] == "MessageCreate"
    assert row["in_reply_to_id"] is None           # linked to the previous event after saving


def test_malformed_pieces_become_records_with_reasons_in_order():
    responses = [
        {"data": [tweet("1", "2001"), 42, tweet("2", "2001", text=["not", "text"])],
         "includes": {"users": [ALICE]}},
        "a string where a response should be",
        {"data": "nonsense"},
        xt.Unparsed(4, "{broken", "Expecting value"),
        {"data": [tweet("3", "2001", referenced_tweets="replied_to:1")]},
        {"meta": {"result_count": 0}},                           # an empty page: no records
        {"data": {"id": "1000", "username": "AcmeCare"}},        # a user lookup: not a record
    ]
    rows = xt.flatten(responses)
    assert [r["record"] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [r["problem"] for r in rows] == [
        None,
        "a `data` element is a JSON number, not an object",
        "text is not a string",
        "not an API response object (a JSON string)",
        "`data` is a JSON string, not an object or a list",
        "line 4: not JSON (Expecting value)",
        "referenced_tweets is not a list of objects",
    ]
    assert rows[3]["raw"] == '"a string where a response should be"'


def test_retweets_are_flagged_and_left_out_of_conversations():
    rt = tweet("5", "2001", "RT @x: hi", referenced_tweets=[{"type": "retweeted", "id": "4"}])
    items = [tweet("1", "2001"), tweet("2", "2001", conversation_id="1"), rt]
    [row] = xt.flatten([{"data": [rt]}])
    assert row["is_retweet"] is True
    assert xt.conversation_ids(items) == ["1"]


def test_users_come_from_includes_lookups_and_embedded_authors():
    flattened_twarc = {"id": "8", "text": "hi", "author_id": "3003", "created_at": "2024-05-13T08:00:00Z",
                       "author": {"id": "3003", "username": "carol_w",
                                  "public_metrics": {"followers_count": 15}}}
    responses = [{"data": BRAND}, {"data": [], "includes": {"users": [ALICE]}}, flattened_twarc]
    users = xt.users_of(responses)
    assert set(users) == {"1000", "2001", "3003"}
    [row] = xt.flatten(responses)
    assert (row["message_id"], row["author_username"], row["author_followers"]) == ("8", "carol_w", "15")


def test_brand_identity_prefers_what_x_says():
    users = xt.users_of([{"includes": {"users": [BRAND, ALICE]}}])
    assert xt.brand_identity(users, "acmecare") == ("AcmeCare", "1000")
    assert xt.brand_identity({}, "acmecare", "1000") == ("acmecare", "1000")
    assert xt.brand_identity({}, "acmecare") == ("acmecare", None)


def test_newest_id_compares_numbers_not_strings():
    assert xt.newest_id([{"id": "999"}, {"id": "1000"}, {"id": "abc"}]) == "1000"
    assert xt.newest_id([]) is None
    assert xt.is_newer("1000", "999") and not xt.is_newer("999", "1000")


def test_snowflake_time_decodes_the_creation_instant():
    # 1789928565765046273 was minted for a tweet created 2024-05-13T08:00:00Z (fixtures).
    assert xt.snowflake_time("1789928565765046273") == datetime(2024, 5, 13, 8, tzinfo=timezone.utc)
    assert xt.snowflake_time("x") is None


def test_frame_has_every_column_even_when_empty():
    frame = xt.frame([])
    assert list(frame.columns) == list(xt.RECORD_COLUMNS)
    assert len(frame) == 0
