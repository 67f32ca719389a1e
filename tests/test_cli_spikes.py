"""`carepulse spikes --input`: any timestamp,value series in, the same rows plus expected, score
and is_spike (true/false) out; on a real NAB series and on hand-made input."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from etl.spikes import detect_file
from tests.conftest import SHARED_DATA, shared

NAB_AAPL = SHARED_DATA / "nab" / "Twitter_volume_AAPL.csv"


def test_input_output_on_a_real_nab_series(cli, tmp_path):
    source = shared(NAB_AAPL)
    out = tmp_path / "aapl_spikes.csv"
    code, stdout, err = cli("spikes", "--input", source, "--output", out)
    assert code == 0, err
    with open(out, newline="") as fh:
        rows = list(csv.reader(fh))
    with open(source, newline="") as fh:
        original = list(csv.reader(fh))
    assert rows[0] == ["timestamp", "value", "expected", "score", "is_spike"]
    assert len(rows) == len(original)
    assert [r[:2] for r in rows] == original                    # the input rows, untouched
    flags = [r[4] for r in rows[1:]]
    assert set(flags) == {"true", "false"}
    assert flags == ["true" if f else "false" for f in detect_file(source)["is_spike"]]
    spikes = flags.count("true")
    assert f"{len(original) - 1:,} points, step 5 min, {spikes:,} spikes" in stdout
    assert spikes > 1
    assert f"wrote {out}" in stdout


def test_input_without_output_prints_the_spikes(cli, tmp_path):
    ts = pd.date_range("2024-01-01", periods=24 * 7 * 5, freq="h")
    values = [20 + (i % 24) for i in range(len(ts))]
    values[700] = 400
    src = tmp_path / "series.csv"
    pd.DataFrame({"timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S"), "value": values}).to_csv(
        src, index=False)
    code, out, err = cli("spikes", "--input", src)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"{src}: 840 points, step 1 h, 1 spike"
    assert lines[1].split() == ["timestamp", "value", "expected", "score"]
    assert lines[2].split()[:2] == [ts[700].strftime("%Y-%m-%dT%H:%M:%S"), "400"]
    assert [p.name for p in tmp_path.iterdir()] == ["series.csv"]   # nothing written


@pytest.mark.parametrize("args, message", [
    (["--output", "x.csv"], "--output goes with --input"),
    (["--input", "{src}", "--brand", "Acme"], "--brand apply to loaded data"),
    (["--input", "{missing}"], "Cannot read"),
    (["--input", "{bad}"], "row 3: value 'lots' is not a number"),
])
def test_bad_arguments_and_input_fail_with_one_line(cli, tmp_path, args, message):
    src = tmp_path / "ok.csv"
    src.write_text("timestamp,value\n2024-01-01 00:00,1\n2024-01-01 01:00,2\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,value\n2024-01-01 00:00,1\n2024-01-01 01:00,lots\n")
    filled = [a.format(src=src, bad=bad, missing=tmp_path / "nope.csv") for a in args]
    code, out, err = cli("spikes", *filled)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("carepulse: error: ") and message in err


def test_db_mode_needs_a_database(cli, tmp_path):
    code, _, err = cli("spikes", "--db", tmp_path / "none.duckdb")
    assert code == 1 and "no database yet" in err
