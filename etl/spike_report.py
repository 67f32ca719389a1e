"""Spikes in loaded data, with explanations: what the dashboard and `carepulse spikes --db` show.

    find_spikes(con, brands=(), start=None, end=None, kind="all") -> DataFrame   (one row a spike)
    explain(con, brand, at, kind="volume") -> dict    (the spike containing hour `at`, explained)
    report(con, brands=(), start=None, end=None, kind="all") -> list[dict]  (find + explain)

Per brand, two hourly series (sql/spikes/hourly_counts.sql): customer messages (`volume`) and
negative customer messages (`negative`). On each, the causal detector (etl/spikes.py) looks at two
time scales:

- burst: the hourly counts, with the detector's defaults (an outage, a viral complaint);
- surge: the sum of the last 48 hours, checked every hour, against the same 48 hours of the week
  in recent weeks (a campaign or a price change: a lift of 2x for days, never a burst in any one
  hour). A surge whose window already holds a burst of the same series is not reported again.

A negative spike must also be a rise in the negative share that volume does not explain
(`negative_share_excess` z >= NEGATIVE_SHARE_Z); more negatives because there are more messages
is a volume spike, not a mood spike. Spikes in a brand's first week are not reported (no
same-hour-of-week history yet). Each spike is labelled `expected` or `surprise` against the event
calendar (sql/spikes/spike_events.sql) and explained by the terms over-represented in it, sample
messages and its negative share against the usual (docs/spikes.md).
"""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pandas as pd

import sql
from etl.events import PLANNED_KINDS
from etl.spikes import DetectorParams, detect, detect_groups, negative_share_excess

# The detector's defaults on single hours; the product's own 48-hour surge test replaces the
# detector's built-in one (6 h, tuned on 5-minute NAB series).
BURST = DetectorParams(step="1h", surge_window=None)
SURGE = DetectorParams(
    step="1h",
    surge_window=None,  # the series is already the 48-hour sums
    season_halfwidth="0h",  # the 48-hour sum already smooths; same hour of week exactly
    season_weight=1.0,  # the recent level would follow a lift that lasts days
    scale_window="28D",  # sums of 48 h overlap: a long window for a stable spread
    threshold=5.5,
    min_excess=10.0,  # at least 10 more messages in the 48 hours than expected
    memory_factor=0.0,  # a second campaign is news even if the first was bigger
    cooldown="48h",
)
SURGE_HOURS = 48
WARMUP = pd.Timedelta(days=7)  # no spikes before a week of a brand's history exists
# History read before `start`, so a spike in [start, end) is the one a run over all the data
# finds: 4 weeks of seasonal lags + 28 days of scale (surges) or 21 days of memory (bursts) +
# the 48-hour sum, rounded up.
HISTORY = pd.Timedelta(days=60)
SHARE_WINDOW_HOURS = 168  # the usual negative share: the week before
NEGATIVE_SHARE_Z = 3.0
CARRY_SHARE = 0.5  # an event's hashtags carry a spike when they match half its excess
TERMS_BASELINE = pd.Timedelta(days=14)
TERMS, TERM_MIN_COUNT, SAMPLES = 8, 2, 3
TERM_PRIOR = 1.0  # log-odds prior = the pooled counts themselves (see top_terms.sql)
KINDS = ("volume", "negative")
SCALES = ("burst", "surge")
# Frequent English function words; negations (no, not, can't, never) are kept: in customer care
# "not working" and "no signal" are the message.
STOPWORDS = tuple("""
a about after again all also am an and any are as at be been before being both but by can
could did do does doing done during each even for from further get gets got had has have having
he her here hers him his how i i'd i'll i'm i've if in into is it it's its just let let's like
me more most my now of off on once only or other our ours out over own please same she should
so some such than thank thanks that that's the their theirs them then there these they this
those through to too u under until up ur us very via was we we're were what when where which
while who whom why will with would you you're your yours hi hello hey pls amp yes ok okay
""".split())

_FAR_PAST = datetime(1900, 1, 1, tzinfo=timezone.utc)
_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=timezone.utc)
COLUMNS = [
    "brand", "kind", "scale", "at", "window_start", "window_end", "observed", "expected",
    "score", "ratio", "negative_share", "usual_negative_share", "share_z", "label", "event",
    "event_kind", "event_matched", "event_carried",
]


