"""Load: save staged messages (idempotent upsert by id), quarantine rejects, record the run.

Every source fills the temp table `staged_rows`, read through the view `staged` (the canonical
message shape plus `record`, `raw`, `reject_reason` and the sentiment columns the scorer fills,
see sql/etl/normalize_twcs.sql); `save_staged` is the only code that writes
messages. Each run reconciles: records read = loaded + duplicates + rejected, or it fails.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import sql
from etl import derive, lexicon_cache, publish, sentiment
from etl.config import Config, load_config
from etl.errors import EtlError
from etl.side_connection import SideConnection
from etl.sources import twcs
from etl.sources.twcs import Reject


def _x_api():
    # the live X API source imports tweepy and requests (~0.2 s): only X loads need it
    from etl.sources import x_api
    return x_api


# The X response readers build pandas frames (pandas costs ~0.45 s to import): a twcs load does
# without them, so they are imported by the X loads that use them.
def _x_transform():
    from etl import x_transform
    return x_transform


def _x_json():
    from etl.sources import x_json
    return x_json


@dataclass
class RunSummary:
    run_id: int
    source: str
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    parser: str = ""
    note: str = ""                    # gaps, skipped streams (X API pulls), as in load_runs.note

    def as_dict(self) -> dict:
        return asdict(self)


Progress = Callable[[str], None]

# A run of at most one DuckDB row group of records is scored on one thread, and so is its
# insert: with a second connection (twcs loads), such a run whose records are all new is
# scored there while the first inserts it and looks for the derive's scope; the scores are
# then written into the inserted rows (2.8M next day: ~0.18 s of scoring off the critical
# path, for an UPDATE of ~0.02 s). Larger runs score on both cores and insert with the scores.
SIDE_SCORING_MAX_ROWS = 122_880


def _quiet(_: str) -> None:
    pass


def load_twcs(db: Path, files: list[str | Path], progress: Progress = _quiet,
              config: Config | None = None) -> list[RunSummary]:
    """Load twcs CSV files into `db` in one atomic publish; all files or none."""
    config = config or load_config()
    layouts = [twcs.inspect(f) for f in files]          # fail before touching the database
    summaries = []
    with publish.building(db) as build:
        # the first file is parsed while the private copy of the database is made (parsing
        # makes only temp tables); the others once it is open
        first = _read_one_twcs(build.con, layouts[0], progress) if layouts else None
        con = build.open()
        with SideConnection(con) as scorer:
            for number, layout in enumerate(layouts):
                raw, started_at = first if number == 0 else _read_one_twcs(con, layout, progress)
                summaries.append(_save_one_twcs(con, layout, raw, started_at, progress, scorer))
            progress("deriving conversations and replies")
            finish(con, config, scorer)
    return summaries


def _read_one_twcs(con, layout: twcs.CsvLayout, progress: Progress) -> tuple[twcs.RawRead, datetime]:
    """Parse and normalize one file into the temp table staged_rows (and the view staged);
    with the time its run started."""
    started_at = _now()
    progress(f"reading {layout.path.name}")
    progress(f"normalizing {layout.path.name} as it is parsed")
    return twcs.read(con, layout, stage=lambda: _normalize_twcs(con)), started_at


def _save_one_twcs(con, layout: twcs.CsvLayout, raw: twcs.RawRead, started_at: datetime,
                   progress: Progress, scorer: SideConnection | None = None) -> RunSummary:
    run = start_run(con, "twcs", str(layout.path), at=started_at)
    run.parser = raw.parser
    progress(f"saving messages: {raw.parsed:,} records ({raw.parser})")
    save_staged(con, run, raw.records, raw.parse_rejects, raw.record_lines, scorer=scorer)
    return run


def _normalize_twcs(con) -> int:
    """Map the view raw_twcs into staged (normalize_twcs.sql); the number of records it read."""
    sql.execute_script(con, "etl/normalize_twcs", {"source": "twcs", "now": _now()})
    return con.execute("select count(*) from staged_rows").fetchall()[0][0]



def start_run(con, source: str, file: str, at: datetime | None = None) -> RunSummary:
    """Record a run started `at` (default: now)."""
    run_id = con.execute("select coalesce(max(run_id), 0) + 1 from load_runs").fetchall()[0][0]
    con.execute(
        "insert into load_runs (run_id, started_at, source, file) values ($id, $at, $source, $file)",
        {"id": run_id, "at": at or _now(), "source": source, "file": file},
    )
    return RunSummary(run_id=run_id, source=source, file=file)


def save_staged(con, run: RunSummary, records_read: int, parse_rejects: list[Reject],
                record_lines: Sequence[int] | None = None, cursor: str | None = None,
                scorer: SideConnection | None = None) -> None:
    """Insert new staged messages, quarantine the rest, reconcile the counts, record the run.
    With `scorer` (a second connection), a small run whose records are all new is scored
    there meanwhile (see SIDE_SCORING_MAX_ROWS)."""
    if scorer is not None:
        scorer.wait()                    # a previous file's scores are written
        if records_read <= SIDE_SCORING_MAX_ROWS:
            # the scorer reads its lexicon while this connection classifies the run, not after:
            # a small run's scores come ~0.03-0.04 s sooner, and the derive waits for them after
            # the scope search (2.8M next day: that wait was 0.003-0.29 s, median 0.03-0.06)
            scorer.submit(_preload_lexicon)
    sql.execute_script(con, "etl/save_messages")
    counts = sql.one(con, "etl/run_counts")
    all_new = counts["duplicates"] + counts["conflicts"] == 0
    if scorer is not None and all_new and 0 < counts["loaded"] <= SIDE_SCORING_MAX_ROWS:
        _insert_scoring_beside(con, run, scorer)
    else:
        sentiment.score_staged(con)          # into the staged rows: the insert writes them
        sql.execute_script(con, "etl/insert_messages" if all_new else "etl/insert_new_messages",
                           {"run_id": run.run_id, "threshold": sentiment.THRESHOLD})
        sentiment.forget_scores(con)
    rejects = _all_rejects(con, parse_rejects, record_lines)
    _save_rejects(con, run, rejects)
    run.rows_read = int(records_read)
    run.rows_loaded = int(counts["loaded"])
    run.rows_duplicate = int(counts["duplicates"])
    run.rows_rejected = len(rejects)
    accounted = run.rows_loaded + run.rows_duplicate + run.rows_rejected
    if accounted != run.rows_read:
        raise EtlError(
            f"{run.file}: read {run.rows_read:,} records but accounted for {accounted:,} "
            f"(loaded {run.rows_loaded:,}, duplicates {run.rows_duplicate:,}, "
            f"rejected {run.rows_rejected:,}); nothing was loaded"
        )
    con.execute(
        """
        update load_runs
        set finished_at = $at, rows_read = $read, rows_loaded = $loaded,
            rows_duplicate = $dup, rows_rejected = $rej, cursor = $cursor
        where run_id = $id
        """,
        {"at": _now(), "read": run.rows_read, "loaded": run.rows_loaded,
         "dup": run.rows_duplicate, "rej": run.rows_rejected, "cursor": cursor, "id": run.run_id},
    )


def _insert_scoring_beside(con, run: RunSummary, scorer: SideConnection) -> None:
    """Insert the run's rows unscored while `scorer` scores their texts, then (once the
    insert is committed) writes the scores into those rows. Whoever reads scores next waits
    for the scorer first (finish: the derive's fingerprint waits for it)."""
    sql.execute_script(con, "etl/sentiment_side_share")
    scorer.submit(_score_shared_texts)
    sql.execute_script(con, "etl/insert_messages",
                       {"run_id": run.run_id, "threshold": sentiment.THRESHOLD})
    scorer.submit(lambda cursor: sql.execute_script(cursor, "etl/sentiment_side_save",
                                                    {"run_id": run.run_id}))


def _preload_lexicon(cursor) -> None:
    """The scorer's lexicon from the frames the database keeps (lexicon_cache.setup_from_stored:
    no write); with stale or missing frames nothing, and its first sentiment.load_lexicon builds
    and stores them as before. Its setup step is load_lexicon's: the same temp tables."""
    if not sql.one(cursor, "etl/sentiment_state")["lexicon_tables"]:
        lexicon_cache.setup_from_stored(cursor, "etl/sentiment_setup")


def _score_shared_texts(cursor) -> None:
    sql.execute_script(cursor, "etl/sentiment_side_input")
    sentiment.score_input(cursor)


def _all_rejects(con, parse_rejects: list[Reject],
                 record_lines: Sequence[int] | None) -> list[Reject]:
    """The parser's rejects, then the staged records not loaded, each with its physical line."""
    mapped = sql.rows(con, "etl/rejects_of_run")
    records = [row["record"] for row in mapped]
    if record_lines is not None and records:
        lines = [int(record_lines[record - 1]) for record in records]
    else:
        lines = records
    return list(parse_rejects) + [(line, row["raw"], row["reason"])
                                  for line, row in zip(lines, mapped)]


def _save_rejects(con, run: RunSummary, rejects: list[Reject]) -> None:
    if not rejects:
        return
    lines, raws, reasons = zip(*rejects)
    sql.execute_script(con, "etl/save_rejects", {
        "run_id": run.run_id, "source": run.source, "file": run.file,
        "lines": [int(line) for line in lines],
        "raws": [None if raw is None else str(raw)[:twcs.RAW_CAP] for raw in raws],
        "reasons": list(reasons),
    })


def finish(con, config: Config, scorer: SideConnection | None = None) -> None:
    """After all sources of a publish: score customer messages still without sentiment (rows
    are scored as they are saved; this finds those of a database from an older version), store
    the configuration and re-derive everything loaded. With `scorer`, the scoring runs there,
    after the runs' own scores, and the derive reads no score before it is done."""
    if scorer is None:
        sentiment.score_messages(con)
        derive.rebuild(con, config)
        return
    scored = scorer.call(sentiment.score_messages)
    derive.rebuild(con, config, scored=scored)


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- X API v2: saved responses (load x-json) and the live pull -------------------------------------
_NO_PARSE_REJECTS: list[Reject] = []


def load_x_json(db: Path, files: list[str | Path], brand: str, progress: Progress = _quiet,
                config: Config | None = None) -> list[RunSummary]:
    """Load saved X API v2 responses (JSON / NDJSON) for one brand account, in one atomic publish."""
    config = config or load_config()
    handle = _x_api().check_handle(brand)
    read = [_x_json().read(f) for f in files]          # fail before touching the database
    summaries = []
    with publish.writer(db) as con:
        known = _x_account(con, handle)
        progress(f"parsing {len(read)} file(s)")
        handle, user_id = stage_x(con, [f.pieces for f in read], known.get("username", handle),
                                  known.get("id"))
        for file_no, f in enumerate(read, start=1):
            progress(f"saving {f.path.name}")
            summaries.append(save_x(con, "x-json", str(f.path), file_no))
        _save_x_account(con, handle, user_id)
        progress("deriving conversations and replies")
        finish(con, config)
    return summaries


def pull(db: Path, client, brand: str, *, since: datetime | None = None,
         now: datetime | None = None, archive: Path | None = None, progress: Progress = _quiet,
         config: Config | None = None,
         conversations_per_publish: int | None = None) -> list[RunSummary]:
    """Pull a brand's X streams. Publishes: (1) mentions, the brand's tweets and the first batch
    of conversations; (2..) further batches of conversations; (last) DM events. Each saves its
    cursors in the same publish, so an interrupted pull keeps what it saved and resumes."""
    config = config or load_config()
    x_api = _x_api()
    if conversations_per_publish is None:
        conversations_per_publish = x_api.CONVERSATIONS_PER_PUBLISH
    puller = x_api.Puller(client, brand, since=since, now=now, archive=archive)
    progress(f"looking up @{puller.handle}")
    puller.lookup_brand()
    cursors = _x_cursors(db, puller.handle)
    progress("fetching mentions and the brand's tweets")
    timelines = [puller.mentions(cursors.get(puller.stream("mentions"))),
                 puller.tweets(cursors.get(puller.stream("tweets")))]
    ids = puller.conversations_of(*timelines)
    step = max(conversations_per_publish, 1)
    batches = [ids[i:i + step] for i in range(0, len(ids), step)] or [[]]
    runs = []
    for number, batch in enumerate(batches, start=1):
        progress(f"searching {len(batch)} conversations ({number}/{len(batches)})")
        fetched = [puller.conversations(batch, cursors)] if batch else []
        saved = {k: v for f in fetched for k, v in f.cursors.items()}
        if number == len(batches):
            # Timeline cursors move only once all their conversations are searched: a pull stopped
            # in between fetches the timelines again (duplicates are skipped) and finds them again.
            saved.update({k: v for t in timelines for k, v in t.cursors.items()})
        runs += _publish_x(db, puller, (timelines if number == 1 else []) + fetched, saved,
                           config, progress)
    progress("fetching DM events")
    dms = puller.dm_events(cursors.get(puller.stream("dm_events")))
    runs += _publish_x(db, puller, [dms], dms.cursors, config, progress)
    return runs


def _publish_x(db: Path, puller, fetched: list, cursors: dict[str, str], config: Config,
               progress: Progress) -> list[RunSummary]:
    progress(f"saving {', '.join(f.stream for f in fetched)}")
    with publish.writer(db) as con:
        stage_x(con, [_x_transform().pieces_of(f.responses) for f in fetched], puller.handle,
                puller.user_id)
        runs = [save_x(con, "x-api", f.stream, file_no, cursor=f.newest, notes=f.notes)
                for file_no, f in enumerate(fetched, start=1)]
        for stream, newest in cursors.items():
            sql.execute_script(con, "etl/save_x_cursor",
                               {"stream": stream, "newest_id": newest, "at": _now()})
        _save_x_account(con, puller.handle, puller.user_id)
        finish(con, config)
    return runs


def stage_x(con, files: list[list], handle: str, user_id: str | None) -> tuple[str, str | None]:
    """Parse the responses of several files / streams in DuckDB (x_documents.sql); returns the
    brand account as X spells it and its user id, when the responses or `user_id` tell."""
    con.register("x_pieces_frame", _x_transform().pieces_frame(files))
    try:
        sql.execute_script(con, "etl/x_documents", {"brand": handle, "brand_user_id": user_id})
    finally:
        con.unregister("x_pieces_frame")
    brand = sql.one(con, "etl/x_brand")
    return str(brand["handle"]), (None if brand["user_id"] is None else str(brand["user_id"]))


def save_x(con, source: str, file: str, file_no: int, cursor: str | None = None,
           notes: list[str] | tuple = ()) -> RunSummary:
    """Normalize one staged file / stream (normalize_x.sql), save it, relink DM events, note it."""
    run = start_run(con, source, file)
    sql.execute_script(con, "etl/normalize_x", {"file_no": file_no, "source": source, "now": _now()})
    records = int(sql.query(con, "etl/x_record_count").iloc[0]["records"])
    save_staged(con, run, records, _NO_PARSE_REJECTS, cursor=cursor)
    sql.execute_script(con, "etl/link_x_dm_events",
                       {"dm_session_gap_hours": _x_api().DM_SESSION_GAP_HOURS})
    run.note = "; ".join(notes)
    sql.execute_script(con, "etl/x_run_note", {"run_id": run.run_id, "note": run.note or None})
    return run


def _x_cursors(db: Path, handle: str) -> dict[str, str]:
    if not Path(db).exists():
        return {}
    con = publish.open_reader(db, require_current=False)   # a load brings an old database up to date
    try:
        rows = sql.query(con, "etl/x_cursors", {"handle": handle})
    finally:
        con.close()
    return dict(zip(rows["stream"], rows["newest_id"]))


def _x_account(con, handle: str) -> dict:
    rows = sql.query(con, "etl/x_account", {"handle": handle})
    try:
        account = json.loads(rows["value"].iloc[0]) if len(rows) else {}
    except (TypeError, ValueError):
        account = {}
    return account if isinstance(account, dict) else {}


def _save_x_account(con, handle: str, user_id: str | None) -> None:
    if user_id:
        sql.execute_script(con, "etl/save_x_account", {
            "handle": handle, "account": json.dumps({"id": user_id, "username": handle})})
