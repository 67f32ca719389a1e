"""Run a command and write its own resource use as JSON (used by bench.proc).

    python -m bench.spawn OUT.json -- COMMAND [ARGS...]

Why a separate small process: Linux reports a child's peak RSS (ru_maxrss) as at least its
parent's RSS at the fork (exec keeps the forked copy's high-water mark), and the benchmark's own
process grows large (it parses the floor file in memory). Spawned from this small process, the
command's figure is its own.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out, sep, *command = argv
    if sep != "--" or not command:
        print("usage: python -m bench.spawn OUT.json -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    began = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    code = os.waitstatus_to_exitcode(status)
    with open(out, "w") as fh:
        json.dump(dict(seconds=seconds, maxrss_kib=usage.ru_maxrss, returncode=code,
                       cpu_seconds=usage.ru_utime + usage.ru_stime), fh)
    return code if code >= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
