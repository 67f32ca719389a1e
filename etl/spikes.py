"""Causal spike detection for count series (inbound and negative-inbound volume per brand).

A point is a spike when its count stands far above what recent history predicts:

    expected(t) = blend of a seasonal baseline (median of the same time of week over the last
                  weeks, +- a few steps) and a recent level (median of the last hours)
    scale(t)    = max(robust spread of recent residuals, sqrt(expected) * poisson_floor, min_scale)
    score(t)    = (value(t) - expected(t)) / scale(t)
    spike(t)    = score >= threshold and value - expected >= min_excess
                  and score >= memory_factor * (largest score of the `memory` before t)
                  and no alert in the cool-down before t

Every statistic at t reads values strictly before t (the value at t enters only its own
score), so running on a prefix of a series flags that prefix exactly as the full run does.
See docs/spikes.md for the parameters and the NAB evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

WEEK = pd.Timedelta(days=7)
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class DetectorParams:
    """One set of defaults for every count series, at any fixed step (5 min, 1 h, ...).

    Durations are pandas Timedelta strings, turned into step counts for each series. The
    defaults were chosen on the five NAB Twitter-volume series (see docs/spikes.md).
    """

    season_weeks: int = 4  # seasonal slot: same time of week in up to 4 past weeks ...
    season_days: int = 3  # ... or, before a week of history exists, same time of day
    season_halfwidth: str = "30min"  # +- this much around the slot, to tame noise
    level_window: str = "3h"  # recent level: median of the last 3 hours
    season_weight: float = 0.5  # expected = w * seasonal + (1 - w) * level
    scale_window: str = "3D"  # robust spread (1.4826 * median |residual|) of the last 3 days
    poisson_floor: float = 1.0  # scale >= poisson_floor * sqrt(expected)
    min_scale: float = 1.0  # scale never below one count
    threshold: float = 12.0  # score needed for a spike
    min_excess: float = 5.0  # value must exceed expected by at least this many counts
    memory: str = "21D"  # look-back for the "stands out against recent spikes" test
    memory_factor: float = 0.4  # score >= memory_factor * max(score over memory); 0 disables
    cooldown: str = "6h"  # no new alert within this long after an alert
    # Level shifts: the same test on the sum of the last `surge_window`, against the seasonal
    # baseline alone (a recent level would follow the shift). None: single points only.
    surge_window: str | None = "6h"
    step: str | None = None  # series step; None infers it (median timestamp difference)


def _steps(duration: str, step: pd.Timedelta, minimum: int = 1) -> int:
    return max(minimum, int(round(pd.Timedelta(duration) / step)))


def infer_step(timestamps: pd.Series) -> pd.Timedelta:
    """The series' fixed step: the median gap between consecutive timestamps."""
    gaps = pd.Series(timestamps).diff().dropna()
    gaps = gaps[gaps > pd.Timedelta(0)]
    if gaps.empty:
        return pd.Timedelta(hours=1)
    return pd.Timedelta(gaps.median())


def _to_grid(ts: pd.Series, values: np.ndarray, step: pd.Timedelta):
    """Place the points on a regular grid (missing steps become NaN) and return their slots."""
    offsets = ((ts - ts.iloc[0]) / step).to_numpy(dtype=float)
    pos = np.round(offsets).astype(np.int64)
    grid = np.full(int(pos[-1]) + 1 if len(pos) else 0, np.nan)
    grid[pos] = values
    return grid, pos


def _lagged_median(grid: np.ndarray, period: int, count: int, half: int) -> np.ndarray:
    """Median of grid[t - k*period + j] for k in 1..count, |j| <= half (NaN where no history)."""
    n = len(grid)
    if count <= 0 or period <= half or n == 0:
        return np.full(n, np.nan)
    # At most 13 offsets per past slot, so fine steps (1 min) do not blow up memory.
    offsets = np.unique(np.round(np.linspace(-half, half, min(2 * half + 1, 13))).astype(int))
    cols = []
    for k in range(1, count + 1):
        for j in offsets:
            lag = k * period - j
            col = np.full(n, np.nan)
            if lag < n:
                col[lag:] = grid[: n - lag]
            cols.append(col)
    stack = np.column_stack(cols)
    out = np.full(n, np.nan)
    have = ~np.isnan(stack).all(axis=1)
    out[have] = np.nanmedian(stack[have], axis=1)
    return out


