"""The X API v2 client: credentials, the host rewrite for X_API_BASE_URL, timeouts and retries.

`XClient` is a `tweepy.Client` (raw dict responses) with its own fault handling around every
request: a 429 waits until `x-rate-limit-reset`; 5xx answers, timeouts and dropped connections
retry with bounded exponential backoff; the sleep and the clock are injectable. tweepy hard-codes
https://api.twitter.com; `RewriteHostAdapter`, mounted on the client's public `requests` session,
sends every request to `X_API_BASE_URL` instead when it is set. Credentials are never printed,
logged or put in an exception message.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlsplit

import requests
import tweepy
from requests.adapters import HTTPAdapter

from etl.errors import EtlError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

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

TIMEOUT = (10.0, 30.0)                                # connect, read (seconds)
MAX_ATTEMPTS = 5                                      # per request, for 5xx / timeouts
BACKOFF_SECONDS, MAX_BACKOFF_SECONDS = 1.0, 60.0
MAX_RATE_LIMIT_WAIT = 16 * 60                         # X's windows are 15 minutes
MAX_RATE_LIMIT_WAITS = 10


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
