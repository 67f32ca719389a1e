"""Campaigns (marketers): the event calendar, each event's volume and lift over the same hours
before it, the mood of that volume, and whether care kept up while it ran; how to add one."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import charts, data, routes, state, ui, urlstate
from dashboard.filters import Filters
from dashboard.views import common

CALENDAR_HELP = """\
Events live in a CSV file you edit: `events.csv` beside `carepulse.toml` (or the file its
`events_file` setting names). One line per event; times in UTC (ISO 8601); `brand` empty = every
brand; `kind` is campaign, launch, price change, outage or other; `keywords` are the hashtags and
words that mark the event's messages, separated by `;`:

```
name,brand,start,end,kind,keywords
Acme Mega Deal,AcmeCareHelp,2026-09-15T04:00:00Z,2026-09-19T04:00:00Z,campaign,#AcmeMegaDeal;Mega Deal
```

The next `carepulse load` reads the file again and matches messages to the events; this page
then shows the new event.
"""


def page() -> None:
    st.title("Campaigns and events")
    f = state.filters()
    if f is None:
        ui.missing_database()
        return
    frame = data.run("metrics/campaigns", **f.params())
    if frame.empty:
        st.info("No calendar event overlaps this period for these brands.")
        with st.expander("How to add a campaign", expanded=True):
            st.markdown(CALENDAR_HELP)
        return
    st.caption(f"Events overlapping {f.start:%d %b %Y} – {f.end:%d %b %Y} (UTC). Lift = customer "
               "messages during the event / the mean over the same hours 1 and 2 event-lengths "
               "(in whole weeks) before it.")
    _calendar(frame)
    left, right = st.columns(2)
    with left:
        ui.chart(common.campaigns_lift_chart(frame), frame, "campaigns_lift")
    with right:
        _volume(frame)
    left, right = st.columns(2)
    with left:
        _care_frt(frame)
    with right:
        _care_rate(frame)
    _mood(frame)
    _detail(f, frame)
    with st.expander("How to add a campaign"):
        st.markdown(CALENDAR_HELP)


def _calendar(frame: pd.DataFrame) -> None:
    table = frame[["name", "kind", "brand", "starts_at", "ends_at", "hours", "keywords", "volume",
                   "lift"]]
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "name": "Event", "kind": "Kind", "brand": "Brand",
        "starts_at": st.column_config.DatetimeColumn("Starts (UTC)", format="YYYY-MM-DD HH:mm"),
        "ends_at": st.column_config.DatetimeColumn("Ends (UTC)", format="YYYY-MM-DD HH:mm"),
        "hours": st.column_config.NumberColumn("Hours", format="%.1f"),
        "keywords": "Hashtags / keywords",
        "volume": st.column_config.NumberColumn("Matching messages", format="%d"),
        "lift": st.column_config.NumberColumn("Lift (×)", format="%.2f"),
    })
    ui.download_csv(frame, "campaigns", label="Download the data (CSV)")


def _volume(frame: pd.DataFrame) -> None:
    long = frame.melt(id_vars=["name", "brand", "volume"],
                      value_vars=["baseline_inbound", "inbound"], var_name="window",
                      value_name="messages")
    long["window"] = long["window"].map({"baseline_inbound": "Same hours before (mean)",
                                         "inbound": "During the event"})
    fig = charts.bars(long, "name", "messages",
                      "Customer messages during each event vs before (count)", color="window",
                      order=["Same hours before (mean)", "During the event"],
                      x_title="Customer messages", y_title="", horizontal=True,
                      hover={"brand": True, "volume": ":,"},
                      labels={"window": "Window", "name": "Event",
                              "volume": "Matching its keywords"})
    ui.chart(fig, long, "campaigns_volume")


def _before_during(frame: pd.DataFrame, during: str, before: str, value: str) -> pd.DataFrame:
    long = frame.melt(id_vars=["name", "brand", "conversations", "before_conversations"],
                      value_vars=[before, during], var_name="window", value_name=value)
    long["window"] = long["window"].map({before: "Before (same length)", during: "During"})
    return long


def _care_frt(frame: pd.DataFrame) -> None:
    long = _before_during(frame, "frt_median_minutes", "before_frt_median_minutes", "minutes")
    fig = charts.bars(long, "name", "minutes",
                      "Did care keep up? FRT median during vs before (min)"
                      "<br><sup>calendar clock; before = the same length just before</sup>",
                      color="window", x_title="Minutes", y_title="", horizontal=True,
                      hover={"brand": True, "conversations": ":,", "before_conversations": ":,"},
                      labels={"window": "Window", "name": "Event",
                              "before_conversations": "Conversations before"})
    ui.chart(fig, long, "campaigns_frt")


def _care_rate(frame: pd.DataFrame) -> None:
    long = _before_during(frame, "response_rate", "before_response_rate", "rate")
    fig = charts.bars(long, "name", "rate",
                      "Response rate during vs before each event (%)", color="window",
                      percent=True, x_title="Response rate", y_title="", horizontal=True,
                      hover={"brand": True, "conversations": ":,", "before_conversations": ":,"},
                      labels={"window": "Window", "name": "Event", "rate": "Response rate",
                              "before_conversations": "Conversations before"})
    ui.chart(fig, long, "campaigns_response_rate")


def _mood(frame: pd.DataFrame) -> None:
    scored = frame[frame["negative_share"].notna()]
    if scored.empty:
        st.info("**Mood of each event's messages**: no sentiment score on its matching messages "
                "yet (scores are set when messages are loaded).")
        return
    fig = charts.bars(scored, "name", "negative_share",
                      "Negative share of the messages matching each event (%)", color="kind",
                      percent=True, x_title="Negative share", y_title="", horizontal=True,
                      hover={"brand": True, "volume": ":,", "sentiment_mean": ":+.2f"},
                      labels={"name": "Event", "kind": "Kind", "volume": "Matching messages",
                              "sentiment_mean": "Mean sentiment"})
    ui.chart(fig, scored, "campaigns_mood")


def _detail(f: Filters, frame: pd.DataFrame) -> None:
    st.subheader("One event up close")
    names = frame["name"].tolist()
    urlstate.seed("e_event", "event", lambda v: v[-1] if v[-1] in names else names[0], names[0])
    if st.session_state.get("e_event") not in names:
        st.session_state["e_event"] = names[0]
    name = st.selectbox("Event", names, key="e_event")
    urlstate.write({"event": name})
    event = frame[frame["name"] == name].iloc[0]
    brands = [event["brand"]] if event["brand"] else list(f.brands)
    start, end = event["starts_at"].to_pydatetime(), event["ends_at"].to_pydatetime()
    around = data.run("metrics/daily_volume", brands=brands, start=start - dt.timedelta(days=14),
                      end=end + dt.timedelta(days=7))
    fig = charts.daily_conversations(around)
    fig.update_layout(title=f"{name}: customer conversations per day, two weeks before to a "
                            "week after (count, UTC days)")
    fig.add_vrect(x0=start, x1=end, fillcolor="#f58518", opacity=0.15, line_width=0,
                  annotation_text=event["kind"], annotation_position="top left")
    ui.chart(fig, around, "campaigns_event_days")
    cols = st.columns(3)
    cols[0].metric("Lift", f"{event['lift']:.2f}×" if pd.notna(event["lift"]) else "–")
    cols[1].metric("FRT median during", ui.minutes(event["frt_median_minutes"]),
                   ui.delta_minutes(event["frt_median_minutes"],
                                    event["before_frt_median_minutes"]),
                   delta_color="inverse", help="Change against the same length just before.")
    cols[2].metric("Response rate during", ui.pct(event["response_rate"]),
                   ui.delta_pct_points(event["response_rate"], event["before_response_rate"]))
    window = Filters(tuple(brands), start.date(), (end - dt.timedelta(microseconds=1)).date(),
                     f.sla_minutes, f.clock)
    if event["kind"] == "campaign":
        ui.link_conversations(f, f"Conversations matching {name}", campaign=name)
    ui.link_conversations(window, f"All conversations of {event['brand'] or 'all brands'} "
                                  "during the event")


if __name__ == "__main__":
    routes.run(page)
