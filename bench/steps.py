"""Single ETL steps the benchmark times in their own process.

    python -m bench.steps sentiment DB      # score inbound messages still without sentiment
    python -m bench.steps unscored DB       # print how many inbound messages have no sentiment

`sentiment` exists because the loader may not score sentiment yet (the lead wires
`etl.sentiment.score_messages` into `etl.load.finish`); the benchmark then adds this step's
time to the load's, so the "full ETL, sentiment included" figure is never understated.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from bench import queries


def unscored(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(queries.rows(con, "unscored")[0][0])
    finally:
        con.close()


def derive_mode(db: Path) -> str | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return queries.rows(con, "derive_mode")[0][0]
    finally:
        con.close()


def sentiment(db: Path) -> dict:
    from etl import publish, sentiment as scorer

    began = time.perf_counter()
    con = publish.connect_writer(db)
    try:
        scored = scorer.score_messages(con)
        con.execute("checkpoint")
    finally:
        con.close()
    return dict(scored=scored, seconds=round(time.perf_counter() - began, 3))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    step, db = argv[0], Path(argv[1])
    if step == "sentiment":
        print(json.dumps(sentiment(db)))
    elif step == "unscored":
        print(json.dumps(dict(unscored=unscored(db))))
    else:
        print(f"unknown step {step}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
