"""The sentiment scorer alone (sql/etl/sentiment.sql), on the distinct inbound texts of a loaded
database, with the code of the current directory.

    python -m bench.scorer DB [--threads 2] [--no-care] [--scores OUT.parquet]
                              [--compare OTHER.parquet]

Prints one JSON line: the scorer's process CPU and wall seconds (`etl.sentiment._score_input`
only: not the input, not the lexicon), the texts and the threads. `--scores` saves the scores by
id; `--compare` counts the rows that differ from another run's saved scores (EXCEPT ALL both
ways: 0 and 0 when every score and label is identical). Ids follow the texts' order, so runs of
two code versions compare row for row.

To measure a change, alternate fresh processes of the old and the new code in the same minutes
(cd into each worktree, `python -m bench.scorer ...`), at least six pairs: on the shared
two-core machine the same run's CPU varies by +-15% from one minute to the next.
"""
from __future__ import annotations

import argparse
import json
import resource
import time

import duckdb

from bench import queries
from etl import sentiment


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-care", action="store_true")
    parser.add_argument("--scores")
    parser.add_argument("--compare")
    args = parser.parse_args(argv)

    con = duckdb.connect(config={"threads": int(args.threads)})
    con.execute("set enable_progress_bar = false")
    con.execute("attach ? as src (read_only)", [args.db])
    con.execute(queries.text("scorer_input"))
    sentiment.load_lexicon(con)
    cpu, wall = _cpu(), time.perf_counter()
    sentiment._score_input(con, care=not args.no_care)
    result = {"scorer_cpu_s": round(_cpu() - cpu, 3),
              "scorer_wall_s": round(time.perf_counter() - wall, 3),
              "texts": con.execute("select count(*) from sentiment_input").fetchall()[0][0],
              "threads": args.threads, "care": not args.no_care, "code": sentiment.__file__}
    if args.scores:
        con.sql("select id, score, label from sentiment_scores order by id").write_parquet(args.scores)
    if args.compare:
        (only_here, only_other, rows_here, rows_other), = queries.rows(
            con, "scorer_diff", {"other": args.compare})
        result.update(only_here=only_here, only_other=only_other,
                      rows_here=rows_here, rows_other=rows_other)
    print(json.dumps(result), flush=True)
    con.close()
    return result


if __name__ == "__main__":
    main()
