"""Publish: build the next state in a private copy, then swap it in with one atomic rename.

DuckDB allows one writer process or many readers, and a reader's open handle blocks a writer. So
the ETL never opens the serving file for writing: it copies it to `<db>.building-<pid>`, loads
and derives there, checkpoints, closes, and `os.replace`s the copy over the serving file. Readers
holding the old file keep reading the old state (the old inode stays alive until they close); new
readers see the new one. A failed or killed load leaves only a stray private copy, cleaned up by
the next run. A lock file serialises writers.

`prepared(db)` takes the lock and starts that copy in a background thread early (the CLI does it
before its slow imports), so the copy overlaps them; `writer(db)` in the same process then waits
for it instead of copying. `building(db)` goes further: its connection starts with an empty
in-memory database, where a load parses its first file into temp tables while the copy is made,
and attaches the copy when it needs it (`Building.open()`).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

from etl.errors import EtlError

import sql
from etl import summaries

# duckdb is imported where a connection is made: the CLI starts the private copy (prepared())
# before the slow imports, this one included, so that they overlap.


# Share of the machine's memory one DuckDB instance may use (DuckDB's default is 80% per
# instance). The ETL and the dashboard's readers (one instance per open data version) run side
# by side, and the machine has no swap: together they must fit. Above its limit DuckDB spills to
# a temp directory beside the database. Measured in docs/performance.md (30M rows).
WRITER_MEMORY_SHARE = 0.5
READER_MEMORY_SHARE = 0.2


def memory_limit(share: float) -> str:
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(256, int(total * share / 2**20))}MiB"


def connect_writer(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection to the private copy `path` (see _writer_config for its settings)."""
    import duckdb

    con = duckdb.connect(str(path), config=_writer_config())
    con.execute("set TimeZone = 'UTC'")
    sql.execute_script(con, "etl/schema")
    return con


def _writer_config() -> dict:
    """DuckDB does not sync the private copy to disk itself (fsync_mode none): it would after
    every statement's commit to its write-ahead log (~20 per next-day load, each a wait on the
    disk) and in the checkpoint. Nothing reads the copy before it is published, and `writer`
    syncs the whole file once, after the last checkpoint and before the rename: a crash before
    that leaves only a stray copy, discarded as now."""
    return {"memory_limit": memory_limit(WRITER_MEMORY_SHARE), "fsync_mode": "none"}


class Building:
    """A load's connection while its private copy is being made (`building()`): at first it
    has only an empty in-memory database, where temp tables can be made (the input parsed)
    while the copy runs; `open()` waits for the copy and makes it the connection's database."""

    def __init__(self, db: Path, started: _Copy | None):
        import duckdb

        self.db, self.started, self.path = db, started, None
        self.con = duckdb.connect(config=_writer_config())
        self.con.execute("set TimeZone = 'UTC'")

    def open(self) -> duckdb.DuckDBPyConnection:
        """The connection, with the private copy attached as its database (the first call waits
        for the copy): every table a load reads or writes is the copy's from then on. Its
        cursors (`con.cursor()`, made after this) use the copy too: the in-memory database is
        detached (temp tables stay)."""
        if self.path is None:
            path = _private_copy(self.db, self.started)
            sql.execute_script(self.con, "etl/writer_attach", {"path": str(path)})
            self.path = path
            sql.execute_script(self.con, "etl/schema")
        return self.con


