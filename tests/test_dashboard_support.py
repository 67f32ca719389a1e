"""Helpers for the dashboard tests (no tests here): one demo database per test process, AppTest
page openers. Named test_dashboard_* so it lives with the dashboard tests it serves."""
from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
PAGES = ("overview", "sla", "channels", "reputation", "campaigns", "conversations")
DEMO_ROWS, DEMO_SEED = 30_000, 2

_built: dict[str, Path] = {}


def demo_database(base: Path) -> Path:
    """etl.demo.generate(rows=30000, seed=2) loaded by `carepulse load twcs` with its config;
    built once per test process (under `base`) and shared read-only by every test."""
    if "demo" not in _built:
        from etl import demo
        from etl.cli import main

        out = base / "demo_source"
        demo.generate(out, rows=DEMO_ROWS, seed=DEMO_SEED)
        db = base / "demo.duckdb"
        code = main(["load", "twcs", str(out / "twcs.csv"), "--config",
                     str(out / "carepulse.toml"), "--db", str(db)])
        assert code == 0, "loading the demo data failed"
        _built["demo"] = db
    return _built["demo"]


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str, query: dict | None = None, timeout: float = 90) -> AppTest:
    """Run the app on `page` as a browser opening /<page>?<query> would (a fresh session)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(f"views/{page}.py")
    at.run()
    return at


def matching(at: AppTest) -> int:
    """The '**N** conversations match' count of the conversations page."""
    for caption in at.caption:
        found = re.search(r"\*\*([\d,]+)\*\* conversations match", caption.value)
        if found:
            return int(found.group(1).replace(",", ""))
    raise AssertionError("no 'conversations match' caption on the page")


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def not_available(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "not available yet" in w.value]
