"""twcs.count_records counts small files in plain Python (no numpy import in a one-day load) and
large ones with numpy, chunk by chunk: both must give the same records, lines and encoding, on
files made of the pieces that decide a record's end (quotes, newlines, CR, blank lines)."""
import random

import pytest

from etl.sources import twcs

PIECES = ['"', '""', "\n", "\r\n", "\r", ",", "a", "é", "\n\n", '"a\nb"']


def _both(path, monkeypatch):
    small = twcs.count_records(path)
    with monkeypatch.context() as m:
        m.setattr(twcs, "_NUMPY_FROM", 0)
        m.setattr(twcs, "_CHUNK", 7)
        count, lines, encoding = twcs.count_records(path)
    return small, (count, [int(line) for line in lines], encoding)


@pytest.mark.parametrize("seed", range(4))
def test_small_file_counter_agrees_with_the_chunked_one(seed, tmp_path, monkeypatch):
    rnd = random.Random(seed)
    path = tmp_path / "f.csv"
    counts = set()
    for _ in range(300):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 30)))
        path.write_bytes(text.encode())
        small, chunked = _both(path, monkeypatch)
        assert (small[0], list(small[1]), small[2]) == chunked, text
        counts.add(small[0])
    assert len(counts) > 5                  # the files cover many record counts


def test_small_file_counter_on_a_real_layout(tmp_path, monkeypatch):
    path = tmp_path / "f.csv"
    path.write_bytes(b'tweet_id,text\n1,"two\nlines"\n\n2,plain\r\n\r\n3,"say ""hi"""\n4,last')
    small, chunked = _both(path, monkeypatch)
    assert small == (4, [2, 5, 7, 8], "utf-8")
    assert chunked == (4, [2, 5, 7, 8], "utf-8")


def test_a_next_day_load_imports_no_numpy(twcs_5000, tmp_path):
    """numpy costs 0.1-0.15 s to import, a fixed cost of every load: the second load of a
    database (lexicon, configuration and calendar already stored) runs without it, from the
    command line's start to the published file."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    lines = twcs_5000.read_bytes().splitlines(keepends=True)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(b"".join(lines[:3000]))
    second.write_bytes(lines[0] + b"".join(lines[3000:]))
    db = tmp_path / "cp.duckdb"
    load = ("import sys; from etl import cli; "
            "code = cli.main(['load', 'twcs', {file!r}, '--db', {db!r}]); "
            "print(code, 'numpy' in sys.modules)")
    root = Path(__file__).resolve().parents[1]
    outputs = [subprocess.run([sys.executable, "-c", load.format(file=str(f), db=str(db))],
                              cwd=tmp_path, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONPATH": str(root)}).stdout.split()[-2:]
               for f in (first, second)]
    assert outputs[1] == ["0", "False"]
