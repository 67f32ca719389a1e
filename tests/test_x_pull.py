"""The live X API pull against hand-written API v2 JSON served by `responses` (never the network).

The scenario (tests/fixtures/x_api, brand @AcmeCare, 2024-05-13): alice's router thread answered in
public, bob's double charge moved to DM on request, carol's parcel question answered only in DM,
dave's unanswered question, a retweet, a brand announcement. The next day (phase 2): a new thread
from alice, dave chasing his, and more DMs with bob.
"""
from __future__ import annotations

import logging
import shutil
from datetime import datetime, timezone
from types import SimpleNamespace

import duckdb
import pytest
import responses

from etl import load
from etl.sources import x_client
from tests.fake_x_server import FakeX, install

NOW = datetime(2024, 5, 13, 12, 0, tzinfo=timezone.utc)
NEXT_DAY = datetime(2024, 5, 14, 12, 0, tzinfo=timezone.utc)
CREDS = x_client.Credentials(
    bearer_token="AAAAbearer%2Ftoken%3Dsecret0001",
    consumer_key="ck-secret-0002",
    consumer_secret="cs-secret-0003",
    access_token="1000000001-at-secret-0004",
    access_token_secret="ats-secret-0005",
)
MENTIONS_NEWEST = "1789981413995446273"     # the retweet (rejected, but seen)
TWEETS_NEWEST = "1789948698424246273"       # the brand's reply to bob
DAVE_THREAD = "1789973864248246273"
ALICE_THREAD = "1789928565765046273"
BOB_FIRST_DM, CAROL_FIRST_DM = "1789949956715446279", "1789966314501046279"   # open DM conversations
BOB_PUBLIC, CAROL_PUBLIC = "1789943665259446273", "1789958764753846273"


class FakeClock:
    def __init__(self, start: float = 1_715_601_600.0):
        self.now, self.sleeps = start, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake():
    return FakeX()


@pytest.fixture
def api(fake):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        install(rsps, fake)
        yield rsps


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture(scope="module")
def pulled(tmp_path_factory):
    """One first pull of the scenario, shared read-only (tests copy the database to change it)."""
    fake, clock = FakeX(), FakeClock()
    db = tmp_path_factory.mktemp("x_pull") / "first.duckdb"
    with responses.RequestsMock() as rsps:
        install(rsps, fake)
        runs = load.pull(db, client(clock), "@acmecare", now=NOW)
    return SimpleNamespace(db=db, fake=fake, runs=runs)


@pytest.fixture
def after_first_pull(pulled, db, fake):
    """`db` holds the state after the first pull; `fake` serves the next day."""
    shutil.copyfile(pulled.db, db)
    fake.phase = 2
    return db


def client(clock, creds=CREDS, **kw):
    return x_client.XClient(creds, sleep=clock.sleep, clock=clock, **kw)