class _Copy:
    """The private copy of `db` being made in a background thread (under the writer lock).

    Once copied, the thread also flushes the copy to disk: the checkpoint before publishing
    syncs the file and would otherwise write the whole copy out then, at the end of the load
    (0.2-0.6 s for the 310 MB file of 2.8M rows), instead of while the load runs."""

    def __init__(self, db: Path):
        self.db, self.building, self.error = db, _building_path(db), None
        self.copied = threading.Event()
        self.thread = threading.Thread(target=self._run, name="carepulse-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            _copy(self.db, self.building)
            self.copied.set()
            if self.building.exists():
                _fsync(self.building)
        except BaseException as exc:   # re-raised in the caller's thread by wait() / finish()
            self.error = exc
        finally:
            self.copied.set()

    def wait(self) -> None:
        """Until the copy is complete (its flush to disk may still run)."""
        self.copied.wait()
        if self.error is not None:
            raise self.error

    def finish(self) -> None:
        """Until the copy is on disk."""
        self.thread.join()
        if self.error is not None:
            raise self.error


# Between prepared() and the end of its block: the databases whose writer lock this process
# holds, and the private copy in progress for the first writer().
_LOCKED: set[Path] = set()
_PREPARED: dict[Path, _Copy] = {}


@contextlib.contextmanager
def prepared(db: Path):
    """Take the writer lock of `db` and start its private copy now, in the background; the
    first `writer(db)` or `building(db)` inside the block uses that copy. An unused copy is
    removed at the end."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    key = db.resolve()
    with _exclusive(db):
        _remove_stale_copies(db)
        _LOCKED.add(key)
        _PREPARED[key] = _Copy(db)
        try:
            yield
        finally:
            _LOCKED.discard(key)
            unused = _PREPARED.pop(key, None)
            if unused is not None:
                unused.thread.join()
                _remove(unused.building)


@contextlib.contextmanager
def writer(db: Path):
    """Yield a connection to a private copy of `db`; publish it only if the block succeeds."""
    with building(db) as build:
        yield build.open()


@contextlib.contextmanager
def building(db: Path):
    """As `writer`, but yield a `Building` at once, before the private copy is ready: work on
    temp tables alone (a load parses its first file) overlaps the copy until `open()`. The
    copy is published if the block succeeds after opening it; otherwise it is discarded."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    key = db.resolve()
    with contextlib.nullcontext() if key in _LOCKED else _exclusive(db):
        started = _PREPARED.pop(key, None)
        try:
            build = Building(db, started)
        except BaseException:
            _discard(db, started)
            raise
        con = build.con
        try:
            yield build
            if build.path is None:   # never opened: nothing was written
                con.close()
                _discard(db, started)
                return
            if started:
                _timed("wait_for_copy_sync", started.finish)
            _timed("checkpoint", con.execute, "checkpoint")
            _timed("close", con.close)
            _timed("fsync", _fsync, build.path)
            _timed("replace", _replace, build.path, db)
            _fsync_dir(db.parent)
        except BaseException:
            with contextlib.suppress(Exception):
                con.close()
            _discard(db, started)
            raise


def _discard(db: Path, started: _Copy | None) -> None:
    """Remove the private copy (once the thread making it has stopped)."""
    if started:
        with contextlib.suppress(BaseException):
            started.finish()
    _remove(started.building if started else _building_path(db))


def _timed(step: str, run, *args):
    """Run one publish step; with CAREPULSE_SQL_TIMINGS set, log it as sql.execute_script logs
    a statement (the benchmark lists the slowest ones)."""
    if not os.environ.get(sql.TIMINGS_ENV):
        return run(*args)
    began, cpu = time.perf_counter(), time.process_time()   # each ~ms with DuckDB's threads
    result = run(*args)
    sql.log_timing(f"publish/{step}#1", time.perf_counter() - began, time.process_time() - cpu)
    return result


def _private_copy(db: Path, started: _Copy | None) -> Path:
    """The copy prepared() started, once finished, or a new one (under the writer lock)."""
    if started is None:
        _remove_stale_copies(db)
    building = started.building if started else _building_path(db)
    try:
        if started:
            _timed("wait_for_copy", started.wait)
        else:
            _copy(db, building)
    except BaseException:
        _remove(building)
        raise
    return building


def _replace(building: Path, db: Path) -> None:
    """Rename `building` over `db` (atomic), without waiting for the replaced file to be freed.

    The kernel frees a deleted file's blocks and cached pages when its last descriptor closes:
    0.1-0.2 s for the 356 MB file of 2.8M rows on ext4, right at the end of every load. A small
    helper process takes a descriptor of the old file, so the rename is instant and the helper
    frees it, in the background, once this process has let go of its own. (A dashboard reader
    holding the old file defers the same work to its own close.)"""
    old = _open_old(db)
    try:
        os.replace(building, db)
    finally:
        if old is not None:
            _release_in_background(old)


def _open_old(db: Path) -> int | None:
    try:
        return os.open(db, os.O_RDONLY)
    except FileNotFoundError:
        return None   # the first load of a database: nothing to free


def _release_in_background(fd: int) -> None:
    """Close `fd`; if a helper can hold the file meanwhile, the last close is the helper's."""
    try:
        # `cat` keeps `fd` (inherited) until its stdin closes, i.e. after ours is closed
        helper = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, pass_fds=(fd,),
                                  start_new_session=True)
    except OSError:
        helper = None
    os.close(fd)
    if helper is not None:
        helper.stdin.close()


