"""Source: the live X API v2 through tweepy (fetch only: HTTP in, raw response dicts out).

Streams of one brand account, each with its own incremental cursor (the newest id seen, stored in
`api_cursors` and sent back as `since_id`):

    mentions:<handle>                     customers mentioning the brand (get_users_mentions)
    tweets:<handle>                       the brand's own tweets and replies (get_users_tweets)
    conversation:<handle>:<id>            the rest of a conversation (search_recent_tweets)
    dm_events:<handle>                    DM events, user context (get_direct_message_events;
                                          no since_id: pages back to the stored newest event)

The HTTP side (credentials, X_API_BASE_URL, timeouts, 429 and 5xx handling) is
etl/sources/x_client.py. What the API no longer returns (gaps) comes back as notes.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import tweepy

from etl.errors import EtlError
from etl.sources.x_client import XApiError, XClient, describe
from etl.x_transform import conversation_ids, items_of, newest_id, partial_errors, snowflake_time

# --- settings (dlt-style: the source's knobs in one place) ---------------------------------------
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
CONVERSATIONS_PER_PUBLISH = 50
# X keeps one DM conversation per customer and brand: a customer writing again this long after
# the brand's last message opens a new customer conversation (sql/etl/link_x_dm_events.sql).
DM_SESSION_GAP_HOURS = 24
HANDLE = re.compile(r"@?([A-Za-z0-9_]{1,15})")


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
        self.handle, self.user_id = check_handle(handle), None
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
        cursor = None if since else cursor          # an explicit --since backfills from there

        def reached_known(response: dict) -> bool:
            items = items_of([response])
            return any(not _newer(i, cursor, since) for i in items)

        try:
            received, truncated = self._pages(got, self.client.get_direct_message_events,
                                              limit=MAX_PAGES["dm_events"], stop=reached_known,
                                              user_auth=True, **DM_PARAMS)
        except (tweepy.Unauthorized, tweepy.Forbidden) as exc:
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
