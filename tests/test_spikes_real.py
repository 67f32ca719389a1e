"""Spikes on the real sample (twcs_first5000, sentiment fixed as in the metric goldens): the
spikes and their top terms pinned by goldens (tests/golden/spikes_twcs5000*.csv; the spikes
golden was written by the per-brand detector this one replaced, at 7477bd9), and the same
spikes from an independent per-brand run of the detector."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl import spike_report
from etl.cli import main
from etl.spikes import detect, negative_share_excess
from tests.golden_files import assert_golden
from tests.test_metrics import write_config
from tests.test_metrics_golden import _fix_sentiment


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from tests.conftest import TWCS_5000, shared

    out = tmp_path_factory.mktemp("spikes_real")
    db = out / "real.duckdb"
    config = write_config(out / "none.toml")
    assert main(["load", "twcs", str(shared(TWCS_5000)), "--db", str(db),
                 "--config", str(config)]) == 0
    _fix_sentiment(db)
    connection = duckdb.connect(str(db), read_only=True)
    connection.execute("set TimeZone = 'UTC'")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def spikes(con):
    return spike_report.find_spikes(con)


def test_spikes_golden_on_the_real_sample(spikes):
    assert {"volume", "negative"} <= set(spikes["kind"])
    assert {"burst", "surge"} <= set(spikes["scale"])
    assert_golden(spikes, "spikes_twcs5000")


def test_top_terms_golden_on_the_real_sample(con, spikes):
    """Terms of equal count and score are listed in one order on every run (a term's spelling
    once depended on which row DuckDB met first: 'Empty' on one run, 'empty' on the next)."""
    rows = []
    for _, spike in spikes.iterrows():
        e = spike_report.explain_spike(con, spike)
        rows.append({"brand": e["brand"], "at": e["at"], "kind": e["kind"], "scale": e["scale"],
                     "top_terms": "; ".join(f"{t['term']} {t['count']}" for t in e["top_terms"]),
                     "samples": len(e["samples"])})
    assert_golden(pd.DataFrame(rows), "spikes_twcs5000_terms")


def _one_brand(s: pd.DataFrame, kinds=spike_report.KINDS) -> list[tuple]:
    """The spikes of one brand's series, by detect and negative_share_excess on it alone (the
    per-brand loop find_spikes ran until 7477bd9), as (at, kind, scale, observed, expected,
    score, share_z) tuples."""
    hours, found = s["hour"].reset_index(drop=True), []
    scored, negative = s["scored"].to_numpy(float), s["negative"].to_numpy(float)
    for kind in kinds:
        if kind == "negative" and scored.sum() == 0:
            continue
        values = s["inbound" if kind == "volume" else "negative"].to_numpy(float)
        z = negative_share_excess(scored, negative, window=168)["z"].to_numpy()
        burst = detect(hours, values, spike_report.BURST)
        bursts = [(hours[i], kind, "burst", values[i], burst.expected[i], burst.score[i], z[i])
                  for i in np.flatnonzero(burst.is_spike)]
        sums = pd.Series(values).rolling(48, min_periods=48).sum()
        first = 47
        surge = detect(hours[first:], sums[first:], spike_report.SURGE).reset_index(drop=True)
        z48 = negative_share_excess(scored, negative, window=168, span=48)["z"].to_numpy()
        for i in np.flatnonzero(surge.is_spike):
            at = hours[first + i]
            if any(at - pd.Timedelta(hours=47) <= b[0] <= at for b in bursts):
                continue
            found.append((at, kind, "surge", surge.value[i], surge.expected[i], surge.score[i],
                          z48[first + i]))
        found += bursts
    warm = s["first_at"].iloc[0] + spike_report.WARMUP
    return [f for f in found if f[0] >= warm and (f[1] == "volume" or f[6] >= 3.0)]


def test_all_brands_at_once_equal_each_brand_alone(con, spikes):
    series = spike_report.hourly_series(con)
    alone = sorted((f[0], brand, *f[1:]) for brand, s in series.groupby("brand")
                   for f in _one_brand(s))
    together = sorted(spikes[["at", "brand", "kind", "scale", "observed", "expected", "score",
                              "share_z"]].itertuples(index=False, name=None))
    assert len(together) > 20
    assert together == alone
