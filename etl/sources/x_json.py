"""Source: X API v2 responses saved as files (exports, archives, `carepulse pull --save-responses`).

fetch only: read a file as received and hand over its response objects in order. Accepted:
one response object (`{"data": ..., "includes": ..., "meta": ...}`), a JSON list of them, or
NDJSON (one response per line, as twarc2 and `--save-responses` write); `.gz` files are read
through gzip; UTF-8 (with or without BOM) or UTF-16 with a BOM. An NDJSON line that is not JSON becomes an `Unparsed` piece (quarantined as one
rejected record); a file with no JSON at all, or that cannot be read, fails the whole load with one
sentence before the database is touched.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.errors import EtlError
from etl.x_transform import Unparsed


@dataclass
class JsonFile:
    path: Path
    responses: list[Any] = field(default_factory=list)   # JSON values and Unparsed lines, in order
    layout: str = "json"                                   # 'json', 'json-list' or 'ndjson'


def read(path: str | Path) -> JsonFile:
    path = Path(path)
    text = _text_of(path)
    if not text.strip():
        raise EtlError(f"{path}: the file is empty (no JSON)")
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return _read_ndjson(path, text)
    if isinstance(document, list):
        return JsonFile(path, document, "json-list")
    if isinstance(document, dict):
        return JsonFile(path, [document], "json")
    raise EtlError(f"{path}: a JSON {type(document).__name__}, not X API responses "
                   "(expected an object, a list of objects or NDJSON)")


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


def _read_ndjson(path: Path, text: str) -> JsonFile:
    responses: list[Any] = []
    parsed = 0
    first_error = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            responses.append(json.loads(line))
            parsed += 1
        except json.JSONDecodeError as exc:
            first_error = first_error or f"line {number}: {exc.msg}"
            responses.append(Unparsed(number, line[:100_000], exc.msg))
    if parsed == 0:
        raise EtlError(f"{path}: not JSON or NDJSON ({first_error})")
    return JsonFile(path, responses, "ndjson")
