"""One real-browser smoke test: the running app on the real sample, in Debian's headless chromium."""
from __future__ import annotations

import pytest

from tests.browser import browser_page, chromium_path, open_and_check, running_dashboard

pytestmark = pytest.mark.browser


def test_overview_renders_in_chromium(tmp_path, twcs_5000, cli):
    chromium_path()
    db = tmp_path / "smoke.duckdb"
    assert cli("load", "twcs", twcs_5000, "--db", db)[0] == 0
    with running_dashboard(db) as url, browser_page() as page:
        shot = open_and_check(page, f"{url}/?from=2017-10-01&to=2017-12-31", "smoke_overview")
        text = page.inner_text("body")
    assert "Customer conversations" in text
    assert "AmazonHelp" in text
    assert shot.stat().st_size > 10_000
