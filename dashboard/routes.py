"""The pages and their URL paths, built once per run by the router; pages link to each other
through `page(name)` (st.page_link needs the st.Page object).

Pages are files (dashboard/views/<name>.py, each ending in `routes.run(page)`), so
AppTest.switch_page can open them and tests can still import their functions.

The folder is deliberately not called `pages/`: that name puts Streamlit in its pages-folder
mode, which on the first request of a deep link (/sla) shows its raw list of page files for a
moment and runs the page file without the router. `run` still guards against a page file run
on its own (no router active on this thread): it runs the whole app instead."""
from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Callable

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent / "views"

# name -> (module, title, url path, icon). The default page has no url_path: it is served at /
# (an explicit url_path on the default page breaks AppTest reruns in Streamlit 1.67).
PAGES = (
    ("overview", "Overview", None, ":material/dashboard:"),
    ("sla", "SLA", "sla", ":material/timer:"),
    ("channels", "Channels", "channels", ":material/alt_route:"),
    ("reputation", "Reputation", "reputation", ":material/mood:"),
    ("campaigns", "Campaigns", "campaigns", ":material/campaign:"),
    ("conversations", "Conversations", "conversations", ":material/forum:"),
)

_built: dict[str, st.Page] = {}
RENDER_LOG: list | None = None   # when a list, the router appends each run's seconds (timing.py)
_local = threading.local()       # each session's script run has its own thread


@contextlib.contextmanager
def routing():
    """Mark the router's nav.run() on this thread."""
    _local.active = True
    try:
        yield
    finally:
        _local.active = False


def run(page_fn: Callable[[], None]) -> None:
    """The body of a page file: the page inside the router, else the whole app (see above)."""
    if getattr(_local, "active", False):
        page_fn()
    else:
        from dashboard import app

        app.main()


def build() -> list[st.Page]:
    pages = []
    for name, title, path, icon in PAGES:
        script = PAGES_DIR / f"{name}.py"
        if path is None:
            page = st.Page(script, title=title, icon=icon, default=True)
        else:
            page = st.Page(script, title=title, icon=icon, url_path=path)
        _built[name] = page
        pages.append(page)
    return pages


def page(name: str) -> st.Page:
    return _built[name]
