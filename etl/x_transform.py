"""Transform: X API v2 response objects -> flat records, as pure functions (dict in, dict out).

The live pull (etl/sources/x_api.py) and saved files (etl/sources/x_json.py) both hand over a list
of API responses, each `{"data": ..., "includes": {"users": [...]}, "meta": {...}}`. Every tweet or
DM event in `data` becomes one record with its fields as text; typing, validation and the brand's
point of view (direction, author_id) are sql/etl/normalize_x.sql's job, so a saved archive and the
live API go through exactly the same mapping.

Also accepted, because real archives contain them: user objects in `data` (a user lookup: they
only teach us who is who, they are not records), and bare tweet objects carrying an embedded
`author` (twarc2's flattened format).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Iterable, NamedTuple

import pandas as pd

RECORD_COLUMNS = (
    "record", "kind", "message_id", "author_ref", "author_username", "author_followers",
    "created_at", "text", "in_reply_to_id", "dm_conversation_id", "event_type", "is_retweet",
    "problem", "raw",
)
RESPONSE_KEYS = ("data", "includes", "meta", "errors")
# Snowflake ids carry their creation time: milliseconds since this instant, shifted left 22 bits.
TWITTER_EPOCH_MS = 1288834974657


class Unparsed(NamedTuple):
    """A piece of a file that is not JSON (an NDJSON line); it becomes one rejected record."""
    line: int
    text: str
    reason: str


def flatten(responses: Iterable[Any]) -> list[dict]:
    """One record per tweet / DM event (or per malformed piece), numbered from 1 in order."""
    responses = list(responses)
    users = users_of(responses)
    rows: list[dict] = []
    for response in responses:
        rows.extend(_records_of(response, users))
    for number, row in enumerate(rows, start=1):
        row["record"] = number
    return rows


def frame(responses: Iterable[Any]) -> pd.DataFrame:
    """`flatten` as a DataFrame with every column present (all text, is_retweet boolean)."""
    rows = flatten(responses)
    out = pd.DataFrame(rows, columns=list(RECORD_COLUMNS))
    out["record"] = out["record"].astype("int64")
    out["is_retweet"] = out["is_retweet"].astype(bool)
    for column in RECORD_COLUMNS:
        if column not in ("record", "is_retweet"):
            out[column] = out[column].astype(object)
    return out


def _records_of(response: Any, users: dict[str, dict]) -> list[dict]:
    if isinstance(response, Unparsed):
        return [_problem(response.text, f"line {response.line}: not JSON ({response.reason})")]
    if not isinstance(response, dict):
        return [_problem(_dump(response), f"not an API response object (a JSON {_kind(response)})")]
    if _is_bare_item(response):
        return [] if is_user(response) else [record_of(response, users)]
    data = response.get("data")
    if data is None:
        return []
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return [_problem(_dump(data), f"`data` is a JSON {_kind(data)}, not an object or a list")]
    out = []
    for item in data:
        if not isinstance(item, dict):
            out.append(_problem(_dump(item), f"a `data` element is a JSON {_kind(item)}, not an object"))
        elif not is_user(item):
            out.append(record_of(item, users))
    return out


def record_of(item: dict, users: dict[str, dict]) -> dict:
    return dm_record(item, users) if is_dm_event(item) else tweet_record(item, users)


def tweet_record(tweet: dict, users: dict[str, dict]) -> dict:
    """A tweet: author from includes.users (or an embedded `author`), parent from replied_to."""
    author = _text(tweet.get("author_id"))
    user = users.get(author or "") or _embedded_author(tweet) or {}
    refs = tweet.get("referenced_tweets")
    problem = None
    if refs is None:
        refs = []
    elif not isinstance(refs, list) or not all(isinstance(r, dict) for r in refs):
        problem, refs = "referenced_tweets is not a list of objects", []
    replied = next((r.get("id") for r in refs if r.get("type") == "replied_to"), None)
    return _row(
        kind="tweet",
        message_id=_text(tweet.get("id")),
        author_ref=author,
        user=user,
        created_at=tweet.get("created_at"),
        text=tweet.get("text"),
        in_reply_to_id=_text(replied),
        is_retweet=any(r.get("type") == "retweeted" for r in refs),
        problem=problem,
        raw=tweet,
    )


def dm_record(event: dict, users: dict[str, dict]) -> dict:
    """A DM event; its parent (the previous event of its conversation) is linked after saving."""
    sender = _text(event.get("sender_id"))
    return _row(
        kind="dm",
        message_id=_text(event.get("id")),
        author_ref=sender,
        user=users.get(sender or "", {}),
        created_at=event.get("created_at"),
        text=event.get("text"),
        dm_conversation_id=_text(event.get("dm_conversation_id")),
        event_type=_text(event.get("event_type")),
        raw=event,
    )


def _row(kind: str, message_id, author_ref, user: dict, created_at, text, raw: dict,
         in_reply_to_id=None, dm_conversation_id=None, event_type=None, is_retweet=False,
         problem=None) -> dict:
    if text is not None and not isinstance(text, str):
        problem = problem or "text is not a string"
        text = None
    if created_at is not None and not isinstance(created_at, str):
        problem = problem or "created_at is not a string"
        created_at = None
    username = user.get("username")
    return {
        "record": 0,
        "kind": kind,
        "message_id": message_id,
        "author_ref": author_ref,
        "author_username": username if isinstance(username, str) else None,
        "author_followers": _text(followers_of(user)),
        "created_at": created_at,
        "text": text,
        "in_reply_to_id": in_reply_to_id,
        "dm_conversation_id": dm_conversation_id,
        "event_type": event_type,
        "is_retweet": bool(is_retweet),
        "problem": problem,
        "raw": _dump(raw),
    }


def _problem(raw: str, reason: str) -> dict:
    row = dict.fromkeys(RECORD_COLUMNS)
    row.update(record=0, kind="unknown", is_retweet=False, problem=reason, raw=raw)
    return row


def users_of(responses: Iterable[Any]) -> dict[str, dict]:
    """User id -> user object, from includes.users, user lookups in `data` and embedded authors."""
    users: dict[str, dict] = {}

    def add(user: Any) -> None:
        if isinstance(user, dict) and _text(user.get("id")):
            users.setdefault(_text(user["id"]), user)

    for response in responses:
        if not isinstance(response, dict):
            continue
        if _is_bare_item(response):
            add(response if is_user(response) else _embedded_author(response))
            continue
        includes = response.get("includes")
        if isinstance(includes, dict) and isinstance(includes.get("users"), list):
            for user in includes["users"]:
                add(user)
        data = response.get("data")
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and is_user(item):
                add(item)
    return users


def brand_identity(users: dict[str, dict], handle: str, known_id: str | None = None
                   ) -> tuple[str, str | None]:
    """The brand's handle as X spells it and its user id, from the users seen (else as given)."""
    for user_id, user in users.items():
        name = user.get("username")
        if isinstance(name, str) and name.lower() == handle.lower():
            return name, user_id
    if known_id and known_id in users and isinstance(users[known_id].get("username"), str):
        return users[known_id]["username"], known_id
    return handle, known_id


