"""Source: files in the public "Customer Support on Twitter" (twcs) CSV format.

fetch only: this module opens the file, checks that it is a usable twcs CSV, counts its records
independently of DuckDB's parser and defines the view `raw_twcs` (every field as text) over it.
Mapping text to typed messages (and rejecting what cannot be mapped) is `normalize`'s job, which
reads the view once: the file is parsed while it is mapped, never stored as text.

Real copies of twcs differ: columns in any order, extra columns (a leading unnamed index), UTF-8 BOM,
CRLF, latin-1 bytes. The header decides which column is which.
"""
from __future__ import annotations

import csv
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import codecs

import duckdb

if TYPE_CHECKING:
    import numpy as np

import sql
from etl.errors import EtlError
from etl.settings import TWCS_OPTIONAL, TWCS_REQUIRED

RAW_COLUMNS = TWCS_REQUIRED + TWCS_OPTIONAL
_CHUNK = 64 * 1024 * 1024
# A record longer than this is quarantined ('record longer than 1 MiB'): the longest post X
# allows is 25,000 characters, so such a record is a broken export, not a message. The raw text
# kept in `rejected` is capped at RAW_CAP characters.
MAX_RECORD_CHARS = 1 << 20
RAW_CAP = 100_000
# DuckDB's parallel CSV reader splits a file by its read buffer (default 16 x max_line_size,
# i.e. 16 MiB): a one-day file (~11 MB) was one buffer, parsed and normalized by one thread.
# Files under SMALL_FILE get buffers of 2 x MAX_RECORD_CHARS (a record must fit in one), so
# both cores parse them (normalize_twcs at 2.8M's next day: 0.20 -> 0.12 s wall); larger
# files keep DuckDB's default.
SMALL_FILE = 16 << 20
SMALL_FILE_BUFFER = 2 * MAX_RECORD_CHARS
# Each buffer is one batch of the order-keeping CREATE TABLE AS that stages the rows: a batch
# under one row group (122,880 rows) is copied once more to be merged with its neighbours, and
# a 16 MiB buffer holds only ~90-120k twcs records. Large files get buffers of LARGE_FILE_BUFFER
# (~350k records each, written as they are), while at least PARALLEL_BUFFERS of them keep both
# cores busy to the end; files between (16 MiB to ~128 MiB) keep 16 MiB buffers.
# 2.8M rows: the staging CPU -0.3 to -0.5 s, same rows in the same order.
DEFAULT_BUFFER = 16 * MAX_RECORD_CHARS
LARGE_FILE_BUFFER = 64 << 20
PARALLEL_BUFFERS = 8
# A rejected record as the loader quarantines it: (physical line, raw text, reason).
Reject = tuple[int, str, str]


@dataclass(frozen=True)
class CsvLayout:
    path: Path
    encoding: str                 # 'utf-8' or 'latin-1' (from the first MiB; read() checks all)
    header: tuple[str, ...]       # the names as written (BOM stripped)
    columns: dict[str, str]       # canonical name -> header name
    newline: str = "\n"           # '\n' or '\r\n', from the header line


@dataclass
class RawRead:
    records: int                  # data records counted independently of the parser
    parsed: int                   # records the stage read from raw_twcs
    parse_rejects: list[Reject]   # records no parser could read
    parser: str                   # 'duckdb' or 'python-csv'
    record_lines: Sequence[int] | None = None   # physical start line of record k at [k - 1]


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
    _refuse_non_text(head, path)
    encoding = _encoding_of_head(head, whole=len(head) < 1 << 20)
    header = _header_of(head, encoding, path)
    first_line = head.split(b"\n", 1)[0]
    newline = "\r\n" if first_line.endswith(b"\r") else "\n"
    return CsvLayout(path, encoding, header, _map_columns(header, path), newline)


_SIGNATURES = (
    (b"\x1f\x8b", "gzip-compressed; decompress it first (gunzip)"),
    (b"PK\x03\x04", "a zip archive (or an Excel workbook); extract or export the CSV first"),
    (b"\xff\xfe", "UTF-16 text; save it as UTF-8 CSV first"),
    (b"\xfe\xff", "UTF-16 text; save it as UTF-8 CSV first"),
)
# Control bytes that never occur in CSV text (tab, LF, CR and ESC excepted).
_CONTROL = bytes([*range(0, 9), 11, 12, *range(14, 27), *range(28, 32), 127])


