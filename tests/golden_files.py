"""Golden outputs: checked-in expected results of real data through the production code.

Regenerating is a deliberate act: `CAREPULSE_REGEN_GOLDEN=1 pytest tests/...`, then review the diff.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pandas.testing as pdt

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def assert_golden(frame: pd.DataFrame, name: str, rtol: float = 1e-6) -> None:
    path = GOLDEN_DIR / f"{name}.csv"
    actual = _normalised(frame)
    if os.environ.get("CAREPULSE_REGEN_GOLDEN") == "1":
        actual.to_csv(path, index=False)
    assert path.exists(), f"no golden file {path}; create it deliberately with CAREPULSE_REGEN_GOLDEN=1"
    expected = pd.read_csv(path, dtype=str, keep_default_na=False)
    got = pd.read_csv(_roundtrip(actual), dtype=str, keep_default_na=False)
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected), f"{name}: {len(got)} rows, golden has {len(expected)}"
    for column in expected.columns:
        blank_got, blank_expected = got[column] == "", expected[column] == ""
        left = pd.to_numeric(got[column].where(~blank_got), errors="coerce")
        right = pd.to_numeric(expected[column].where(~blank_expected), errors="coerce")
        numeric = (left.notna() | blank_got).all() and (right.notna() | blank_expected).all()
        if numeric and not (blank_got.all() and blank_expected.all()):
            assert blank_got.tolist() == blank_expected.tolist(), f"{name}.{column}: blanks differ"
            pdt.assert_series_equal(left, right, rtol=rtol, check_names=False, obj=f"{name}.{column}")
        else:
            assert got[column].tolist() == expected[column].tolist(), f"{name}.{column} differs"


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(6)
    return out


def _roundtrip(frame: pd.DataFrame):
    import io

    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    buffer.seek(0)
    return buffer
