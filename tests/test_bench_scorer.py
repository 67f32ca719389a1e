"""bench.scorer: the scorer alone on a database's distinct inbound texts, and its exact compare."""
from __future__ import annotations

import duckdb

from bench import scorer
from etl import sentiment

TEXTS = ["The book was good.", "still waiting", "The book was good.", None, "THIS IS GREAT :)",
         "no good at all", "it was never so good"]


def test_scores_each_distinct_inbound_text_and_compares_exactly(tmp_path):
    db = tmp_path / "m.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table messages (direction varchar, text varchar)")
        con.executemany("insert into messages values ('inbound', ?)", [[t] for t in TEXTS])
        con.execute("insert into messages values ('outbound', 'terrible, awful')")
    saved = tmp_path / "scores.parquet"

    first = scorer.main([str(db), "--threads", "1", "--scores", str(saved)])
    again = scorer.main([str(db), "--compare", str(saved)])

    assert first["texts"] == 6  # distinct, NULL as '', outbound left out
    assert (again["only_here"], again["only_other"], again["rows_other"]) == (0, 0, 6)
    distinct = sorted({t or "" for t in TEXTS})
    got = duckdb.sql(f"select score from '{saved}' order by id").fetchall()
    assert [s for (s,) in got] == list(sentiment.score_texts(distinct).score)