def _building_path(db: Path) -> Path:
    return db.with_name(f"{db.name}.building-{os.getpid()}")


def _copy(db: Path, building: Path) -> None:
    if db.exists():
        shutil.copyfile(db, building)


@contextlib.contextmanager
def _exclusive(db: Path):
    lock_path = db.with_name(f"{db.name}.etl-lock")
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise EtlError(f"{db}: another load is running (lock {lock_path})") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_stale_copies(db: Path) -> None:
    for stray in db.parent.glob(f"{db.name}.building-*"):
        _remove(stray)


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}.wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(path)


def data_version(db: Path) -> str:
    """Changes whenever a load publishes: readers reopen and caches invalidate on it."""
    try:
        st = os.stat(db)
    except FileNotFoundError:
        return "missing"
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def open_reader(db: Path, require_current: bool = True) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published state (never blocks the ETL: it writes a copy).

    Each call sees the file as it is now. `duckdb.connect(path)` would not: while any connection
    to `path` is open in this process (the dashboard's previous data version), DuckDB hands back
    that cached instance, i.e. the state before the last publish. So the file is attached to a
    private in-memory instance, made its default database (for cursors too: the in-memory
    database is detached), with UTC set globally (a plain SET does not reach cursors).
    """
    import duckdb

    db = Path(db)
    if not db.exists():
        raise EtlError(f"{db}: no database yet; run `carepulse demo` or `carepulse load` first")
    con = duckdb.connect(config={"memory_limit": memory_limit(READER_MEMORY_SHARE)})
    try:
        con.execute("set global TimeZone = 'UTC'")
        con.execute("attach $path as published (read_only)", {"path": str(db)})
        con.execute("use published")
        con.execute("detach memory")
        if require_current:
            _require_current(con, db)
    except BaseException:
        con.close()
        raise
    return con


# `create [or replace] table [if not exists] NAME` (not temp tables) in the files that build a
# database: the tables the metrics may read.
_CREATED_TABLE = re.compile(r"^\s*create\s+(?:or\s+replace\s+)?table\s+(?:if\s+not\s+exists\s+)?(\w+)",
                            re.IGNORECASE | re.MULTILINE)
_BUILD_FILES = ("etl/schema.sql", "etl/derive_*.sql", "etl/summary_*.sql")


def expected_tables() -> list[str]:
    """Names of the tables a database loaded by this version of CarePulse holds."""
    names = set()
    for pattern in _BUILD_FILES:
        for path in sql.SQL_DIR.glob(pattern):
            names.update(_CREATED_TABLE.findall(path.read_text()))
    return sorted(names)


def _require_current(con, db: Path) -> None:
    """A clear error instead of a missing-table error deep in a metric: a database built by an
    older version of CarePulse lacks the tables added since, until `carepulse derive` adds them."""
    missing = [row["name"] for row in sql.rows(con, "etl/reader_missing_tables", {"expected": expected_tables()})]
    if missing:
        raise EtlError(f"{db}: built by an older CarePulse (no table {', '.join(missing)}); "
                       f"run `carepulse derive --db {db}` once to bring it up to date")
    stale = summaries.stale_tables(con, summary_steps())
    if stale:
        raise EtlError(f"{db}: built by an older CarePulse (summary {', '.join(stale)} defined "
                       f"otherwise); run `carepulse derive --db {db}` once to bring it up to date")


def summary_steps() -> list[str]:
    """sql/etl/summary_*.sql, in name order (etl.derive runs them after every derive)."""
    return [f"etl/{path.stem}" for path in sorted((sql.SQL_DIR / "etl").glob("summary_*.sql"))]
