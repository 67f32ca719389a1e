"""CarePulse dashboard: a thin router. Shared sidebar filters, then the chosen page renders."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import streamlit as st

if __package__ in (None, ""):  # `streamlit run dashboard/app.py` runs this file as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import auth, data, filters, routes, state, urlstate  # noqa: E402
from etl.api import EtlError  # noqa: E402


def main() -> None:
    started = time.perf_counter()
    st.set_page_config(page_title="CarePulse", page_icon="📈", layout="wide")
    auth.gate()  # optional sign-in (dashboard/auth.py): nothing below runs before it
    urlstate.begin_run()
    nav = st.navigation(routes.build())
    try:
        chosen = filters.sidebar()
    except EtlError as exc:
        st.error(str(exc))
        st.stop()
    state.set_filters(chosen)
    st.sidebar.caption(f"Database: `{data.db_file()}`")
    with routes.routing():
        nav.run()
    urlstate.end_run()
    if routes.RENDER_LOG is not None:                 # dashboard/timing.py
        routes.RENDER_LOG.append(time.perf_counter() - started)


if __name__ == "__main__":   # Streamlit runs this file as __main__; importing it runs nothing
    main()
