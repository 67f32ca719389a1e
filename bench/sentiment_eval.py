"""Sentiment: accuracy on human-labelled airline tweets, and throughput of both paths.

    python -m bench.sentiment_eval [--rows 1500000] [--reference-sample 30000] [--threads N]
                                   [--airline PATH] [--skip-throughput]

Accuracy (per-class recall, macro-recall = their mean, accuracy) on
../shared/data/sentiment/airline_tweets.csv for plain VADER (reference), the SQL fast path without
care tuning, and the fast path with it. Throughput (texts/s) of the reference and the fast path on
three corpora of `--rows` texts: the generator's customer texts (etl.demo: ~97-98% distinct, as
real twcs inbound texts are), the airline tweets made distinct by perturbation (no help from
scoring each distinct text once), and the tweets simply repeated (where it helps). Ratios are
against the physical floors: DuckDB reading the same texts, and only tokenizing them.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

import sql
from etl import sentiment

ROOT = Path(__file__).resolve().parents[1]
AIRLINE = ROOT.parent / "shared" / "data" / "sentiment" / "airline_tweets.csv"
INBOUND_SHARE = 0.57   # inbound rows per generated row (etl.demo)


def recalls(labels, truth) -> dict[str, float]:
    """Per-class recall, their mean (macro-recall) and accuracy."""
    labels, truth = np.asarray(labels), np.asarray(truth)
    out = {c: float((labels[truth == c] == c).mean()) for c in sentiment.LABELS}
    out["macro"] = float(np.mean([out[c] for c in sentiment.LABELS]))
    out["accuracy"] = float((labels == truth).mean())
    return out


def load_airline(path: Path = AIRLINE) -> pd.DataFrame:
    frame = pd.read_csv(path, usecols=["text", "airline_sentiment"])
    return frame.rename(columns={"airline_sentiment": "truth"})


def perturbed_corpus(texts: list[str], rows: int, seed: int = 7) -> list[str]:
    """`rows` distinct texts: a random tweet with one word dropped and two neighbours swapped
    (whitespace and newlines kept), behind a numbered mention (customers tag each other), so no
    two texts are equal and every one is tokenized and scored."""
    rng = np.random.default_rng(seed)
    words = [t.split(" ") for t in texts]
    picks = rng.integers(0, len(texts), rows)
    drops = rng.random(rows)
    swaps = rng.random(rows)
    out = []
    for i, k in enumerate(picks):
        w = list(words[k])
        if len(w) > 3:
            del w[1 + int(drops[i] * (len(w) - 1))]
            j = int(swaps[i] * (len(w) - 1))
            w[j], w[j + 1] = w[j + 1], w[j]
        out.append(f"@{100000 + i} " + " ".join(w))
    return out


def generated_corpus(rows: int, seed: int = 2017) -> list[str]:
    """About `rows` customer texts from the project's generator (etl.demo, as the benchmark's
    data; ~97-98% distinct, like real twcs inbound texts), in file order."""
    from etl import demo

    with tempfile.TemporaryDirectory(prefix="sentiment_eval_") as folder:
        info = demo.generate(folder, rows=int(rows / INBOUND_SHARE), seed=seed, days=60)
        con = duckdb.connect()
        try:
            texts = [r[0] for r in con.execute(
                "select coalesce(text, '') from read_csv($path, all_varchar = true) "
                "where inbound = 'True'", {"path": info["twcs"]}).fetchall()]
        finally:
            con.close()
    return texts[:rows]


def timed(fn, *args, **kwargs):
    """(result, wall seconds, CPU seconds of this process: all DuckDB threads together)."""
    cpu0, start = _cpu(), time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start, _cpu() - cpu0


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def floors(con, texts: list[str]) -> tuple[float, float]:
    """CPU seconds of two floors: DuckDB reading the texts (summing their lengths), and
    tokenizing them the way sentiment.sql does (one regexp, split, unnest; no scoring)."""
    frame = pd.DataFrame({"text": pd.Series(texts, dtype=object)})
    con.register("floor_df", frame)
    try:
        _, _, scan = timed(lambda: con.execute("select sum(strlen(text)) from floor_df").fetchall())
        _, _, tokenize = timed(lambda: con.execute(
            "select count(*), max(strlen(token)) from (select unnest(string_split("
            "regexp_replace(text, $strip, '', 'g'), ' ')) as token from floor_df)",
            {"strip": sentiment.STRIP_CARE},
        ).fetchall())
    finally:
        con.unregister("floor_df")
    return scan, tokenize


def messages_table(con, texts: list[str], outbound_every: int = 10) -> None:
    """A `messages` table (sql/etl/schema.sql) with the texts as inbound rows, plus outbound ones."""
    sql.execute_script(con, "etl/schema")
    n = len(texts)
    frame = pd.DataFrame({
        "message_id": pd.Series(np.arange(n).astype(str), dtype=object),
        "direction": np.where(np.arange(n) % outbound_every == 0, "outbound", "inbound"),
        "text": pd.Series(texts, dtype=object),
    })
    con.register("bench_messages_df", frame)
    con.execute(
        "insert into messages (message_id, channel, direction, author_id, created_at, text, source) "
        "select message_id, 'public', direction, 'a', timestamptz '2024-01-01', text, 'bench' "
        "from bench_messages_df"
    )
    con.unregister("bench_messages_df")


def accuracy_report(frame: pd.DataFrame) -> dict[str, dict]:
    texts, truth = frame.text.tolist(), frame.truth.to_numpy()
    con = duckdb.connect()
    sentiment.load_lexicon(con)
    ref, ref_s, _ = timed(sentiment.reference_scores, texts)
    plain, plain_s, _ = timed(sentiment.score_texts, texts, con, care=False)
    care, care_s, _ = timed(sentiment.score_texts, texts, con, care=True)
    con.close()
    rows = {
        "reference (plain VADER)": (ref.label, ref_s),
        "fast path, VADER rules only": (plain.label, plain_s),
        "fast path, care tuned": (care.label, care_s),
    }
    print(f"Accuracy on {AIRLINE.name}: {len(frame):,} tweets, human labels "
          + ", ".join(f"{c} {int((truth == c).sum()):,}" for c in sentiment.LABELS))
    print(f"{'':30} {'macro-recall':>12} {'negative':>9} {'neutral':>8} {'positive':>9} "
          f"{'accuracy':>9} {'texts/s':>10}")
    report = {}
    for name, (labels, seconds) in rows.items():
        r = recalls(labels.to_numpy(), truth)
        report[name] = r
        print(f"{name:30} {r['macro']:12.4f} {r['negative']:9.4f} {r['neutral']:8.4f} "
              f"{r['positive']:9.4f} {r['accuracy']:9.4f} {len(texts) / seconds:10,.0f}")
    agree = (plain.label.to_numpy() == ref.label.to_numpy()).mean()
    same = (np.abs(plain.score.to_numpy() - ref.score.to_numpy()) < 1e-3).mean()
    print(f"VADER rules only vs reference: same label {agree:.2%}, same score (+-0.001) {same:.2%}")
    return report


def throughput_report(texts: list[str], rows: int, reference_sample: int, threads: int) -> None:
    print(f"\nThroughput on {rows:,} texts, DuckDB threads = {threads}, host load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"wall = elapsed s; cpu = CPU s of this process, all threads; cpu-rate = texts per CPU s "
          f"x cores used ({threads}; VADER 1), the rate on idle cores; x scan / x tokenize = cpu "
          "over the CPU s of DuckDB only reading / only tokenizing the same texts")
    corpora = {
        "generated (etl.demo)": generated_corpus(rows),
        "perturbed (all distinct)": perturbed_corpus(texts, rows),
        "repeated (~%d copies each)" % max(1, rows // len(texts)): (
            texts * (rows // len(texts) + 1))[:rows],
    }
    print(f"{'corpus':28} {'path':24} {'wall s':>7} {'cpu s':>7} {'texts/s':>9} "
          f"{'cpu-rate':>10} {'x scan':>7} {'x tokenize':>10}")

    def line(corpus, path, n, wall, cpu, cores, floor):
        print(f"{corpus:28} {path:24} {wall:7.2f} {cpu:7.2f} {n / wall:9,.0f} "
              f"{cores * n / cpu:10,.0f} {cpu / floor[0]:7.0f} {cpu / floor[1]:10.1f}")

    for name, corpus in corpora.items():
        con = duckdb.connect(config={"threads": threads})
        sentiment.load_lexicon(con)
        floor = floors(con, corpus)
        sample = corpus[:reference_sample]
        _, ref_wall, ref_cpu = timed(sentiment.reference_scores, sample)
        scale = rows / len(sample)
        line(name, "reference (sampled)", rows, ref_wall * scale, ref_cpu * scale, 1, floor)
        _, wall, cpu = timed(sentiment.score_texts, corpus, con, care=True)
        line("", "score_texts (care)", rows, wall, cpu, threads, floor)
        messages_table(con, corpus)
        inbound = con.execute(
            "select count(*) from messages where direction = 'inbound'").fetchall()[0][0]
        scored, wall, cpu = timed(sentiment.score_messages, con)
        assert scored == inbound, (scored, inbound)
        line("", "score_messages (care)", inbound, wall, cpu, threads, floor)
        distinct = con.execute("select count(distinct text) from messages "
                               "where direction = 'inbound'").fetchall()[0][0]
        print(f"{'':28} ({inbound:,} inbound rows of {rows:,}, {distinct:,} distinct texts; "
              f"floors: scan {floor[0]:.2f} cpu s, tokenize {floor[1]:.2f} cpu s)")
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_500_000, help="synthetic corpus size")
    parser.add_argument("--reference-sample", type=int, default=30_000,
                        help="texts the (slow) reference scores to estimate its rate")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads (2 cores)")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--airline", type=Path, default=AIRLINE,
                        help="the labelled airline tweets (default: ../shared/data beside the project)")
    args = parser.parse_args(argv)
    if not args.airline.exists():
        print(f"{args.airline} not found (real sample data lives beside the project)", file=sys.stderr)
        return 2
    report = accuracy_report(load_airline(args.airline))
    ref = report["reference (plain VADER)"]["macro"]
    for name in ("fast path, VADER rules only", "fast path, care tuned"):
        if report[name]["macro"] < ref:
            print(f"WARNING: {name} macro-recall below the reference's", file=sys.stderr)
    if not args.skip_throughput:
        throughput_report(load_airline(args.airline).text.tolist(), args.rows, args.reference_sample,
                          args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
