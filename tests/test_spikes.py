"""Spike detector: causality on a real series, planted bursts, CSV round trip, negative share."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl.spikes import (
    DetectorParams,
    detect,
    detect_file,
    detect_groups,
    infer_step,
    negative_share_excess,
)

NAB_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nab"


def _hourly_poisson(weeks: int, seed: int, daily_amplitude: float = 0.0, base: float = 20.0):
    rng = np.random.default_rng(seed)
    ts = pd.date_range("2024-01-01", periods=weeks * 168, freq="h")
    hour = ts.hour.to_numpy()
    rate = base * (1 + daily_amplitude * np.sin(2 * np.pi * hour / 24))
    return ts, rng.poisson(rate).astype(float)


@pytest.fixture(scope="module")
def aapl() -> pd.DataFrame:
    path = NAB_DIR / "Twitter_volume_AAPL.csv"
    if not path.exists():
        pytest.skip(f"{path} not present (real sample data lives beside the project)")
    return pd.read_csv(path, parse_dates=["timestamp"])


def test_prefix_flags_equal_full_run_flags(aapl):
    full = detect(aapl.timestamp, aapl.value)
    assert full.is_spike.any()
    for cut in (800, 4000, 9001, 15000):
        part = detect(aapl.timestamp[:cut], aapl.value[:cut])
        assert part.is_spike.tolist() == full.is_spike[:cut].tolist(), cut
        np.testing.assert_allclose(part.score, full.score[:cut], equal_nan=True)
        np.testing.assert_allclose(part.expected, full.expected[:cut], equal_nan=True)


def test_planted_burst_is_found_and_nothing_else():
    ts, values = _hourly_poisson(weeks=5, seed=7, daily_amplitude=0.6)
    burst = slice(600, 603)
    values[burst] *= 8
    out = detect(ts, values)
    flagged = np.flatnonzero(out.is_spike)
    assert len(flagged) == 1 and 600 <= flagged[0] < 603
    assert out.expected[600] == pytest.approx(values[600] / 8, rel=0.5)


def test_flat_poisson_series_has_no_spikes():
    ts, values = _hourly_poisson(weeks=6, seed=11)
    assert not detect(ts, values).is_spike.any()
    ts5 = pd.date_range("2024-01-01", periods=6000, freq="5min")
    low = np.random.default_rng(3).poisson(2.0, size=6000)
    assert not detect(ts5, low).is_spike.any()


def test_step_is_inferred_and_cooldown_holds():
    ts = pd.date_range("2024-01-01", periods=3000, freq="5min")
    assert infer_step(pd.Series(ts)) == pd.Timedelta("5min")
    values = np.random.default_rng(5).poisson(30, size=3000).astype(float)
    values[[1500, 1510]] = 3000  # 50 minutes apart: inside the 6 h cool-down
    out = detect(ts, values)
    assert np.flatnonzero(out.is_spike).tolist() == [1500]
    assert out.columns.tolist() == ["timestamp", "value", "expected", "score", "is_spike"]
    assert out.is_spike.dtype == bool


def test_params_are_frozen():
    with pytest.raises(AttributeError):
        DetectorParams().threshold = 1  # type: ignore[misc]


def test_detect_file_round_trip(tmp_path):
    ts, values = _hourly_poisson(weeks=5, seed=7, daily_amplitude=0.6)
    values[600] *= 8
    src = tmp_path / "series.csv"
    stamps = ts.strftime("%Y-%m-%d %H:%M:%S")
    pd.DataFrame({"timestamp": stamps, "value": values.astype(int)}).to_csv(src, index=False)
    dst = tmp_path / "out.csv"
    returned = detect_file(src, dst)
    text = dst.read_text().splitlines()
    assert text[0] == "timestamp,value,expected,score,is_spike"
    assert len(text) == len(ts) + 1
    written = pd.read_csv(dst, dtype=str)
    assert set(written.is_spike) == {"true", "false"}
    assert (written.is_spike == "true").tolist() == returned.is_spike.tolist()
    assert written.timestamp.tolist() == pd.read_csv(src).timestamp.tolist()
    assert returned.is_spike[600]


@pytest.mark.parametrize(
    "content, message",
    [
        ("time,value\n2024-01-01 00:00,3\n", "must have columns timestamp,value"),
        ("timestamp,value\n2024-01-01 00:00,3\nnot a time,4\n", "cannot parse timestamp"),
        ("timestamp,value\n2024-01-01 00:00,3\n2024-01-01 01:00,lots\n", "is not a number"),
        ("timestamp,value\n2024-01-01 01:00,3\n2024-01-01 00:00,4\n", "strictly increasing"),
    ],
)
def test_detect_file_bad_input_is_one_clear_value_error(tmp_path, content, message):
    src = tmp_path / "bad.csv"
    src.write_text(content)
    with pytest.raises(ValueError, match=message):
        detect_file(src)


def test_negative_share_excess_separates_volume_from_share():
    total = np.full(200, 100.0)
    negative = np.full(200, 20.0)
    total[150], negative[150] = 500.0, 100.0  # volume x5, share unchanged
    total[170], negative[170] = 100.0, 60.0  # same volume, share 20% -> 60%
    out = negative_share_excess(total, negative)
    assert abs(out.z[150]) < 1.0
    assert out.z[170] > 8.0
    assert out.baseline_share[170] == pytest.approx(0.2, abs=0.01)
    # causal: the value at t never moves its own baseline
    changed = negative.copy()
    changed[199] = 0.0
    assert negative_share_excess(total, changed).baseline_share[199] == out.baseline_share[199]


def _nab_series() -> list[pd.DataFrame]:
    paths = sorted(NAB_DIR.glob("Twitter_volume_*.csv"))
    if not paths:
        pytest.skip(f"{NAB_DIR} not present (real sample data lives beside the project)")
    return [pd.read_csv(p, parse_dates=["timestamp"]) for p in paths]


@pytest.mark.parametrize("params", [
    DetectorParams(step="5min"),                                    # with the 6 h surge test
    DetectorParams(step="5min", surge_window=None, cooldown="0h"),
    DetectorParams(step="5min", memory_factor=0.0, season_halfwidth="1h"),
])
def test_detect_groups_equals_detect_per_group_on_real_series(params):
    """The five NAB series (real; a few steps removed) in one call: the rows and numbers of
    detect on each series alone; the cuts give groups of 1 and 2 points and groups that start
    mid-series."""
    parts = []
    for i, frame in enumerate(_nab_series()):
        frame = frame.drop(index=range(100, 3000, 37)).reset_index(drop=True)  # missing steps
        cuts = [0, 1, 3, 2000 + 997 * i, len(frame)]
        parts += [frame[a:b].assign(group=f"{i}-{a}") for a, b in zip(cuts, cuts[1:])]
    per_group = pd.concat([detect(p.timestamp, p.value, params) for p in parts],
                          ignore_index=True)
    together = pd.concat(parts, ignore_index=True)
    at_once = detect_groups(together.group, together.timestamp, together.value, params)
    assert per_group.is_spike.sum() > 10
    pd.testing.assert_frame_equal(at_once, per_group, check_exact=True)


def test_detect_groups_needs_a_step():
    ts, values = _hourly_poisson(weeks=1, seed=4)
    with pytest.raises(ValueError, match="params.step"):
        detect_groups(["a"] * len(ts), ts, values, DetectorParams())


@pytest.mark.parametrize("span", [1, 48])
def test_negative_share_excess_by_group_equals_each_group_alone(aapl, span):
    """Real counts (NAB AAPL, cut into groups of 1 to 5,000 steps) as total, a share of them
    as negative: the groups at once give each group's own rows."""
    total = aapl.value.to_numpy(float)[:12_000]
    negative = np.floor(total * (0.1 + 0.3 * (np.arange(len(total)) % 97 == 0)))
    cuts = [0, 1, 2, 500, 5500, 7000, len(total)]
    alone = pd.concat([negative_share_excess(total[a:b], negative[a:b], span=span)
                       for a, b in zip(cuts, cuts[1:])], ignore_index=True)
    groups = np.repeat(np.arange(len(cuts) - 1), np.diff(cuts))
    together = negative_share_excess(total, negative, span=span, groups=groups)
    assert (alone.z > 3).any()
    pd.testing.assert_frame_equal(together, alone, check_exact=True)