def hourly_series(con, brands=(), start=None, end=None) -> pd.DataFrame:
    """brand, hour, inbound, scored, negative, first_at: one row per brand and UTC hour."""
    params = {"brands": list(brands), "start": _utc(start, _FAR_PAST),
              "end": _utc(end, _FAR_FUTURE)}
    frame = sql.query(con, "spikes/hourly_counts", params)
    for column in ("hour", "first_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def find_spikes(con, brands=(), start=None, end=None, kind: str = "all") -> pd.DataFrame:
    """Spikes whose flagged hour `at` lies in [start, end), oldest first (columns: COLUMNS).

    brands: empty = all. kind: 'volume', 'negative' or 'all'. The window of a burst is its hour,
    of a surge the 48 hours ending with `at`; observed / expected count messages in the window.
    """
    kinds = _kinds(kind)
    lo, hi = _utc(start, _FAR_PAST), _utc(end, _FAR_FUTURE)
    series = hourly_series(con, brands, max(lo - HISTORY, _FAR_PAST), hi)
    spikes = _all_spikes(series, kinds)
    spikes = spikes[(spikes["at"] >= lo) & (spikes["at"] < hi)]
    if spikes.empty:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in COLUMNS})
    spikes = spikes.sort_values(["at", "brand", "kind", "scale"], ignore_index=True)
    return _label(con, spikes)[COLUMNS]