def _past_rolling_median(grid: np.ndarray, window: int) -> np.ndarray:
    """Median of the `window` steps before t (t itself excluded)."""
    past = pd.Series(grid).shift(1)
    return past.rolling(window, min_periods=max(1, window // 3)).median().to_numpy()


def _expected(grid: np.ndarray, step: pd.Timedelta, p: DetectorParams) -> np.ndarray:
    half = _steps(p.season_halfwidth, step, minimum=0)
    weekly = _lagged_median(grid, _steps(WEEK, step), p.season_weeks, half)
    daily = _lagged_median(grid, _steps(DAY, step), p.season_days, half)
    seasonal = np.where(np.isnan(weekly), daily, weekly)
    level = _past_rolling_median(grid, _steps(p.level_window, step))
    blended = p.season_weight * seasonal + (1.0 - p.season_weight) * level
    expected = np.where(np.isnan(seasonal), level, blended)
    return np.where(np.isnan(expected), seasonal, expected)


def _scale(grid: np.ndarray, expected: np.ndarray, step: pd.Timedelta, p: DetectorParams):
    """Robust spread: 1.4826 * median |residual| over the window before t, with floors."""
    window = _steps(p.scale_window, step, minimum=3)
    resid = pd.Series(np.abs(grid - expected)).shift(1)
    mad = resid.rolling(window, min_periods=max(3, window // 6)).median().to_numpy() * 1.4826
    floor = np.maximum(p.poisson_floor * np.sqrt(np.clip(expected, 0.0, None)), p.min_scale)
    return np.fmax(mad, floor)


def _score(grid: np.ndarray, step: pd.Timedelta, p: DetectorParams):
    """Expected value, robust score and excess over expected at every grid step."""
    expected = _expected(grid, step, p)
    scale = _scale(grid, expected, step, p)
    return expected, (grid - expected) / scale, grid - expected


def _candidates(score, excess, min_excess, step, p: DetectorParams) -> np.ndarray:
    """Score over the threshold, enough excess, and comparable to the recent largest scores."""
    candidate = (score >= p.threshold) & (excess >= min_excess)
    if p.memory_factor > 0:
        # Heavy-tailed series burst all the time; only bursts comparable to the largest of the
        # recent past are news. The bar reads scores strictly before t.
        window = _steps(p.memory, step)
        bar = pd.Series(score).shift(1).rolling(window, min_periods=1).max().to_numpy()
        candidate &= ~(score < p.memory_factor * bar)
    return candidate


def _apply_cooldown(candidate: np.ndarray, pos: np.ndarray, cooldown_steps: int,
                    surge_only: np.ndarray | None = None, span: int = 1) -> np.ndarray:
    """Keep a candidate only if no kept alert lies within the cool-down before it.

    A candidate only the surge test raised must also have no candidate in the `span` steps
    before it: its sum would still hold the event that was already alerted (or suppressed).
    """
    keep = np.zeros(len(candidate), dtype=bool)
    last = previous = None
    for i in np.flatnonzero(candidate):  # loops over candidates only, not over points
        fresh = last is None or pos[i] - last > cooldown_steps
        if surge_only is not None and surge_only[i] and previous is not None:
            fresh = fresh and pos[i] - previous >= span
        if fresh:
            keep[i] = True
            last = pos[i]
        previous = pos[i]
    return keep


def _timestamps(timestamps) -> pd.Series:
    """`timestamps` as an unnamed datetime Series indexed 0..n-1. A time-zone-aware column is
    taken as it is: through numpy it became an object array of Timestamps, parsed back one by one
    (~1 CPU s per dashboard spike search at 2.8M rows), with the same result."""
    series = pd.Series(timestamps)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return pd.Series(series.array)
    return pd.Series(pd.to_datetime(series.to_numpy()))


def detect(timestamps, values, params: DetectorParams = DetectorParams()) -> pd.DataFrame:
    """Flag spikes in a count series; returns timestamp, value, expected, score, is_spike."""
    ts = _timestamps(timestamps)
    vals = pd.to_numeric(pd.Series(values).reset_index(drop=True), errors="coerce").astype(float)
    if len(ts) != len(vals):
        raise ValueError("timestamps and values must have the same length.")
    if ts.isna().any():
        raise ValueError("timestamps contain missing or unparseable values.")
    if not ts.is_monotonic_increasing or ts.duplicated().any():
        raise ValueError("timestamps must be strictly increasing (sorted, no duplicates).")
    out = pd.DataFrame({"timestamp": ts, "value": vals.to_numpy()})
    if len(ts) == 0:
        return out.assign(expected=[], score=[], is_spike=np.array([], dtype=bool))
    step = pd.Timedelta(params.step) if params.step else infer_step(ts)
    grid, pos = _to_grid(ts, vals.to_numpy(), step)
    expected, score, excess = _score(grid, step, params)
    candidate = _candidates(score, excess, params.min_excess, step, params)
    surge_only = np.zeros(len(grid), dtype=bool)
    span = _steps(params.surge_window, step) if params.surge_window else 1
    if span > 1:
        # A level shift of 3x for hours never makes one point stand out, but its sum does.
        sums = pd.Series(grid).rolling(span, min_periods=span).sum().to_numpy()
        _, surge_score, surge_excess = _score(sums, step, replace(params, season_weight=1.0))
        min_excess = params.min_excess * np.sqrt(span)  # noise of a sum grows like sqrt(span)
        surge = _candidates(surge_score, surge_excess, min_excess, step, params)
        surge_only = surge & ~candidate
        candidate |= surge
        score = np.fmax(score, surge_score)
    candidate = np.nan_to_num(candidate[pos], nan=0).astype(bool)
    out["expected"] = expected[pos]
    out["score"] = score[pos]
    cooldown = _steps(params.cooldown, step, minimum=0)
    out["is_spike"] = _apply_cooldown(candidate, pos, cooldown, surge_only[pos], span)
    return out


def lookback_steps(params: DetectorParams, step: pd.Timedelta) -> int:
    """The most steps before t that any one statistic of `detect` at t reads (its seasonal lags,
    rolling windows, cool-down and surge sum). Chains of them (a score reading spreads that read
    lags) stop at a step without a value: everything computed there is NaN."""
    p = params
    half = _steps(p.season_halfwidth, step, minimum=0)
    reach = [
        p.season_weeks * _steps(WEEK, step) + half,
        p.season_days * _steps(DAY, step) + half,
        _steps(p.level_window, step),
        _steps(p.scale_window, step, minimum=3) + 1,
        _steps(p.memory, step) + 1,
        _steps(p.cooldown, step, minimum=0) + 1,
    ]
    if p.surge_window:
        reach.append(_steps(p.surge_window, step))
    return max(reach)


def detect_groups(groups, timestamps, values, params: DetectorParams) -> pd.DataFrame:
    """`detect` on many series at once (e.g. one per brand), with the same rows and numbers as
    `detect` run on each group's series and the results concatenated.

    groups: one key per point, each group's points consecutive and in time order; params.step
    must be given. The series are laid one after another on one clock, each group starting
    more than `lookback_steps` empty steps after the previous one ends, so no statistic of a
    group reads another group's values, and run through `detect` once (one pass of numpy and
    pandas over all points instead of dozens of small ones).
    """
    if not params.step:
        raise ValueError("detect_groups needs params.step.")
    step = pd.Timedelta(params.step)
    ts = _timestamps(timestamps)
    keys = pd.Series(np.asarray(groups, dtype=object))
    if len(keys) != len(ts):
        raise ValueError("groups and timestamps must have the same length.")
    if len(ts) == 0:
        return detect(ts, values, params)
    number = np.cumsum(keys.ne(keys.shift()).to_numpy()) - 1
    since_first = ts - ts.groupby(number).transform("first")
    offset = np.round((since_first / step).to_numpy(dtype=float)).astype(np.int64)
    span = pd.Series(offset).groupby(number).max().to_numpy() + 1
    gap = lookback_steps(params, step) + 1
    origin = np.concatenate(([0], np.cumsum(span + gap)[:-1]))
    clock = pd.Timestamp("2000-01-01", tz="UTC") + pd.Index(origin[number] + offset) * step
    out = detect(pd.Series(clock), values, params)
    out["timestamp"] = ts
    return out


def detect_file(input_csv, output_csv=None, params: DetectorParams = DetectorParams()):
    """Run `detect` on a `timestamp,value` CSV; optionally write it back with the results.

    The output keeps the input rows and adds `expected`, `score` and `is_spike` (true/false).
    """
    path = Path(input_csv)
    try:
        frame = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValueError(f"Cannot read {path} as CSV: {exc}.") from exc
    missing = [c for c in ("timestamp", "value") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path} must have columns timestamp,value; missing {', '.join(missing)}.")
    try:
        ts = pd.to_datetime(frame["timestamp"], errors="coerce", format="mixed")
    except (ValueError, TypeError) as exc:  # e.g. mixed time zones
        raise ValueError(f"{path}: cannot parse the timestamp column ({exc}).") from exc
    if ts.isna().any():
        row = int(np.flatnonzero(ts.isna())[0])
        raise ValueError(
            f"{path} row {row + 2}: cannot parse timestamp {frame['timestamp'].iloc[row]!r}."
        )
    vals = pd.to_numeric(frame["value"], errors="coerce")
    if vals.isna().any():
        row = int(np.flatnonzero(vals.isna())[0])
        bad = frame["value"].iloc[row]
        raise ValueError(f"{path} row {row + 2}: value {bad!r} is not a number.")
    result = detect(ts, vals, params)
    out = frame.copy()
    out["expected"] = result["expected"].to_numpy()
    out["score"] = result["score"].to_numpy()
    out["is_spike"] = result["is_spike"].to_numpy()
    if output_csv is not None:
        written = out.assign(is_spike=np.where(out["is_spike"], "true", "false"))
        written.to_csv(output_csv, index=False)
    return out


def negative_share_excess(
    total,
    negative,
    window: int = 168,
    min_total: float = 1.0,
    prior_share: float = 0.2,
    span: int = 1,
    groups=None,
) -> pd.DataFrame:
    """How far the negative count at t exceeds what volume alone explains (binomial z-score).

    `total` and `negative` are aligned counts per step (e.g. hourly inbound and negative inbound).
    The baseline share is the pooled share over the `window` steps before t (causal), with one
    pseudo-message at `prior_share` so that an empty history still gives a share; the z-score is
    (negative - total * share) / sqrt(total * share * (1 - share)). A rise in negative count that
    merely follows a rise in volume keeps z near 0; a rise in the share itself drives z up.
    Steps with fewer than `min_total` messages get z = 0.

    With `span` > 1 the counts at t are the sums over the `span` steps ending at t (e.g. the last
    24 hours) and the baseline is pooled over the `window` steps before those.

    With `groups` (one key per step, each group's steps consecutive), each group is its own
    series: the same rows as running each group alone and concatenating the results.
    """
    if groups is not None:
        return _share_excess_by_group(groups, total, negative, window, min_total, prior_share,
                                      span)
    tot = pd.Series(np.asarray(total, dtype=float))
    neg = pd.Series(np.asarray(negative, dtype=float))
    if len(tot) != len(neg):
        raise ValueError("total and negative must have the same length.")
    if (neg > tot).any() or (neg < 0).any():
        raise ValueError("negative counts must lie between 0 and total.")
    past_tot = tot.shift(span).rolling(window, min_periods=1).sum().fillna(0.0)
    past_neg = neg.shift(span).rolling(window, min_periods=1).sum().fillna(0.0)
    if span > 1:
        tot = tot.rolling(span, min_periods=1).sum()
        neg = neg.rolling(span, min_periods=1).sum()
    pseudo = 1.0
    share = (past_neg + pseudo * prior_share) / (past_tot + pseudo)
    share = share.clip(1e-3, 1 - 1e-3)
    expected = tot * share
    sd = np.sqrt(tot * share * (1 - share))
    z = np.where(tot >= min_total, (neg - expected) / np.where(sd > 0, sd, 1.0), 0.0)
    return pd.DataFrame(
        {
            "total": tot,
            "negative": neg,
            "share": np.where(tot > 0, neg / tot.where(tot > 0, 1.0), np.nan),
            "baseline_share": share,
            "expected_negative": expected,
            "z": z,
        }
    )


def _share_excess_by_group(groups, total, negative, window, min_total, prior_share, span):
    """negative_share_excess per group in one pass: the groups laid one after another with
    `window + span` empty (NaN) steps between them, which every sum ignores."""
    keys = pd.Series(np.asarray(groups, dtype=object))
    number = np.cumsum(keys.ne(keys.shift()).to_numpy()) - 1
    slot = np.arange(len(keys)) + number * (window + span)
    size = int(slot[-1]) + 1 if len(slot) else 0
    laid = []
    for counts in (total, negative):
        padded = np.full(size, np.nan)
        padded[slot] = np.asarray(counts, dtype=float)
        laid.append(padded)
    out = negative_share_excess(*laid, window=window, min_total=min_total,
                                prior_share=prior_share, span=span)
    return out.iloc[slot].reset_index(drop=True)
