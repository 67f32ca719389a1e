"""Source: X API v2 responses saved as files (exports, archives, `carepulse pull --save-responses`).

fetch only: read a file as received and hand over its responses as JSON texts (`Piece`s), in
order. Accepted: one response object (`{"data": ..., "includes": ..., "meta": ...}`), a JSON list
of them, or NDJSON (one response per line, as twarc2 and `--save-responses` write); `.gz` files
are read through gzip; UTF-8 (with or without BOM) or UTF-16 with a BOM. The JSON is parsed by
DuckDB, set-based (sql/etl/x_documents.sql), not here.

An NDJSON line that is not JSON becomes a piece with a problem (one rejected record). A file that
cannot be read or is not JSON at all (not one document, and fewer than half of its lines parse:
say a truncated pretty-printed export) fails the whole load with one sentence before the
database is touched.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

import sql
from etl.errors import EtlError
from etl.x_transform import Piece


@dataclass
class JsonFile:
    path: Path
    pieces: list[Piece] = field(default_factory=list)
    layout: str = "json"                     # 'json' (one document) or 'ndjson'


def read(path: str | Path) -> JsonFile:
    path = Path(path)
    text = _text_of(path)
    if not text.strip():
        raise EtlError(f"{path}: the file is empty (no JSON)")
    [(valid, kind)] = _check([text])
    if valid:
        if kind not in ("OBJECT", "ARRAY"):
            raise EtlError(f"{path}: a JSON {_KINDS.get(kind, 'number')}, not X API responses "
                           "(expected an object, a list of objects or NDJSON)")
        return JsonFile(path, [Piece(text)], "json")
    return _read_ndjson(path, text)


def _read_ndjson(path: Path, text: str) -> JsonFile:
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    checks = _check([line for _, line in numbered])
    good = sum(valid for valid, _ in checks)
    if good == 0 or good * 2 < len(numbered):
        raise EtlError(f"{path}: not JSON or NDJSON ({_reason(text)})")
    pieces = [Piece(line, number) if valid
              else Piece(line[:100_000], number, f"not JSON ({_reason(line, one_line=True)})")
              for (number, line), (valid, _) in zip(numbered, checks)]
    return JsonFile(path, pieces, "ndjson")


def _check(texts: list[str]) -> list[tuple[bool, str | None]]:
    """(valid, JSON type) per text, parsed by DuckDB on a private in-memory connection."""
    con = duckdb.connect()
    try:
        con.register("x_texts_frame", pd.DataFrame({"number": range(len(texts)), "body": texts}))
        rows = sql.query(con, "etl/x_json_check")
    finally:
        con.close()
    return [(bool(v), k) for v, k in zip(rows["valid"], rows["kind"])]


_KINDS = {"VARCHAR": "string", "BOOLEAN": "boolean", "NULL": "null"}


def _reason(text: str, one_line: bool = False) -> str:
    """Python's description of the first syntax error (only computed for text that failed)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}" if one_line else f"line {exc.lineno} column {exc.colno}"
        return f"{exc.msg} at {where}"
    except RecursionError:
        return "nested too deeply"
    return "invalid JSON"


def _text_of(path: Path) -> str:
    if not path.exists():
        raise EtlError(f"{path}: no such file")
    if not path.is_file():
        raise EtlError(f"{path}: not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EtlError(f"{path}: cannot be read ({exc.strerror})") from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise EtlError(f"{path}: a damaged gzip file ({exc})") from exc
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):        # UTF-16 with a BOM (Windows exports)
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise EtlError(f"{path}: damaged UTF-16 text (byte {exc.start})") from exc
    if b"\x00" in data[:4096]:
        raise EtlError(f"{path}: binary data, not JSON")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EtlError(f"{path}: not UTF-8 text, so not JSON (byte {exc.start})") from exc
