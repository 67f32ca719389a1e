"""`carepulse spikes`: spikes in any count series, or in loaded data with explanations.

    carepulse spikes --input SERIES.csv [--output OUT.csv] [--format table|json]
    carepulse spikes [--db PATH] [--brand B ...] [--since D] [--until D]
                     [--kind all|volume|negative] [--format table|json]

--input: a `timestamp,value` CSV at any fixed step; --output writes its rows plus `expected`,
`score`, `is_spike` (true/false); without --output a summary and the spikes go to stdout.
--db: the spikes found in loaded data, each with its explanation (for a scheduled notifier:
`--since 24h --format json`). --since/--until take a date, an ISO time (UTC when no zone) or a
duration back from the newest message in the database (`24h`, `7d`, `2w`); --since defaults to 7d.
"""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone

# pandas is imported in the functions that use it: every command builds this parser, and
# `carepulse load` starts copying the database before the slow imports (etl/publish.py).
from etl import settings
from etl.cli import db_arg
from etl.errors import EtlError

DEFAULT_SINCE = "7d"
_DURATION = re.compile(r"^(\d+)\s*([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def register(subparsers, load_kinds) -> None:
    p = subparsers.add_parser(
        "spikes", help="spikes in a timestamp,value CSV (--input) or in loaded data, explained",
        description=__doc__.split("\n\n")[0])
    p.add_argument("--input", metavar="SERIES.csv", help="a timestamp,value CSV at a fixed step")
    p.add_argument("--output", metavar="OUT.csv",
                   help="with --input: write the rows plus expected, score, is_spike")
    db_arg(p)
    p.add_argument("--brand", action="append", default=[], metavar="B",
                   help="only this brand (repeat for several; default: all)")
    p.add_argument("--since", metavar="D",
                   help="date, ISO time or duration before the newest message "
                        f"(default {DEFAULT_SINCE})")
    p.add_argument("--until", metavar="D", help="end (exclusive); default: the newest message")
    p.add_argument("--kind", choices=("all", "volume", "negative"), default="all")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_spikes)


def cmd_spikes(args) -> int:
    if args.input:
        given = [f"--{n}" for n in ("brand", "since", "until") if getattr(args, n)]
        if given or args.db or args.kind != "all":
            flags = ", ".join(given) or "--db/--kind"
            raise EtlError(f"{flags} apply to loaded data, not to --input")
        return _series(args)
    if args.output:
        raise EtlError("--output goes with --input SERIES.csv")
    return _loaded(args)


# -- any series ----------------------------------------------------------------------------------

def _series(args) -> int:
    import pandas as pd

    from etl.spikes import detect_file, infer_step

    try:
        out = detect_file(args.input, args.output)
    except ValueError as exc:
        raise EtlError(str(exc).rstrip(".")) from exc
    spikes = out[out["is_spike"]]
    stamps = pd.to_datetime(out["timestamp"], format="mixed")
    step = infer_step(stamps) if len(out) > 1 else None
    if args.format == "json":
        print(json.dumps({"input": args.input, "output": args.output, "points": len(out),
                          "step": str(step) if step is not None else None,
                          "spikes": [_jsonable(r) for r in spikes.to_dict("records")]},
                         indent=2, default=str))
        return 0
    print(f"{args.input}: {len(out):,} points, step {_step_text(step)}, "
          f"{_count(len(spikes), 'spike')}")
    if args.output:
        print(f"wrote {args.output}: the input rows plus expected, score, is_spike (true/false)")
        return 0
    if len(spikes):
        print(f"{'timestamp':<25} {'value':>12} {'expected':>12} {'score':>8}")
        for r in spikes.itertuples():
            print(f"{str(r.timestamp):<25} {r.value:>12g} {r.expected:>12.1f} {r.score:>8.1f}")
    return 0


def _step_text(step) -> str:
    import pandas as pd

    if step is None:
        return "unknown"
    minutes = step / pd.Timedelta(minutes=1)
    return f"{minutes:g} min" if minutes < 60 else f"{minutes / 60:g} h"


# -- loaded data ---------------------------------------------------------------------------------

def _loaded(args) -> int:
    from etl import spike_report
    from etl.api import open_reader

    db = settings.db_path(args.db)
    con = open_reader(db)
    try:
        newest = _newest(con)
        if newest is None:
            raise EtlError(f"{db}: no customer messages loaded yet")
        since = _bound(args.since or DEFAULT_SINCE, newest, "--since")
        until = _bound(args.until, newest, "--until") if args.until else None
        if until is not None and until <= since:
            raise EtlError(f"--until {args.until} is not after --since {args.since}")
        explained = spike_report.report(con, args.brand, since, until, args.kind)
    finally:
        con.close()
    if args.format == "json":
        print(json.dumps([_jsonable(e) for e in explained], indent=2, default=str))
        return 0
    _print_table(explained, since, until or newest)
    return 0


def _newest(con):
    import pandas as pd

    import sql

    row = sql.query(con, "meta/date_range")
    last = row["last_at"].iloc[0] if len(row) else None
    return None if last is None or pd.isna(last) else pd.Timestamp(last).tz_convert("UTC")


def _bound(text: str, newest: pd.Timestamp, flag: str) -> datetime:
    """A date (UTC midnight), an ISO time (naive = UTC) or a duration back from `newest`."""
    value = text.strip()
    if m := _DURATION.match(value.lower()):
        return (newest - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})).to_pydatetime()
    try:
        stamp = datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in "zZ" else value)
    except ValueError:
        raise EtlError(f"{flag} {text!r} is not a date, an ISO time or a duration "
                       "like 24h, 7d, 2w") from None
    return stamp.replace(tzinfo=timezone.utc) if stamp.tzinfo is None else stamp


def _print_table(explained: list[dict], since, until) -> None:
    import pandas as pd

    period = f"{pd.Timestamp(since):%Y-%m-%d %H:%M} to {pd.Timestamp(until):%Y-%m-%d %H:%M} UTC"
    if not explained:
        print(f"no spikes from {period}")
        return
    for e in explained:
        what = "negative messages" if e["kind"] == "negative" else "messages"
        hours = e["window_hours"]
        label = e["label"].upper() + (f" ({e['event_kind']}: {e['event']})" if e["event"] else "")
        print(f"{e['at']:%Y-%m-%d %H:%M} UTC  {e['brand']}  {e['kind']} {e['scale']}  {label}")
        line = (f"  {e['observed']:.0f} {what} in {hours} h vs {e['expected']:.1f} expected "
                f"(score {e['score']:.1f})")
        if e["negative_share"] is not None and e["usual_negative_share"] is not None:
            line += (f"; negative share {e['negative_share']:.0%} vs usual "
                     f"{e['usual_negative_share']:.0%}")
        print(line)
        if e["top_terms"]:
            terms = ", ".join(f"{t['term']} ({t['count']})" for t in e["top_terms"])
            print(f"  top terms: {terms}")
        for s in e["samples"]:
            text = " ".join(str(s["text"]).split())
            print(f"  - {s['created_at']:%m-%d %H:%M} {text[:140]}")
        print()
    labels = [e["label"] for e in explained]
    print(f"{_count(len(explained), 'spike')} from {period}: {labels.count('expected')} expected, "
          f"{labels.count('surprise')} surprise")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _jsonable(value):
    """Timestamps as ISO strings, NaN as null, numpy scalars as Python ones."""
    import pandas as pd

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (pd.Timestamp, datetime)):
        return pd.Timestamp(value).isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
