"""NAB evaluation of the spike detector: `python -m bench.nab_eval [--data DIR]`.

Runs `etl.spikes.detect` with its default parameters on the realTweets files in
../shared/data/nab that labels.json covers, scores the flags with `etl.nab.score_files`
(standard profile) and prints the per-file and total normalised scores beside published ones.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from etl import nab
from etl.spikes import DetectorParams, detect

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nab"

# Published normalised scores (standard profile) on these same five files.
PUBLISHED = {
    "Twitter S-H-ESD": 61.8,
    "Numenta HTM": 58.1,
    "windowed Gaussian": 61.9,
    "CAD OSE": 67.7,
    "ARTime": 82.4,
}


def load_windows(data_dir: Path) -> dict:
    with open(data_dir / "labels.json") as f:
        return json.load(f)["windows"]


def run_detector(data_dir: Path, windows: dict, params: DetectorParams) -> dict:
    """Detector output (timestamp, is_spike) per labelled file."""
    results = {}
    for name in sorted(windows):
        series = pd.read_csv(data_dir / name, parse_dates=["timestamp"])
        out = detect(series["timestamp"], series["value"], params)
        results[name] = out[["timestamp", "is_spike"]]
    return results


def evaluate(data_dir: Path = DEFAULT_DATA, params: DetectorParams = DetectorParams()) -> dict:
    windows = load_windows(data_dir)
    return nab.score_files(run_detector(data_dir, windows, params), windows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with labels.json")
    args = parser.parse_args(argv)
    if not (args.data / "labels.json").exists():
        parser.error(f"no labels.json in {args.data}")
    started = time.perf_counter()
    report = evaluate(args.data)
    elapsed = time.perf_counter() - started
    print(f"{'file':28} {'NAB':>6} {'raw':>7} {'windows hit':>11} {'FP points':>9}")
    for name, one in report["files"].items():
        hit = f"{one['detected_windows']}/{one['scored_windows']}"
        print(
            f"{name:28} {one['normalised']:6.1f} {one['raw']:7.2f} {hit:>11} {one['fp_points']:9d}"
        )
    print(f"{'TOTAL (standard profile)':28} {report['normalised']:6.1f} {report['raw']:7.2f}")
    print(f"\npublished on the same five files: " + ", ".join(
        f"{k} {v}" for k, v in PUBLISHED.items()))
    print(f"CarePulse spikes (defaults): {report['normalised']:.1f}   [{elapsed:.1f} s]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