def followers_of(user: dict) -> Any:
    metrics = user.get("public_metrics") if isinstance(user, dict) else None
    if isinstance(metrics, dict):
        value = metrics.get("followers_count")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def is_user(obj: dict) -> bool:
    return "username" in obj and "text" not in obj and "event_type" not in obj


def is_dm_event(obj: dict) -> bool:
    return "event_type" in obj or "dm_conversation_id" in obj or "sender_id" in obj


def items_of(responses: Iterable[Any]) -> list[dict]:
    """The tweets and DM events (dicts) of some responses, malformed pieces left out."""
    out = []
    for response in responses:
        if not isinstance(response, dict):
            continue
        if _is_bare_item(response):
            data: Any = [] if is_user(response) else [response]
        else:
            data = response.get("data")
            data = [data] if isinstance(data, dict) else data
        if isinstance(data, list):
            out.extend(i for i in data if isinstance(i, dict) and not is_user(i))
    return out


def newest_id(items: Iterable[dict]) -> str | None:
    """The largest numeric id among the items (ids are decimal text; compare as integers)."""
    ids = [int(i) for i in (_text(item.get("id")) for item in items) if i and i.isdigit()]
    return str(max(ids)) if ids else None


def is_newer(candidate: str | None, than: str | None) -> bool:
    if not candidate or not candidate.isdigit():
        return False
    return not than or not than.isdigit() or int(candidate) > int(than)


def conversation_ids(items: Iterable[dict]) -> list[str]:
    """Conversations the tweets belong to (retweets excluded), in first-seen order."""
    seen: dict[str, None] = {}
    for item in items:
        if is_dm_event(item):
            continue
        refs = item.get("referenced_tweets")
        if isinstance(refs, list) and any(isinstance(r, dict) and r.get("type") == "retweeted"
                                          for r in refs):
            continue
        cid = _text(item.get("conversation_id"))
        if cid and cid.isdigit():
            seen.setdefault(cid, None)
    return list(seen)


def snowflake_time(snowflake: str) -> datetime | None:
    """When a tweet / DM event id was minted (X ids embed their creation time)."""
    if not snowflake or not snowflake.isdigit():
        return None
    ms = (int(snowflake) >> 22) + TWITTER_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def partial_errors(responses: Iterable[Any]) -> int:
    """How many partial errors (deleted or protected tweets, ...) 200 responses reported."""
    return sum(len(r["errors"]) for r in responses
               if isinstance(r, dict) and isinstance(r.get("errors"), list) and "data" in r)


def _embedded_author(tweet: dict) -> dict | None:
    author = tweet.get("author")
    return author if isinstance(author, dict) else None


def _is_bare_item(obj: dict) -> bool:
    return not any(k in obj for k in RESPONSE_KEYS) and "id" in obj


def _text(value: Any) -> str | None:
    """Ids as text: strings stay, integers are written out, anything else is kept recognisably."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _dump(value)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null",
            int: "number", float: "number"}.get(type(value), type(value).__name__)
