"""The dashboard through Streamlit's AppTest on the real sample (first 5,000 twcs rows) loaded by
the production ETL: the overview's numbers, the URL round trip, every page without error."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    """Caches live in the process: one test's data must not leak into the next."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    """The real sample loaded once for this module (the tests only read it)."""
    from etl.cli import main

    from tests.conftest import TWCS_5000, shared

    db = tmp_path_factory.mktemp("dash_sample") / "dash.duckdb"
    assert main(["load", "twcs", str(shared(TWCS_5000)), "--db", str(db)]) == 0
    return db


@pytest.fixture
def loaded_db(sample_db, monkeypatch):
    monkeypatch.setenv("CAREPULSE_DB", str(sample_db))
    return sample_db


def test_overview_shows_headlines_and_chart(loaded_db, read_db):
    expected = read_db(loaded_db, "select count(*) from conversations where started_at >= "
                                  "'2017-10-01' and started_at < '2018-01-01' and brand is not "
                                  "null and handoff_of is null")[0][0]
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["from"] = "2017-10-01"
    at.query_params["to"] = "2017-12-31"
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Customer conversations"] == f"{expected:,}"
    assert metrics["Response rate"] == "100.0%"
    assert len(at.get("plotly_chart")) >= 3
    table = at.dataframe[0].value
    assert {"Brand", "FRT median (calendar, min)", "Reply latency median (min)"} <= set(table.columns)
    assert "AmazonHelp" in set(table["Brand"])


def test_brand_filter_round_trips_through_url(loaded_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["brand"] = ["AmazonHelp", "NotABrand'; drop table messages; --"]
    at.query_params["from"] = "2017-10-01"
    at.query_params["to"] = "2017-12-31"
    at.run()
    assert not at.exception
    assert at.multiselect(key="f_brands").value == ["AmazonHelp"]
    assert list(at.dataframe[0].value["Brand"]) == ["AmazonHelp"]
    assert at.query_params["brand"] in ("AmazonHelp", ["AmazonHelp"])
    at.multiselect(key="f_brands").set_value(["AppleSupport"]).run()
    assert at.query_params["brand"] in ("AppleSupport", ["AppleSupport"])
    assert list(at.dataframe[0].value["Brand"]) == ["AppleSupport"]


def test_missing_database_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("CAREPULSE_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "no database yet" in at.error[0].value


@pytest.mark.parametrize("page", ["sla", "channels", "reputation", "campaigns", "conversations"])
def test_every_page_renders_on_the_real_sample(loaded_db, page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["from"] = "2017-10-01"
    at.query_params["to"] = "2017-12-31"
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "not available yet" in w.value]
    if page in ("sla", "channels"):
        assert len(at.get("plotly_chart")) >= 3
    if page == "campaigns":          # the public sample has no event calendar
        assert "No calendar event" in at.info[0].value
