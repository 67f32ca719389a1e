"""Reputation: how customers feel (negative share and net sentiment over time), when negative
volume spiked (expected, because a calendar event explains it, or a surprise) and why, and
whether care turned negative customers around."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, routes, state, ui
from dashboard import spikes_view as spikes


def page() -> None:
    st.title("Reputation: sentiment and spikes")
    f = state.filters()
    if f is None:
        ui.missing_database()
        return
    st.caption(f"{f.start:%d %b %Y} – {f.end:%d %b %Y} (UTC) · customer messages, public and DM")
    # both metrics at once (data.start); the spikes section reads through etl.api meanwhile
    started = data.start("metrics/sentiment", **f.params())
    turnaround = (data.start("metrics/sentiment_turnaround", **f.params())
                  if data.available("metrics/sentiment_turnaround") else None)
    daily = started.result()
    if daily.empty or daily["inbound_messages"].sum() == 0:
        ui.no_data("customer messages")
        return
    _sentiment(f, daily)
    spikes.section(f)
    _turnaround(f, turnaround)


def _sentiment(f, daily: pd.DataFrame) -> None:
    st.subheader("How do customers feel?")
    scored = daily[daily["scored"] > 0]
    if scored.empty:
        st.info("No customer message in this period has a sentiment score yet (scores are set "
                "when messages are loaded).")
        return
    totals = daily[["inbound_messages", "scored", "negative", "positive"]].sum()
    cols = st.columns(3)
    cols[0].metric("Negative share", ui.pct(totals["negative"] / totals["scored"]),
                   help="Negative customer messages over scored ones.")
    cols[1].metric("Net sentiment", f"{(totals['positive'] - totals['negative']) / totals['scored']:+.2f}",
                   help="(positive − negative) / scored messages, from −1 to +1.")
    cols[2].metric("Customer messages scored", f"{int(totals['scored']):,}",
                   help=f"of {int(totals['inbound_messages']):,} customer messages")
    left, right = st.columns(2)
    hover = {"scored": ":,", "negative": ":,", "positive": ":,"}
    labels = {"scored": "Scored messages", "negative": "Negative", "positive": "Positive"}
    with left:
        fig = charts.lines(scored, "day", "negative_share",
                           "Negative share of customer messages per day (%)", percent=True,
                           y_title="Negative share", hover=hover, labels=labels)
        ui.chart(fig, scored, "reputation_negative_share")
    with right:
        fig = charts.lines(scored, "day", "net_sentiment",
                           "Net sentiment of customer messages per day (−1 … +1)",
                           y_title="Net sentiment (positive − negative share)", hover=hover,
                           labels=labels)
        fig.add_hline(y=0, line_dash="dot", line_color="#888")
        ui.chart(fig, scored, "reputation_net_sentiment")


def _turnaround(f, started) -> None:
    st.subheader("Did care turn it around?")
    if started is None:
        ui.not_available("First vs last customer sentiment", "metrics/sentiment_turnaround")
        return
    frame = started.result()
    frame = frame[frame["spoke_after"] > 0]
    if frame.empty:
        st.info("No answered conversation in this period started negative with a scored "
                "customer message after the brand's answer.")
        ui.link_conversations(f, "Conversations that started negative",
                              sentiment="started_negative")
        return
    spoke = int(frame["spoke_after"].sum())
    turned = int(frame["turned_neutral"].sum() + frame["turned_positive"].sum())
    st.metric("Turnaround rate", ui.pct(turned / spoke),
              help="Answered conversations that started negative and whose customer's last "
                   "message after the brand's answer was neutral or positive, over those with "
                   "such a message.")
    long = frame.melt(id_vars=["brand", "spoke_after"],
                      value_vars=["turned_positive", "turned_neutral", "stayed_negative"],
                      var_name="outcome", value_name="outcome_conversations")
    long["share"] = long["outcome_conversations"] / long["spoke_after"]
    long["outcome"] = long["outcome"].map({"turned_positive": "Turned positive",
                                           "turned_neutral": "Turned neutral",
                                           "stayed_negative": "Stayed negative"})
    fig = charts.bars(long, "brand", "share",
                      "Conversations that started negative: the customer's last sentiment after "
                      "the brand's answer (% of them)", color="outcome", percent=True,
                      order=["Turned positive", "Turned neutral", "Stayed negative"],
                      colors=charts.OUTCOME_COLOURS,
                      stack=True, x_title="Brand", y_title="Share of negative starts",
                      hover={"outcome_conversations": ":,", "spoke_after": ":,"},
                      labels={"outcome": "Outcome", "spoke_after": "Negative starts answered",
                              "outcome_conversations": "Conversations"})
    fig.update_layout(legend_title_text="")
    ui.chart(fig, frame, "reputation_turnaround")
    cols = st.columns(3)
    with cols[0]:
        ui.link_conversations(f, "Turned around", sentiment="turned_around")
    with cols[1]:
        ui.link_conversations(f, "Ended negative", sentiment="ended_negative")


if __name__ == "__main__":
    routes.run(page)
