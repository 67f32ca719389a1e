"""Every dashboard page through Streamlit's AppTest on the demo database (etl.demo, loaded by the
production CLI): widgets, figures, no exception; deep links; empty states; numbers checked
against independent SQL on the same file."""
from __future__ import annotations

import datetime as dt
import io
import urllib.parse

import pandas as pd

import pytest

from tests.conftest import rebuild_summaries
from tests.test_dashboard_support import (PAGES, clear_caches, demo_database, matching,
                                          metric_values, not_available, open_page)

# Charts each page draws on the demo data at least (plotly figures).
MIN_CHARTS = {"overview": 4, "sla": 9, "channels": 4, "reputation": 1, "campaigns": 5,
              "conversations": 0}
PERIOD = {"from": "2026-08-15", "to": "2026-10-15"}


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    """Caches live in the process: one test's data must not leak into the next."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    return demo_database(tmp_path_factory.mktemp("dashboard_demo"))


@pytest.fixture
def demo(demo_db, monkeypatch):
    monkeypatch.setenv("CAREPULSE_DB", str(demo_db))
    return demo_db


def _scope(read_db, db, where: str, params: dict) -> int:
    """Count customer conversations as the metrics count them (brand known, DM handoffs once)."""
    return read_db(db, "select count(*) from conversations where brand is not null and "
                       f"handoff_of is null and {where}", params)[0][0]


def _window(start: str, end: str) -> dict:
    s = dt.datetime.fromisoformat(start).replace(tzinfo=dt.timezone.utc)
    e = dt.datetime.fromisoformat(end).replace(tzinfo=dt.timezone.utc) + dt.timedelta(days=1)
    return {"s": s, "e": e}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_demo_data(demo, page):
    at = open_page(page, PERIOD)
    assert not at.exception, at.exception
    assert at.title[0].value
    assert len(at.get("plotly_chart")) >= MIN_CHARTS[page]
    assert not_available(at) == []          # every metric the page needs has landed
    # the sidebar filters are drawn on every page, seeded from the URL
    assert at.date_input(key="f_period").value == (dt.date(2026, 8, 15), dt.date(2026, 10, 15))
    assert at.selectbox(key="f_sla").value == 60
    assert at.radio(key="f_clock").value == "calendar"
    assert at.query_params["from"] == "2026-08-15"
    # every chart comes with the CSV of the data behind it
    downloads = [b for b in at.get("download_button")]
    assert len(downloads) >= len(at.get("plotly_chart"))


def test_overview_headlines_match_independent_sql(demo, read_db):
    at = open_page("overview", PERIOD)
    w = _window(PERIOD["from"], PERIOD["to"])
    total = _scope(read_db, demo, "started_at >= $s and started_at < $e", w)
    answered = _scope(read_db, demo, "started_at >= $s and started_at < $e and answered", w)
    within = _scope(read_db, demo, "started_at >= $s and started_at < $e and "
                                   "first_response_minutes <= 60", w)
    values = metric_values(at)
    assert values["Customer conversations"] == f"{total:,}"
    assert values["Response rate"] == f"{answered / total * 100:.1f}%"
    assert values["Answered within 1 h"] == f"{within / total * 100:.1f}%"
    assert "–" in values["FRT median (brand range)"]      # six brands: a range, never a median
    links = {link.label for link in at.get("page_link")}
    assert f"{total - answered:,} unanswered" in links
    assert f"{total - within:,} not within 1 h" in links


def test_change_against_the_previous_period(demo, read_db):
    at = open_page("overview", {"from": "2026-09-16", "to": "2026-10-15", "brand": "OrbitAirHelp"})
    now = _scope(read_db, demo, "brand = 'OrbitAirHelp' and started_at >= '2026-09-16' and "
                                "started_at < '2026-10-16'", {})
    before = _scope(read_db, demo, "brand = 'OrbitAirHelp' and started_at >= '2026-08-17' and "
                                   "started_at < '2026-09-16'", {})
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["Customer conversations"] == f"{(now / before - 1) * 100:+.1f}%"
    assert deltas["FRT median"] and deltas["Response rate"].endswith(" pp")


def test_previous_period_outside_the_data_shows_no_change(demo):
    at = open_page("overview", {"from": "2026-08-01", "to": "2026-08-31"})
    assert not at.exception
    assert all(m.delta in (None, "") for m in at.metric)
    assert any("no change shown" in c.value for c in at.caption)


def test_business_clock_and_target_drive_the_sla_page(demo, read_db):
    query = dict(PERIOD, brand="NimbusMobile", sla="240", clock="business")
    at = open_page("sla", query)
    assert not at.exception
    w = dict(_window(PERIOD["from"], PERIOD["to"]), b="NimbusMobile")
    base = "brand = $b and started_at >= $s and started_at < $e"
    total = _scope(read_db, demo, base, w)
    for minutes, label in ((15, "15 min"), (240, "4 h")):
        within = _scope(read_db, demo, f"{base} and first_response_business_minutes <= {minutes}",
                        w)
        key = f"Within {label}" + (" (target)" if minutes == 240 else "")
        assert metric_values(at)[key] == f"{within / total * 100:.1f}%"
    calendar = open_page("sla", dict(query, clock="calendar"))
    assert metric_values(calendar)["Within 4 h (target)"] != metric_values(at)["Within 4 h (target)"]


def test_overview_headlines_on_the_business_clock_and_their_change(demo, read_db):
    """Within the target on the business clock (metrics/headline), now and in the 30 days
    before, against independent SQL; several brands give a pooled share."""
    query = {"from": "2026-09-16", "to": "2026-10-15", "sla": "240", "clock": "business",
             "brand": ["NimbusMobile", "AcmeCareHelp"]}
    at = open_page("overview", query)
    assert not at.exception
    brands = "brand in ('NimbusMobile', 'AcmeCareHelp') and started_at >= $s and started_at < $e"
    shares = []
    for start, end in (("2026-09-16", "2026-10-15"), ("2026-08-17", "2026-09-15")):
        w = _window(start, end)
        total = _scope(read_db, demo, brands, w)
        within = _scope(read_db, demo, f"{brands} and first_response_business_minutes <= 240", w)
        shares.append((within / total, total - within))
    tile = next(m for m in at.metric if m.label == "Answered within 4 h")
    assert tile.value == f"{shares[0][0] * 100:.1f}%"
    assert tile.delta == f"{(shares[0][0] - shares[1][0]) * 100:+.1f} pp"
    assert any(f"{shares[0][1]:,} not within 4 h" in b.label for b in at.get("page_link"))


def test_deep_link_restores_the_view_and_its_numbers(demo, read_db):
    conv = read_db(demo, "select conversation_id from conversations where brand = 'NimbusMobile' "
                         "and not answered and handoff_of is null and started_at >= "
                         "'2026-09-01' order by started_at limit 1")[0][0]
    query = {"brand": "NimbusMobile", "from": "2026-09-01", "to": "2026-09-30", "sla": "240",
             "clock": "business", "answered": "no", "frt_above": "240", "conv": conv}
    first = open_page("conversations", query)
    assert not first.exception
    assert first.multiselect(key="f_brands").value == ["NimbusMobile"]
    assert first.date_input(key="f_period").value == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert first.selectbox(key="f_sla").value == 240
    assert first.radio(key="f_clock").value == "business"
    assert first.selectbox(key="c_answered").value == "no"
    assert first.number_input(key="c_frt_above").value == 240
    assert first.text_input(key="c_conv").value == conv
    expected = _scope(read_db, demo, "brand = 'NimbusMobile' and started_at >= '2026-09-01' and "
                                     "started_at < '2026-10-01' and not answered", {})
    assert matching(first) == expected
    assert first.subheader[0].value == f"Conversation {conv}"
    # the URL the app ends on, pasted into a new session, shows exactly the same
    url = {k: first.query_params[k] for k in first.query_params}
    assert url["conv"] == conv and url["clock"] == "business" and url["answered"] == "no"
    clear_caches()
    second = open_page("conversations", url)
    assert matching(second) == expected
    assert second.text_input(key="c_conv").value == conv
    assert second.dataframe[0].value.equals(first.dataframe[0].value)
    assert {k: second.query_params[k] for k in second.query_params} == url


def test_page_selections_round_trip(demo):
    at = open_page("reputation", dict(PERIOD, spike_brand="NimbusMobile"))
    assert not at.exception
    assert at.selectbox(key="sp_brand").value == "NimbusMobile"
    spike = at.selectbox(key="sp_spike").value
    assert spike.startswith("NimbusMobile|") and at.query_params["spike"] == spike
    camp = open_page("campaigns", dict(PERIOD, event="Nimbus network outage"))
    assert camp.selectbox(key="e_event").value == "Nimbus network outage"
    sla = open_page("sla", dict(PERIOD, grain="day", heatmap_brand="OrbitAirHelp"))
    assert sla.radio(key="s_grain").value == "day"
    assert sla.selectbox(key="hm_brand").value == "OrbitAirHelp"
    sla.radio(key="s_grain").set_value("week").run()
    assert "grain" not in sla.query_params              # the default stays out of the URL


def test_conversation_filters_change_the_list_and_the_url(demo, read_db):
    at = open_page("conversations", PERIOD)
    w = _window(PERIOD["from"], PERIOD["to"])
    base = "started_at >= $s and started_at < $e"
    assert matching(at) == _scope(read_db, demo, base, w)
    at.selectbox(key="c_dm").set_value("yes").run()
    assert at.query_params["dm"] == "yes"
    assert matching(at) == _scope(read_db, demo, f"{base} and moved_to_dm", w)
    at.number_input(key="c_frt_above").set_value(60).run()
    assert matching(at) == _scope(read_db, demo, f"{base} and moved_to_dm and not "
                                                 "coalesce(first_response_minutes <= 60, false)", w)
    at.selectbox(key="c_campaign").set_value("Acme Mega Deal").run()
    assert at.query_params["campaign"] == "Acme Mega Deal"
    assert (at.dataframe[0].value["campaign"] == "Acme Mega Deal").all()


def test_links_carry_filters_to_the_conversations(demo):
    at = open_page("overview", dict(PERIOD, brand="AcmeCareHelp"))
    unanswered = next(link for link in at.get("page_link") if link.label.endswith("unanswered"))
    params = dict(urllib.parse.parse_qsl(unanswered.proto.query_string))
    assert params["answered"] == "no" and params["brand"] == "AcmeCareHelp"
    assert params["from"] == PERIOD["from"]
    count = int(unanswered.label.split()[0].replace(",", ""))
    clear_caches()
    behind = open_page("conversations", params)
    assert matching(behind) == count


def test_empty_period_says_so_on_every_page(demo, read_db):
    last = read_db(demo, "select max(created_at)::date from messages")[0][0]
    started = read_db(demo, "select count(*) from conversations where started_at >= $d",
                      {"d": dt.datetime.combine(last, dt.time(), dt.timezone.utc)})[0][0]
    assert started == 0                     # the demo's last day holds late replies only
    for page in PAGES:
        at = open_page(page, {"from": last.isoformat(), "to": last.isoformat()})
        assert not at.exception, (page, at.exception)
        assert len(at.get("plotly_chart")) == 0, page
        assert at.info, page
        clear_caches()


def test_missing_metric_file_is_announced_not_recomputed(demo, monkeypatch):
    from dashboard import data

    real = data.available
    monkeypatch.setattr(data, "available", lambda name: name != "metrics/backlog" and real(name))
    at = open_page("sla", PERIOD)
    assert not at.exception
    assert any("metrics/backlog.sql" in w for w in not_available(at))


def test_conversation_export_has_every_matching_row(demo):
    from dashboard.views import conversations

    at = open_page("conversations", PERIOD)
    shown = matching(at)
    assert len(at.dataframe[0].value) == min(shown, conversations.SHOWN)
    params = dict(_window(PERIOD["from"], PERIOD["to"]))
    rows = conversations._all_rows({
        "brands": [], "start": params["s"], "end": params["e"], "answered": "any",
        "moved_to_dm": "any", "sentiment": "any", "campaign": "", "frt_above_minutes": None,
        "clock": "calendar", "sentiment_cut": conversations.SENTIMENT_CUT, "limit": None})
    assert len(rows) == shown > conversations.SHOWN
    assert "matching" not in rows.columns and rows["first_message"].notna().all()
    # the bytes the two export buttons send (dashboard/export.py): every row, same columns
    from dashboard import ui

    csv = pd.read_csv(io.BytesIO(ui.csv_bytes(rows)), encoding="utf-8-sig")
    assert len(csv) == shown and list(csv.columns) == list(rows.columns)
    parquet = pd.read_parquet(io.BytesIO(ui.parquet_bytes(rows)))
    assert len(parquet) == shown
    assert sorted(parquet["conversation_id"]) == sorted(rows["conversation_id"])


@pytest.fixture(scope="module")
def scored_db(demo_db, tmp_path_factory):
    """The demo database with a sentiment on every customer message (a deterministic stand-in,
    by message id: scoring is the loader's job; these tests cover the pages' scored path)."""
    import shutil

    import duckdb

    db = tmp_path_factory.mktemp("scored") / "scored.duckdb"
    shutil.copyfile(demo_db, db)
    con = duckdb.connect(str(db))
    con.execute("""
        update messages
        set sentiment = ((hash(message_id) % 3)::int - 1) * 0.6,
            sentiment_label = ['negative', 'neutral', 'positive'][(hash(message_id) % 3)::int + 1]
        where direction = 'inbound'
    """)
    rebuild_summaries(con)            # summaries follow the scores, as after a load
    con.close()
    return db


def test_reputation_and_campaign_mood_with_scores(scored_db, monkeypatch, read_db):
    monkeypatch.setenv("CAREPULSE_DB", str(scored_db))
    at = open_page("reputation", PERIOD)
    assert not at.exception
    negative, scored = read_db(scored_db, """
        select count(*) filter (where sentiment_label = 'negative'), count(sentiment_label)
        from messages where direction = 'inbound' and created_at >= '2026-08-15'
          and created_at < '2026-10-16'""")[0]
    assert metric_values(at)["Negative share"] == f"{negative / scored * 100:.1f}%"
    keys = {c.proto.id for c in at.get("plotly_chart")}
    assert len(keys) >= 4          # negative share, net sentiment, spikes, turnaround
    assert "Turnaround rate" in metric_values(at)
    camp = open_page("campaigns", PERIOD)
    assert not camp.exception
    assert not [i.value for i in camp.info if "Mood" in i.value]


def test_overview_share_within_target_on_the_business_clock(demo, read_db):
    at = open_page("overview", dict(PERIOD, clock="business", sla="240"))
    assert not at.exception
    w = _window(PERIOD["from"], PERIOD["to"])
    base = "started_at >= $s and started_at < $e"
    total = _scope(read_db, demo, base, w)
    within = _scope(read_db, demo, f"{base} and first_response_business_minutes <= 240", w)
    assert metric_values(at)["Answered within 4 h"] == f"{within / total * 100:.1f}%"
    links = {link.label for link in at.get("page_link")}
    assert f"{total - within:,} not within 4 h" in links
