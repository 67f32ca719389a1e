"""Every dashboard page in a real headless Chromium (Debian's) on the demo database: charts drew,
no exception shows, deep links and links between pages work; screenshots in
artifacts/screenshots/ (one per page) for a person to look at."""
from __future__ import annotations

import pytest

from tests.browser import (SCREENSHOTS, _wait_idle, browser_page, chromium_path,
                           open_and_check, running_dashboard)
from tests.test_dashboard_support import demo_database

pytestmark = pytest.mark.browser

PERIOD = "from=2026-08-15&to=2026-10-15"
# path -> plotly charts the page draws at least on the demo data
PAGES = {"": 4, "sla": 9, "channels": 4, "reputation": 1, "campaigns": 5, "conversations": 0}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    chromium_path()
    return demo_database(tmp_path_factory.mktemp("browser_demo"))


def test_every_page_draws_in_chromium(demo_db):
    with running_dashboard(demo_db) as url, browser_page() as page:
        for path, charts in PAGES.items():
            name = f"page_{path or 'overview'}"
            open_and_check(page, f"{url}/{path}?{PERIOD}", name, charts=charts)
            _wait_for_text(page, "Filters")
            shot = _full_screenshot(page, name)
            assert shot.stat().st_size > 20_000
            drawn = page.locator(".js-plotly-plot").count()
            assert drawn >= charts, (path, drawn)
            body = page.inner_text("body")
            assert "not available yet" not in body, path
            assert "Traceback" not in body, path


def test_deep_link_and_link_to_conversations_in_chromium(demo_db):
    with running_dashboard(demo_db) as url, browser_page() as page:
        open_and_check(page, f"{url}/conversations?{PERIOD}&brand=NimbusMobile&answered=no",
                       "deep_link_conversations", charts=0)
        _wait_for_text(page, "conversations match")
        _wait_idle(page)
        chip = page.locator('[data-testid="stSidebar"] [data-tag]').first   # the brand filter
        chip.wait_for(timeout=30_000)
        assert "NimbusMobile" in chip.inner_html()
        assert "answered=no" in page.url and "brand=NimbusMobile" in page.url
        # a number on the overview links to the conversations behind it, filters kept
        open_and_check(page, f"{url}/?{PERIOD}&brand=AcmeCareHelp", "link_overview", charts=4)
        page.get_by_text("unanswered", exact=False).first.click()
        page.wait_for_url("**/conversations?**", timeout=30_000)
        _wait_for_text(page, "conversations match")
        _wait_idle(page)
        assert "answered=no" in page.url and "brand=AcmeCareHelp" in page.url
        assert page.locator('[data-testid="stException"]').count() == 0


def _full_screenshot(page, name: str):
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to it."""
    height = page.evaluate(
        "document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 80, 12_000)})
    page.wait_for_timeout(1500)          # plotly redraws at the new size
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(shot))
    page.set_viewport_size({"width": 1400, "height": 1000})
    return shot


def _wait_for_text(page, text: str, timeout: float = 60_000) -> None:
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=text,
                           timeout=timeout)


def test_stopping_the_dashboard_command_stops_its_server(demo_db):
    """`carepulse dashboard` becomes the Streamlit server (exec): stopping it leaves no orphan
    server holding the port and the database."""
    import socket
    from urllib.parse import urlparse

    with running_dashboard(demo_db) as url:
        port = urlparse(url).port
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "a server still listens after the stop"
