"""Overview: headline response figures per brand and conversations over time."""
from __future__ import annotations

import streamlit as st

from dashboard import charts, data, state


def page() -> None:
    st.title("Overview")
    f = state.filters()
    if f is None:
        st.info("The database holds no customer conversations yet. Load some with "
                "`carepulse load twcs FILE` or `carepulse demo`.")
        return
    params = f.params()
    summary = data.run("metrics/response_times", **params)
    if summary.empty:
        st.info("No customer conversations for these brands in this period.")
        return
    _headlines(summary)
    st.subheader("Per brand")
    st.dataframe(_brand_table(summary), hide_index=True, width="stretch")
    daily = data.run("metrics/daily_volume", **params)
    st.plotly_chart(charts.daily_conversations(daily), width="stretch")


def _headlines(summary) -> None:
    total = int(summary["conversations"].sum())
    answered = int(summary["answered"].sum())
    cols = st.columns(4)
    cols[0].metric("Customer conversations", f"{total:,}")
    cols[1].metric("Response rate", f"{answered / total:.1%}" if total else "–")
    busiest = summary.iloc[0]
    cols[2].metric(f"FRT median · {busiest['brand']}", _minutes(busiest["frt_median_minutes"]))
    cols[3].metric(f"Reply latency median · {busiest['brand']}",
                   _minutes(busiest["reply_latency_median_minutes"]))


def _brand_table(summary):
    table = summary[["brand", "conversations", "answered", "response_rate", "frt_median_minutes",
                     "frt_p90_minutes", "reply_latency_median_minutes", "replies"]].copy()
    table.columns = ["Brand", "Conversations", "Answered", "Response rate", "FRT median (min)",
                     "FRT p90 (min)", "Reply latency median (min)", "Replies"]
    return table.round(2)


def _minutes(value) -> str:
    if value is None or value != value:
        return "–"
    return f"{value:.1f} min" if value < 120 else f"{value / 60:.1f} h"