def _refuse_non_text(head: bytes, path: Path) -> None:
    """Archives, UTF-16 and binary data fail with a sentence saying what the file is."""
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            raise EtlError(f"{path}: {what}")
    sample = head[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls > max(len(sample) // 100, 8):
        raise EtlError(f"{path}: binary data, not a CSV file")


def _encoding_of_head(head: bytes, whole: bool) -> str:
    """The encoding the first MiB suggests; read() checks the whole file while it counts."""
    check = _Utf8Check()
    check.feed(head)
    return check.encoding() if whole else ("utf-8" if check.valid else "latin-1")


class _Utf8Check:
    """Is a file, fed chunk by chunk, valid UTF-8? A chunk ends before a character it would
    split, whose bytes start the next one."""

    def __init__(self):
        self.carry, self.valid = b"", True

    def feed(self, chunk: bytes) -> None:
        if not self.valid:
            return
        data = self.carry + chunk if self.carry else chunk
        cut = _last_char_boundary(data)
        self.valid = _valid_utf8(memoryview(data)[:cut])
        self.carry = bytes(data[cut:])           # `chunk` may be a buffer that is refilled

    def encoding(self) -> str:
        return "utf-8" if self.valid and _valid_utf8(self.carry) else "latin-1"


def _last_char_boundary(data: bytes) -> int:
    """Length of the longest prefix of `data` that does not end inside a UTF-8 sequence."""
    n = len(data)
    for back in range(1, min(4, n) + 1):
        byte = data[n - back]
        if byte < 0x80:
            return n
        if byte >= 0xC0:                              # a lead byte: is its sequence whole?
            size = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return n if back >= size else n - back
    return n


# Up to this size Python's decoder checks a buffer (~0.5 s per GB, decoding to strings); above
# it Arrow does (vectorised, ~0.1 s per GB), worth its import (~0.15 s) only for large files.
_ARROW_FROM = 16 << 20
_PIECE = 1 << 20


def _valid_utf8(buf) -> bool:
    if len(buf) < _ARROW_FROM:
        return _valid_utf8_python(buf)
    import pyarrow as pa
    offsets = pa.array([0, len(buf)], type=pa.int64()).buffers()[1]
    array = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(buf)])
    try:
        array.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _valid_utf8_python(buf) -> bool:
    """Decoded in pieces so that a chunk never becomes one large string."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(buf)
    try:
        for start in range(0, len(view), _PIECE):
            decoder.decode(view[start:start + _PIECE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


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


# Up to this size the records are counted in plain Python (~40 ms for one day's 10 MB file),
# above it with numpy, whose import alone (0.1-0.15 s) costs more than that small count.
_NUMPY_FROM = 16 << 20


def count_records(path: Path) -> tuple[int, Sequence[int], str]:
    """Data records, the physical line (1-based, header = line 1) each one starts on, and the
    file's encoding ('utf-8' when all of it is valid UTF-8, else 'latin-1'), in one pass.

    Independent of any CSV parser: a newline ends a record when the number of '"' before it is
    even (doubled quotes inside a quoted field keep the parity). Blank lines are not records.
    """
    if path.stat().st_size < _NUMPY_FROM:
        data = path.read_bytes()
        utf8 = _Utf8Check()
        utf8.feed(data)
        count, lines = _count_records_in(data)
        return count, lines, utf8.encoding()
    return _count_records_chunked(path)


def _count_records_in(data: bytes) -> tuple[int, list[int]]:
    """count_records on a file's bytes: the records after the header that are not blank (empty
    or a lone '\r'), and the line each starts on. Piece i of the split ends at newline i."""
    lines, first = [], True
    start_line, length, parity, closed = 1, 0, 0, False
    pieces = data.split(b"\n")
    for newline, piece in enumerate(pieces[:-1]):
        length += len(piece)
        parity ^= piece.count(b'"') & 1
        if parity:                       # inside a quoted field: the newline is record text
            length += 1
            continue
        if not first and not _blank(length, piece):
            lines.append(start_line)
        first, start_line, length = False, newline + 2, 0
    last = pieces[-1]
    if last or length:                   # a last record without a final newline
        length += len(last)
        if not first and not _blank(length, last):
            lines.append(start_line)
    return len(lines), lines


def _blank(length: int, last_piece: bytes) -> bool:
    return length == 0 or (length == 1 and last_piece == b"\r")


def _count_records_chunked(path: Path) -> tuple[int, np.ndarray, str]:
    """count_records for large files: the file in chunks, vectorised."""
    import numpy as np

    ends, next_lines, parity, offset, newlines_before = [], [], 0, 0, 0
    utf8 = _Utf8Check()
    buffer = bytearray(min(_CHUNK, path.stat().st_size + 1))   # one buffer, refilled
    with path.open("rb", buffering=0) as fh:
        while size := fh.readinto(buffer):
            utf8.feed(memoryview(buffer)[:size])
            buf = np.frombuffer(buffer, dtype=np.uint8, count=size)
            quotes = np.flatnonzero(buf == 34)
            newlines = np.flatnonzero(buf == 10)
            before = np.searchsorted(quotes, newlines) + parity
            end_index = np.flatnonzero((before % 2) == 0)
            ends.append(newlines[end_index] + offset)
            # the record after the newline with index i (over the whole file) starts on line i + 2
            next_lines.append(end_index + newlines_before + 2)
            parity = (parity + len(quotes)) % 2
            offset += size
            newlines_before += len(newlines)
    total = offset
    if not total:
        return 0, np.empty(0, dtype=np.int64), utf8.encoding()
    end_pos = np.concatenate(ends)
    if len(end_pos) == 0 or end_pos[-1] != total - 1:
        end_pos = np.append(end_pos, total)          # last record without a final newline
    starts = np.concatenate(([0], end_pos[:-1] + 1))
    lengths = end_pos - starts
    blank = lengths <= _crlf_len(path, starts, lengths)
    line_of_start = np.concatenate(([1], *next_lines))[:len(starts)]
    keep = ~blank
    keep[0] = False                                  # the header
    return int(keep.sum()), line_of_start[keep], utf8.encoding()


def _crlf_len(path: Path, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """1 for records that are a lone '\\r' (blank CRLF lines), else 0."""
    import numpy as np

    out = np.zeros(len(starts), dtype=np.int64)
    ones = np.flatnonzero(lengths == 1)
    if len(ones):
        data = np.memmap(path, dtype=np.uint8, mode="r")
        out[ones] = (data[starts[ones]] == 13).astype(np.int64)
    return out


def read(con, layout: CsvLayout, stage: Callable[[], int]) -> RawRead:
    """Define the view raw_twcs(<RAW_COLUMNS> as text, in file order) over the file and call
    `stage`, which reads the view once (the file is parsed while it is mapped and stored) and
    returns how many records it read.

    DuckDB parses (strict mode), first with its parallel reader; the independent record count
    runs beside it. A DuckDB result is used only when it is clean: every counted record parsed,
    none rejected. Otherwise DuckDB parses again single-threaded (the parallel reader has failure
    modes of its own, e.g. very long records), and then, if still not clean, Python's csv module
    parses the file, which is slower but exact. Why not DuckDB's own rejects: it can lose records
    silently (an unterminated quote in the last row), reports one bad record several times, and
    gives record numbers rather than the lines a user can find; and its lenient mode silently
    truncates a record with too many fields, so it is not used at all.
    """
    counted: dict = {}
    counter = threading.Thread(target=lambda: counted.update(r=count_records(layout.path)))
    counter.start()
    try:
        attempt = _try_duckdb(con, layout, stage, parallel=True)
    finally:
        counter.join()
    records, lines, encoding = counted["r"]
    if encoding != layout.encoding:             # a non-UTF-8 byte after the first MiB
        layout, attempt = replace(layout, encoding=encoding), None
    if not _clean(attempt, records):
        attempt = _try_duckdb(con, layout, stage, parallel=False)
    if _clean(attempt, records):
        parse_rejects, parsed = attempt
        return RawRead(records, parsed, _labelled(parse_rejects), "duckdb", lines)
    # Python's csv module consumes every physical line into a record or a reject, so its count
    # is exact even where the quote-parity count is not (a bare '"' inside an unquoted field).
    parse_rejects, record_lines = _read_python(con, layout)
    parsed = stage()
    return RawRead(parsed + len(parse_rejects), parsed, parse_rejects, "python-csv",
                   record_lines)


def _clean(attempt: tuple[list[Reject], int] | None, records: int) -> bool:
    return attempt is not None and not attempt[0] and attempt[1] == records


def _try_duckdb(con, layout: CsvLayout, stage: Callable[[], int],
                parallel: bool) -> tuple[list[Reject], int] | None:
    """DuckDB's rejects and the number of records staged; None when DuckDB refuses the file
    (its state machine gives up)."""
    try:
        _define_duckdb_view(con, layout, parallel)
        parsed = stage()
    except duckdb.Error:
        con.abort()
        return None
    rejects = con.execute(
        """
        select line, any_value(csv_line) as raw,
               string_agg(distinct error_type, '; ') as reason
        from reject_errors group by line order by line
        """
    ).fetchall()
    return rejects, parsed


def _define_duckdb_view(con, layout: CsvLayout, parallel: bool) -> None:
    sql.execute_script(con, "etl/read_twcs_csv", {
        "path": str(layout.path),
        "columns": _column_names(layout),
        "encoding": layout.encoding,
        "newline": layout.newline.encode("unicode_escape").decode(),
        "max_line": MAX_RECORD_CHARS,
        "buffer": _buffer_size(layout.path),
        "strict": True,
        "parallel": parallel,
    })


def _buffer_size(path: Path) -> int:
    """read_csv's buffer size in bytes for this file (see SMALL_FILE, LARGE_FILE_BUFFER)."""
    return buffer_size_for(path.stat().st_size)


