"""The bad-input corpus: files built from real twcs rows, each with its specified outcome.

Every case transforms the first `SAMPLE_ROWS` rows of ../shared/data/twcs/twcs_first5000.csv in a
temporary directory (the real file is never copied into the project) and states what must happen:

- `loaded`: every record is loaded (some may be duplicates of records already there);
- `quarantined`: the named records go to the `rejected` table with the named reason, the rest load;
- `failed`: the CLI prints one line, exits 1, and the database stays byte-identical.

The builder counts the records it writes (the test's own, independent count of `read`) and the
physical line each bad record starts on (header = line 1), so every run must reconcile exactly.
`corpus_table()` renders the specification as the Markdown table of docs/reliability.md.
"""
from __future__ import annotations

import csv
import gzip
import io
import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

SAMPLE_ROWS = 40
MIB = 1024 * 1024
TWCS_TIME = "%a %b %d %H:%M:%S %z %Y"

# Reasons, exactly as the loader writes them into rejected.reason (prefixes for parser errors).
MALFORMED = "malformed CSV record"
BAD_TIME = "created_at is not a timestamp"
FUTURE = "created_at is in the future"
NO_ID = "missing tweet_id"
BAD_ID = "tweet_id is not a number"
BAD_BOOL = "inbound is not a boolean"
CONFLICT = "duplicate tweet_id with different content (the first version is kept)"
TOO_LONG = "record longer than 1 MiB"


@dataclass(frozen=True)
class Sample:
    """Real rows: the header and the first SAMPLE_ROWS data rows, as lists of text fields."""
    header: list[str]
    rows: list[list[str]]

    @classmethod
    def read(cls, path: Path) -> "Sample":
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = [next(reader) for _ in range(SAMPLE_ROWS)]
        return cls(header, rows)

    def i(self, column: str) -> int:
        return self.header.index(column)

    def copy(self) -> list[list[str]]:
        return [list(r) for r in self.rows]

    def by_id(self, rows: list[list[str]], tweet_id: str) -> list[str]:
        return next(r for r in rows if r[self.i("tweet_id")] == tweet_id)


@dataclass
class Built:
    """What a builder wrote: the file, its record count and the lines of the bad records."""
    path: Path
    read: int = 0
    bad_lines: dict[int, str] = field(default_factory=dict)   # physical line -> reason
    facts: dict = field(default_factory=dict)                 # values the case's check needs


class Writer:
    """Renders records one by one so the builder knows each record's physical start line."""

    def __init__(self, header: list[str], newline: str = "\n"):
        self.newline = newline
        self.parts: list[str] = []
        self.line = 1                      # the line the next record starts on
        self.records = 0
        self._add(header, count=False)

    def _add(self, fields: list[str], count: bool = True) -> int:
        buf = io.StringIO()
        csv.writer(buf, lineterminator=self.newline).writerow(fields)
        return self.raw(buf.getvalue(), count)

    def row(self, fields: list[str]) -> int:
        """Append one record; returns the physical line it starts on."""
        return self._add(fields)

    def rows(self, rows: list[list[str]]) -> None:
        for r in rows:
            self.row(r)

    def raw(self, text: str, count: bool = True) -> int:
        start = self.line
        self.parts.append(text)
        self.line += text.count("\n")
        self.records += count
        return start

    def text(self) -> str:
        return "".join(self.parts)

    def save(self, path: Path, encoding: str = "utf-8", bom: bool = False) -> Path:
        data = self.text().encode(encoding)
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return path


@dataclass(frozen=True)
class Case:
    name: str
    given: str                      # the input, for the docs table
    outcome: str                    # 'loaded' | 'quarantined' | 'failed'
    then: str                       # the specified result, for the docs table
    build: Callable[[Path, Sample], Built]
    duplicates: int = 0
    error: str = ""                 # for 'failed': text the one-line error must contain
    check: Callable | None = None   # extra assertions: check(query, built, sample)


# ---------------------------------------------------------------- builders: records
def _replace_field(column: str, values: list[str], reason: str | None, start: int = 5):
    """Rows start, start+3, ... get `values` in `column`."""
    def build(tmp: Path, s: Sample) -> Built:
        rows, w, bad = s.copy(), Writer(s.header), {}
        targets = {start + 3 * k: v for k, v in enumerate(values)}
        for n, r in enumerate(rows):
            if n in targets:
                r[s.i(column)] = targets[n]
            line = w.row(r)
            if n in targets and reason:
                bad[line] = reason
        return Built(w.save(tmp / "case.csv"), w.records, bad)
    return build


