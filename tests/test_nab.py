"""NAB scorer: the null/perfect anchors and a small case worked out by hand."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl import nab

NAB_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nab"


def _frame(n: int, flagged=()) -> pd.DataFrame:
    ts = pd.date_range("2015-03-01", periods=n, freq="5min")
    flags = np.zeros(n, dtype=bool)
    flags[list(flagged)] = True
    return pd.DataFrame({"timestamp": ts, "is_spike": flags})


def _limits(frame: pd.DataFrame, left: int, right: int) -> list[str]:
    return [str(frame.timestamp[left]), str(frame.timestamp[right])]


def test_probation_length_is_15_percent_capped_at_750():
    assert nab.probation_length(100) == 15
    assert nab.probation_length(15902) == 750


def test_hand_computed_case():
    frame = _frame(100)
    windows = {"f.csv": [_limits(frame, 40, 49), _limits(frame, 80, 89)]}
    # 10: probationary (ignored); 20: FP before any window; 42 and 45: in window 1 (only the
    # earliest counts); 55: FP 6 rows after window 1; window 2 missed.
    frame.loc[[10, 20, 42, 45, 55], "is_spike"] = True
    report = nab.score_files({"f.csv": frame}, windows)

    sig = lambda x: 2 / (1 + math.exp(5 * x)) - 1  # noqa: E731  NAB's scaled sigmoid
    tp = sig(-(49 - 42 + 1) / 10) / sig(-1.0)  # 0.964028 / 0.986614 = 0.977107
    fp_after = 0.11 * sig((55 - 49) / (10 - 1))  # -0.10242
    fp_before = -0.11
    fn = -1.0
    raw = tp + fp_after + fp_before + fn
    assert tp == pytest.approx(0.977107, abs=1e-6)
    assert fp_after == pytest.approx(-0.102422, abs=1e-6)

    one = report["files"]["f.csv"]
    assert one["raw"] == pytest.approx(raw)
    assert one["detected_windows"] == 1 and one["fp_points"] == 2
    assert report["null_raw"] == -2.0 and report["perfect_raw"] == 2.0
    assert report["normalised"] == pytest.approx(100 * (raw + 2) / 4)  # 44.12


def test_later_detections_in_a_window_change_nothing():
    frame = _frame(100, flagged=[40])
    windows = {"f.csv": [_limits(frame, 40, 49)]}
    first = nab.score_files({"f.csv": frame}, windows)["raw"]
    frame.loc[[41, 47, 49], "is_spike"] = True
    assert nab.score_files({"f.csv": frame}, windows)["raw"] == pytest.approx(first)
    assert first == pytest.approx(1.0)  # the window's first row earns exactly A_tp


def test_fp_far_after_a_window_costs_full_weight():
    frame = _frame(200, flagged=[40 + 9 + 3 * 9 + 5])  # more than 3 window widths past it
    windows = {"f.csv": [_limits(frame, 40, 49)]}
    assert nab.score_files({"f.csv": frame}, windows)["files"]["f.csv"]["fp_score"] == -0.11


def _real_windows() -> dict:
    if not (NAB_DIR / "labels.json").exists():
        pytest.skip(f"{NAB_DIR} not present (real sample data lives beside the project)")
    with open(NAB_DIR / "labels.json") as f:
        return json.load(f)["windows"]


def test_null_scores_zero_and_perfect_scores_hundred_on_real_files():
    windows = _real_windows()
    null, perfect = {}, {}
    for name in windows:
        ts = pd.read_csv(NAB_DIR / name, usecols=["timestamp"], parse_dates=["timestamp"])
        flags = np.zeros(len(ts), dtype=bool)
        null[name] = ts.assign(is_spike=flags)
        first = ts.timestamp.searchsorted([pd.Timestamp(w[0]) for w in windows[name]])
        flags = flags.copy()
        flags[np.maximum(first, nab.probation_length(len(ts)))] = True
        perfect[name] = ts.assign(is_spike=flags)
    assert nab.score_files(null, windows)["normalised"] == pytest.approx(0.0)
    assert nab.score_files(perfect, windows)["normalised"] == pytest.approx(100.0, abs=0.01)


def test_unknown_file_is_a_clear_error():
    with pytest.raises(ValueError, match="No label windows"):
        nab.score_files({"x.csv": _frame(10)}, {})
