"""The overview on the real twcs sample (twcs_first5000, loaded by the production CLI): its last
90 days hold 1,284 conversations, the 90 days before only a handful (the file's few tweets from
before 2017), so the page shows no change against them and says why."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from dashboard.views.overview import MIN_PREVIOUS_CONVERSATIONS
from etl.cli import main
from tests.test_dashboard_support import clear_caches, open_page
from tests.test_metrics import write_config


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    from tests.conftest import TWCS_5000, shared

    out = tmp_path_factory.mktemp("dashboard_real")
    db = out / "real.duckdb"
    assert main(["load", "twcs", str(shared(TWCS_5000)), "--db", str(db),
                 "--config", str(write_config(out / "none.toml"))]) == 0
    return db


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    clear_caches()
    yield
    clear_caches()


def _period(at) -> tuple[dt.datetime, dt.datetime]:
    """The period the page states in its caption ('05 Sep 2017 – 03 Dec 2017 (UTC) ...')."""
    for caption in at.caption:
        found = re.match(r"(\d\d \w{3} \d{4}) – (\d\d \w{3} \d{4}) \(UTC\)", caption.value)
        if found:
            first, last = (dt.datetime.strptime(d, "%d %b %Y").replace(tzinfo=dt.timezone.utc)
                           for d in found.groups())
            return first, last + dt.timedelta(days=1)
    raise AssertionError("no period caption on the overview")


def _conversations(read_db, db, start, end) -> int:
    return read_db(db, "select count(*) from conversations where brand is not null and "
                       "handoff_of is null and started_at >= $s and started_at < $e",
                   {"s": start, "e": end})[0][0]


def test_a_nearly_empty_previous_period_shows_no_change(real_db, read_db, monkeypatch):
    monkeypatch.setenv("CAREPULSE_DB", str(real_db))
    at = open_page("overview")
    assert not at.exception
    start, end = _period(at)
    now = _conversations(read_db, real_db, start, end)
    before = _conversations(read_db, real_db, start - (end - start), start)
    assert now > 1000 and before < MIN_PREVIOUS_CONVERSATIONS
    assert {m.label: m.value for m in at.metric}["Customer conversations"] == f"{now:,}"
    assert all(m.delta in (None, "") for m in at.metric)
    captions = " ".join(c.value for c in at.caption)
    assert f"hold only {before:,} conversation" in captions


def test_a_previous_period_with_enough_conversations_shows_the_change(real_db, read_db,
                                                                      monkeypatch):
    # the last 30 days against the 30 before, both in 2017's busy weeks
    monkeypatch.setenv("CAREPULSE_DB", str(real_db))
    at = open_page("overview", {"from": "2017-11-03", "to": "2017-12-02"})
    assert not at.exception
    start, end = _period(at)
    now = _conversations(read_db, real_db, start, end)
    before = _conversations(read_db, real_db, start - (end - start), start)
    assert before >= MIN_PREVIOUS_CONVERSATIONS
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["Customer conversations"] == f"{(now / before - 1) * 100:+.1f}%"
