"""Source: files in the public "Customer Support on Twitter" (twcs) CSV format.

fetch only: this module opens the file, checks that it is a usable twcs CSV, counts its records
independently of DuckDB's parser and reads every field as text into the table `raw_twcs`. Mapping
text to typed messages (and rejecting what cannot be mapped) is `normalize`'s job.

Real copies of twcs differ: columns in any order, extra columns (a leading unnamed index), UTF-8 BOM,
CRLF, latin-1 bytes. The header decides which column is which.
"""
from __future__ import annotations

import codecs
import csv
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from etl.errors import EtlError
from etl.settings import MAX_LINE_BYTES, TWCS_OPTIONAL, TWCS_REQUIRED

RAW_COLUMNS = TWCS_REQUIRED + TWCS_OPTIONAL
_CHUNK = 64 * 1024 * 1024


@dataclass(frozen=True)
class CsvLayout:
    path: Path
    encoding: str                 # 'utf-8' or 'latin-1'
    header: tuple[str, ...]       # the names as written (BOM stripped)
    columns: dict[str, str]       # canonical name -> header name
    newline: str = "\n"           # '\n' or '\r\n', from the header line


@dataclass
class RawRead:
    records: int                  # data records counted independently of the parser
    parsed: int                   # rows that reached raw_twcs
    parse_rejects: pd.DataFrame   # line, raw, reason
    parser: str                   # 'duckdb' or 'python-csv'
    record_lines: np.ndarray | None = None   # physical start line of record k at [k - 1]


def inspect(path: str | Path) -> CsvLayout:
    """Check that `path` is a readable twcs CSV; raise EtlError with one clear sentence if not."""
    path = Path(path)
    if not path.exists():
        raise EtlError(f"{path}: no such file")
    if not path.is_file():
        raise EtlError(f"{path}: not a file")
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 20)
    except OSError as exc:
        raise EtlError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not head.strip():
        raise EtlError(f"{path}: the file is empty (no header row)")
    if b"\x00" in head[:4096] and head.count(b"\x00") > len(head) // 100:
        raise EtlError(f"{path}: binary data, not a CSV file")
    encoding = _encoding_of(path)
    header = _header_of(head, encoding, path)
    first_line = head.split(b"\n", 1)[0]
    newline = "\r\n" if first_line.endswith(b"\r") else "\n"
    return CsvLayout(path, encoding, header, _map_columns(header, path), newline)


def _encoding_of(path: Path) -> str:
    """UTF-8 when the whole file decodes as UTF-8, else latin-1 (which decodes any byte)."""
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                dec.decode(chunk)
            dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def _header_of(head: bytes, encoding: str, path: Path) -> tuple[str, ...]:
    first = head.split(b"\n", 1)[0].decode(encoding, errors="replace").lstrip("\ufeff").rstrip("\r")
    try:
        names = next(csv.reader([first]))
    except (csv.Error, StopIteration) as exc:
        raise EtlError(f"{path}: the first line is not a CSV header") from exc
    return tuple(n.strip() for n in names)


def _map_columns(header: tuple[str, ...], path: Path) -> dict[str, str]:
    by_key = {}
    for name in header:
        by_key.setdefault(name.strip().lower(), name)
    missing = [c for c in TWCS_REQUIRED if c not in by_key]
    if missing:
        raise EtlError(
            f"{path}: not a twcs CSV: required column(s) {', '.join(missing)} missing "
            f"(header: {', '.join(header)[:200]})"
        )
    return {c: by_key[c] for c in RAW_COLUMNS if c in by_key}


def count_records(path: Path) -> tuple[int, np.ndarray]:
    """Data records and the physical line (1-based, header = line 1) each one starts on.

    Independent of any CSV parser: a newline ends a record when the number of '"' before it is
    even (doubled quotes inside a quoted field keep the parity). Blank lines are not records.
    """
    ends, parity, offset = [], 0, 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            buf = np.frombuffer(chunk, dtype=np.uint8)
            quotes = np.flatnonzero(buf == 34)
            newlines = np.flatnonzero(buf == 10)
            before = np.searchsorted(quotes, newlines) + parity
            is_end = (before % 2) == 0
            ends.append(newlines[is_end] + offset)
            parity = (parity + len(quotes)) % 2
            offset += len(chunk)
    total = offset
    end_pos = np.concatenate(ends) if ends else np.empty(0, dtype=np.int64)
    if total and (len(end_pos) == 0 or end_pos[-1] != total - 1):
        end_pos = np.append(end_pos, total)          # last record without a final newline
    starts = np.concatenate(([0], end_pos[:-1] + 1))
    lengths = end_pos - starts
    blank = lengths <= _crlf_len(path, starts, lengths)
    line_of_start = _line_numbers(path, starts)
    keep = ~blank
    keep[0] = False                                  # the header
    return int(keep.sum()), line_of_start[keep]


