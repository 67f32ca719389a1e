"""Source: the live X API v2 through tweepy (fetch only: HTTP in, raw response dicts out).

Streams of one brand account, each with its own incremental cursor (the newest id seen, stored in
`api_cursors` and sent back as `since_id`):

    mentions:<handle>                     customers mentioning the brand (get_users_mentions)
    tweets:<handle>                       the brand's own tweets and replies (get_users_tweets)
    conversation:<handle>:<id>            the rest of a conversation (search_recent_tweets)
    dm_events:<handle>                    DM events, user context (get_direct_message_events;
                                          no since_id: pages back to the stored newest event)

Faults: a 429 waits until `x-rate-limit-reset`; 5xx answers, timeouts and dropped connections
retry with bounded exponential backoff; the sleep and the clock are injectable. `X_API_BASE_URL`
redirects every request (tweepy hard-codes https://api.twitter.com; a session adapter rewrites
the host). Credentials are never printed, logged or put in an exception message.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlsplit

import requests
import tweepy
from requests.adapters import HTTPAdapter

from etl.errors import EtlError
from etl.x_transform import conversation_ids, items_of, newest_id, partial_errors, snowflake_time

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

# --- settings (dlt-style: the source's knobs in one place) ---------------------------------------
CREDENTIAL_ENV = {
    "bearer_token": "X_BEARER_TOKEN",
    "consumer_key": "X_CONSUMER_KEY",
    "consumer_secret": "X_CONSUMER_SECRET",
    "access_token": "X_ACCESS_TOKEN",
    "access_token_secret": "X_ACCESS_TOKEN_SECRET",
}
BASE_URL_ENV = "X_API_BASE_URL"
SECRETS_FILES = (Path.home() / ".streamlit" / "secrets.toml", Path(".streamlit") / "secrets.toml")
API_HOSTS = ("https://api.twitter.com", "https://api.x.com")

TWEET_FIELDS = ["created_at", "conversation_id", "in_reply_to_user_id", "referenced_tweets",
                "author_id"]
USER_FIELDS = ["public_metrics", "username"]
TWEET_PARAMS = {"tweet_fields": TWEET_FIELDS, "expansions": ["author_id"],
                "user_fields": USER_FIELDS, "max_results": 100}
DM_PARAMS = {
    "dm_event_fields": ["id", "text", "event_type", "created_at", "dm_conversation_id",
                        "sender_id", "participant_ids", "referenced_tweets"],
    "expansions": ["sender_id", "participant_ids"], "user_fields": USER_FIELDS,
    "event_types": "MessageCreate", "max_results": 100,
}
MAX_PAGES = {"mentions": 10, "tweets": 40, "conversation": 10, "dm_events": 500}
API_CAPS = {"mentions": 800, "tweets": 3200}          # most recent items the timelines return
SEARCH_WINDOW = timedelta(days=7)                     # search_recent_tweets reaches back 7 days
DM_WINDOW = timedelta(days=30)                        # DM events reach back 30 days
CONVERSATIONS_PER_PUBLISH = 50
# X keeps one DM conversation per customer and brand: a customer writing again this long after
# the brand's last message opens a new customer conversation (sql/etl/link_x_dm_events.sql).
DM_SESSION_GAP_HOURS = 24
TIMEOUT = (10.0, 30.0)                                # connect, read (seconds)
MAX_ATTEMPTS = 5                                      # per request, for 5xx / timeouts
BACKOFF_SECONDS, MAX_BACKOFF_SECONDS = 1.0, 60.0
MAX_RATE_LIMIT_WAIT = 16 * 60                         # X's windows are 15 minutes
MAX_RATE_LIMIT_WAITS = 10
HANDLE = re.compile(r"@?([A-Za-z0-9_]{1,15})")


class XApiError(EtlError):
    """The X API could not be used for this pull (credentials, limits, persistent failures)."""


# --- credentials -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Credentials:
    bearer_token: str | None = field(default=None, repr=False)
    consumer_key: str | None = field(default=None, repr=False)
    consumer_secret: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    access_token_secret: str | None = field(default=None, repr=False)

    @property
    def app(self) -> bool:
        return bool(self.bearer_token)

    @property
    def user_context(self) -> bool:
        return all((self.consumer_key, self.consumer_secret, self.access_token,
                    self.access_token_secret))

    def values(self) -> list[str]:
        return [v for v in (self.bearer_token, self.consumer_key, self.consumer_secret,
                            self.access_token, self.access_token_secret) if v]

    def __repr__(self) -> str:
        return (f"Credentials(bearer_token={'<set>' if self.app else None}, "
                f"user_context={'<set>' if self.user_context else None})")

    __str__ = __repr__


def load_credentials(environ: dict | None = None, secrets_files=SECRETS_FILES) -> Credentials:
    """The environment, else the `[x]` table of Streamlit-style secrets files (project wins)."""
    environ = os.environ if environ is None else environ
    table: dict = {}
    for path in secrets_files:
        table.update(_secrets_table(Path(path)))
    values = {}
    for key, env in CREDENTIAL_ENV.items():
        value = environ.get(env) or table.get(key) or table.get(env)
        values[key] = str(value).strip() if value else None
    return Credentials(**values)


def _secrets_table(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        # The parser's message names a line and column, never the file's contents.
        raise XApiError(f"{path}: not a readable TOML secrets file ({type(exc).__name__})") from None
    table = data.get("x", {})
    return table if isinstance(table, dict) else {}


class _Redact(logging.Filter):
    """Replaces credential values in log records (tweepy and oauthlib log headers at DEBUG)."""

    def __init__(self):
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            for secret in sorted(self.secrets, key=len, reverse=True):
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


_REDACT = _Redact()
_CHATTY_LOGGERS = ("tweepy.client", "requests_oauthlib.oauth1_auth", "oauthlib.oauth1.rfc5849",
                   "oauthlib.oauth1.rfc5849.signature", "urllib3.connectionpool")


def guard_logs(credentials: Credentials) -> None:
    """Keep credentials out of every log: quiet the libraries that log request headers at DEBUG,
    and redact the values from whatever they still log."""
    for value in credentials.values():
        _REDACT.secrets.update({value, quote(value, safe=""), quote(value)})
    for name in ("tweepy", "requests_oauthlib", "oauthlib"):
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)
    for name in _CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        if _REDACT not in logger.filters:
            logger.addFilter(_REDACT)


# --- HTTP: host rewrite, timeouts, retries ------------------------------------------------------
def base_url_from_env(environ: dict | None = None) -> str | None:
    value = (os.environ if environ is None else environ).get(BASE_URL_ENV, "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise XApiError(f"${BASE_URL_ENV} must be an http(s) URL like http://127.0.0.1:8080")
    return value.rstrip("/")


class RewriteHostAdapter(HTTPAdapter):
    """Sends requests for https://api.twitter.com (or api.x.com) to another base URL, and gives
    every request a timeout (tweepy sets none). Mounted on the tweepy client's public session."""

    def __init__(self, base_url: str | None, timeout=TIMEOUT, **kwargs):
        super().__init__(**kwargs)
        self.base_url, self.timeout = base_url, timeout

    def send(self, request, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        if self.base_url:
            for host in API_HOSTS:
                if request.url.startswith(host):
                    request.url = self.base_url + request.url[len(host):]
                    break
        return super().send(request, **kwargs)


class XClient(tweepy.Client):
    """tweepy.Client (API v2, raw dict responses) with its own fault handling around each request."""

    def __init__(self, credentials: Credentials, *, base_url: str | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
                 timeout=TIMEOUT, max_attempts: int = MAX_ATTEMPTS):
        if not credentials.app and not credentials.user_context:
            raise XApiError(
                "no X API credentials: set X_BEARER_TOKEN (and X_CONSUMER_KEY, X_CONSUMER_SECRET, "
                "X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET for DMs) or an [x] table in "
                ".streamlit/secrets.toml"
            )
        guard_logs(credentials)
        super().__init__(
            bearer_token=credentials.bearer_token, consumer_key=credentials.consumer_key,
            consumer_secret=credentials.consumer_secret, access_token=credentials.access_token,
            access_token_secret=credentials.access_token_secret,
            return_type=dict, wait_on_rate_limit=False,
        )
        self.has_app_auth, self.has_user_context = credentials.app, credentials.user_context
        self.sleep, self.clock, self.max_attempts = sleep, clock, max_attempts
        self.waits: list[tuple[str, float]] = []       # (reason, seconds) of every sleep, for reports
        adapter = RewriteHostAdapter(base_url, timeout)
        for host in API_HOSTS:
            self.session.mount(host, adapter)

    def __repr__(self) -> str:
        return f"XClient(app_auth={self.has_app_auth}, user_context={self.has_user_context})"

    def request(self, method, route, params=None, json=None, user_auth=False):
        failures = rate_waits = 0
        while True:
            try:
                return super().request(method, route, params=params, json=json, user_auth=user_auth)
            except tweepy.TooManyRequests as exc:
                rate_waits += 1
                self._wait_for_reset(route, exc.reset_time, rate_waits)
            except (tweepy.TwitterServerError, requests.Timeout, requests.ConnectionError) as exc:
                failures += 1
                if failures >= self.max_attempts:
                    raise XApiError(f"X API {method} {route}: {describe(exc)} "
                                    f"({failures} attempts); what earlier streams saved is kept, "
                                    "run the pull again to resume") from None
                delay = min(BACKOFF_SECONDS * 2 ** (failures - 1), MAX_BACKOFF_SECONDS)
                self.waits.append((f"retry after {describe(exc)}", delay))
                self.sleep(delay)

    def _wait_for_reset(self, route: str, reset_time: int | None, waits: int) -> None:
        if reset_time is not None:
            delay = max(float(reset_time) - self.clock() + 1.0, 1.0)
        else:
            delay = min(BACKOFF_SECONDS * 2 ** (waits - 1) * 15, MAX_RATE_LIMIT_WAIT)
        if waits > MAX_RATE_LIMIT_WAITS or delay > MAX_RATE_LIMIT_WAIT:
            until = datetime.fromtimestamp(self.clock() + delay, tz=timezone.utc)
            raise XApiError(f"X API {route}: rate limited until {until:%Y-%m-%d %H:%M} UTC; "
                            "run the pull again then (what was saved is kept)")
        self.waits.append(("rate limit (429)", delay))
        self.sleep(delay)


def describe(exc: BaseException) -> str:
    """One line about a failed request, without URLs' query strings or anything sent."""
    if isinstance(exc, tweepy.HTTPException):
        return " ".join(str(exc).split())[:300]
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


def _api_errors(method):
    """tweepy's HTTP errors (after XClient's retries) become one clear XApiError."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except tweepy.Unauthorized as exc:
            raise XApiError(f"X API refused the credentials ({describe(exc)})") from None
        except tweepy.HTTPException as exc:
            raise XApiError(f"X API request failed: {describe(exc)}") from None

    return wrapper


# --- streams ----------------------------------------------------------------------------------------
@dataclass
class Fetched:
    """What one stream returned: raw responses as received, cursor updates and notes (gaps)."""
    stream: str
    responses: list[dict] = field(default_factory=list)
    cursors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[dict]:
        return items_of(self.responses)

    @property
    def newest(self) -> str | None:
        return newest_id(self.items)


def check_handle(handle: str) -> str:
    match = HANDLE.fullmatch(handle.strip())
    if not match:
        raise EtlError(f"{handle!r} is not an X handle (letters, digits and _, at most 15)")
    return match.group(1)


class Puller:
    """Fetches a brand's streams; never writes (etl/load.py saves what it returns)."""

    def __init__(self, client: XClient, handle: str, *, since: datetime | None = None,
                 now: datetime | None = None, archive: Path | None = None):
        self.client, self.since = client, since
        self.handle, self.user_id, self.account = check_handle(handle), None, None
        self.now = now or datetime.now(timezone.utc)
        self.user_auth = not client.has_app_auth
        self.archive = None
        if archive:
            archive = Path(archive)
            archive.mkdir(parents=True, exist_ok=True)
            self.archive = archive / f"{self.handle}-{self.now:%Y%m%dT%H%M%SZ}.ndjson"

    def stream(self, kind: str) -> str:
        return f"{kind}:{self.handle}"

    @_api_errors
    def lookup_brand(self) -> dict:
        try:
            response = self.client.get_user(username=self.handle, user_fields=USER_FIELDS,
                                            user_auth=self.user_auth)
        except tweepy.NotFound:
            response = {}
        user = response.get("data") if isinstance(response, dict) else None
        if not isinstance(user, dict) or not user.get("id"):
            raise XApiError(f"@{self.handle}: no such X account")
        self._archive([response])
        self.handle, self.user_id = user.get("username") or self.handle, str(user["id"])
        self.account = {"id": self.user_id, "username": self.handle}
        return user

    @_api_errors
    def mentions(self, cursor: str | None) -> Fetched:
        return self._timeline("mentions", self.client.get_users_mentions, cursor)

    @_api_errors
    def tweets(self, cursor: str | None) -> Fetched:
        return self._timeline("tweets", self.client.get_users_tweets, cursor, exclude=["retweets"])

    def _timeline(self, kind: str, method, cursor: str | None, **extra) -> Fetched:
        params = dict(TWEET_PARAMS, user_auth=self.user_auth, **extra)
        if self.since:
            params["start_time"] = self.since          # an explicit --since backfills from there
        elif cursor:
            params["since_id"] = cursor
        got = Fetched(self.stream(kind))
        got.responses, truncated = self._pages(got, method, self.user_id,
                                               limit=MAX_PAGES[kind], **params)
        got.notes += _page_notes(kind, truncated, len(got.items), bool(cursor or self.since))
        if got.newest:
            got.cursors[got.stream] = got.newest
        return got

    def conversations_of(self, *fetched: Fetched) -> list[str]:
        return conversation_ids(item for f in fetched for item in f.items)

    @_api_errors
    def conversations(self, ids: list[str], cursors: dict[str, str]) -> Fetched:
        """The rest of each conversation, by recent search (7 days), one cursor per conversation."""
        got = Fetched(f"conversations:{self.handle}")
        window_start = self.now - SEARCH_WINDOW
        old, truncated, skipped = 0, 0, []
        for cid in ids:
            stream = f"conversation:{self.handle}:{cid}"
            params = dict(TWEET_PARAMS, user_auth=self.user_auth, query=f"conversation_id:{cid}")
            if cursors.get(stream):
                params["since_id"] = cursors[stream]
            started = snowflake_time(cid)
            old += bool(started and started < window_start)
            part = Fetched(stream)
            try:
                part.responses, cut = self._pages(part, self.client.search_recent_tweets,
                                                  limit=MAX_PAGES["conversation"], **params)
            except (tweepy.BadRequest, tweepy.NotFound, tweepy.Forbidden) as exc:
                skipped.append(f"{cid} ({describe(exc)[:80]})")
                continue
            truncated += cut
            got.responses += part.responses
            got.notes += part.notes
            if part.newest:
                got.cursors[stream] = part.newest
        if old:
            got.notes.append(f"gap: {old} conversation(s) started more than 7 days ago; recent "
                             "search reaches back 7 days, so their older replies were not fetched")
        if truncated:
            got.notes.append(f"gap: {truncated} conversation(s) have more than "
                             f"{MAX_PAGES['conversation'] * 100} replies; only the newest were fetched")
        if skipped:
            got.notes.append(f"{len(skipped)} conversation search(es) refused: " + ", ".join(skipped[:5]))
        return got

    @_api_errors
    def dm_events(self, cursor: str | None) -> Fetched:
        """DM events newest first, paging back to the stored newest event (or --since, or 30 days)."""
        got = Fetched(self.stream("dm_events"))
        if not self.client.has_user_context:
            got.notes.append("DMs skipped: no user-context credentials (set X_CONSUMER_KEY, "
                             "X_CONSUMER_SECRET, X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET)")
            return got
        try:
            me = self.client.get_me(user_auth=True, user_fields=USER_FIELDS).get("data") or {}
        except (tweepy.Unauthorized, tweepy.Forbidden) as exc:
            got.notes.append(f"DMs skipped: X refused the user-context credentials ({describe(exc)})")
            return got
        if str(me.get("id")) != self.user_id:
            got.notes.append(f"DMs skipped: the user-context credentials belong to "
                             f"@{me.get('username')}, not @{self.handle}")
            return got
        since = self.since

        def reached_known(response: dict) -> bool:
            items = items_of([response])
            return any(not _newer(i, cursor, since) for i in items)

        try:
            received, truncated = self._pages(got, self.client.get_direct_message_events,
                                              limit=MAX_PAGES["dm_events"], stop=reached_known,
                                              user_auth=True, **DM_PARAMS)
        except tweepy.Forbidden as exc:
            got.notes.append(f"DMs skipped: X refused DM access ({describe(exc)})")
            return got
        got.responses = [_only_newer(r, cursor, since) for r in received]
        reached = any(reached_known(r) for r in received)
        if truncated:
            got.notes.append(f"gap: stopped after {MAX_PAGES['dm_events']} pages of DM events")
        elif cursor and not reached:
            got.notes.append("gap: the DM events the API still returns (30 days) do not reach back "
                             "to the last pull; DMs in between may be missing")
        if got.newest:
            got.cursors[got.stream] = got.newest
        return got

    def _pages(self, got: Fetched, method, *args, limit: int, stop=None, **params
               ) -> tuple[list[dict], bool]:
        """All pages (tweepy.Paginator), with a stored since_id the API refuses dropped (a gap)."""
        try:
            responses, truncated = self._collect(method, *args, limit=limit, stop=stop, **params)
        except tweepy.BadRequest as exc:
            if "since_id" not in params or "since_id" not in str(exc):
                raise
            params.pop("since_id")
            got.notes.append(f"gap: {got.stream}: the API no longer accepts the stored cursor "
                             "(older than it allows); fetched what it still returns, items in "
                             "between may be missing")
            responses, truncated = self._collect(method, *args, limit=limit, stop=stop, **params)
        errors = partial_errors(responses)
        if errors:
            got.notes.append(f"{got.stream}: the API reported {errors} item(s) it could not "
                             "return (deleted, protected or suspended)")
        return responses, truncated

    def _collect(self, method, *args, limit: int, stop=None, **params) -> tuple[list[dict], bool]:
        responses, truncated = [], False
        for response in tweepy.Paginator(method, *args, limit=limit, **params):
            responses.append(response)
            self._archive([response])
            if stop and stop(response):
                break
        else:
            last_meta = responses[-1].get("meta", {}) if responses else {}
            truncated = len(responses) >= limit and bool(last_meta.get("next_token"))
        return responses, truncated

    def _archive(self, responses: list[dict]) -> None:
        if self.archive:
            with self.archive.open("a", encoding="utf-8") as fh:
                for response in responses:
                    fh.write(json.dumps(response, ensure_ascii=False) + "\n")


def _page_notes(kind: str, truncated: bool, count: int, incremental: bool) -> list[str]:
    if truncated:
        return [f"gap: stopped after {MAX_PAGES[kind]} pages of {kind}; older ones not fetched"]
    if incremental and count >= API_CAPS[kind]:
        return [f"gap: the API returns only the latest {API_CAPS[kind]} {kind}; older ones since "
                "the last pull may be missing"]
    return []


def _newer(item: dict, cursor: str | None, since: datetime | None) -> bool:
    item_id = str(item.get("id", ""))
    if cursor and item_id.isdigit() and cursor.isdigit() and int(item_id) <= int(cursor):
        return False
    if since:
        created = _instant(item.get("created_at")) or snowflake_time(item_id)
        if created and created < since:
            return False
    return True


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _only_newer(response: dict, cursor: str | None, since: datetime | None) -> dict:
    """The response with the DM events already loaded (at or before the cursor) left out."""
    data = response.get("data")
    if not isinstance(data, list) or not (cursor or since):
        return response
    kept = [i for i in data if not isinstance(i, dict) or _newer(i, cursor, since)]
    return dict(response, data=kept) if len(kept) != len(data) else response


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """--since: an ISO date or instant (UTC unless it says otherwise), or '7d' / '12h' ago."""
    now = now or datetime.now(timezone.utc)
    text = value.strip()
    relative = re.fullmatch(r"(\d+)\s*([dh])", text)
    if relative:
        amount = int(relative.group(1))
        return now - (timedelta(days=amount) if relative.group(2) == "d" else timedelta(hours=amount))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise EtlError(f"--since {value!r}: expected a date like 2024-05-01, an ISO time, "
                       "or 7d / 12h") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    if parsed > now:
        raise EtlError(f"--since {value!r} is in the future")
    return parsed.astimezone(timezone.utc)
