"""A second connection to the load's DuckDB instance that runs jobs in a thread meanwhile.

Most statements of a one-day load keep one core busy (their inputs are one row group or less),
and DuckDB releases the GIL while it executes: so a job given here (a summary, the business
hours) runs on the second core while the caller's connection goes on. Jobs must not read what
the caller's connection writes meanwhile, nor write what it reads; they see the committed
state as of each of their statements, and see none of the caller's temp tables (DuckDB keeps
those per connection). A job's error is raised by the `with` block's exit, after the thread
has stopped; an error in the block itself stops the jobs not yet started.
"""
from __future__ import annotations

import queue
import threading
from typing import Callable

Job = Callable[[object], None]   # called with the second connection
_STOP = None


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

    def _run(self) -> None:
        while (job := self._jobs.get()) is not _STOP:
            if self._error is not None or self._cancelled:
                continue
            try:
                job(self._cursor)
            except BaseException as exc:   # raised again in the caller's thread by close()
                self._error = exc

    def close(self, cancel: bool = False) -> None:
        """Wait for the jobs (or, with `cancel`, for the one running), then raise the first
        job's error, if any."""
        self._cancelled = cancel
        self._jobs.put(_STOP)
        self._thread.join()
        self._cursor.close()
        if self._error is not None and not cancel:
            raise self._error

    def __enter__(self) -> SideConnection:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(cancel=exc_type is not None)
