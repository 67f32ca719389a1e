"""The spikes panel of the reputation page: inbound volume with spikes marked (expected vs
surprise) and the explanation of a chosen spike, through `etl.api` (the spike detector is
Python, not SQL). The chosen spike round-trips through the URL as `spike`."""
from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.filters import Filters
from etl import api


def section(f: Filters) -> None:
    st.subheader("When did volume spike, and why?")
    if not hasattr(api, "find_spikes"):
        st.warning("**Spikes**: not available yet (the spike report, `etl.spike_report`, is not "
                   "in this version of CarePulse).", icon=":material/hourglass_empty:")
        return
