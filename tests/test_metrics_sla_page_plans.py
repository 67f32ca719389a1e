"""The SLA page's one-clock queries do not read the other clock's column: a clock not asked for is
a constant NULL (`case when $clock ... then median(..) end`), which the planner drops with its
aggregate and its column. A constant FILTER gave the same NULL but still read the column and
tested every row (response_times 22.3 -> 19.7 CPU ms at one brand, session 11). The values are
checked by tests/test_metrics_sla_page_clock.py, test_metrics_sla_page.py and
test_metrics_agents.py; this checks the plan, on the demo database, for the page's bindings."""
from __future__ import annotations

import re

import pytest

import sql
from tests.test_metrics_summaries import _brand_sets, _periods, _reader, demo_db

__all__ = ["demo_db"]   # module fixture shared with test_metrics_summaries

# (query, clock asked for) -> the columns of the other clock its plan must not read
NOT_READ = {
    ("metrics/response_times", "calendar"): ["latency_business_minutes"],
    ("metrics/response_times", "business"): ["latency_minutes"],
    ("metrics/agents", "calendar"): ["latency_business_minutes"],
    ("metrics/influence", "calendar"): ["first_response_business_minutes"],
    ("metrics/heatmap", "calendar"): ["first_response_business_minutes"],
    ("metrics/heatmap", "business"): ["first_response_minutes"],
}


def _plan(con, name: str, params: dict) -> str:
    text, bound = sql.bind(name, params)
    return "\n".join(row[1] for row in con.execute("explain " + text, bound).fetchall())


@pytest.mark.parametrize("name,clock", sorted(NOT_READ))
def test_one_clock_reads_no_column_of_the_other(demo_db, name, clock):
    con = _reader(demo_db)
    # whole days (the page's default bounds: no cut hours, whose counts read both clocks)
    start, end = _periods(con)[0]
    for brands in _brand_sets(con)[:2]:
        params = dict(brands=brands, start=start, end=end, clock=clock)
        plan = _plan(con, name, params)
        for column in NOT_READ[(name, clock)]:
            assert not re.search(rf"\b{column}\b", plan), (name, clock, brands, column)
        # with both clocks the plan reads it (the check above is not vacuous)
        both = _plan(con, name, dict(params, clock="both"))
        for column in NOT_READ[(name, clock)]:
            assert re.search(rf"\b{column}\b", both), (name, "both", brands, column)


def test_sla_curve_has_no_correlated_subquery(demo_db):
    """sla_curve looks up the brands' targets by joins (brand_targets, is_target), not by a
    correlated NOT EXISTS / IN, which DuckDB plans as MARK joins over a duplicate-eliminated copy
    of the outer rows (a larger plan to build; session 12). Values: tests/test_metrics_sla.py
    (own and default targets on the tied-times database)."""
    con = _reader(demo_db)
    start, end = _periods(con)[0]
    for clock in ("calendar", "business", "both"):
        plan = _plan(con, "metrics/sla_curve",
                     dict(brands=[], start=start, end=end, clock=clock, horizon_minutes=None))
        assert "MARK" not in plan and "DELIM" not in plan.upper(), clock