def buffer_size_for(size: int) -> int:
    if size < SMALL_FILE:
        return SMALL_FILE_BUFFER
    return min(LARGE_FILE_BUFFER, max(DEFAULT_BUFFER, size // PARALLEL_BUFFERS))


def _column_names(layout: CsvLayout) -> dict[str, str]:
    """read_csv's columns, by position: the canonical name where the header maps one (its first
    occurrence), `_unused_<i>` elsewhere. Names travel as a bound value, never as SQL text."""
    wanted = {header: canonical for canonical, header in layout.columns.items()}
    names = {}
    for i, header in enumerate(layout.header):
        names[wanted.pop(header, None) or f"_unused_{i}"] = "VARCHAR"
    return names


def _labelled(rejects: list[tuple]) -> list[Reject]:
    return [(line, raw, f"malformed CSV record: {str(reason).lower()}")
            for line, raw, reason in rejects]


def _read_python(con, layout: CsvLayout) -> tuple[list[Reject], list[int]]:
    """Exact but slower: Python's csv module. Records with the wrong field count or longer than
    MAX_RECORD_CHARS are rejected with the physical line they start on and their raw text."""
    import pandas as pd          # only this fallback needs it (~0.45 s to import)

    header_len = len(layout.header)
    index = {c: layout.header.index(h) for c, h in layout.columns.items()}
    rows, rejects, record_lines = [], [], []
    csv.field_size_limit(sys.maxsize)          # size is checked per record below, never mid-way
    with layout.path.open("r", encoding=layout.encoding, newline="\n", errors="replace") as fh:
        tap = _Tap(_clean_lines(fh))
        reader = csv.reader(tap)
        try:
            next(reader)
        except (StopIteration, csv.Error):
            pass
        record = 0
        while True:
            start_line = reader.line_num + 1
            tap.start()
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                rejects.append((start_line, tap.raw(), f"malformed CSV record: {exc}"))
                continue
            if not fields:
                continue
            if tap.size > MAX_RECORD_CHARS:
                rejects.append((start_line, tap.raw(), "record longer than 1 MiB"))
                continue
            if len(fields) != header_len:
                rejects.append((start_line, tap.raw(),
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
    sql.execute_script(con, "etl/raw_twcs_from_frame")
    con.unregister("raw_twcs_frame")
    return rejects, record_lines


class _Tap:
    """Passes lines to the csv reader and keeps the current record's raw text (capped)."""

    def __init__(self, lines):
        self.lines, self.taken, self.size = lines, [], 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        if self.size < RAW_CAP:
            self.taken.append(line)
        self.size += len(line)
        return line

    def start(self) -> None:
        self.taken, self.size = [], 0

    def raw(self) -> str:
        return _restore_cr("".join(self.taken)[:RAW_CAP].rstrip("\r\n"))


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
