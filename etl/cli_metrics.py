"""`carepulse metrics` and `carepulse derive`.

    carepulse metrics --list [--format table|json|csv]
    carepulse metrics NAME [--db PATH] [--brand B]... [--start D] [--end D]
                           [--param KEY=VALUE]... [--format table|json|csv]
    carepulse derive [--db PATH] [--config carepulse.toml]

--start / --end take a date (a UTC day; --end includes that whole day) or an ISO timestamp (then
exclusive; without an offset it is UTC). Defaults: all data.

A table is for people: the rows of a grid metric that carry nothing (QUIET below: a day without
conversations, an hour with nothing waiting) are left out, said in one line on stderr;
--all-rows prints them. CSV and JSON, for scripts, always hold every row.
"""
from __future__ import annotations

from etl import settings
from etl.errors import EtlError


def register(subparsers, load_kinds) -> None:
    from etl.cli import config_arg, db_arg

    metrics = subparsers.add_parser(
        "metrics", help="print a metric (response-times, sla-curve, ...); --list shows them all",
        description="Print one metric of the database as a table, JSON (a list of row objects) "
                    "or CSV. --start/--end: a date (UTC day, --end inclusive) or an ISO "
                    "timestamp (end exclusive); default all data.")
    metrics.add_argument("name", nargs="?", help="metric name, e.g. response-times")
    metrics.add_argument("--list", action="store_true", help="list the metrics and their meaning")
    db_arg(metrics)
    metrics.add_argument("--brand", action="append", default=[], metavar="B",
                         help="only this brand (repeatable; default all brands)")
    metrics.add_argument("--start", metavar="D", help="from this date or timestamp (UTC)")
    metrics.add_argument("--end", metavar="D", help="up to this date (inclusive) or timestamp")
    metrics.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                         help="a metric's own parameter, e.g. grain=week (see --list)")
    metrics.add_argument("--format", choices=("table", "json", "csv"), default="table")
    metrics.add_argument("--all-rows", action="store_true",
                         help="table: also the empty periods of response-trend, backlog and "
                              "heatmap (csv and json always hold them)")
    metrics.set_defaults(func=cmd_metrics)

    derive = subparsers.add_parser(
        "derive", help="re-derive an existing database with a (new) configuration, loading nothing")
    db_arg(derive)
    config_arg(derive)
    derive.set_defaults(func=cmd_derive)


def cmd_metrics(args) -> int:
    from etl import metrics, publish

    if args.list or not args.name:
        return _write(metrics.listing(args.format))
    metric = metrics.get(args.name)
    params = metrics.parameters(metric, args.brand, args.start, args.end, args.param)
    con = publish.open_reader(settings.db_path(args.db))
    try:
        params["brands"] = _known_spelling(con, params["brands"])
        frame = metric.run(con, params)
    finally:
        con.close()
    if frame.empty and metric.name in WHEN_EMPTY:
        _note(WHEN_EMPTY[metric.name])
    if args.format == "table" and not args.all_rows:
        frame = _without_quiet_rows(metric.name, frame)
    return _write(metrics.render(frame, args.format))


# metric -> what a user who gets no rows should know
WHEN_EMPTY = {
    "campaigns": "no calendar events in this range; campaigns are the rows of events.csv beside "
                 "carepulse.toml, read at every load (docs/events.md)",
}


# Grid metrics keep every period (a quiet day is a 0 in a chart); over a long span most rows
# are empty (the real twcs sample: 169k brand-days since 2011 for 208 with conversations).
# metric -> (what its empty rows are, which rows are empty)
QUIET = {
    "response-trend": ("periods without conversations",
                       lambda f: f["conversations"] == 0),
    "backlog": ("hours with nothing waiting, arriving or answered and no change in stale",
                lambda f: (f["waiting"] == 0) & (f["arrived"] == 0) & (f["first_responses"] == 0)
                & f["stale"].eq(f.groupby("brand")["stale"].shift(fill_value=0))),
    "heatmap": ("hours of the week without messages or conversations",
                lambda f: (f["inbound_messages"] == 0) & (f["conversations"] == 0)),
}


def _without_quiet_rows(name: str, frame):
    """The frame without the rows QUIET names for this metric, said on stderr."""
    if name not in QUIET or frame.empty:
        return frame
    what, is_quiet = QUIET[name]
    quiet = is_quiet(frame)
    if quiet.any():
        _note(f"{int(quiet.sum()):,} of {len(frame):,} rows left out: {what} "
              "(--all-rows prints them; csv and json hold every row)")
    return frame[~quiet]


def _note(text: str) -> None:
    import sys

    print(f"carepulse: note: {text}", file=sys.stderr)


def _write(text: str) -> int:
    """Print; a reader that stops early (`| head`) is not an error."""
    import os
    import sys

    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _known_spelling(con, brands: list[str]) -> list[str]:
    """Brand handles are case-insensitive on X: use the database's spelling when one matches."""
    if not brands:
        return brands
    import sql

    known = {b.lower(): b for b in sql.query(con, "meta/brands")["brand"]}
    for brand in brands:
        if brand.lower() not in known:
            _note(f"no customer conversations for brand {brand!r}")
    return [known.get(b.lower(), b) for b in brands]


def cmd_derive(args) -> int:
    import sql
    from etl import derive, publish, sentiment
    from etl.config import load_config

    db = settings.db_path(args.db)
    if not db.exists():
        raise EtlError(f"{db}: no database yet; run `carepulse load` or `carepulse demo` first")
    config = load_config(args.config)
    with publish.writer(db) as con:
        # as a load finishes, but everything derived again, the dashboard summaries included
        # (a tool that edited messages directly relies on this)
        sentiment.score_messages(con)
        derive.rebuild(con, config, full=True)
        summary = sql.query(con, "etl/config_summary").iloc[0]
    source = config.path or "defaults (24x7 UTC, targets 15 min, 1 h, 4 h, 24 h)"
    print(f"re-derived {int(summary['conversations']):,} conversations and "
          f"{int(summary['replies']):,} replies of {int(summary['brands']):,} brands "
          f"with {source} ({int(summary['configured']):,} brands configured)")
    print(f"database: {db}")
    return 0
