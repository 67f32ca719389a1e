"""`carepulse pull` (the live X API) and `carepulse load x-json` (saved X API v2 responses).

    carepulse pull --brand HANDLE [--db PATH] [--since D] [--config PATH] [--save-responses DIR] [--json]
    carepulse load x-json FILE... --brand HANDLE [--db PATH] [--config PATH] [--json]

Credentials come from the environment (X_BEARER_TOKEN; X_CONSUMER_KEY, X_CONSUMER_SECRET,
X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET for DMs) or the [x] table of .streamlit/secrets.toml;
X_API_BASE_URL sends every request elsewhere (a proxy, a test server). See docs/x-api.md.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from etl import settings
from etl.cli import StageProgress, config_arg, db_arg, print_runs


def register(subparsers, load_kinds) -> None:
    pull = subparsers.add_parser(
        "pull", help="fetch a brand's mentions, replies, conversations and DMs from the X API")
    pull.add_argument("--brand", required=True, metavar="HANDLE",
                      help="the brand's X account (its handle, with or without @)")
    db_arg(pull)
    pull.add_argument("--since", metavar="D",
                      help="fetch from this date/time (2024-05-01, an ISO time, or 7d / 12h ago) "
                           "instead of from the last pull")
    config_arg(pull)
    pull.add_argument("--save-responses", metavar="DIR",
                      help="also append every API response to DIR/<handle>-<time>.ndjson "
                           "(reload later with `carepulse load x-json`)")
    pull.add_argument("--json", action="store_true", help="print the run summary as JSON")
    pull.set_defaults(func=cmd_pull)

    xjson = load_kinds.add_parser(
        "x-json", help="X API v2 responses saved as JSON or NDJSON (exports, archives)")
    xjson.add_argument("files", nargs="+", metavar="FILE")
    xjson.add_argument("--brand", required=True, metavar="HANDLE",
                       help="the brand account the responses were fetched for")
    db_arg(xjson)
    config_arg(xjson)
    xjson.add_argument("--json", action="store_true", help="print the run summary as JSON")
    xjson.set_defaults(func=cmd_load_x_json)


def cmd_pull(args) -> int:
    from etl import load
    from etl.config import load_config
    from etl.sources import x_api, x_client

    db = settings.db_path(args.db)
    config = load_config(args.config)
    since = x_api.parse_since(args.since) if args.since else None
    client = x_client.XClient(x_client.load_credentials(), base_url=x_client.base_url_from_env())
    progress = StageProgress(6)
    try:
        runs = load.pull(db, client, args.brand, since=since, progress=progress, config=config,
                         archive=Path(args.save_responses) if args.save_responses else None)
    except KeyboardInterrupt:
        progress.close()
        print("carepulse: interrupted; the streams saved before are kept, the one in progress "
              "is not: run the pull again to resume", file=sys.stderr)
        return 130
    finally:
        progress.close()
    report(runs, db, args.json)
    waits = [seconds for _, seconds in client.waits]
    if waits and not args.json:
        print(f"waited {sum(waits):,.0f}s in total for rate limits and retries ({len(waits)} waits)")
    return 0


def cmd_load_x_json(args) -> int:
    from etl import load
    from etl.config import load_config

    db = settings.db_path(args.db)
    config = load_config(args.config)
    progress = StageProgress(len(args.files) + 1)
    try:
        runs = load.load_x_json(db, args.files, args.brand, progress, config)
    finally:
        progress.close()
    report(runs, db, args.json)
    return 0


def report(runs, db: Path, as_json: bool) -> None:
    if as_json:
        print(json.dumps([r.as_dict() for r in runs], indent=2))
        return
    print_runs(runs, db)
    for r in runs:
        for note in filter(None, (r.note or "").split("; ")):
            print(f"  {r.file}: {note}")