def explain(con, brand: str, at, kind: str = "volume") -> dict:
    """The spike of `brand` and `kind` whose window holds hour `at`, with its explanation.

    When no spike holds it, the hour itself is explained (is_spike False): what was said more
    than usual, against the hourly detector's expectation.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    hour = pd.Timestamp(_utc(at, None)).floor("h")
    lookback, hour_after = pd.Timedelta(hours=SURGE_HOURS), hour + pd.Timedelta(hours=1)
    near = find_spikes(con, [brand], hour - lookback, hour_after, kind)
    holding = near[(near["window_start"] <= hour) & (near["window_end"] > hour)]
    if len(holding):
        holding = holding.assign(exact=holding["at"] == hour, burst=holding["scale"] == "burst")
        row = holding.sort_values(["exact", "burst", "score"], ascending=False).iloc[0]
        return explain_spike(con, row.drop(["exact", "burst"]), is_spike=True)
    return explain_spike(con, _plain_hour(con, brand, hour, kind), is_spike=False)


def report(con, brands=(), start=None, end=None, kind: str = "all") -> list[dict]:
    """Every spike of find_spikes, explained (for `carepulse spikes --db` and notifiers)."""
    return explain_spikes(con, find_spikes(con, brands, start, end, kind))


def explain_spike(con, spike: pd.Series, is_spike: bool = True) -> dict:
    """One spike row (from find_spikes) as a dict with top terms, hashtags and sample messages."""
    return explain_spikes(con, pd.DataFrame([spike]), is_spike)[0]


def explain_spikes(con, spikes: pd.DataFrame, is_spike: bool = True) -> list[dict]:
    """explain_spike for each row of `spikes`: two queries for all of them, not two a spike."""
    if spikes.empty:
        return []
    spikes = spikes.reset_index(drop=True)
    start = pd.to_datetime(spikes["window_start"], utc=True)
    windows = pd.DataFrame({
        "spike_id": np.arange(len(spikes)),
        "brand": spikes["brand"].astype(str),
        "baseline_start": start - TERMS_BASELINE,
        "window_start": start,
        "window_end": pd.to_datetime(spikes["window_end"], utc=True),
        "negative_only": (spikes["kind"] == "negative").to_numpy(bool),
    })
    scope = {"brands": sorted(set(windows["brand"])),
             "to": windows["window_end"].max().to_pydatetime()}
    terms = _per_spike(con, "spikes/top_terms", {"explained_windows": windows}, {
        **scope, "from": windows["baseline_start"].min().to_pydatetime(),
        "stopwords": list(STOPWORDS), "min_count": TERM_MIN_COUNT, "prior": TERM_PRIOR,
        "limit": TERMS,
    })
    top = terms.groupby("spike_id").head(5)
    chosen = pd.DataFrame({"spike_id": top["spike_id"].to_numpy(),
                           "term": top["term"].str.lower().to_numpy()})
    samples = _per_spike(con, "spikes/sample_messages",
                         {"explained_windows": windows, "explained_terms": chosen},
                         {**scope, "from": windows["window_start"].min().to_pydatetime(),
                          "limit": SAMPLES})
    terms_of, samples_of = dict(tuple(terms.groupby("spike_id"))), dict(tuple(
        samples.groupby("spike_id")))
    return [_explained(spike, terms_of.get(i, terms.iloc[:0]), samples_of.get(i, samples.iloc[:0]),
                       is_spike)
            for i, spike in spikes.iterrows()]


def _per_spike(con, name: str, frames: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """Query `name` with `frames` registered under their names for its duration."""
    for frame_name, frame in frames.items():
        con.register(frame_name, frame)
    try:
        return sql.query(con, name, params)
    finally:
        for frame_name in frames:
            con.unregister(frame_name)


def _explained(spike: pd.Series, terms: pd.DataFrame, samples: pd.DataFrame,
               is_spike: bool) -> dict:
    out = {k: _plain(spike[k]) for k in COLUMNS}
    hours = (spike["window_end"] - spike["window_start"]) / pd.Timedelta(hours=1)
    out.update(
        is_spike=is_spike,
        window_hours=int(round(hours)),
        top_terms=[{"term": r.term, "count": int(r.window_count),
                    "baseline_count": int(r.baseline_count), "z": round(float(r.z), 2)}
                   for r in terms.itertuples()],
        hashtags=[t for t in terms["term"] if t.startswith("#")],
        samples=[{"created_at": pd.Timestamp(r.created_at), "channel": r.channel,
                  "text": r.text, "sentiment_label": r.sentiment_label}
                 for r in samples.itertuples()],
    )
    out["summary"] = summary(out)
    return out


def summary(e: dict) -> str:
    """One line a person can read in a notification."""
    what = "negative messages" if e["kind"] == "negative" else "messages"
    span = f"{e['window_hours']} h"
    parts = [
        f"{e['at']:%Y-%m-%d %H:%M} UTC",
        e["brand"],
        f"{e['kind']} {e['scale']}" if e.get("is_spike", True) else f"{e['kind']} (no spike)",
        f"{e['observed']:.0f} {what} in {span} vs {e['expected']:.1f} expected",
    ]
    if _present(e["negative_share"]) and _present(e["usual_negative_share"]):
        parts.append(f"negative share {e['negative_share']:.0%} vs usual "
                     f"{e['usual_negative_share']:.0%}")
    if e["top_terms"]:
        parts.append("top terms: " + ", ".join(t["term"] for t in e["top_terms"][:5]))
    label = e["label"].upper()
    if e["event"]:
        label += f" ({e['event_kind']}: {e['event']})"
    parts.append(label)
    return " · ".join(parts)


# -- detection -----------------------------------------------------------------------------------

def _all_spikes(series: pd.DataFrame, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Burst and surge spikes of every brand's hourly series, for each kind asked.

    Each brand's series is its own (detect_groups: the same numbers as one detect per brand,
    in one pass over all brands instead of dozens of small ones)."""
    if series.empty:
        return pd.DataFrame(columns=["at"])
    brands = series["brand"].to_numpy()
    hours = series["hour"]
    scored = series["scored"].to_numpy(float)
    negative = series["negative"].to_numpy(float)
    share = {span: negative_share_excess(scored, negative, window=SHARE_WINDOW_HOURS, span=span,
                                         groups=brands)
             for span in (1, SURGE_HOURS)}
    rows = []
    for kind in kinds:
        values = series["inbound" if kind == "volume" else "negative"].to_numpy(float)
        bursts = _flags(detect_groups(brands, hours, values, BURST), kind, "burst", 1, share[1],
                        series)
        surges = _surges(series, values, kind, share[SURGE_HOURS])
        found = pd.concat([bursts, _without_bursts(surges, bursts)], ignore_index=True)
        if kind == "negative":
            # no sentiment scored yet for a brand: no negative series
            unscored = series.groupby("brand")["scored"].sum().loc[lambda n: n == 0].index
            found = found[~found["brand"].isin(unscored)]
        rows.append(found)
    frame = pd.concat(rows, ignore_index=True)
    frame = frame[frame["at"] >= frame["first_at"] + WARMUP]
    keep = (frame["kind"] == "volume") | (frame["share_z"] >= NEGATIVE_SHARE_Z)
    return frame[keep].drop(columns="first_at")


def _surges(series: pd.DataFrame, values: np.ndarray, kind: str, share: pd.DataFrame):
    by_brand = pd.Series(values).groupby(series["brand"].to_numpy(), sort=False)
    sums = by_brand.rolling(SURGE_HOURS, min_periods=SURGE_HOURS).sum().to_numpy()
    full = ~np.isnan(sums)
    rows = series[full].reset_index(drop=True)
    result = detect_groups(rows["brand"], rows["hour"], sums[full], SURGE)
    return _flags(result, kind, "surge", SURGE_HOURS, share[full].reset_index(drop=True), rows)


