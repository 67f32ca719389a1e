"""derive_threads.sql places messages in conversations with a top-down walk from the roots and
keeps the upward walk only for what that walk cannot reach (reply cycles, chains 1,000 or more
deep). These hand-made threads check both against a plain Python statement of the rule:
a message's conversation is its topmost ancestor present in the data; a chain of 1,000 or more
ancestors counts as a cycle, rooted at the smallest id 501 to 1,000 steps up. A conversation
starts at its root when the root is in it, else (a cycle longer than 500) at its earliest
message."""
from datetime import datetime, timedelta, timezone

import duckdb
import pytest

import sql

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _threads() -> list[tuple[str, str | None, str, str]]:
    """(message_id, in_reply_to_id, direction, author_id) of every hand-made shape."""
    rows = [
        ("a1", "a2", "inbound", "c1"), ("a2", "a1", "outbound", "Acme"),          # 2-cycle
        ("b1", "b3", "inbound", "c2"), ("b2", "b1", "inbound", "c2"),             # 3-cycle
        ("b3", "b2", "outbound", "Acme"),
        ("b9", "b2", "inbound", "c2"), ("b10", "b9", "outbound", "Acme"),         # tail into it
        ("s1", "s1", "inbound", "c3"),                                            # self-reply
        ("m1", "gone", "inbound", "c4"),                                          # parent absent
        ("r0", None, "inbound", "c5"),
    ]
    for i in range(1, 1_300):                          # a chain 1,299 deep under r0
        parent = "r0" if i == 1 else f"d{i - 1:05d}"
        rows.append((f"d{i:05d}", parent, "outbound" if i % 2 else "inbound",
                     "Acme" if i % 2 else "c5"))
    for i in range(1, 1_200):                          # a cycle of 1,199 messages
        rows.append((f"L{i:05d}", f"L{i % 1_199 + 1:05d}", "inbound", "c6"))
    rows.append(("t1", "L00700", "outbound", "Acme"))  # and a tail into it
    return rows


def _expected_roots(rows) -> dict[str, str]:
    parent = {mid: p for mid, p, _, _ in rows}
    roots = {}
    for mid in parent:
        ancestors, current = [], mid
        while len(ancestors) < 1_000:
            up = parent.get(current)
            if up is None or up == current or up not in parent:
                break
            ancestors.append(up)
            current = up
        if len(ancestors) >= 1_000:
            roots[mid] = min(ancestors[500:1_000])
        else:
            roots[mid] = ancestors[-1] if ancestors else mid
    return roots


@pytest.fixture(scope="module")
def derived():
    rows = _threads()
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    sql.execute_script(con, "etl/schema")
    # times in a scrambled order, so "earliest" and "root" differ
    con.executemany(
        "insert into messages (message_id, channel, direction, author_id, created_at, text, "
        "in_reply_to_id, source) values (?, 'public', ?, ?, ?, 'hi @Acme', ?, 'twcs')",
        [(mid, direction, author, T0 + timedelta(minutes=(n * 37) % 5_003), parent)
         for n, (mid, parent, direction, author) in enumerate(rows)],
    )
    for step in ("etl/derive_threads", "etl/derive_business", "etl/derive_business_clock",
                 "etl/derive_outbound_flags", "etl/derive_replies", "etl/derive_campaigns",
                 "etl/derive_conversations"):
        sql.execute_script(con, step, {"dm_handoff_hours": 48})
    return rows, con


def test_each_message_gets_the_root_of_the_rule(derived):
    rows, con = derived
    got = dict(con.execute("select message_id, conversation_id from messages").fetchall())
    expected = _expected_roots(rows)
    assert got == expected
    assert got["b10"] == "b1" and got["s1"] == "s1" and got["m1"] == "m1"
    assert got["d00999"] == "r0" and got["d01000"] == "d00001"   # 1,000 ancestors: the cycle rule


def test_a_conversation_starts_at_its_root_or_else_its_earliest_message(derived):
    rows, con = derived
    created = dict(con.execute("select message_id, created_at from messages").fetchall())
    members: dict[str, list[str]] = {}
    for mid, root in _expected_roots(rows).items():
        members.setdefault(root, []).append(mid)
    expected = {}
    for conversation, ids in members.items():
        start = conversation if conversation in ids else min(ids, key=created.get)
        if dict((m, d) for m, _, d, _ in rows)[start] == "inbound":
            expected[conversation] = created[start]
    got = dict(con.execute("select conversation_id, started_at from conversations").fetchall())
    assert got == expected
    assert any(c not in members[c] for c in members)            # the case is exercised
