"""`carepulse load x-json`: saved X API v2 responses load like the live pull, without the API."""
from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest
import responses

from etl import load
from etl.sources import x_client
from tests.fake_x_server import FIXTURES, FakeX, install

NOW = datetime(2024, 5, 13, 12, 0, tzinfo=timezone.utc)
NEXT_DAY = datetime(2024, 5, 14, 12, 0, tzinfo=timezone.utc)
CREDS = x_client.Credentials("bearer-t", "ck-t", "cs-t", "1000000001-at-t", "ats-t")
IGNORED = {"messages": ("run_id", "source")}       # bookkeeping that names the source by design


def table(db: Path, name: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = [c for c in con.execute(f"select * from {name} limit 0").df().columns
                   if c not in IGNORED.get(name, ())]
        return con.execute(f"select {', '.join(columns)} from {name} order by all").fetchall()
    finally:
        con.close()


def digest(db: Path) -> dict:
    return {t: hashlib.sha256(repr(table(db, t)).encode()).hexdigest()
            for t in ("messages", "replies", "conversations", "rejected", "load_runs")}


class NoSleep:
    def __call__(self, seconds):
        raise AssertionError(f"unexpected sleep {seconds}")


def pull_both_days(db: Path, archive: Path | None = None) -> None:
    fake = FakeX()
    with responses.RequestsMock() as rsps:
        install(rsps, fake)
        client = x_client.XClient(CREDS, sleep=NoSleep())
        load.pull(db, client, "AcmeCare", now=NOW, archive=archive)
        fake.phase = 2
        load.pull(db, client, "AcmeCare", now=NEXT_DAY, archive=archive)


def test_saved_responses_give_the_same_tables_as_the_live_pull(cli, tmp_path):
    live, archive = tmp_path / "live.duckdb", tmp_path / "archive"
    pull_both_days(live, archive)

    from_fixtures = tmp_path / "fixtures.duckdb"
    files = sorted(FIXTURES.glob("*.json"))
    code, out, err = cli("load", "x-json", *files, "--brand", "AcmeCare", "--db", from_fixtures)
    assert code == 0, err
    from_archive = tmp_path / "archive.duckdb"
    saved = sorted(archive.glob("AcmeCare-*.ndjson"))
    assert len(saved) == 2                                    # one file per pull
    code, out, err = cli("load", "x-json", *saved, "--brand", "acmecare", "--db", from_archive)
    assert code == 0, err

    for name in ("messages", "replies", "conversations"):
        expected = table(live, name)
        assert table(from_fixtures, name) == expected, name
        assert table(from_archive, name) == expected, name
    assert len(table(live, "messages")) == 19
    assert [r[-1] for r in table(from_fixtures, "rejected")] == [
        "retweet: not a care message (kept out of messages)"]


@pytest.mark.parametrize("layout", ["object", "list", "ndjson", "gzip", "utf-16"])
def test_json_object_list_ndjson_and_gzip_are_all_read(cli, db, tmp_path, layout):
    responses_ = [json.loads((FIXTURES / f).read_text()) for f in ("mentions_1.json", "mentions_2.json")]
    path = tmp_path / "saved.json"
    if layout == "object":
        path.write_text(json.dumps(responses_[0]))
        expected = 4
    elif layout == "list":
        path.write_text(json.dumps(responses_))
        expected = 6
    elif layout == "ndjson":
        path.write_text("\n".join(json.dumps(r) for r in responses_) + "\n")
        expected = 6
    elif layout == "utf-16":
        path.write_bytes(json.dumps(responses_, ensure_ascii=False).encode("utf-16"))
        expected = 6
    else:
        path = tmp_path / "saved.ndjson.gz"
        path.write_bytes(gzip.compress("\n".join(json.dumps(r) for r in responses_).encode()))
        expected = 6
    code, out, err = cli("load", "x-json", path, "--brand", "AcmeCare", "--db", db)
    assert code == 0, err
    assert f"read {expected} · loaded {expected - 1} · duplicates 0 · rejected 1" in out


def test_malformed_objects_are_quarantined_with_reasons(cli, db, tmp_path, read_db):
    good = json.loads((FIXTURES / "mentions_2.json").read_text())
    bad_items = {
        "data": [
            {"id": "17", "text": "no author", "created_at": "2024-05-13T08:00:00Z"},
            {"id": "x18", "text": "hi", "author_id": "5", "created_at": "2024-05-13T08:00:00Z"},
            {"id": "19", "text": "hi", "author_id": "5", "created_at": "yesterday"},
            {"id": "20", "text": "hi", "author_id": "5", "created_at": "2099-01-01T00:00:00Z"},
            {"id": "21", "event_type": "ParticipantsJoin", "sender_id": "5",
             "dm_conversation_id": "5-6", "created_at": "2024-05-13T08:00:00Z"},
            {"id": "22", "event_type": "MessageCreate", "text": "dm without conversation",
             "sender_id": "5", "created_at": "2024-05-13T08:00:00Z"},
            [1, 2],
        ],
    }
    path = tmp_path / "mixed.ndjson"
    path.write_text(json.dumps(good) + "\n{this is not json\n" + json.dumps(bad_items) + "\n7\n")
    code, out, err = cli("load", "x-json", path, "--brand", "AcmeCare", "--db", db)
    assert code == 0, err
    assert "read 11 · loaded 2 · duplicates 0 · rejected 9" in out
    assert read_db(db, "select line, reason from rejected order by line") == [
        (3, "line 2: not JSON (Expecting property name enclosed in double quotes at column 2)"),
        (4, "missing author_id"),
        (5, "id is not a number"),
        (6, "created_at is not a timestamp"),
        (7, "created_at is in the future"),
        (8, "DM event of type ParticipantsJoin is not a message"),
        (9, "missing dm_conversation_id"),
        (10, "a `data` element is a JSON list, not an object"),
        (11, "not an API response object (a JSON number)"),
    ]
    assert read_db(db, "select rows_read, rows_loaded + rows_duplicate + rows_rejected "
                       "from load_runs") == [(11, 11)]


def test_loading_the_same_file_twice_changes_nothing(cli, db):
    files = [FIXTURES / "tweets_1.json", FIXTURES / "dm_events_1.json"]
    assert cli("load", "x-json", *files, "--brand", "AcmeCare", "--db", db)[0] == 0
    before = {k: v for k, v in digest(db).items() if k != "load_runs"}
    code, out, _ = cli("load", "x-json", *files, "--brand", "AcmeCare", "--db", db)
    assert code == 0
    assert "read 3 · loaded 0 · duplicates 3 · rejected 0" in out
    assert {k: v for k, v in digest(db).items() if k != "load_runs"} == before


@pytest.mark.parametrize("content, message", [
    (b"tweet_id,author_id\n1,2\n", "not JSON or NDJSON"),
    ((FIXTURES / "tweets_1.json").read_bytes()[:-200], "not JSON or NDJSON"),   # truncated
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data, not JSON"),
    (b'"just a string"', "a JSON string, not X API responses"),
    (b'{"data": "caf\xe9"}', "not UTF-8 text"),
])
def test_an_unusable_file_fails_with_one_line_and_leaves_the_database_untouched(
        cli, db, tmp_path, content, message):
    assert cli("load", "x-json", FIXTURES / "tweets_1.json", "--brand", "AcmeCare", "--db", db)[0] == 0
    before = db.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, out, err = cli("load", "x-json", FIXTURES / "mentions_1.json", bad,
                         "--brand", "AcmeCare", "--db", db)
    assert code == 1
    assert err.count("\n") == 1 and message in err and str(bad) in err
    assert db.read_bytes() == before


def test_missing_file_and_bad_handle_fail_cleanly(cli, db):
    code, _, err = cli("load", "x-json", "/nonexistent/x.json", "--brand", "AcmeCare", "--db", db)
    assert code == 1 and "no such file" in err
    code, _, err = cli("load", "x-json", FIXTURES / "tweets_1.json", "--brand", "not a handle!",
                       "--db", db)
    assert code == 1 and "is not an X handle" in err
    assert not db.exists()


def test_the_brand_account_is_remembered_for_files_that_never_show_it(cli, db, tmp_path, read_db):
    stripped = json.loads((FIXTURES / "tweets_1.json").read_text())
    del stripped["includes"]                    # no user objects: only the author ids remain
    path = tmp_path / "tweets_without_includes.json"
    path.write_text(json.dumps(stripped))
    lookup = FIXTURES / "users_by_username_AcmeCare.json"
    assert cli("load", "x-json", lookup, "--brand", "AcmeCare", "--db", db)[0] == 0
    assert cli("load", "x-json", path, "--brand", "acmecare", "--db", db)[0] == 0
    assert read_db(db, "select distinct direction, author_id, brand from messages") == [
        ("outbound", "AcmeCare", "AcmeCare")]


def test_a_bad_ndjson_line_is_rejected_with_its_file_and_record_number(cli, db, tmp_path, read_db):
    path = tmp_path / "a.ndjson"
    path.write_text("not json at all\n" + (FIXTURES / "tweets_1.json").read_text().replace("\n", ""))
    code, out, err = cli("load", "x-json", path, "--brand", "AcmeCare", "--db", db)
    assert code == 0, err
    assert "read 4 · loaded 3 · duplicates 0 · rejected 1" in out
    assert read_db(db, "select file, line, raw from rejected") == [(str(path), 1, "not json at all")]
