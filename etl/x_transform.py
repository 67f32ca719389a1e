"""Transform: X API v2 responses -> pieces for set-based SQL, and pure helpers (dict in, value out).

The live pull (etl/sources/x_api.py) and saved files (etl/sources/x_json.py) both hand over the
responses as JSON texts, one `Piece` per response (`{"data": ..., "includes": {"users": [...]},
"meta": {...}}`), never one per tweet: the mapping of every tweet or DM event to a message is
set-based SQL (sql/etl/x_documents.sql, sql/etl/normalize_x.sql), the same for both, so an
archive and the live API load identically and no Python loop runs per record.

The helpers below read the few things the pull needs to decide what to fetch next (newest ids,
conversation ids, creation times) from the response dicts.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Iterable, NamedTuple

import pandas as pd

RESPONSE_KEYS = ("data", "includes", "meta", "errors")
# Snowflake ids carry their creation time: milliseconds since this instant, shifted left 22 bits.
TWITTER_EPOCH_MS = 1288834974657
PIECE_COLUMNS = ("file_no", "piece", "line", "body", "problem")


class Piece(NamedTuple):
    """One response as JSON text; or a piece of a file that is not JSON (`problem` says why)."""
    body: str
    line: int | None = None         # its line in an NDJSON file
    problem: str | None = None


def pieces_of(responses: Iterable[Any]) -> list[Piece]:
    """Response dicts as received from the API -> pieces (one JSON text per response)."""
    return [Piece(json.dumps(r, ensure_ascii=False)) for r in responses]


def pieces_frame(files: list[list[Piece]]) -> pd.DataFrame:
    """The pieces of several files (or API streams) as one frame; file_no counts from 1."""
    rows = [(file_no, number, p.line, p.body, p.problem)
            for file_no, pieces in enumerate(files, start=1)
            for number, p in enumerate(pieces, start=1)]
    frame = pd.DataFrame(rows, columns=list(PIECE_COLUMNS))
    return frame.astype({"file_no": "int64", "piece": "int64", "line": "Int64",
                         "body": object, "problem": object})


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


def _is_bare_item(obj: dict) -> bool:
    return not any(k in obj for k in RESPONSE_KEYS) and "id" in obj


def _text(value: Any) -> str | None:
    """Ids as text: strings stay, integers are written out, anything else is not an id."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None
