"""Run a command as a child process: wall time, peak memory (its own), machine load beside it."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measured:
    seconds: float
    cpu_seconds: float          # user + system time of the child (all its threads)
    peak_rss_mib: float
    load_before: float          # 1-minute load average when the run started
    returncode: int
    stdout: str
    stderr: str

    def as_dict(self) -> dict:
        out = asdict(self)
        out.pop("stdout")
        out.pop("stderr")
        return out


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def run(args: list[str], log: Path, env: dict | None = None) -> Measured:
    """Run `args` with stdout/stderr in `log`.out/.err; wall, CPU and peak RSS are the command's
    own, taken by a small helper process (bench/spawn.py says why)."""
    load = load_average()
    out_path, err_path = Path(f"{log}.out"), Path(f"{log}.err")
    usage_path = Path(f"{log}.usage.json")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        helper = [sys.executable, "-m", "bench.spawn", str(usage_path), "--", *args]
        child = subprocess.Popen(helper, stdout=out, stderr=err, cwd=ROOT,
                                 env=dict(os.environ, **(env or {})))
        child.wait()
    usage = json.loads(usage_path.read_text())
    # ru_maxrss is in KiB on Linux
    return Measured(round(usage["seconds"], 3), round(usage["cpu_seconds"], 2),
                    round(usage["maxrss_kib"] / 1024, 1), load, usage["returncode"],
                    out_path.read_text(errors="replace"), err_path.read_text(errors="replace"))


def python(module: str, *args, log: Path, env: dict | None = None) -> Measured:
    return run([sys.executable, "-m", module, *map(str, args)], log, env)


def check(m: Measured, what: str) -> Measured:
    if m.returncode != 0:
        tail = (m.stderr or m.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{what} failed (exit {m.returncode}): " + " | ".join(tail))
    return m


def median_of(runs: list[Measured]) -> dict:
    """The median run's figures, plus every run's seconds (noise is visible)."""
    ordered = sorted(runs, key=lambda m: m.seconds)
    mid = ordered[(len(ordered) - 1) // 2]
    return dict(mid.as_dict(), runs=[m.seconds for m in runs],
                cpu_runs=[m.cpu_seconds for m in runs],
                peak_rss_mib=max(m.peak_rss_mib for m in runs),
                median_seconds=round(statistics.median(m.seconds for m in runs), 3))
