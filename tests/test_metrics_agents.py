"""metrics/agents.sql, which counts each agent's conversations from reply_pairs, against its
previous text (tests/reference_sql/agents_direct.sql: a distinct count over the period's
replies), on real twcs rows and on a demo database (signed and unsigned replies, DMs), for
periods whose edges cut hours and days and periods that fall inside agent-conversation pairs
(replies before and after them, with and without one in them), one brand and all."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import sql
from tests.test_metrics_summaries import (REFERENCE_SQL, _brand_sets, _periods, _reader,
                                          demo_db, real_db)

__all__ = ["demo_db", "real_db"]   # module fixtures shared with test_metrics_summaries

MICROSECOND = dt.timedelta(microseconds=1)
BUSINESS_MEDIAN = "latency_business_median_minutes"     # what clock = calendar leaves out


def _inside_pairs(con) -> list[tuple[dt.datetime, dt.datetime]]:
    """Periods inside pairs with two or more replies: at a middle reply (a reply in the period,
    others before and after it), and from just after the first reply to the second (none in
    it; the pair's last reply at the period's end when it has two)."""
    rows = con.execute("""
        with seconds as (
            select
                replies.created_at,
                min(replies.created_at) over pair as first_at,
                count(*) over pair as replies,
                row_number() over (pair order by replies.created_at, replies.reply_id) as nth
            from replies
            window pair as (partition by replies.conversation_id, replies.brand, replies.agent)
        )
        select created_at, first_at
        from seconds
        where nth = 2 and created_at > first_at + interval 1 microsecond
        qualify row_number() over (partition by replies = 2 order by created_at) <= 6
    """).fetchall()
    return [period for at, first in rows
            for period in ((at, at + MICROSECOND), (first + MICROSECOND, at))]


def _spanning_with_a_reply(con, start, end) -> int:
    return con.execute("""
        select count(*)
        from reply_pairs
        where first_at < $start and last_at >= $end
          and exists (
              select 1 from replies
              where replies.conversation_id = reply_pairs.conversation_id
                and replies.brand = reply_pairs.brand
                and replies.agent is not distinct from reply_pairs.agent
                and replies.created_at >= $start and replies.created_at < $end)
    """, {"start": start, "end": end}).fetchall()[0][0]


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_agents_equals_its_distinct_count_text(which, request):
    con = _reader(request.getfixturevalue(which))
    direct = (REFERENCE_SQL / "agents_direct.sql").read_text(encoding="utf-8")
    inside = _inside_pairs(con)
    assert inside, "no pair with three replies: the periods inside pairs test nothing"
    compared, spanning, business_medians = 0, 0, 0
    for start, end in _periods(con) + inside:
        spanning += _spanning_with_a_reply(con, start, end)
        for brands in _brand_sets(con):
            params = dict(brands=brands, start=start, end=end)
            got = sql.query(con, "metrics/agents", params)
            expected = con.execute(direct, params).df()
            pd.testing.assert_frame_equal(got, expected, check_exact=True)
            compared += len(got)
            # the SLA page's clocks: calendar leaves the business median out, business none
            both = sql.query(con, "metrics/agents", dict(params, clock="both"))
            pd.testing.assert_frame_equal(both, expected, check_exact=True)
            business = sql.query(con, "metrics/agents", dict(params, clock="business"))
            pd.testing.assert_frame_equal(business, expected, check_exact=True)
            calendar = sql.query(con, "metrics/agents", dict(params, clock="calendar"))
            assert calendar["latency_business_median_minutes"].isna().all()
            pd.testing.assert_frame_equal(calendar.drop(columns=BUSINESS_MEDIAN),
                                          expected.drop(columns=BUSINESS_MEDIAN),
                                          check_exact=True)
            business_medians += int(expected[BUSINESS_MEDIAN].notna().sum())
    assert compared > 0 and business_medians > 0
    assert spanning > 0   # the lookup among the period's replies was needed and ran


@pytest.mark.parametrize("which", ["real_db", "demo_db"])
def test_reply_pairs_are_the_pairs_of_replies(which, request):
    con = _reader(request.getfixturevalue(which))
    diff = con.execute("""
        select count(*) from (
            (select conversation_id, brand, agent, min(created_at), max(created_at)
             from replies where conversation_id is not null group by all
             except all
             select * from reply_pairs)
            union all
            (select * from reply_pairs
             except all
             select conversation_id, brand, agent, min(created_at), max(created_at)
             from replies where conversation_id is not null group by all))
    """).fetchall()[0][0]
    assert diff == 0
    assert con.execute("select count(*) from reply_pairs where agent is null").fetchall()[0][0]
