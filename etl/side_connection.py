"""A second connection to the load's DuckDB instance that runs jobs in a thread meanwhile.

Most statements of a one-day load keep one core busy (their inputs are one row group or less),
and DuckDB releases the GIL while it executes: so a job given here (a merge, a summary, a
derive step) runs on the second core while the caller's connection goes on. Jobs must not read what
the caller's connection writes meanwhile, nor write what it reads; they see the committed state
as of each of their statements, and see none of the caller's temp tables (DuckDB keeps those per
connection; attached databases are shared). A job's error is raised by close() (the `with`
block's exit), after the thread has stopped; the jobs after a failed one are skipped, and an
error in the `with` block skips the jobs not yet started.
"""
from __future__ import annotations

import queue
import threading
from typing import Callable

Job = Callable[[object], None]   # called with the second connection


class _Stop:
    """Put last: the thread ends."""


class SideConnection:
    def __init__(self, con):
        self._cursor = con.cursor()   # same instance, its own session and temp tables
        self._cursor.execute("set TimeZone = 'UTC'")   # as publish.connect_writer sets it
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._cancelled = False
        self._thread = threading.Thread(target=self._run, name="carepulse-side", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        self._jobs.put(job)

    def call(self, function: Callable[[object], object]) -> Callable[[], object]:
        """Submit `function`; returns a callable that waits for its result (or raises its
        error): for it and the jobs submitted before it, not for those submitted since."""
        outcome: dict = {}

        def job(cursor) -> None:
            try:
                outcome["value"] = function(cursor)
            except BaseException as exc:
                outcome["error"] = exc
                raise

        self.submit(job)
        passed = threading.Event()   # set when the thread gets past the job, run or skipped
        self._jobs.put(passed)

        def result():
            passed.wait()
            if "error" in outcome:
                raise outcome["error"]
            if "value" not in outcome:
                raise RuntimeError("an earlier job on the second connection failed")
            return outcome["value"]
        return result

    def wait(self) -> None:
        """Until the jobs submitted so far have run or been skipped (errors: close())."""
        done = threading.Event()
        self._jobs.put(done)
        done.wait()

    def _run(self) -> None:
        while not isinstance(job := self._jobs.get(), _Stop):
            if isinstance(job, threading.Event):
                job.set()
            elif self._error is None and not self._cancelled:
                try:
                    job(self._cursor)
                except BaseException as exc:   # raised again in the caller's thread by close()
                    self._error = exc

    def close(self, cancel: bool = False) -> None:
        """Wait for the jobs (or, with `cancel`, for the one running), then raise the first
        job's error, if any."""
        self._cancelled = cancel
        self._jobs.put(_Stop())
        self._thread.join()
        self._cursor.close()
        if self._error is not None and not cancel:
            raise self._error

    def __enter__(self) -> SideConnection:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(cancel=exc_type is not None)
