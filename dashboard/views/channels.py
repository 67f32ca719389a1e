"""Channels: how much care happens in public, moves to DM or off-channel (phone, e-mail, web
form), how fast the brand offers a DM, and whether DMs are answered faster than public tweets."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, routes, state, ui
from dashboard.views import common


def page() -> None:
    st.title("Channels: public, DM, off-channel")
    f = state.filters()
    if f is None:
        ui.missing_database()
        return
    # both queries at once (data.start)
    started = data.start("metrics/channels", **f.params())
    weekly = common.start_channels_weekly(f)
    frame = started.result()
    if frame.empty or frame["conversations"].sum() == 0:
        ui.no_data("public customer conversations")
        return
    st.caption(f"{f.start:%d %b %Y} – {f.end:%d %b %Y} (UTC) · public customer conversations, "
               "each in one class: unanswered, moved to DM, moved off-channel, else handled in "
               "public · times on the calendar clock")
    _headlines(f, frame)
    _shares(frame)
    weekly = common.channels_weekly(weekly.result())
    ui.chart(common.channels_weekly_chart(
        weekly, "Public conversations by how they were handled, per week (%)"),
        weekly, "channels_weekly")
    left, right = st.columns(2)
    with left:
        _dm_offer(frame)
    with right:
        _dm_vs_public(frame)


def _headlines(f, frame: pd.DataFrame) -> None:
    total = int(frame["conversations"].sum())
    moved = int(frame["moved_to_dm"].sum())
    off = int(frame["moved_off_channel"].sum())
    followed = int(frame["dm_followed"].sum())
    offers = int(frame["dm_offers"].sum())
    cols = st.columns([1, 1, 1, 1.6])
    cols[0].metric("Moved to DM", ui.pct(moved / total),
                   help="Public conversations where the brand asked for a DM or a DM "
                        "conversation with the customer followed within 48 h.")
    cols[1].metric("Moved off-channel", ui.pct(off / total),
                   help="A brand reply sends the customer to phone, e-mail or a web form.")
    cols[2].metric("DM offers followed by a DM", ui.pct(followed / offers) if offers else "–",
                   help="Public conversations with an actual DM conversation after them, over "
                        "those where the brand asked for a DM.")
    one = frame.iloc[0] if len(frame) == 1 else None
    cols[3].metric("Time to the DM offer (median)",
                   ui.minutes(one["dm_offer_median_minutes"]) if one is not None
                   else _range(frame, "dm_offer_median_minutes"),
                   help="Minutes from the customer's first message to the brand's first "
                        "message asking for a DM" + ("" if one is not None else
                                                     "; fastest – slowest brand"))
    links = st.columns(4)
    with links[0]:
        ui.link_conversations(f, f"{moved:,} moved to DM", dm="yes")
    with links[1]:
        ui.link_conversations(f, f"{int(frame['unanswered'].sum()):,} unanswered",
                              answered="no")


def _range(frame: pd.DataFrame, column: str) -> str:
    values = frame[column].dropna()
    if values.empty:
        return "–"
    return f"{ui.minutes(values.min())} – {ui.minutes(values.max())}"


def _shares(frame: pd.DataFrame) -> None:
    long = frame.melt(id_vars=["brand", "conversations"],
                      value_vars=list(common.CHANNEL_CLASSES), var_name="class",
                      value_name="share")
    long["handled"] = long["class"].map(common.CHANNEL_CLASSES)
    long["count"] = [int(frame.set_index("brand").loc[b, common.CHANNEL_COUNTS[c]])
                     for b, c in zip(long["brand"], long["class"])]
    fig = charts.bars(long, "brand", "share",
                      "How public conversations were handled, per brand (% of conversations)",
                      color="handled", percent=True, stack=True, x_title="Brand",
                      order=list(common.CHANNEL_CLASSES.values()),
                      colors=charts.OUTCOME_COLOURS,
                      y_title="Share of public conversations",
                      hover={"count": ":,", "conversations": ":,"},
                      labels={"count": "Conversations in this class",
                              "conversations": "Public conversations"})
    fig.update_layout(legend_title_text="")
    ui.chart(fig, frame, "channels_by_brand")


def _dm_offer(frame: pd.DataFrame) -> None:
    offers = frame[frame["dm_offers"] > 0]
    long = offers.melt(id_vars=["brand", "dm_offers"],
                       value_vars=["dm_offer_median_minutes", "dm_offer_p90_minutes"],
                       var_name="statistic", value_name="minutes")
    long["statistic"] = long["statistic"].map({"dm_offer_median_minutes": "median",
                                               "dm_offer_p90_minutes": "p90"})
    fig = charts.bars(long, "brand", "minutes",
                      "Time to the brand's DM offer (min)<br><sup>from the customer's first "
                      "message to the first brand message asking for a DM</sup>",
                      color="statistic", x_title="Minutes", y_title="", horizontal=True,
                      hover={"dm_offers": ":,"},
                      labels={"statistic": "Statistic", "dm_offers": "DM offers"})
    ui.chart(fig, offers, "channels_dm_offer", empty="the brand never asked for a DM.")


def _dm_vs_public(frame: pd.DataFrame) -> None:
    with_dm = frame[frame["dm_conversations"] > 0]
    long = with_dm.melt(id_vars=["brand", "dm_conversations"],
                        value_vars=["public_frt_median_minutes", "dm_frt_median_minutes"],
                        var_name="channel", value_name="minutes")
    long["channel"] = long["channel"].map({"public_frt_median_minutes": "Public",
                                           "dm_frt_median_minutes": "DM"})
    fig = charts.bars(long, "brand", "minutes",
                      "First response time in DM vs in public, median (min)"
                      "<br><sup>calendar clock; DM: from the customer's first DM</sup>",
                      color="channel", x_title="Minutes", y_title="", horizontal=True,
                      hover={"dm_conversations": ":,"},
                      labels={"channel": "Channel", "dm_conversations": "DM conversations"})
    ui.chart(fig, with_dm, "channels_dm_vs_public",
             empty="no DM data (the public twcs CSV has none; X API loads bring DMs).")


if __name__ == "__main__":
    routes.run(page)