def rows(db, text, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(text, params or {}).fetchall()
    finally:
        con.close()


def requests_to(fake, path):
    return [r for r in fake.requests if r["path"].endswith(path)]


def test_first_pull_loads_threads_replies_and_dms(pulled):
    db, fake, runs = pulled.db, pulled.fake, pulled.runs

    counts = {r.file: (r.rows_read, r.rows_loaded, r.rows_duplicate, r.rows_rejected) for r in runs}
    assert counts == {
        "mentions:AcmeCare": (6, 5, 0, 1),           # the retweet is quarantined
        "tweets:AcmeCare": (3, 3, 0, 0),
        "conversations:AcmeCare": (8, 1, 7, 0),      # erin's reply is found only by search
        "dm_events:AcmeCare": (5, 5, 0, 0),
    }
    # paging through meta.next_token
    mentions = requests_to(fake, "/mentions")
    assert [m["query"].get("pagination_token") for m in mentions] == [None, "7140000000000000001m2"]
    assert [d["query"].get("pagination_token") for d in requests_to(fake, "/dm_events")] == [
        None, "DMPAGE2"]
    assert mentions[0]["query"]["expansions"] == "author_id"
    assert mentions[0]["query"]["user.fields"] == "public_metrics,username"
    assert "since_id" not in mentions[0]["query"]

    assert rows(db, "select channel, direction, count(*) from messages group by all order by all") == [
        ("dm", "inbound", 3), ("dm", "outbound", 2), ("public", "inbound", 6),
        ("public", "outbound", 3)]
    assert rows(db, "select count(distinct message_id), count(*) from messages") == [(14, 14)]
    # brand messages carry the handle; customers their user id and follower count
    assert rows(db, "select distinct author_id, author_followers from messages "
                    "where direction = 'outbound'") == [("AcmeCare", 50210)]
    assert rows(db, "select author_followers from messages where author_id = '2000000002' "
                    "and channel = 'public'") == [(9800,)]
    assert rows(db, "select reason from rejected") == [
        ("retweet: not a care message (kept out of messages)",)]
    # DM events chain to the previous event of their conversation, so replies derive
    assert rows(db, "select channel, count(*), round(median(latency_minutes), 1) from replies "
                    "group by channel order by channel") == [("dm", 2, 17.5), ("public", 2, 16.0)]


def test_dm_shortly_after_a_public_conversation_moves_it_to_dm_and_answers_it(pulled):
    db = pulled.db
    got = dict((r[0], r[1:]) for r in rows(db, """
        select conversation_id, channel, answered, moved_to_dm, first_response_minutes, handoff_of
        from conversations"""))
    # carol: no public reply; her DM 30 min later was answered 50 min after her tweet
    assert got[CAROL_PUBLIC] == ("public", True, True, 50.0, None)
    assert got[CAROL_FIRST_DM] == ("dm", True, False, 20.0, CAROL_PUBLIC)
    # bob: asked to DM publicly (20 min), then the DM conversation
    assert got[BOB_PUBLIC] == ("public", True, True, 20.0, None)
    assert got[BOB_FIRST_DM][-1] == BOB_PUBLIC
    assert got[DAVE_THREAD] == ("public", False, False, None, None)
    assert len(got) == 6                      # the brand's own announcement is not a conversation


def test_second_pull_fetches_only_new_items_with_since_id(api, fake, clock, after_first_pull):
    db = after_first_pull
    runs = load.pull(db, client(clock), "AcmeCare", now=NEXT_DAY)
    second = list(fake.requests)

    def query_of(path_end, **match):
        return [r["query"] for r in second if r["path"].endswith(path_end)
                and all(r["query"].get(k) == v for k, v in match.items())]

    assert [q.get("since_id") for q in query_of("/mentions")] == [MENTIONS_NEWEST]
    assert [q.get("since_id") for q in query_of("/tweets")] == [TWEETS_NEWEST]
    searched = {q["query"]: q.get("since_id") for q in query_of("/search/recent")}
    assert searched == {f"conversation_id:{DAVE_THREAD}": DAVE_THREAD,    # known thread: since_id
                        "conversation_id:1790290953630646273": None}      # new thread
    assert len(query_of("/dm_events")) == 1     # stopped at the page holding the last known event
    counts = {r.file: (r.rows_read, r.rows_loaded, r.rows_duplicate, r.rows_rejected) for r in runs}
    assert counts == {"mentions:AcmeCare": (2, 2, 0, 0), "tweets:AcmeCare": (1, 1, 0, 0),
                      "conversations:AcmeCare": (3, 0, 3, 0), "dm_events:AcmeCare": (2, 2, 0, 0)}
    assert rows(db, "select count(distinct message_id), count(*) from messages") == [(19, 19)]
    assert rows(db, "select inbound_count, answered from conversations where conversation_id = $c",
                {"c": DAVE_THREAD}) == [(2, False)]
    # bob's new DM is answered within his DM conversation; the chain continues across pulls
    assert rows(db, "select count(*) from replies where channel = 'dm'") == [(3,)]

    third = load.pull(db, client(clock), "AcmeCare", now=NEXT_DAY)
    assert sum(r.rows_loaded for r in third) == 0
    assert rows(db, "select count(distinct message_id), count(*) from messages") == [(19, 19)]
    assert rows(db, "select count(*) from rejected") == [(1,)]


def test_429_waits_until_the_reset_header_then_succeeds(api, fake, clock, db):
    reset = int(clock.now) + 30
    fake.fail(r"/mentions", status=429, headers={"x-rate-limit-reset": str(reset)})
    runs = load.pull(db, client(clock), "AcmeCare", now=NOW)
    assert clock.sleeps == [31.0]
    assert len(requests_to(fake, "/mentions")) == 3           # 429, page 1, page 2
    assert runs[0].rows_read == 6


def test_429_with_a_reset_far_away_stops_with_a_clear_error(api, fake, clock, db):
    fake.fail(r"/mentions", status=429, headers={"x-rate-limit-reset": str(int(clock.now) + 7200)})
    with pytest.raises(x_client.XApiError, match="rate limited until .* UTC"):
        load.pull(db, client(clock), "AcmeCare", now=NOW)
    assert clock.sleeps == []
    assert not db.exists()


def test_503_and_timeouts_retry_with_bounded_exponential_backoff(api, fake, clock, db):
    fake.fail(r"/tweets", status=503, times=2)
    fake.fail(r"/dm_events", timeout=True)
    runs = load.pull(db, client(clock), "AcmeCare", now=NOW)
    assert clock.sleeps == [1.0, 2.0, 1.0]
    assert [r.rows_loaded for r in runs] == [5, 3, 1, 5]


def test_persistent_failure_stops_after_bounded_retries(api, fake, clock, db):
    fake.fail(r"/dm_events", status=503, times=100)
    with pytest.raises(x_client.XApiError, match=r"503 Service Unavailable \(5 attempts\)"):
        load.pull(db, client(clock), "AcmeCare", now=NOW)
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    # the streams before the DMs were published with their cursors; DMs were not
    assert rows(db, "select count(*) from messages where channel = 'public'") == [(9,)]
    assert [s for (s,) in rows(db, "select stream from api_cursors")
            if not s.startswith("conversation:")] == ["mentions:AcmeCare", "tweets:AcmeCare"]
    fake.faults.clear()
    load.pull(db, client(clock), "AcmeCare", now=NOW)          # resumes: DMs now, no duplicates
    assert rows(db, "select count(distinct message_id), count(*) from messages") == [(14, 14)]


def test_interrupted_during_conversation_search_resumes_without_losing_threads(
        api, fake, clock, db):
    # 5 conversations in publishes of 3: the second batch (alice's thread first) keeps failing
    fake.fail(f"/search/recent.*{ALICE_THREAD}", status=500, times=100)
    with pytest.raises(x_client.XApiError, match="500"):
        load.pull(db, client(clock), "AcmeCare", now=NOW, conversations_per_publish=3)
    # the timelines and the first batch are saved; the timeline cursors wait for all searches
    assert rows(db, "select count(*) from messages") == [(8,)]
    assert rows(db, "select stream from api_cursors order by all") == [
        (f"conversation:AcmeCare:{t}",) for t in sorted([BOB_PUBLIC, CAROL_PUBLIC, DAVE_THREAD])]
    fake.faults.clear()
    before = len(fake.requests)
    runs = load.pull(db, client(clock), "AcmeCare", now=NOW, conversations_per_publish=3)
    again = [r for r in fake.requests[before:] if r["path"].endswith("/mentions")]
    assert "since_id" not in again[0]["query"]                 # fetched again, found duplicates
    assert runs[0].rows_duplicate == 5
    searched = [r["query"] for r in fake.requests[before:] if r["path"].endswith("/search/recent")]
    assert {q["query"]: q.get("since_id") for q in searched}[
        f"conversation_id:{DAVE_THREAD}"] == DAVE_THREAD      # already searched: only newer
    assert [r.file for r in runs] == ["mentions:AcmeCare", "tweets:AcmeCare"] + [
        "conversations:AcmeCare"] * 2 + ["dm_events:AcmeCare"]
    assert rows(db, "select count(distinct message_id), count(*) from messages") == [(14, 14)]
    assert rows(db, "select count(*) from api_cursors where stream = 'mentions:AcmeCare'") == [(1,)]


def test_ctrl_c_during_the_dms_keeps_the_public_streams(api, fake, cli, db, monkeypatch, tmp_path):
    for env, value in zip(x_client.CREDENTIAL_ENV.values(), CREDS.values()):
        monkeypatch.setenv(env, value)
    monkeypatch.chdir(tmp_path)
    answer = fake.handle

    def handle(method, url, headers):
        if "/dm_events" in url:
            raise KeyboardInterrupt
        return answer(method, url, headers)

    monkeypatch.setattr(fake, "handle", handle)
    code, out, err = cli("pull", "--brand", "AcmeCare", "--db", db)
    assert code == 130
    assert "interrupted; the streams saved before are kept" in err
    assert rows(db, "select channel, count(*) from messages group by all") == [("public", 9)]
    assert not list(db.parent.glob("*.building-*"))


def test_failure_while_paging_publishes_nothing_of_that_stream(api, fake, clock, db):
    fake.fail(r"/mentions\?.*pagination_token", status=502, times=100)
    with pytest.raises(x_client.XApiError, match="502"):
        load.pull(db, client(clock), "AcmeCare", now=NOW)
    assert not db.exists()
    fake.faults.clear()
    load.pull(db, client(clock), "AcmeCare", now=NOW)
    assert rows(db, "select count(*) from messages") == [(14,)]


def test_a_cursor_the_api_refuses_is_reported_as_a_gap(api, fake, clock, after_first_pull):
    db = after_first_pull
    fake.fail(r"/mentions\?.*since_id", status=400, body={
        "errors": [{"parameters": {"since_id": [MENTIONS_NEWEST]},
                    "message": "Invalid 'since_id':'%s'. 'since_id' must be a tweet id created "
                               "after 2024-05-07T00:00Z" % MENTIONS_NEWEST}],
        "title": "Invalid Request", "detail": "One or more parameters to your request was invalid."})
    runs = load.pull(db, client(clock), "AcmeCare", now=datetime(2024, 5, 22, tzinfo=timezone.utc))
    mentions = next(r for r in runs if r.file == "mentions:AcmeCare")
    assert "gap: mentions:AcmeCare: the API no longer accepts the stored cursor" in mentions.note
    conversations = next(r for r in runs if r.file == "conversations:AcmeCare")
    assert "started more than 7 days ago" in conversations.note
    notes = rows(db, "select file, note from load_runs where note is not null and run_id > 4")
    assert {f for f, _ in notes} == {"mentions:AcmeCare", "conversations:AcmeCare"}
    assert rows(db, "select count(distinct message_id), count(*) from messages") == [(19, 19)]


def test_since_sends_start_time_instead_of_the_cursor(api, fake, clock, after_first_pull):
    db, fake.phase = after_first_pull, 1
    since = datetime(2024, 5, 13, 9, tzinfo=timezone.utc)
    load.pull(db, client(clock), "AcmeCare", since=since, now=NOW)
    first_mentions = requests_to(fake, "/mentions")[0]
    assert first_mentions["query"]["start_time"] == "2024-05-13T09:00:00Z"
    assert "since_id" not in first_mentions["query"]
    assert rows(db, "select newest_id from api_cursors where stream = 'mentions:AcmeCare'") == [
        (MENTIONS_NEWEST,)]                                     # a backfill never rewinds


def test_dms_skipped_with_a_note_without_user_context(api, fake, clock, db):
    app_only = x_client.Credentials(bearer_token=CREDS.bearer_token)
    runs = load.pull(db, client(clock, app_only), "AcmeCare", now=NOW)
    assert runs[-1].file == "dm_events:AcmeCare"
    assert runs[-1].note.startswith("DMs skipped: no user-context credentials")
    assert not requests_to(fake, "/dm_events") and not requests_to(fake, "/users/me")
    assert rows(db, "select note from load_runs where file = 'dm_events:AcmeCare'") == [
        (runs[-1].note,)]


def test_dms_of_another_account_are_not_attributed_to_the_brand(api, fake, clock, db):
    fake.fail(r"/users/me", status=200, body={"data": {"id": "42", "username": "someone_else"}})
    runs = load.pull(db, client(clock), "AcmeCare", now=NOW)
    assert runs[-1].note == ("DMs skipped: the user-context credentials belong to @someone_else, "
                             "not @AcmeCare")
    assert not requests_to(fake, "/dm_events")


def test_dms_refused_by_x_are_skipped_with_a_note_and_public_data_loads(api, fake, clock, db):
    fake.fail(r"/dm_events", status=403, body={
        "title": "Forbidden", "detail": "This app is not permitted to read Direct Messages."})
    runs = load.pull(db, client(clock), "AcmeCare", now=NOW)
    assert runs[-1].note.startswith("DMs skipped: X refused DM access (403 Forbidden")
    assert rows(db, "select channel, count(*) from messages group by all") == [("public", 9)]
    assert rows(db, "select count(*) from api_cursors where stream like 'dm_events:%'") == [(0,)]


def test_user_context_alone_is_enough_for_everything(api, fake, clock, db):
    user_only = x_client.Credentials(**{k: getattr(CREDS, k) for k in (
        "consumer_key", "consumer_secret", "access_token", "access_token_secret")})
    load.pull(db, client(clock, user_only), "AcmeCare", now=NOW)
    assert all(r["headers"]["Authorization"].startswith("OAuth ") for r in fake.requests)
    assert rows(db, "select count(*) from messages") == [(14,)]


def test_unknown_brand_fails_before_touching_the_database(api, fake, clock, db):
    fake.fail(r"/users/by/username/", status=200, body={
        "errors": [{"detail": "Could not find user with username: [nobody].",
                    "title": "Not Found Error"}]})
    with pytest.raises(x_client.XApiError, match="@AcmeCare: no such X account"):
        load.pull(db, client(clock), "AcmeCare", now=NOW)
    assert not db.exists()


def test_x_api_base_url_redirects_every_request(fake, clock, db):
    with responses.RequestsMock() as rsps:
        install(rsps, fake, base="https://proxy.example.org/x")
        load.pull(db, client(clock, base_url="https://proxy.example.org/x"), "AcmeCare", now=NOW)
        assert all(c.request.url.startswith("https://proxy.example.org/x/2/") for c in rsps.calls)
    assert rows(db, "select count(*) from messages") == [(14,)]


def test_base_url_must_be_an_http_url():
    assert x_client.base_url_from_env({"X_API_BASE_URL": "http://127.0.0.1:9/"}) == "http://127.0.0.1:9"
    assert x_client.base_url_from_env({}) is None
    with pytest.raises(x_client.XApiError, match="must be an http"):
        x_client.base_url_from_env({"X_API_BASE_URL": "ftp://example.org"})


# --- credentials ------------------------------------------------------------------------------
def test_credentials_from_the_environment_override_the_secrets_file(tmp_path):
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('[x]\nbearer_token = "from-file"\nconsumer_key = "ck-file"\n')
    creds = x_client.load_credentials({"X_BEARER_TOKEN": "from-env"}, [tmp_path / "none.toml", secrets])
    assert creds.bearer_token == "from-env" and creds.consumer_key == "ck-file"
    assert creds.app and not creds.user_context
    assert "from-env" not in repr(creds) and "ck-file" not in str(creds)
    assert x_client.load_credentials({}, [secrets]).bearer_token == "from-file"


def test_unreadable_secrets_file_fails_without_showing_its_contents(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[x]\nbearer_token = "leaky-token-123\n')
    with pytest.raises(x_client.XApiError) as exc:
        x_client.load_credentials({}, [secrets])
    assert "leaky-token-123" not in str(exc.value)


def test_no_credentials_is_one_clear_error(cli, db, monkeypatch, tmp_path):
    for env in x_client.CREDENTIAL_ENV.values():
        monkeypatch.delenv(env, raising=False)
    monkeypatch.setattr(x_client.load_credentials, "__defaults__", (None, ()))
    code, out, err = cli("pull", "--brand", "AcmeCare", "--db", db)
    assert code == 1
    assert err.startswith("carepulse: error: no X API credentials: set X_BEARER_TOKEN")
    assert not db.exists()


def test_tokens_never_reach_output_logs_errors_or_the_database(
        api, fake, cli, db, monkeypatch, caplog, tmp_path):
    secrets = CREDS.values()
    env = dict(zip(x_client.CREDENTIAL_ENV.values(), secrets))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    # Even a user who turns tweepy's and oauthlib's debug logging on gets no credentials.
    x_client.guard_logs(CREDS)
    chatty = [logging.getLogger(n) for n in ("tweepy.client", "requests_oauthlib.oauth1_auth",
                                             "oauthlib.oauth1.rfc5849")]
    for logger in chatty:
        monkeypatch.setattr(logger, "level", logging.DEBUG)
        # earlier tests in the same process (Streamlit's logging set-up) may have muted them
        monkeypatch.setattr(logger, "disabled", False)
        monkeypatch.setattr(logger, "propagate", True)
    caplog.set_level(logging.DEBUG)

    code, out, err = cli("pull", "--brand", "AcmeCare", "--db", db, "--save-responses",
                         tmp_path / "archive")
    assert code == 0, err
    assert "mentions:AcmeCare: read 6 · loaded 5 · duplicates 0 · rejected 1" in out
    # the credentials were really used ...
    assert fake.requests[0]["headers"]["Authorization"] == f"Bearer {CREDS.bearer_token}"
    assert f'oauth_consumer_key="{CREDS.consumer_key}"' in requests_to(
        fake, "/dm_events")[0]["headers"]["Authorization"]
    # ... and tweepy did log its requests, redacted
    assert "Making API request" in caplog.text and "[redacted]" in caplog.text

    fake.fail(r"/users/by/username/", status=401, body={
        "title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
    code, out2, err2 = cli("pull", "--brand", "AcmeCare", "--db", db)
    assert code == 1 and "X API refused the credentials (401 Unauthorized" in err2

    everything = out + err + out2 + err2 + caplog.text
    everything += "".join(p.read_text() for p in (tmp_path / "archive").iterdir())
    everything += repr(rows(db, "select * from load_runs")) + repr(rows(db, "select * from meta"))
    everything += repr(rows(db, "select * from messages")) + repr(rows(db, "select * from rejected"))
    everything += repr(rows(db, "select * from api_cursors"))
    raw_file = db.read_bytes()
    for secret in secrets:
        assert secret not in everything
        assert secret.encode() not in raw_file
