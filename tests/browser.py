"""Real-browser helpers: start `carepulse dashboard` on a free port and drive Debian's chromium
(headless, through Playwright with executable_path: no downloaded browser)."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is missing in CI (make test installs it)")
        pytest.skip("Debian chromium not installed (`make test` installs it)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_dashboard(db: Path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "dashboard", "--db", str(db), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dashboard exited: {proc.stdout.read()}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        time.sleep(0.3)
    raise RuntimeError("dashboard did not become healthy in time")


@contextlib.contextmanager
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            yield page
        finally:
            browser.close()


def open_and_check(page, url: str, name: str, charts: int = 1) -> Path:
    """Open `url`, wait for the app to finish rendering, assert charts drew and no exception shows."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=60_000)
    if charts:
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
            timeout=60_000)
    _wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0, "an exception is shown"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    return shot


def _wait_idle(page, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            return
        time.sleep(0.2)


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.browser DB NAME`: the overview and SLA pages of DB in headless Debian
    chromium, saved as artifacts/screenshots/NAME_overview.png and NAME_sla.png."""
    args = sys.argv[1:] if argv is None else argv
    db, name = Path(args[0]), args[1]
    with running_dashboard(db) as url, browser_page() as page:
        for page_name, path, charts in (("overview", "", 2), ("sla", "/sla", 4)):
            began = time.monotonic()
            shot = open_and_check(page, url + path, f"{name}_{page_name}", charts=charts)
            print(f"{shot} ({time.monotonic() - began:.1f} s)")


if __name__ == "__main__":
    main()
