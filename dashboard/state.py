"""The current filters, shared between the router and the pages of one session."""
from __future__ import annotations

import streamlit as st

from dashboard.filters import Filters


def set_filters(filters: Filters | None) -> None:
    st.session_state["_filters"] = filters


def filters() -> Filters | None:
    return st.session_state.get("_filters")
