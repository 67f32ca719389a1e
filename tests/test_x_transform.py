"""X API v2 objects -> staged messages: the set-based mapping (x_documents.sql, normalize_x.sql)
on hand-written objects, and the pure helpers of etl/x_transform.py."""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pandas as pd

import sql
from etl import load
from etl import x_transform as xt
from etl.x_transform import Piece

NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)
ALICE = {"id": "2001", "username": "alice_k", "public_metrics": {"followers_count": 120}}
BRAND = {"id": "1000", "username": "AcmeCare", "public_metrics": {"followers_count": 50210}}


def tweet(id_, author, text="@AcmeCare hi", **extra):
    return {"id": id_, "author_id": author, "text": text,
            "created_at": "2024-05-13T08:00:00.000Z", "conversation_id": id_, **extra}


def staged(*files, brand="acmecare", brand_id=None) -> list[pd.DataFrame]:
    """Each file (a list of responses or Pieces) staged as the loader does; one frame per file."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    try:
        pieces = [[p if isinstance(p, Piece) else xt.pieces_of([p])[0] for p in f] for f in files]
        load.stage_x(con, pieces, brand, brand_id)
        out = []
        for file_no in range(1, len(files) + 1):
            sql.execute_script(con, "etl/normalize_x", {"file_no": file_no, "source": "t", "now": NOW})
            out.append(con.execute("select * from staged order by record").df())
        return out
    finally:
        con.close()


def test_a_brand_reply_takes_the_handle_followers_and_parent_from_expansions():
    response = {
        "data": [tweet("11", "1000", "@alice_k sorry! ^JK",
                       referenced_tweets=[{"type": "quoted", "id": "7"},
                                          {"type": "replied_to", "id": "10"}]),
                 tweet("12", "2001")],
        "includes": {"users": [ALICE, BRAND]},
        "meta": {"result_count": 2},
    }
    [frame] = staged([response])
    reply, customer = frame.to_dict("records")
    assert (reply["record"], reply["message_id"], reply["channel"]) == (1, "11", "public")
    assert (reply["direction"], reply["author_id"], reply["brand"]) == ("outbound", "AcmeCare", "AcmeCare")
    assert reply["author_followers"] == 50210
    assert reply["in_reply_to_id"] == "10"
    assert reply["created_at"] == pd.Timestamp("2024-05-13 08:00", tz="UTC")
    assert pd.isna(reply["reject_reason"]) and '"replied_to"' in reply["raw"]
    assert (customer["direction"], customer["author_id"], customer["author_followers"]) == (
        "inbound", "2001", 120)


def test_dm_events_are_dm_channel_with_direction_by_sender_and_integer_ids_as_text():
    events = {"data": [
        {"id": 99, "event_type": "MessageCreate", "text": "hello", "sender_id": 2001,
         "dm_conversation_id": "1000-2001", "created_at": "2024-05-13T09:00:00.000Z"},
        {"id": "100", "event_type": "MessageCreate", "text": "hi Alice", "sender_id": "1000",
         "dm_conversation_id": "1000-2001", "created_at": "2024-05-13T09:05:00.000Z"},
    ], "includes": {"users": [ALICE]}}
    # the brand's user object is not in this response: its id comes from the stored account
    [frame] = staged([events], brand="AcmeCare", brand_id="1000")
    got = frame[["message_id", "channel", "direction", "author_id", "author_followers",
                 "dm_conversation_id", "in_reply_to_id"]].astype(object).where(frame.notna(), None)
    assert got.values.tolist() == [
        ["99", "dm", "inbound", "2001", 120, "1000-2001", None],
        ["100", "dm", "outbound", "AcmeCare", None, "1000-2001", None],   # linked after saving
    ]


def test_malformed_pieces_become_records_with_reasons_in_file_order():
    responses = [
        {"data": [tweet("1", "2001"), 42, tweet("2", "2001", text=["not", "text"])],
         "includes": {"users": [ALICE]}},
        "a string where a response should be",
        {"data": "nonsense"},
        Piece("{broken", 4, "not JSON (Expecting value at column 1)"),
        {"data": [tweet("3", "2001", referenced_tweets="replied_to:1")]},
        {"meta": {"result_count": 0}},                           # an empty page: no records
        {"data": {"id": "1000", "username": "AcmeCare"}},        # a user lookup: not a record
        [tweet("4", "2001", created_at="soon"), [1]],            # a list of responses
        {"data": [tweet("5", "2001", id="x5"), {"id": "6", "text": "t",
                                                 "created_at": "2024-05-13T08:00:00Z"}]},
    ]
    [frame] = staged(responses)
    assert frame["record"].tolist() == list(range(1, 12))
    assert frame["reject_reason"].fillna("-").tolist() == [
        "-",
        "a `data` element is a JSON number, not an object",
        "text is not a string",
        "not an API response object (a JSON string)",
        "`data` is a JSON string, not an object or a list",
        "line 4: not JSON (Expecting value at column 1)",
        "referenced_tweets is not a list of objects",
        "created_at is not a timestamp",
        "not an API response object (a JSON list)",
        "id is not a number",
        "missing author_id",
    ]
    assert frame["raw"][3] == '"a string where a response should be"'


def test_retweets_are_quarantined_and_left_out_of_conversations():
    rt = tweet("5", "2001", "RT @x: hi", referenced_tweets=[{"type": "retweeted", "id": "4"}])
    [frame] = staged([{"data": [rt]}])
    assert frame["reject_reason"].tolist() == ["retweet: not a care message (kept out of messages)"]
    items = [tweet("1", "2001"), tweet("2", "2001", conversation_id="1"), rt]
    assert xt.conversation_ids(items) == ["1"]


def test_users_from_lookups_and_twarc_embedded_authors_across_files():
    twarc = {"id": "8", "text": "hi", "author_id": "3003", "created_at": "2024-05-13T08:00:00Z",
             "author": {"id": "3003", "username": "carol_w",
                        "public_metrics": {"followers_count": 15}}}
    brand_tweet = tweet("9", "1000", "@carol_w hello")
    # the brand's user object is in another file (a lookup); it still identifies its tweet
    lookup, tweets = staged([{"data": BRAND}], [twarc, {"data": [brand_tweet]}])
    assert lookup.empty
    assert tweets[["message_id", "direction", "author_id", "author_followers"]].values.tolist() == [
        ["8", "inbound", "3003", 15], ["9", "outbound", "AcmeCare", 50210]]
    assert tweets["brand"].unique().tolist() == ["AcmeCare"]          # as X spells it


def test_without_any_trace_of_the_brand_account_its_handle_still_matches():
    [frame] = staged([{"data": [tweet("1", "555")], "includes": {"users": [
        {"id": "555", "username": "ACMECARE"}]}}], brand="AcmeCare")
    assert frame[["direction", "author_id"]].values.tolist() == [["outbound", "ACMECARE"]]


def test_newest_id_compares_numbers_not_strings():
    assert xt.newest_id([{"id": "999"}, {"id": "1000"}, {"id": "abc"}]) == "1000"
    assert xt.newest_id([]) is None
    assert xt.is_newer("1000", "999") and not xt.is_newer("999", "1000")


def test_items_of_skips_user_objects_and_malformed_pieces():
    responses = [{"data": [tweet("1", "2"), 3]}, {"data": BRAND}, "x", tweet("4", "5")]
    assert [i["id"] for i in xt.items_of(responses)] == ["1", "4"]


def test_snowflake_time_decodes_the_creation_instant():
    # 1789928565765046273 was minted for a tweet created 2024-05-13T08:00:00Z (fixtures).
    assert xt.snowflake_time("1789928565765046273") == datetime(2024, 5, 13, 8, tzinfo=timezone.utc)
    assert xt.snowflake_time("x") is None


def test_partial_errors_are_counted():
    assert xt.partial_errors([{"data": [], "errors": [{"title": "Not Found"}] * 2}, {"x": 1}]) == 2


def test_since_accepts_dates_instants_and_relative_ages():
    from etl.errors import EtlError
    from etl.sources.x_api import check_handle, parse_since

    now = datetime(2024, 5, 20, 12, tzinfo=timezone.utc)
    assert parse_since("2024-05-01", now) == datetime(2024, 5, 1, tzinfo=timezone.utc)
    assert parse_since("2024-05-01T10:00:00+02:00", now) == datetime(2024, 5, 1, 8, tzinfo=timezone.utc)
    assert parse_since("7d", now) == datetime(2024, 5, 13, 12, tzinfo=timezone.utc)
    assert parse_since("12h", now) == datetime(2024, 5, 20, 0, tzinfo=timezone.utc)
    for bad in ("yesterday", "2099-01-01"):
        try:
            parse_since(bad, now)
        except EtlError as exc:
            assert "--since" in str(exc)
        else:
            raise AssertionError(bad)
    assert check_handle("@AcmeCare") == "AcmeCare"