def _flags(result: pd.DataFrame, kind: str, scale: str, hours: int, share: pd.DataFrame,
           series: pd.DataFrame):
    """The spikes of one detector run; `series` holds each point's brand and first_at."""
    result = result.reset_index(drop=True)
    hit = result["is_spike"].to_numpy()
    at = pd.to_datetime(result["timestamp"][hit], utc=True).reset_index(drop=True)
    picked = share[hit].reset_index(drop=True)
    observed = result["value"][hit].to_numpy()
    expected = result["expected"][hit].to_numpy()
    return pd.DataFrame({
        "kind": kind, "scale": scale, "at": at,
        "window_start": at - pd.Timedelta(hours=hours - 1),
        "window_end": at + pd.Timedelta(hours=1),
        "observed": observed, "expected": expected, "score": result["score"][hit].to_numpy(),
        "ratio": observed / np.where(expected > 0, expected, np.nan),
        "negative_share": picked["share"].to_numpy(),
        "usual_negative_share": np.where(picked["total"] > 0, picked["baseline_share"], np.nan),
        "share_z": picked["z"].to_numpy(),
        "brand": series["brand"].array[hit],
        "first_at": series["first_at"].array[hit],
    })


def _without_bursts(surges: pd.DataFrame, bursts: pd.DataFrame) -> pd.DataFrame:
    """Surges whose window holds no burst of the same brand (and kind: the caller's)."""
    pairs = surges.reset_index(names="surge").merge(bursts[["brand", "at"]], on="brand",
                                                    suffixes=("", "_burst"))
    holding = pairs[(pairs["at_burst"] >= pairs["window_start"])
                    & (pairs["at_burst"] < pairs["window_end"])]["surge"]
    return surges[~surges.index.isin(holding)]


def _label(con, spikes: pd.DataFrame) -> pd.DataFrame:
    spikes = spikes.reset_index(drop=True)
    if not sql.query(con, "spikes/has_calendar")["has_calendar"].iloc[0]:
        return spikes.assign(label="surprise", event=None, event_kind=None, event_matched=np.nan,
                             event_carried=np.nan)
    windows = pd.DataFrame({
        "spike_id": np.arange(len(spikes)), "brand": spikes["brand"],
        "window_start": spikes["window_start"], "window_end": spikes["window_end"],
        "negative_only": spikes["kind"] == "negative",
        "excess": (spikes["observed"] - spikes["expected"]).astype(float),
    })
    con.register("spike_windows", windows)
    try:
        labels = sql.query(con, "spikes/spike_events",
                           {"planned_kinds": list(PLANNED_KINDS), "carry_share": CARRY_SHARE})
    finally:
        con.unregister("spike_windows")
    labels = labels.set_index("spike_id").reindex(windows["spike_id"])
    return spikes.assign(**{c: labels[c].to_numpy() for c in
                            ("label", "event", "event_kind", "event_matched", "event_carried")})


def _plain_hour(con, brand: str, hour: pd.Timestamp, kind: str) -> pd.Series:
    """Hour `hour` of a brand as a spike-shaped row that is not a spike (for `explain`)."""
    s = hourly_series(con, [brand], hour - HISTORY, hour + pd.Timedelta(hours=1))
    if s.empty or s["hour"].iloc[-1] != hour:
        raise ValueError(f"no data for {brand} at {hour:%Y-%m-%d %H:%M} UTC")
    values = s["inbound" if kind == "volume" else "negative"].to_numpy(float)
    result = detect(s["hour"], values, BURST).assign(is_spike=True).tail(1)
    share = negative_share_excess(s["scored"].to_numpy(float), s["negative"].to_numpy(float),
                                  window=SHARE_WINDOW_HOURS).tail(1)
    row = _flags(result, kind, "burst", 1, share.reset_index(drop=True), s.tail(1)).iloc[0]
    labelled = _label(con, pd.DataFrame([row]))
    return labelled.iloc[0]


# -- helpers -------------------------------------------------------------------------------------

def _kinds(kind: str) -> tuple[str, ...]:
    if kind == "all":
        return KINDS
    if kind not in KINDS:
        raise ValueError(f"kind must be 'volume', 'negative' or 'all', not {kind!r}")
    return (kind,)


def _utc(value, default):
    if value is None:
        return default
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.to_pydatetime()


def _dtype(column: str) -> str:
    if column in ("at", "window_start", "window_end"):
        return "datetime64[ns, UTC]"
    if column in ("brand", "kind", "scale", "label", "event", "event_kind"):
        return "object"
    return "float64"


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value))


def _plain(value):
    """Numpy scalars as Python ones (JSON-friendly); timestamps stay pandas Timestamps."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