def _field_count(extra: int):
    def build(tmp: Path, s: Sample) -> Built:
        w, bad = Writer(s.header), {}
        for n, r in enumerate(s.rows):
            if n == 12:
                bad[w.row(r[:3] if extra < 0 else r + ["extra"] * extra)] = MALFORMED
            else:
                w.row(r)
        return Built(w.save(tmp / "case.csv"), w.records, bad)
    return build


def _unterminated_last(final_newline: bool):
    def build(tmp: Path, s: Sample) -> Built:
        w = Writer(s.header)
        w.rows(s.rows[:-1])
        last = s.rows[-1]
        text = '"' + last[4].replace('"', '""') + " and the quote never closes"
        line = w.raw(_join(last, 4, text) + ("\n" if final_newline else ""))
        return Built(w.save(tmp / "case.csv"), w.records, {line: MALFORMED})
    return build


def _join(fields: list[str], at: int, raw_field: str) -> str:
    """A CSV record with field `at` written as raw text, unquoted; the others quoted as usual."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(fields[:at] + ["\x01"] + fields[at + 1:])
    return buf.getvalue().replace("\x01", raw_field)


def _nul_bytes(tmp: Path, s: Sample) -> Built:
    rows = s.copy()
    original = rows[6][s.i("text")]
    rows[6][s.i("text")] = original[:10] + "\x00" + original[10:] + "\x00"
    w = Writer(s.header)
    w.rows(rows)
    return Built(w.save(tmp / "case.csv"), w.records,
                 facts={"id": rows[6][s.i("tweet_id")], "text": original})


def _check_nul(query, built: Built, s: Sample) -> None:
    got = query("select text from messages where message_id = $id", {"id": built.facts["id"]})
    assert got == [(built.facts["text"],)]


def _long_text(tmp: Path, s: Sample) -> Built:
    rows = s.copy()
    filler = "".join(f"{n} ünïcödé 🚀 long complaint. " for n in range(5000))
    text = (rows[7][s.i("text")] + " " + filler)
    text = text[: 100 * 1024]
    rows[7][s.i("text")] = text
    w = Writer(s.header)
    w.rows(rows)
    return Built(w.save(tmp / "case.csv"), w.records,
                 facts={"id": rows[7][s.i("tweet_id")], "text": text})


def _check_text_kept(query, built: Built, s: Sample) -> None:
    got = query("select text from messages where message_id = $id", {"id": built.facts["id"]})
    assert got == [(built.facts["text"],)]


def _huge_record(tmp: Path, s: Sample) -> Built:
    """One record on one physical line of 50 MB, between ordinary records."""
    w, bad = Writer(s.header), {}
    for n, r in enumerate(s.rows):
        if n == 20:
            huge = list(r)
            huge[s.i("text")] = "@AmazonHelp " + "x" * (50 * MIB)
            bad[w.row(huge)] = TOO_LONG
        else:
            w.row(r)
    return Built(w.save(tmp / "case.csv"), w.records, bad,
                 facts={"id": s.rows[20][s.i("tweet_id")]})


def _check_huge(query, built: Built, s: Sample) -> None:
    assert query("select count(*) from messages where message_id = $id", {"id": built.facts["id"]}) == [(0,)]
    # the quarantined raw text is capped, so one bad record cannot bloat the database
    assert query("select max(length(raw)) <= 100000 from rejected") == [(True,)]


# ---------------------------------------------------------------- builders: threads
def _parent_missing(tmp: Path, s: Sample) -> Built:
    rows = s.copy()
    # tweet 1 (sprintcare) answers tweet 3, which is left out of the file
    rows = [r for r in rows if r[s.i("tweet_id")] != "3"]
    w = Writer(s.header)
    w.rows(rows)
    return Built(w.save(tmp / "case.csv"), w.records)


def _check_parent_missing(query, built: Built, s: Sample) -> None:
    assert query("select in_reply_to_id from messages where message_id = '1'") == [("3",)]
    assert query("select count(*) from replies where reply_id = '1'") == [(0,)]


def _reply_before_parent(tmp: Path, s: Sample) -> Built:
    rows = s.copy()
    # tweet 1 (sprintcare, 22:10:47) answers tweet 3 (22:08:27); stamp the reply 08 minutes early
    s.by_id(rows, "1")[s.i("created_at")] = "Tue Oct 31 22:00:00 +0000 2017"
    w = Writer(s.header)
    w.rows(rows)
    return Built(w.save(tmp / "case.csv"), w.records)


def _check_reply_before_parent(query, built: Built, s: Sample) -> None:
    assert query("select latency_minutes from replies where reply_id = '1'") == [(None,)]
    assert query("select count(*) from replies where latency_minutes < 0") == [(0,)]
    assert query("select count(*) from conversations where first_response_minutes < 0") == [(0,)]


def _reply_cycle(tmp: Path, s: Sample) -> Built:
    rows = s.copy()
    reply_to = s.i("in_response_to_tweet_id")
    # a two-cycle (26 <-> 27), a three-cycle (30 -> 31 -> 32 -> 30) and a self-reply (33 -> 33)
    for child, parent in (("26", "27"), ("27", "26"), ("30", "31"), ("31", "32"), ("32", "30"),
                          ("33", "33")):
        s.by_id(rows, child)[reply_to] = parent
    w = Writer(s.header)
    w.rows(rows)
    return Built(w.save(tmp / "case.csv"), w.records)


def _check_cycle(query, built: Built, s: Sample) -> None:
    def conv(i: str) -> str:
        return query("select conversation_id from messages where message_id = $id", {"id": i})[0][0]
    assert conv("26") == conv("27") == "26"
    assert conv("30") == conv("31") == conv("32") == "30"
    assert conv("33") == "33"
    assert query("select count(*) from messages where conversation_id is null") == [(0,)]


# ---------------------------------------------------------------- builders: duplicates, time
def _duplicate(different: bool):
    def build(tmp: Path, s: Sample) -> Built:
        rows, w, bad = s.copy(), Writer(s.header), {}
        w.rows(rows)
        copy = list(rows[4])
        if different:
            copy[s.i("text")] = copy[s.i("text")] + " (edited)"
        line = w.row(copy)
        if different:
            bad[line] = CONFLICT
        return Built(w.save(tmp / "case.csv"), w.records, bad,
                     facts={"id": rows[4][s.i("tweet_id")], "text": rows[4][s.i("text")]})
    return build


def _check_first_version_kept(query, built: Built, s: Sample) -> None:
    got = query("select text from messages where message_id = $id", {"id": built.facts["id"]})
    assert got == [(built.facts["text"],)]


# ---------------------------------------------------------------- builders: text and encodings
EMOJI_RTL = [
    "@AppleSupport my 👨‍👩‍👧‍👦 family plan 🤬🤬 still broken ✈️🇬🇧 #fail",
    "@AmazonHelp لم يصل طلبي حتى الآن، رقم الطلب 123-456",
    "@AmazonHelp ההזמנה שלי לא הגיעה, מה קורה?",
    "@Uber_Support file \u202egnp.exe and zero\u200bwidth and combining e\u0301",
]


def _emoji_rtl(tmp: Path, s: Sample) -> Built:
    rows = s.copy()
    ids = []
    for k, text in enumerate(EMOJI_RTL):
        rows[3 + 5 * k][s.i("text")] = text
        ids.append(rows[3 + 5 * k][s.i("tweet_id")])
    w = Writer(s.header)
    w.rows(rows)
    return Built(w.save(tmp / "case.csv"), w.records, facts={"texts": dict(zip(ids, EMOJI_RTL))})


def _check_texts(query, built: Built, s: Sample) -> None:
    for message_id, text in built.facts["texts"].items():
        assert query("select text from messages where message_id = $id", {"id": message_id}) == [(text,)]


def _latin1(tmp: Path, s: Sample) -> Built:
    rows = s.copy()
    texts = {}
    for n, r in enumerate(rows):
        text = r[s.i("text")].encode("latin-1", "replace").decode("latin-1")
        if n % 4 == 0:
            text += " ¿Dónde está mi café? £20 ½ año"
        r[s.i("text")] = text
        texts[r[s.i("tweet_id")]] = text
    w = Writer(s.header)
    w.rows(rows)
    return Built(w.save(tmp / "case.csv", encoding="latin-1"), w.records, facts={"texts": texts})


def _bom_crlf(tmp: Path, s: Sample) -> Built:
    w = Writer(s.header, newline="\r\n")
    w.rows(s.rows)
    return Built(w.save(tmp / "case.csv", bom=True), w.records)


def _reordered(tmp: Path, s: Sample) -> Built:
    order = [s.header[k] for k in (4, 2, 6, 0, 5, 3, 1)]
    w = Writer(order)
    w.rows([[r[s.i(c)] for c in order] for r in s.rows])
    return Built(w.save(tmp / "case.csv"), w.records)


def _extra_columns(tmp: Path, s: Sample) -> Built:
    w = Writer(["", *s.header, "lang"])
    w.rows([[str(n), *r, "en"] for n, r in enumerate(s.rows)])
    return Built(w.save(tmp / "case.csv"), w.records)


def _without(columns: tuple[str, ...]):
    def build(tmp: Path, s: Sample) -> Built:
        keep = [c for c in s.header if c not in columns]
        w = Writer(keep)
        w.rows([[r[s.i(c)] for c in keep] for r in s.rows])
        return Built(w.save(tmp / "case.csv"), w.records)
    return build


def _check_no_replies(query, built: Built, s: Sample) -> None:
    assert query("select count(*) from replies") == [(0,)]
    assert query("select count(*) from messages where in_reply_to_id is not null") == [(0,)]


def _same_as_plain(query, built: Built, s: Sample) -> None:
    """The messages equal the plain real rows, field by field."""
    got = query("select message_id, author_id, direction, epoch(created_at)::bigint, text, "
                "in_reply_to_id from messages order by message_id")
    want = sorted(
        (r[s.i("tweet_id")], r[s.i("author_id")],
         "inbound" if r[s.i("inbound")] == "True" else "outbound",
         int(datetime.strptime(r[s.i("created_at")], TWCS_TIME).timestamp()),
         r[s.i("text")], r[s.i("in_response_to_tweet_id")] or None)
        for r in s.rows
    )
    assert got == want


# ---------------------------------------------------------------- builders: whole files
def _bytes(content: bytes):
    def build(tmp: Path, s: Sample) -> Built:
        path = tmp / "case.csv"
        path.write_bytes(content)
        return Built(path)
    return build


def _header_only(tmp: Path, s: Sample) -> Built:
    return Built(Writer(s.header).save(tmp / "case.csv"))


def _garbage(tmp: Path, s: Sample) -> Built:
    path = tmp / "case.csv"
    path.write_bytes(random.Random(8).randbytes(256 * 1024))
    return Built(path)


def _gzipped(tmp: Path, s: Sample) -> Built:
    w = Writer(s.header)
    w.rows(s.rows)
    path = tmp / "case.csv"            # a compressed download saved under a .csv name
    path.write_bytes(gzip.compress(w.text().encode("utf-8"), mtime=0))
    return Built(path)


def _stray_quote(tmp: Path, s: Sample) -> Built:
    """A bare '"' inside an unquoted field (a hand-edited file): RFC 4180 forbids it."""
    w, bad = Writer(s.header), {}
    for n, r in enumerate(s.rows):
        if n == 15:
            w.raw(_join(r, s.i("text"), '@sprintcare my 6" phone') + "\n")
        else:
            w.row(r)
    return Built(w.save(tmp / "case.csv"), w.records, bad,
                 facts={"texts": {s.rows[15][s.i("tweet_id")]: '@sprintcare my 6" phone'}})


CASES: list[Case] = [
    Case("unparseable_timestamp", "`created_at` is `yesterday-ish` / `2017-13-45T99:00:00Z`",
         "quarantined", f"those 2 records: `{BAD_TIME}`",
         _replace_field("created_at", ["yesterday-ish", "2017-13-45T99:00:00Z"], BAD_TIME)),
    Case("empty_id", "`tweet_id` empty / blank", "quarantined", f"those 2 records: `{NO_ID}`",
         _replace_field("tweet_id", ["", "   "], NO_ID)),
    Case("non_numeric_id", "`tweet_id` is `abc` / `12e5` / `-7` / `1.5`", "quarantined",
         f"those 4 records: `{BAD_ID}`",
         _replace_field("tweet_id", ["abc", "12e5", "-7", "1.5"], BAD_ID)),
    Case("bad_boolean", "`inbound` is `maybe` / empty / `2`", "quarantined",
         f"those 3 records: `{BAD_BOOL}`",
         _replace_field("inbound", ["maybe", "", "2"], BAD_BOOL)),
    Case("too_few_fields", "a record with 3 of 7 fields", "quarantined",
         f"that record: `{MALFORMED}: ...`", _field_count(-1)),
    Case("too_many_fields", "a record with 9 fields", "quarantined",
         f"that record: `{MALFORMED}: ...`", _field_count(2)),
    Case("unterminated_quote_last_row", "the last record opens a quote that never closes",
         "quarantined", f"the last record: `{MALFORMED}: ...`; all before it load",
         _unterminated_last(True)),
    Case("unterminated_quote_no_final_newline", "the same, and the file lacks a final newline",
         "quarantined", f"the last record: `{MALFORMED}: ...`", _unterminated_last(False)),
    Case("stray_quote", 'a bare `"` inside an unquoted field (`my 6" phone`)', "loaded",
         "loaded, the quote kept as text (the file is re-parsed by Python's csv module)",
         _stray_quote, check=_check_texts),
    Case("nul_bytes", "NUL bytes inside a text", "loaded", "loaded; the NUL bytes are removed",
         _nul_bytes, check=_check_nul),
    Case("text_100kb", "one text of 100 KB (emoji, accents)", "loaded", "loaded intact",
         _long_text, check=_check_text_kept),
    Case("line_50mb", "one record on a 50 MB line between ordinary records", "quarantined",
         f"that record: `{TOO_LONG}` (raw text capped at 100,000 characters); the rest load",
         _huge_record, check=_check_huge),
    Case("parent_missing", "a brand reply whose parent is not in the file", "loaded",
         "loaded with its `in_reply_to_id`; no `replies` row until the parent arrives",
         _parent_missing, check=_check_parent_missing),
    Case("reply_before_parent", "a brand reply stamped 8 minutes before its parent", "loaded",
         "loaded; its `replies.latency_minutes` is NULL, never negative; not a first response",
         _reply_before_parent, check=_check_reply_before_parent),
    Case("reply_cycle", "replies forming cycles (26↔27, 30→31→32→30) and a self-reply",
         "loaded", "loaded; each cycle is one conversation rooted at its smallest id",
         _reply_cycle, check=_check_cycle),
    Case("duplicate_same", "a record repeated byte for byte", "loaded",
         "loaded once; the copy counts as a duplicate", _duplicate(False), duplicates=1,
         check=_check_first_version_kept),
    Case("duplicate_different", "a record repeated with another text", "quarantined",
         f"the copy: `{CONFLICT}`", _duplicate(True), check=_check_first_version_kept),
    Case("far_future", "`created_at` in 2999 (twcs and ISO formats)", "quarantined",
         f"those 2 records: `{FUTURE}`", _replace_field("created_at", [
             "Wed Oct 31 22:10:47 +0000 2999", "2999-01-01T00:00:00Z"], FUTURE)),
    Case("emoji_rtl", "emoji (ZWJ, flags), Arabic, Hebrew, RTL override, zero-width", "loaded",
         "loaded byte for byte", _emoji_rtl, check=_check_texts),
    Case("latin1", "the file encoded in latin-1 (`café`, `£`, `½`)", "loaded",
         "loaded, decoded as latin-1", _latin1, check=_check_texts),
    Case("bom_crlf", "UTF-8 BOM and CRLF line ends", "loaded", "loaded, same messages as the plain file",
         _bom_crlf, check=_same_as_plain),
    Case("reordered_columns", "the columns in another order", "loaded",
         "loaded, same messages as the plain file", _reordered, check=_same_as_plain),
    Case("extra_columns", "a leading unnamed index column and an unknown `lang` column", "loaded",
         "loaded, same messages; unknown columns ignored", _extra_columns, check=_same_as_plain),
    Case("missing_optional_columns", "no `response_tweet_id`, no `in_response_to_tweet_id`",
         "loaded", "loaded as unthreaded messages (no replies)",
         _without(("response_tweet_id", "in_response_to_tweet_id")), check=_check_no_replies),
    Case("missing_required_column", "no `created_at` column", "failed",
         "`not a twcs CSV: required column(s) created_at missing`", _without(("created_at",)),
         error="required column(s) created_at missing"),
    Case("header_only", "a header and no records", "loaded", "a run with 0 records read",
         _header_only),
    Case("zero_bytes", "a zero-byte file", "failed", "`the file is empty (no header row)`",
         _bytes(b""), error="the file is empty"),
    Case("blank_lines", "only blank lines", "failed", "`the file is empty (no header row)`",
         _bytes(b"\n\r\n  \n"), error="the file is empty"),
    Case("binary_garbage", "256 KB of random bytes", "failed", "`binary data, not a CSV file`",
         _garbage, error="binary data, not a CSV file"),
    Case("gzip_named_csv", "a gzip-compressed twcs file named `.csv`", "failed",
         "`gzip-compressed; decompress it first`", _gzipped, error="gzip-compressed"),
]


def case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def corpus_table() -> str:
    """The specification as the Markdown table kept in docs/reliability.md."""
    lines = ["| case | input (built from real rows) | outcome | specified result |",
             "|---|---|---|---|"]
    for c in CASES:
        lines.append(f"| `{c.name}` | {c.given} | {c.outcome} | {c.then} |")
    return "\n".join(lines)
