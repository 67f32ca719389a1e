"""The pull over real HTTP: a fake X API on 127.0.0.1 reached through X_API_BASE_URL.

The server (tests/fake_x_server.py) runs in a thread started by the test, answers at most a
bounded number of requests and stops itself; nothing leaves this machine.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from etl import load
from etl.sources import x_client
from tests.fake_x_server import FakeX, serve

TOKENS = {"X_BEARER_TOKEN": "srv-bearer-7f3a", "X_CONSUMER_KEY": "srv-ck-91b2",
          "X_CONSUMER_SECRET": "srv-cs-4c8d", "X_ACCESS_TOKEN": "1000000001-srv-at-2e6f",
          "X_ACCESS_TOKEN_SECRET": "srv-ats-0a1b"}


@pytest.fixture
def x_env(monkeypatch, tmp_path):
    for key, value in TOKENS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)                 # no .streamlit/secrets.toml from elsewhere
    return monkeypatch


def test_pull_through_a_local_server_via_x_api_base_url(cli, db, read_db, x_env):
    fake = FakeX()
    with serve(fake, max_requests=30) as base_url:
        x_env.setenv("X_API_BASE_URL", base_url)
        code, out, err = cli("pull", "--brand", "AcmeCare", "--db", db)
    assert code == 0, err
    assert len(fake.requests) == 12                       # lookup, 2+1 pages, 5 searches, me, 2 DM pages
    assert fake.requests[0]["path"] == "/2/users/by/username/AcmeCare"
    assert fake.requests[0]["headers"]["Authorization"] == "Bearer " + TOKENS["X_BEARER_TOKEN"]
    assert "mentions:AcmeCare: read 6 · loaded 5 · duplicates 0 · rejected 1" in out
    assert "dm_events:AcmeCare: read 5 · loaded 5 · duplicates 0 · rejected 0" in out
    # run today, the scenario's conversations are far older than recent search's 7 days
    assert "gap: 5 conversation(s) started more than 7 days ago" in out
    assert read_db(db, "select count(*), count(distinct message_id) from messages") == [(14, 14)]
    assert read_db(db, "select count(*) from conversations where moved_to_dm") == [(2,)]
    for token in TOKENS.values():
        assert token not in out + err


def test_a_read_timeout_over_real_http_is_retried(db):
    fake = FakeX()
    fake.fail(r"/users/by/username/", timeout=True)        # the server stalls 3 s once
    sleeps = []
    creds = x_client.Credentials(bearer_token="srv-bearer-7f3a")
    with serve(fake, max_requests=30, stall=3.0) as base_url:
        client = x_client.XClient(creds, base_url=base_url, timeout=(2.0, 1.0), sleep=sleeps.append)
        runs = load.pull(db, client, "AcmeCare", now=datetime(2024, 5, 13, 12, tzinfo=timezone.utc))
    assert sleeps[:1] == [1.0]                             # the first backoff, after the timeout
    assert fake.paths()[:2] == ["/2/users/by/username/AcmeCare"] * 2
    assert [r.rows_loaded for r in runs] == [5, 3, 1, 0]   # app-only: DMs skipped
    assert runs[-1].note.startswith("DMs skipped")


def test_the_server_stops_itself_after_its_request_budget(db, x_env):
    fake = FakeX()
    with serve(fake, max_requests=3) as base_url:
        client = x_client.XClient(x_client.load_credentials(secrets_files=()), base_url=base_url,
                               sleep=lambda s: None, max_attempts=2, timeout=(2.0, 2.0))
        with pytest.raises(x_client.XApiError):
            load.pull(db, client, "AcmeCare")
    assert len(fake.requests) == 3          # the 4th got a 503; the retry found the port closed
