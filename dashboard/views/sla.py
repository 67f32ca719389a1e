"""SLA (care managers): how fast do we answer and what goes unanswered. Shares within several
targets at once, the Kaplan–Meier curve, FRT median and p90 over time, the hour × weekday
heatmap, the backlog, agents and influence fairness, on the calendar or the business clock."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, data, routes, state, ui, urlstate
from dashboard.views import common

TARGETS = (15, 60, 240, 1440)
GRAINS = ("day", "week")
STALE_HOURS = 168            # the backlog metric's default: waiting a week = given up on
# the columns metrics/response_times leaves NULL when asked for one clock (not shown on this
# page; left out of its download too)
NOT_COMPUTED = {
    "calendar": ["frt_business_median_minutes", "frt_business_p90_minutes",
                 "reply_latency_business_median_minutes"],
    "business": ["frt_median_minutes", "frt_p90_minutes", "reply_latency_median_minutes"],
}
# the same for metrics/heatmap and metrics/influence (influence keeps its calendar median and p90
# on the business clock: its chart's hover shows the calendar median)
HEATMAP_NOT_COMPUTED = {"calendar": ["frt_business_median_minutes"],
                        "business": ["frt_median_minutes"]}
INFLUENCE_NOT_COMPUTED = {"calendar": ["frt_business_median_minutes"], "business": []}
# metrics/agents: on the business clock the table shows the business median beside the calendar
# p90 (one sort with the calendar median), so only the calendar clock leaves a column out
AGENTS_NOT_COMPUTED = {"calendar": ["latency_business_median_minutes"], "business": []}
HEATMAP_BRAND_KEY, HEATMAP_BRAND_PARAM = "hm_brand", "heatmap_brand"   # its selector, its URL


def page() -> None:
    st.title("SLA: response times")
    f = state.filters()
    if f is None:
        ui.missing_database()
        return
    fetched = _start_queries(f)
    summary = fetched["summary"].result().drop(columns=NOT_COMPUTED[f.clock])
    if summary.empty:
        ui.no_data()
        return
    heatmap = _start_heatmap(f, summary)
    st.caption(f"{f.start:%d %b %Y} – {f.end:%d %b %Y} (UTC) · **{f.clock} clock** "
               + ("(only the brand's opening hours count)" if f.clock == "business"
                  else "(wall-clock minutes)")
               + " · switch the clock and the SLA target in the sidebar")
    curve = fetched["curve"].result()
    curve = curve[curve["clock"] == f.clock]
    _targets(f, curve)
    _km_curve(f, curve)
    _trend(f, fetched["trend"])
    _heatmap(f, summary, heatmap)
    _backlog(f, fetched.get("backlog"))
    left, right = st.columns(2)
    with left:
        _agents(f, fetched.get("agents"))
    with right:
        _influence(f, fetched.get("influence"))
    st.subheader("Per brand")
    common.brand_table(summary, f)


def _start_queries(f) -> dict:
    """Every query of the page at once (data.start), the slowest first; each section then waits
    for its own. The heatmap's starts once response_times has named the brands (see
    _start_heatmap); a metric file not there yet is not started (its section says so)."""
    params = f.params()
    started = {
        # the chosen clock's rows only: half the work of both
        "curve": data.start("metrics/sla_curve", **params, horizon_minutes=None, clock=f.clock),
        # the chosen clock's medians and p90s only (the per-brand table shows one clock)
        "summary": data.start("metrics/response_times", **params, clock=f.clock),
    }
    if data.available("metrics/agents"):
        started["agents"] = data.start("metrics/agents", **params, clock=f.clock)
    if data.available("metrics/influence"):
        started["influence"] = data.start("metrics/influence", **params, clock=f.clock)
    started["trend"] = common.start_trend(f, grain=_grain_chosen())
    if data.available("metrics/backlog"):
        started["backlog"] = data.start("metrics/backlog_summary", **params,
                                        max_age_hours=STALE_HOURS)
    return started


def _targets(f, curve: pd.DataFrame) -> None:
    st.subheader("Answered within target")
    at_targets = curve[curve["minutes"].isin(TARGETS)].copy()
    if at_targets.empty:
        ui.no_data()
        return
    at_targets["within"] = at_targets["share_answered"] * at_targets["conversations"]
    overall = at_targets.groupby("minutes", as_index=False)[["within", "conversations"]].sum()
    cols = st.columns(len(TARGETS))
    for col, minutes in zip(cols, TARGETS):
        row = overall[overall["minutes"] == minutes]
        if row.empty:
            continue
        share = float(row["within"].iloc[0] / row["conversations"].iloc[0])
        missed = int(round(row["conversations"].iloc[0] - row["within"].iloc[0]))
        label = ui.target_label(minutes)
        col.metric(f"Within {label}" + (" (target)" if minutes == f.sla_minutes else ""),
                   ui.pct(share),
                   help=f"Customer-started conversations first answered within {label} on the "
                        f"{f.clock} clock, over all of them (unanswered ones count as not "
                        "within).")
        with col:
            ui.link_conversations(f, f"{missed:,} not within {label}", frt_above=str(minutes))
    frame = at_targets[["brand", "minutes", "share_answered", "conversations"]].copy()
    frame["target"] = frame["minutes"].map(lambda m: ui.target_label(int(m)))
    fig = charts.bars(frame, "target", "share_answered",
                      f"Share of conversations answered within each target (%, {f.clock} clock)",
                      percent=True, y_title="Answered within target",
                      x_title="SLA target", hover={"conversations": ":,"})
    ui.chart(fig, frame, "sla_within_targets")


def _km_curve(f, curve: pd.DataFrame) -> None:
    frame = curve[["brand", "minutes", "share_answered_km", "share_answered", "waiting_after",
                   "conversations", "is_target"]].copy()
    frame["hours"] = frame["minutes"] / 60
    fig = charts.lines(
        frame, "minutes", "share_answered_km",
        f"Share answered by time since the customer's first message (%, Kaplan–Meier)"
        f"<br><sup>x: {f.clock} minutes since the first customer message, log scale; dotted: "
        f"the SLA target</sup>", percent=True, shape="hv", y_title="Share answered",
        x_title=f"Minutes since the first customer message ({f.clock} clock, log scale)",
        hover={"waiting_after": ":,", "share_answered": ":.1%"},
        labels={"waiting_after": "Still waiting", "share_answered": "Answered (simple share)",
                "share_answered_km": "Share answered (KM)"})
    fig.update_xaxes(type="log")
    fig.add_trace(go.Scatter(x=[f.sla_minutes, f.sla_minutes], y=[0, 1], mode="lines",
                             name=f"Target {ui.target_label(f.sla_minutes)}", hoverinfo="skip",
                             line=dict(color="#888", dash="dot", width=1)))
    ui.chart(fig, frame, "sla_km_curve")
    st.caption("Unanswered conversations are censored at the end of the data (still open, not "
               "dropped): the curve is the share answered by each elapsed time.")


def _trend(f, started) -> None:
    st.subheader("Over time")
    grain = _grain()
    trend = started.result()
    if trend.empty:
        ui.no_data()
        return
    labels = {"period_start": grain.capitalize()}
    hover = {"conversations": ":,", "answered": ":,"}
    left, right = st.columns(2)
    for column, base, stat in ((left, "frt_median_minutes", "median"),
                               (right, "frt_p90_minutes", "p90")):
        name = common.col(trend, base, f.clock)
        with column:
            fig = charts.lines(trend, "period_start", name,
                               f"First response time, {stat} per {grain} (min)"
                               f"<br><sup>{f.clock} clock, answered conversations</sup>",
                               y_title="Minutes", hover=hover,
                               labels=dict(labels, **{name: f"FRT {stat} (min)"}))
            ui.chart(fig, trend, f"sla_frt_{stat}_trend")
    within_col = "within_target_business" if f.clock == "business" else "within_target"
    fig = charts.lines(trend, "period_start", within_col,
                       f"Share answered within {ui.target_label(f.sla_minutes)} per {grain} (%, "
                       f"{f.clock} clock)", percent=True, y_title="Within target", hover=hover,
                       labels=dict(labels, **{within_col: "Within target"}))
    ui.chart(fig, trend, "sla_within_trend")
    st.caption("Recent periods are still open: conversations that may yet be answered count as "
               "not within target, so the last points can only rise.")


def _grain_chosen() -> str:
    """The periods' radio value, before it is drawn (the trend's query starts with the page)."""
    urlstate.seed("s_grain", "grain", lambda v: v[-1] if v[-1] in GRAINS else "week", "week")
    return st.session_state["s_grain"]


def _grain() -> str:
    _grain_chosen()
    grain = st.radio("Periods", GRAINS, key="s_grain", horizontal=True,
                     format_func=lambda g: f"per {g}")
    urlstate.write({"grain": None if grain == "week" else grain})
    return grain


def _start_heatmap(f, summary: pd.DataFrame):
    """The heatmap's query, for the brand its selector will show (response_times' brands)."""
    brand = common.brand_chosen(HEATMAP_BRAND_KEY, HEATMAP_BRAND_PARAM, summary["brand"].tolist())
    # the chart shows one brand on one clock: ask for that one only (a sixth of the work with six
    # brands) and that clock's medians
    return data.start("metrics/heatmap", **dict(f.params(), brands=[brand]), clock=f.clock)


def _heatmap(f, summary: pd.DataFrame, started) -> None:
    st.subheader("When are we swamped?")
    brands = summary["brand"].tolist()
    brand = common.brand_choice(HEATMAP_BRAND_KEY, HEATMAP_BRAND_PARAM, brands,
                                "Brand (hours are in its local time)")
    frame = started.result()
    frame = frame[frame["brand"] == brand].drop(columns=HEATMAP_NOT_COMPUTED[f.clock])
    if frame.empty or frame["inbound_messages"].sum() == 0:
        ui.no_data("customer messages")
        return
    zone = frame["timezone"].iloc[0]
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    frt_col = common.col(frame, "frt_median_minutes", f.clock)
    left, right = st.columns(2)
    with left:
        fig = charts.heatmap(frame, "hour", "weekday_name", "inbound_messages",
                             f"Customer messages by local hour and weekday (count)"
                             f"<br><sup>{brand}, time zone {zone}</sup>",
                             z_title="Messages", y_order=days, x_order=list(range(24)))
        ui.chart(fig, frame, "sla_heatmap_volume")
    with right:
        fig = charts.heatmap(frame, "hour", "weekday_name", frt_col,
                             f"FRT median by the hour the conversation started (min)"
                             f"<br><sup>{brand}, {f.clock} clock, time zone {zone}</sup>",
                             z_title="Minutes", y_order=days, x_order=list(range(24)),
                             z_format=".1f", colorscale="OrRd")
        ui.chart(fig, frame, "sla_heatmap_frt")


def _backlog(f, started) -> None:
    st.subheader("Backlog")
    if started is None:
        ui.not_available("Backlog (conversations waiting for a first answer)", "metrics/backlog")
        return
    frame = started.result()      # metrics/backlog_summary
    if frame.empty:
        # the summary does not answer the period (or holds none of its hours): the full metric
        frame = data.run("metrics/backlog", **f.params(), max_age_hours=STALE_HOURS)
    common.backlog_chart(frame, f)
    ui.link_conversations(f, "Unanswered conversations", answered="no")


def _agents(f, started) -> None:
    st.subheader("Agents")
    if started is None:
        ui.not_available("Agents", "metrics/agents")
        return
    common.agents_table(started.result().drop(columns=AGENTS_NOT_COMPUTED[f.clock]), f)


def _influence(f, started) -> None:
    st.subheader("Do big accounts get served first?")
    if started is None:
        ui.not_available("Influence fairness", "metrics/influence")
        return
    frame = started.result()
    common.influence_chart(frame.drop(columns=INFLUENCE_NOT_COMPUTED[f.clock]), f)


if __name__ == "__main__":
    routes.run(page)
