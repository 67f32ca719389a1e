"""The bad-input corpus (tests/bad_input.py) through the real CLI: each case ends as specified,
and every run accounts for every record: read = loaded + duplicates + rejected, where `read` is
the builder's own count of the records it wrote."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bad_input import CASES, MALFORMED, Sample, Writer, case, corpus_table
from tests.conftest import ROOT, TWCS_5000, shared

SUMMARY = re.compile(r"read ([\d,]+) · loaded ([\d,]+) · duplicates ([\d,]+) · rejected ([\d,]+)")


@pytest.fixture(scope="module")
def sample() -> Sample:
    return Sample.read(shared(TWCS_5000))


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _base_db(tmp_path: Path, sample: Sample, cli) -> Path:
    """A database that already holds real rows, so 'untouched' means something."""
    base = Writer(sample.header)
    base.rows(sample.rows[:10])
    db = tmp_path / "case.duckdb"
    assert cli("load", "twcs", base.save(tmp_path / "base.csv"), "--db", db)[0] == 0
    return db


@pytest.mark.parametrize("spec", CASES, ids=[c.name for c in CASES])
def test_case_ends_as_specified(spec, sample, tmp_path, cli, read_db):
    built = spec.build(tmp_path, sample)
    if spec.outcome == "failed":
        _assert_failed_cleanly(spec, built, sample, tmp_path, cli)
        return
    db = tmp_path / "case.duckdb"
    code, out, err = cli("load", "twcs", built.path, "--db", db)
    assert code == 0, err

    rejected = len(built.bad_lines)
    expected = (built.read, built.read - spec.duplicates - rejected, spec.duplicates, rejected)
    printed = SUMMARY.search(out)
    assert printed, out
    assert tuple(_number(g) for g in printed.groups()) == expected
    runs = read_db(db, "select rows_read, rows_loaded, rows_duplicate, rows_rejected, "
                       "finished_at is not null from load_runs")
    assert runs == [(*expected, True)]
    assert read_db(db, "select count(*) from messages") == [(expected[1],)]

    got = read_db(db, "select line, reason from rejected order by line")
    assert [line for line, _ in got] == sorted(built.bad_lines), got
    for line, reason in got:
        want = built.bad_lines[line]
        assert reason.startswith(want) if want == MALFORMED else reason == want, (line, reason)
    assert (spec.outcome == "quarantined") == bool(rejected)
    if rejected:
        assert "rejected rows and their reasons: table `rejected`" in out
    if spec.check:
        spec.check(lambda text, params=None: read_db(db, text, params), built, sample)


def _assert_failed_cleanly(spec, built, sample, tmp_path, cli) -> None:
    db = _base_db(tmp_path, sample, cli)
    before = db.read_bytes()
    code, out, err = cli("load", "twcs", built.path, "--db", db)
    assert code == 1
    assert out == ""
    assert err.startswith("carepulse: error: ") and err.count("\n") == 1, err
    assert spec.error in err
    assert err.isprintable() or err[:-1].isprintable(), repr(err)   # no raw bytes on a terminal
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("*.building-*"))


def test_all_files_or_none(sample, tmp_path, cli):
    """A good file and a failing file in one command: nothing is published."""
    db = _base_db(tmp_path, sample, cli)
    before = db.read_bytes()
    good = Writer(sample.header)
    good.rows(sample.rows[10:])
    bad = case("binary_garbage").build(tmp_path, sample)
    code, _, err = cli("load", "twcs", good.save(tmp_path / "good.csv"), bad.path, "--db", db)
    assert code == 1 and "binary data" in err
    assert db.read_bytes() == before


def test_corpus_is_documented():
    """docs/reliability.md carries this exact table: the spec and the tests cannot drift."""
    doc = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert corpus_table() in doc
