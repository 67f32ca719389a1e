"""NAB-style scoring of binary detections (Numenta Anomaly Benchmark, standard profile).

Mirrors the semantics of NAB's ``nab/sweeper.py`` (``calcSweepScore`` + ``calcScoreByThreshold``)
and the normalisation in ``nab/runner.py``:

- the first ``min(floor(0.15 * n), 0.15 * 5000)`` rows of each file are probationary: detections
  there are ignored, and a window whose rows all fall there is not scored at all;
- a detection at row ``i`` inside a window ``[left, right]`` (``width = right - left + 1`` rows)
  is worth ``A_tp * S(-(right - i + 1) / width) / S(-1)``, so the window's first row is worth
  exactly ``A_tp``; a window keeps only its best (= earliest) detection, later ones in the same
  window neither add nor cost anything; a window with no detection costs ``A_fn``;
- a detection outside every window costs ``A_fp * S(d)`` with ``d = (i - prev_right) /
  (prev_width - 1)`` measured from the previous window (so a detection just after a window is
  almost free), and ``A_fp * -1`` when no window precedes it;
- ``S(x) = 2 / (1 + exp(5x)) - 1``, and ``S(x) = -1`` for ``x > 3``;
- the normalised score sums raw scores over all files first, then maps the null detector
  (nothing flagged: ``-A_fn`` per scored window) to 0 and perfect (``A_tp`` per labelled window)
  to 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

PROBATION_PERCENT = 0.15


@dataclass(frozen=True)
class CostProfile:
    """NAB application profile weights; the default is NAB's "standard" profile."""

    tp_weight: float = 1.0
    fp_weight: float = 0.11
    fn_weight: float = 1.0


STANDARD = CostProfile()


def scaled_sigmoid(position: np.ndarray | float) -> np.ndarray:
    """NAB's scaled sigmoid: 0.98661 at -1 (window start), 0 at 0, -1 beyond +3."""
    x = np.asarray(position, dtype=float)
    val = 2.0 / (1.0 + np.exp(5.0 * x)) - 1.0
    return np.where(x > 3.0, -1.0, val)


def probation_length(n_rows: int) -> int:
    """Rows at the start of a file that NAB never scores."""
    return int(min(math.floor(PROBATION_PERCENT * n_rows), PROBATION_PERCENT * 5000))


def _window_bounds(ts: pd.Series, windows: list) -> list[tuple[int, int]]:
    """Row index of the first and last timestamp of each window (inclusive)."""
    values = ts.to_numpy()
    bounds = []
    for start, end in sorted(windows, key=lambda w: pd.Timestamp(w[0])):
        left = int(np.searchsorted(values, np.datetime64(pd.Timestamp(start)), side="left"))
        right = int(np.searchsorted(values, np.datetime64(pd.Timestamp(end)), side="right")) - 1
        if right >= left:
            bounds.append((left, right))
    return bounds


def point_weights(n_rows: int, bounds: list[tuple[int, int]], profile: CostProfile = STANDARD):
    """Per-row sweep score and window id (-1 outside windows), as NAB's calcSweepScore."""
    idx = np.arange(n_rows)
    window_id = np.full(n_rows, -1)
    weight = np.full(n_rows, -profile.fp_weight)  # no preceding window: full FP cost
    max_tp = float(scaled_sigmoid(-1.0))
    for k, (left, right) in enumerate(bounds):
        width = right - left + 1
        inside = slice(left, right + 1)
        window_id[inside] = k
        pos = -(right - idx[inside] + 1) / width
        weight[inside] = scaled_sigmoid(pos) * profile.tp_weight / max_tp
        next_left = bounds[k + 1][0] if k + 1 < len(bounds) else n_rows
        after = slice(right + 1, next_left)
        if after.start < after.stop:
            # NAB divides by (width - 1); a one-row window would divide by zero there too.
            dist = np.abs(idx[after] - right) / float(max(width - 1, 1))
            weight[after] = scaled_sigmoid(dist) * profile.fp_weight
    return weight, window_id


def score_file(
    timestamps, is_spike, windows: list, profile: CostProfile = STANDARD
) -> dict:
    """Raw NAB score of one file's boolean detections against its label windows."""
    ts = pd.Series(pd.to_datetime(pd.Series(timestamps).to_numpy())).reset_index(drop=True)
    flags = np.asarray(is_spike, dtype=bool)
    if len(ts) != len(flags):
        raise ValueError("timestamps and is_spike must have the same length.")
    n = len(ts)
    bounds = _window_bounds(ts, windows)
    weight, window_id = point_weights(n, bounds, profile)
    scored = np.arange(n) >= probation_length(n)

    tp_score, fn_score, tp, fn_windows = 0.0, 0.0, 0, 0
    scored_windows = 0
    for k in range(len(bounds)):
        in_window = scored & (window_id == k)
        if not in_window.any():
            continue  # entirely probationary: NAB never names it, so it is never scored
        scored_windows += 1
        hits = in_window & flags
        if hits.any():
            tp_score += float(weight[hits].max())
            tp += int(hits.sum())
        else:
            fn_score -= profile.fn_weight
            fn_windows += 1
    fp_mask = scored & flags & (window_id == -1)
    fp_score = float(weight[fp_mask].sum())
    return {
        "raw": tp_score + fn_score + fp_score,
        "tp_score": tp_score,
        "fp_score": fp_score,
        "fn_score": fn_score,
        "windows": len(bounds),
        "scored_windows": scored_windows,
        "detected_windows": scored_windows - fn_windows,
        "tp_points": tp,
        "fp_points": int(fp_mask.sum()),
        "rows": n,
    }


def normalise(
    raw: float, n_windows: int, null_raw: float, profile: CostProfile = STANDARD
) -> float:
    """NAB's 0..100 scale: null detector -> 0, a perfect detector -> 100."""
    perfect = n_windows * profile.tp_weight
    if perfect == null_raw:
        return 0.0
    return 100.0 * (raw - null_raw) / (perfect - null_raw)


def score_files(results: dict, windows: dict, profile: CostProfile = STANDARD) -> dict:
    """Score several files' detections and the NAB-normalised total.

    ``results`` maps a file name (a key of ``windows``, e.g. ``"Twitter_volume_AAPL.csv"``) to a
    DataFrame with columns ``timestamp`` and ``is_spike``; ``windows`` maps the same names to
    lists of ``[start, end]`` timestamps (the ``windows`` object of NAB's labels JSON).
    Returns ``{"files": {name: {..., "normalised": float}}, "raw": float, "null_raw": float,
    "perfect_raw": float, "normalised": float}``; the total sums raw scores over files before
    normalising, as NAB does.
    """
    files = {}
    for name, frame in results.items():
        if name not in windows:
            raise ValueError(f"No label windows for file {name!r}.")
        missing = {"timestamp", "is_spike"} - set(frame.columns)
        if missing:
            raise ValueError(f"Results for {name!r} lack column(s) {sorted(missing)}.")
        one = score_file(frame["timestamp"], frame["is_spike"], windows[name], profile)
        one["null_raw"] = -profile.fn_weight * one["scored_windows"]
        one["normalised"] = normalise(one["raw"], one["windows"], one["null_raw"], profile)
        files[name] = one
    raw = sum(f["raw"] for f in files.values())
    null_raw = sum(f["null_raw"] for f in files.values())
    n_windows = sum(f["windows"] for f in files.values())
    return {
        "files": files,
        "raw": raw,
        "null_raw": null_raw,
        "perfect_raw": n_windows * profile.tp_weight,
        "normalised": normalise(raw, n_windows, null_raw, profile),
    }
