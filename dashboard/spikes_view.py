"""The spikes panel of the reputation page: hourly customer messages of one brand with its spikes
marked (expected: a calendar event explains it; surprise: nothing does), and the explanation of
a chosen spike, through `etl.api` (the spike detector is Python, not SQL). The chosen brand and
spike round-trip through the URL as `spike_brand` and `spike`."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, data, ui, urlstate
from dashboard.filters import Filters
from dashboard.views import common
from etl import api

COLOURS = {"expected": "#f58518", "surprise": "#e45756"}
SYMBOLS = {"volume": "diamond", "negative": "triangle-up"}


@st.cache_data(max_entries=200, show_spinner=False)
def _spikes(brands: tuple[str, ...], start: dt.datetime, end: dt.datetime,
            data_version: str) -> pd.DataFrame:
    cursor = data.cursor(data_version)
    try:
        return api.find_spikes(cursor, list(brands), start, end)
    finally:
        cursor.close()


@st.cache_data(max_entries=200, show_spinner=False)
def _hourly(brand: str, start: dt.datetime, end: dt.datetime, data_version: str) -> pd.DataFrame:
    cursor = data.cursor(data_version)
    try:
        return api.hourly_series(cursor, [brand], start, end)
    finally:
        cursor.close()


@st.cache_data(max_entries=200, show_spinner=False)
def _explain(spike: pd.Series, data_version: str) -> dict:
    cursor = data.cursor(data_version)
    try:
        return api.explain_spike(cursor, spike)
    finally:
        cursor.close()


def spike_id(row) -> str:
    return f"{row['brand']}|{row['kind']}|{row['scale']}|{row['at']:%Y-%m-%dT%H:%M}"


def spike_label(row) -> str:
    return (f"{row['at']:%Y-%m-%d %H:%M} UTC · {row['brand']} · {row['kind']} {row['scale']} · "
            f"{row['label']}" + (f" ({row['event']})" if row["event"] else ""))


def section(f: Filters) -> None:
    st.subheader("When did volume spike, and why?")
    params = f.params()
    version = data.version()
    spikes = _spikes(tuple(f.brands), params["start"], params["end"], version)
    brands = data.run("meta/period_brands", **params)["brand"].tolist()
    with_spikes = [b for b in brands if b in set(spikes["brand"])]
    brand = common.brand_choice("sp_brand", "spike_brand", with_spikes + [b for b in brands
                                if b not in with_spikes], "Brand (brands with spikes first)")
    if brand is None:
        ui.no_data("customer messages")
        return
    hourly = _hourly(brand, params["start"], params["end"], version)
    mine = spikes[spikes["brand"] == brand].reset_index(drop=True)
    ui.chart(volume_chart(hourly, mine, brand), _chart_data(hourly, mine), "reputation_spikes")
    surprises = int((spikes["label"] == "surprise").sum())
    st.caption(f"{_plural(len(spikes), 'spike')} for these brands in this period, "
               f"{_plural(surprises, 'surprise')}. A burst is one hour "
               "far above the same hour in recent weeks; a surge is 24 hours above it (a "
               "campaign). Expected: a calendar event overlaps it or its hashtags carry it.")
    if mine.empty:
        st.info(f"No spike for {brand} in this period.")
        return
    _explanation(mine, version)


def volume_chart(hourly: pd.DataFrame, spikes: pd.DataFrame, brand: str) -> go.Figure:
    title = (f"Customer messages per hour, spikes marked (count)<br><sup>{brand}; ◆ volume "
             "spike, ▲ negative spike; orange: expected, red: surprise</sup>")
    if hourly.empty:
        return charts.empty(title)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=hourly["hour"], y=hourly["inbound"], name="Customer messages",
                             mode="lines", line=dict(color="#4c78a8", width=1),
                             hovertemplate="%{x|%Y-%m-%d %H:00} UTC<br>%{y:,} messages"
                                           "<extra></extra>"))
    if hourly["scored"].sum() > 0:
        fig.add_trace(go.Scatter(x=hourly["hour"], y=hourly["negative"], name="Negative",
                                 mode="lines", line=dict(color="#e45756", width=1),
                                 hovertemplate="%{y:,} negative<extra></extra>"))
    at_hour = hourly.set_index("hour")["inbound"]
    for (kind, label), part in spikes.groupby(["kind", "label"], sort=True):
        y = [at_hour.get(t, None) for t in part["at"]]
        fig.add_trace(go.Scatter(
            x=part["at"], y=y, mode="markers", name=f"{kind} spike, {label}",
            marker=dict(size=13, color=COLOURS.get(label, "#54a24b"),
                        symbol=SYMBOLS.get(kind, "circle"), line=dict(width=1, color="white")),
            customdata=part[["scale", "observed", "expected", "event"]].fillna("").values,
            hovertemplate="%{x|%Y-%m-%d %H:00} UTC · %{customdata[0]}<br>%{customdata[1]:,.0f}"
                          " observed vs %{customdata[2]:,.1f} expected<br>%{customdata[3]}"
                          "<extra>" + f"{kind} spike, {label}" + "</extra>"))
    fig.update_layout(title=title)
    charts._layout(fig, legend="", y_title="Messages per hour")
    fig.update_layout(hovermode="closest")
    return fig


def _chart_data(hourly: pd.DataFrame, spikes: pd.DataFrame) -> pd.DataFrame:
    marks = spikes[["at", "kind", "scale", "label", "observed", "expected", "event"]].rename(
        columns={"at": "hour", "kind": "spike_kind", "scale": "spike_scale",
                 "label": "spike_label", "observed": "spike_observed",
                 "expected": "spike_expected", "event": "spike_event"})
    return hourly.merge(marks, on="hour", how="left")


def _explanation(spikes: pd.DataFrame, version: str) -> None:
    ids = [spike_id(r) for _, r in spikes.iterrows()]
    labels = dict(zip(ids, (spike_label(r) for _, r in spikes.iterrows())))
    urlstate.seed("sp_spike", "spike", lambda v: v[-1] if v[-1] in ids else ids[0], ids[0])
    if st.session_state.get("sp_spike") not in ids:
        st.session_state["sp_spike"] = ids[0]
    chosen = st.selectbox("Explain the spike", ids, key="sp_spike", format_func=labels.get)
    urlstate.write({"spike": chosen})
    row = spikes.iloc[ids.index(chosen)]
    e = _explain(row, version)
    badge = ":orange[**expected**]" if e["label"] == "expected" else ":red[**surprise**]"
    st.markdown(f"Spike: {badge}" + (f" — overlaps the {e['event_kind']} **{e['event']}**"
                                   if e["event"] else " — no calendar event explains it"))
    cols = st.columns(4)
    span = "1 h" if e["scale"] == "burst" else "24 h"
    cols[0].metric(f"Observed ({span})", f"{e['observed']:,.0f}")
    cols[1].metric("Expected", f"{e['expected']:,.1f}",
                   help="Same hours of the week in recent weeks, blended with the recent level.")
    cols[2].metric("Ratio", f"{e['ratio']:.1f}×" if pd.notna(e["ratio"]) else "–")
    share = e["negative_share"]
    cols[3].metric("Negative share in it", ui.pct(share) if share is not None else "–",
                   ui.delta_pct_points(share, e["usual_negative_share"]), delta_color="inverse",
                   help="Negative customer messages in the window vs the week before.")
    left, right = st.columns(2)
    with left:
        st.markdown("**Terms said more than usual**")
        terms = pd.DataFrame(e["top_terms"])
        if terms.empty:
            st.caption("No term stands out.")
        else:
            st.dataframe(terms.rename(columns={"term": "Term", "count": "In the spike",
                                               "baseline_count": "2 weeks before",
                                               "z": "Over-representation (z)"}),
                         hide_index=True, width="stretch")
    with right:
        st.markdown("**Sample messages**")
        for sample in e["samples"]:
            st.markdown(f"- {sample['created_at']:%Y-%m-%d %H:%M} · {sample['channel']}: "
                        f"{_quote(sample['text'])}")
    st.caption(e["summary"])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _quote(text: str | None) -> str:
    """Message text as plain text inside markdown (no links, emphasis or HTML from customers)."""
    text = (text or "").replace("\n", " ")
    for ch in "\\`*_{}[]<>()#+-.!|~":
        text = text.replace(ch, "\\" + ch)
    return text
