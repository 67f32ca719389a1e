"""Chart builders: DataFrame in, plotly figure out. No Streamlit here, so they test alone."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

TEMPLATE = "plotly_white"


def empty(title: str, message: str = "No data for these filters") -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, template=TEMPLATE, xaxis_visible=False, yaxis_visible=False,
                      annotations=[dict(text=message, showarrow=False, font_size=16)])
    return fig


def daily_conversations(frame: pd.DataFrame) -> go.Figure:
    """Customer conversations started per day and brand (stacked bars)."""
    title = "Customer conversations started per day (count, UTC days)"
    if frame.empty:
        return empty(title)
    fig = px.bar(frame, x="day", y="conversations", color="brand", template=TEMPLATE, title=title,
                 hover_data={"answered": True, "frt_median_minutes": ":.1f"},
                 labels={"day": "Day", "conversations": "Conversations", "brand": "Brand",
                         "answered": "Answered", "frt_median_minutes": "FRT median (min)"})
    fig.update_layout(barmode="stack", legend_title_text="Brand", hovermode="x unified")
    return fig
