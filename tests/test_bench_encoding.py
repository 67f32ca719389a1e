"""twcs.count_records validates UTF-8 with Arrow, chunk by chunk, in its one pass over the file (a
performance change): it must agree with Python's strict decoder, also when a chunk boundary
splits a character."""
import random

import pytest

from etl.sources import twcs

PIECES = ["a", "\n", ",", "é", "€", "😀", "\u2019"]


def _python_says(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64, None])
def test_agrees_with_python_at_every_chunk_boundary(chunk, tmp_path, monkeypatch):
    if chunk is not None:                    # the chunked counter of large files, else the small
        monkeypatch.setattr(twcs, "_NUMPY_FROM", 0)
        monkeypatch.setattr(twcs, "_CHUNK", chunk)
    rnd = random.Random(chunk or 0)
    path = tmp_path / "f.csv"
    seen = set()
    for _ in range(200):
        data = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 25))).encode()
        if data and rnd.random() < 0.5:                       # a stray byte somewhere
            i = rnd.randrange(len(data))
            data = data[:i] + bytes([rnd.randrange(256)]) + data[i + 1:]
        if data and rnd.random() < 0.2:                       # a character cut at the end
            data = data[:-1]
        path.write_bytes(data)
        expected = _python_says(data)
        seen.add(expected)
        assert twcs.count_records(path)[2] == expected, data
    assert seen == {"utf-8", "latin-1"}