def _crlf_len(path: Path, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """1 for records that are a lone '\\r' (blank CRLF lines), else 0."""
    out = np.zeros(len(starts), dtype=np.int64)
    ones = np.flatnonzero(lengths == 1)
    if len(ones):
        data = np.memmap(path, dtype=np.uint8, mode="r")
        out[ones] = (data[starts[ones]] == 13).astype(np.int64)
    return out


def _line_numbers(path: Path, starts: np.ndarray) -> np.ndarray:
    if path.stat().st_size == 0:
        return np.zeros(len(starts), dtype=np.int64)
    data = np.memmap(path, dtype=np.uint8, mode="r")
    newlines = np.flatnonzero(data == 10)
    return np.searchsorted(newlines, starts) + 1


def read(con, layout: CsvLayout) -> RawRead:
    """Fill temp table raw_twcs(record, <RAW_COLUMNS> as text) from the file.

    DuckDB parses; the independent record count runs beside it. When the two disagree (DuckDB
    can drop records silently) the file is parsed again with Python's csv module, which is slower
    but loses nothing.
    """
    counted: dict = {}
    counter = threading.Thread(target=lambda: counted.update(r=count_records(layout.path)))
    counter.start()
    attempts = [True, False]                  # strict CSV first, then DuckDB's lenient mode
    parse_rejects = _try_duckdb(con, layout, strict=attempts[0])
    counter.join()
    records, lines = counted["r"]
    for strict in attempts:
        if strict is False:
            parse_rejects = _try_duckdb(con, layout, strict=False)
        if parse_rejects is None:
            continue
        parsed = con.execute("select count(*) from raw_twcs").fetchall()[0][0]
        if parsed + len(parse_rejects) == records:
            record_lines = lines if parse_rejects.empty else None
            return RawRead(records, parsed, _labelled(parse_rejects), "duckdb", record_lines)
    parse_rejects, record_lines = _read_python(con, layout)
    parsed = con.execute("select count(*) from raw_twcs").fetchall()[0][0]
    return RawRead(parsed + len(parse_rejects), parsed, parse_rejects, "python-csv",
                   np.asarray(record_lines, dtype=np.int64))


def _try_duckdb(con, layout: CsvLayout, strict: bool) -> pd.DataFrame | None:
    """Parse with DuckDB; None when DuckDB refuses the file (its state machine gives up)."""
    try:
        return _read_duckdb(con, layout, strict)
    except duckdb.Error:
        con.abort()
        return None


def _read_duckdb(con, layout: CsvLayout, strict: bool) -> pd.DataFrame:
    con.execute("drop table if exists reject_errors")
    con.execute("drop table if exists reject_scans")
    select = ", ".join(
        f"{_quote(layout.columns[c])} as {c}" if c in layout.columns else f"null::varchar as {c}"
        for c in RAW_COLUMNS
    )
    con.execute(
        f"""
        create or replace temp table raw_twcs as
        select row_number() over () as record, {select}
        from read_csv($path, header = true, all_varchar = true, auto_detect = false,
                      columns = $columns, delim = ',', quote = '"', escape = '"',
                      encoding = $encoding, parallel = false, null_padding = false,
                      new_line = $newline,
                      max_line_size = $max_line, store_rejects = true, strict_mode = $strict)
        """,
        {
            "path": str(layout.path),
            "columns": {name: "VARCHAR" for name in _unique_header(layout.header)},
            "encoding": layout.encoding,
            "newline": layout.newline.encode("unicode_escape").decode(),
            "max_line": MAX_LINE_BYTES,
            "strict": strict,
        },
    )
    return con.execute(
        """
        select line, any_value(csv_line) as raw,
               string_agg(distinct error_type, '; ') as reason
        from reject_errors group by line order by line
        """
    ).df()


def _unique_header(header: tuple[str, ...]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in header:
        name = name or "column"
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}_{n}")
    return out


def _labelled(rejects: pd.DataFrame) -> pd.DataFrame:
    if rejects.empty:
        return pd.DataFrame({"line": pd.Series(dtype="int64"), "raw": [], "reason": []})
    rejects = rejects.copy()
    rejects["reason"] = "malformed CSV record: " + rejects["reason"].astype(str).str.lower()
    return rejects[["line", "raw", "reason"]]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_python(con, layout: CsvLayout) -> tuple[pd.DataFrame, list[int]]:
    """Exact but slower: Python's csv module; records with the wrong field count are rejected."""
    header_len = len(layout.header)
    index = {c: layout.header.index(h) for c, h in layout.columns.items()}
    rows, rejects, record_lines = [], [], []
    with layout.path.open("r", encoding=layout.encoding, newline="\n", errors="replace") as fh:
        csv.field_size_limit(MAX_LINE_BYTES)
        reader = csv.reader(_clean_lines(fh))
        try:
            next(reader)
        except StopIteration:
            pass
        record = 0
        while True:
            start_line = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                rejects.append((start_line, "", f"malformed CSV record: {exc}"))
                continue
            if not fields:
                continue
            if len(fields) != header_len:
                rejects.append((start_line, ",".join(fields)[:100_000],
                                f"malformed CSV record: {len(fields)} fields, header has {header_len}"))
                continue
            record += 1
            record_lines.append(start_line)
            rows.append([record] + [_restore_cr(fields[index[c]]) if c in index else None
                                    for c in RAW_COLUMNS])
    frame = pd.DataFrame(rows, columns=["record", *RAW_COLUMNS]).astype(
        {"record": "int64", **{c: "object" for c in RAW_COLUMNS}}
    )
    con.register("raw_twcs_frame", frame)
    con.execute(
        "create or replace temp table raw_twcs as select record, "
        + ", ".join(f"{c}::varchar as {c}" for c in RAW_COLUMNS)
        + " from raw_twcs_frame"
    )
    con.unregister("raw_twcs_frame")
    return pd.DataFrame(rejects, columns=["line", "raw", "reason"]), record_lines


_CR_STANDIN = "\ue000"


def _clean_lines(lines):
    """Drop NUL bytes; hide a bare CR inside a record (real twcs copies have unquoted ones) from
    the csv module, which would end the record there; `_restore_cr` puts it back."""
    for line in lines:
        if "\x00" in line:
            line = line.replace("\x00", "")
        body, end = (line[:-2], "\r\n") if line.endswith("\r\n") else (line, "")
        if "\r" in body:
            line = body.replace("\r", _CR_STANDIN) + end
        yield line


def _restore_cr(field: str) -> str:
    return field.replace(_CR_STANDIN, "\r") if _CR_STANDIN in field else field
