"""Rendering helpers shared by the pages: a chart with its downloads, empty and "not yet" notes,
links to the conversations behind a number, and number formatting."""
from __future__ import annotations

import math
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import filters as filters_mod
from dashboard import routes
from dashboard.filters import Filters

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def chart(fig: go.Figure, frame: pd.DataFrame, name: str, empty: str | None = None) -> bool:
    """Draw `fig` with plotly's camera button (PNG) and a CSV download of `frame`, the data behind
    it. An empty frame shows `empty` (or a generic note) instead of an empty chart."""
    if frame is None or frame.empty:
        title = fig.layout.title.text or name
        st.info(f"**{_plain(title)}**: {empty or 'no data for these brands in this period.'}")
        return False
    config = dict(PLOTLY_CONFIG, toImageButtonOptions={"format": "png", "filename": name,
                                                       "scale": 2})
    st.plotly_chart(fig, width="stretch", config=config, key=f"chart_{name}")
    download_csv(frame, name, label="Download the data (CSV)")
    return True


def download_csv(frame: pd.DataFrame, name: str, label: str = "CSV") -> None:
    """A CSV download of `frame`, built only when clicked (deferred), spreadsheet-safe."""
    st.download_button(label, data=lambda: csv_bytes(frame), file_name=f"{name}.csv",
                       mime="text/csv", key=f"csv_{name}", on_click="ignore", icon=":material/download:")


def download_parquet(frame: pd.DataFrame, name: str, label: str = "Parquet") -> None:
    st.download_button(label, data=lambda: parquet_bytes(frame), file_name=f"{name}.parquet",
                       mime="application/vnd.apache.parquet", key=f"parquet_{name}",
                       on_click="ignore", icon=":material/download:")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    from dashboard import export  # the reliability engineer's module (formula neutralisation)

    return export.to_csv_bytes(frame)


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    from dashboard import export

    return export.to_parquet_bytes(frame)


def no_data(what: str = "customer conversations") -> None:
    st.info(f"No {what} for these brands in this period. Widen the period or clear the brand "
            "filter in the sidebar.")


def not_available(what: str, metric: str) -> None:
    """A metric file that has not landed yet: say so, never compute a private copy."""
    st.warning(f"**{what}**: not available yet (the metric `sql/{metric}.sql` is not in this "
               "version of CarePulse).", icon=":material/hourglass_empty:")


def missing_database() -> None:
    st.info("The database holds no customer conversations yet. Load some with "
            "`carepulse load twcs FILE` or `carepulse demo`.")


def link_conversations(f: Filters, label: str, **selection) -> None:
    """A link to the conversations behind a number: the current filters plus `selection`
    (conversation-list params such as answered="no", frt_above="60")."""
    params = filters_mod.url_params(f)
    for key, value in selection.items():
        if value is not None:
            params[key] = value
    st.page_link(routes.page("conversations"), label=label, query_params=params,
                 icon=":material/forum:")


def link_page(name: str, label: str, f: Filters | None = None) -> None:
    params = filters_mod.url_params(f) if f is not None else None
    st.page_link(routes.page(name), label=label, query_params=params,
                 icon=":material/arrow_forward:")


def minutes(value) -> str:
    """A duration in minutes, readable: 42.0 min, 3.5 h, 2.1 d."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    value = float(value)
    if value < 120:
        return f"{value:.1f} min"
    if value < 48 * 60:
        return f"{value / 60:.1f} h"
    return f"{value / 1440:.1f} d"


def pct(value, digits: int = 1) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value) * 100:.{digits}f}%"


def delta_pct_points(now, before) -> str | None:
    """Change of a share in percentage points ('+2.1 pp'), None when either side is unknown."""
    if _missing(now) or _missing(before):
        return None
    return f"{(float(now) - float(before)) * 100:+.1f} pp"


def delta_relative(now, before) -> str | None:
    """Relative change ('+12.0%'), None when either side is unknown or the base is zero."""
    if _missing(now) or _missing(before) or float(before) == 0:
        return None
    return f"{(float(now) / float(before) - 1) * 100:+.1f}%"


def delta_minutes(now, before) -> str | None:
    if _missing(now) or _missing(before):
        return None
    diff = float(now) - float(before)
    sign = "+" if diff >= 0 else "-"     # ASCII: st.metric reads the arrow from it
    return f"{sign}{minutes(abs(diff))}"


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text or "")


def target_label(minutes_: int) -> str:
    return f"{minutes_} min" if minutes_ < 60 else f"{minutes_ // 60} h"
