"""derive_outbound_flags.sql judges each distinct reply text once, after dropping the @handles it opens
with (a performance shortcut). That is exact only while no rule reads those handles: this test
runs the rules with and without the shortcut on real and generated replies and compares. The
rewrites that run only on texts holding a string they need are compared the same way with the
unfiltered rules (tests/reference_sql/outbound_flags_unfiltered.sql)."""
from pathlib import Path

import duckdb
import pytest

import sql
from etl import demo
from tests.conftest import TWCS_5000, shared

SHORTCUT = "regexp_replace(coalesce(text, ''), '^([@＠]\\w+\\s+)+', '') as text"
PER_ROW = "coalesce(text, '') as text"


REFERENCE = Path(__file__).parent / "reference_sql" / "outbound_flags_unfiltered.sql"
# texts that hold a prefilter's string in every spelling a rule reads, and near misses
PREFILTER_EDGES = [
    "Sorry! Details here HTTP://x.co/a1 and https://t.co/b ^JK", "see HTTPS://t.co/x",
    "We're on it (1/2)", "call us 2/3", "ok ½ 1/2) -Anna", "reply to ＠Team or @help now",
    "@a @b  hi @c.", "open 9 A.M. to 5 P.M. ET", "from 9am to 5:30pm", "9.30 AM -Sam",
    "team am pm", "use our SECURE LINK here", "a Secured private chat", "private, secure link",
    "PRIVATE MESSAGE us", "securely linked", "text https://x.co/1 (1/2) ^sp !!",
]


def _flags_statement(text: str | None = None) -> str:
    text = sql.text("etl/derive_outbound_flags") if text is None else text
    statement = next(s for s in sql.split_statements(text)
                     if "create or replace temp table outbound_flags" in s)
    assert SHORTCUT in statement, "the shortcut changed: update this test with it"
    return statement


def _outbound_texts(tmp_path) -> list[str]:
    import csv

    texts = []
    with open(shared(TWCS_5000), newline="", encoding="utf-8") as fh:
        texts += [r["text"] for r in csv.DictReader(fh) if r["inbound"] == "False"]
    info = demo.generate(tmp_path / "demo", rows=6_000, seed=4, days=14)
    with open(info["twcs"], newline="", encoding="utf-8") as fh:
        texts += [r["text"] for r in csv.DictReader(fh) if r["inbound"] == "False"]
    # and the same texts with other openings: more handles, none, a handle glued to punctuation
    texts += ["@someone @AnotherOne " + t for t in texts[:400]]
    texts += [t.split(" ", 1)[-1] for t in texts[:400]]
    texts += ["@x, " + t for t in texts[:50]] + ["@only", "@a @b", "@a -Anna", "@a\n^JK", ""]
    return texts


def test_the_distinct_text_shortcut_gives_the_per_row_flags(tmp_path):
    texts = _outbound_texts(tmp_path)
    assert len(texts) > 2_000
    con = duckdb.connect()
    con.execute("create table messages (message_id text, direction text, text text)")
    con.executemany("insert into messages values (?, 'outbound', ?)",
                    [(str(i), t) for i, t in enumerate(texts)])
    statement = _flags_statement()
    con.execute(statement)
    con.execute("create table with_shortcut as select * from outbound_flags")
    con.execute(statement.replace(SHORTCUT, PER_ROW))
    differ = con.execute(
        "select count(*) from "
        "(select * from with_shortcut except all select * from outbound_flags)"
    ).fetchall()[0][0]
    flagged = con.execute("select count(*) filter (where dm_redirect), count(agent) "
                          "from outbound_flags").fetchall()[0]
    assert differ == 0
    assert min(flagged) > 100                     # the sample exercises the rules


def test_the_prefiltered_rewrites_give_the_unfiltered_flags(tmp_path):
    texts = _outbound_texts(tmp_path) + PREFILTER_EDGES
    texts += [t.upper() for t in texts[:300]] + [t.lower() for t in texts[:300]]
    con = duckdb.connect()
    con.execute("create table messages (message_id text, direction text, text text)")
    con.executemany("insert into messages values (?, 'outbound', ?)",
                    [(str(i), t) for i, t in enumerate(texts)])
    con.execute(_flags_statement())
    con.execute("create table prefiltered as select * from outbound_flags")
    con.execute(_flags_statement(REFERENCE.read_text()))
    differ = con.execute(
        "select count(*) from (select * from prefiltered except all select * from outbound_flags)"
    ).fetchall()[0][0]
    flagged = con.execute("select count(*) filter (where off_channel), count(agent) "
                          "from outbound_flags").fetchall()[0]
    assert differ == 0
    assert min(flagged) > 50                      # the sample exercises the rules
