"""Overview: the headline numbers for the filtered brands and period, each with its change vs the
previous period of the same length (both from one query, dashboard/overview_headline: the
figures of metrics/headline this page shows, on its clock), and one chart per area linking to
its page."""
from __future__ import annotations

import streamlit as st

from dashboard import charts, data, routes, state, ui
from dashboard.views import common

# the columns dashboard/overview_headline leaves NULL on each clock (not shown on this page)
NOT_COMPUTED = {
    "calendar": ["frt_business_median_minutes", "frt_business_p90_minutes",
                 "reply_latency_business_median_minutes", "within_target_business"],
    "business": ["frt_median_minutes", "frt_p90_minutes",
                 "reply_latency_business_median_minutes"],
}

# A change is shown only against a previous period with at least this many conversations: the
# public twcs data holds a handful of tweets from 2011-2016 before 2017's, and 2 -> 1,284
# conversations read "+64,100%", a response rate on 2 conversations is not a baseline.
MIN_PREVIOUS_CONVERSATIONS = 30


def page() -> None:
    st.title("Overview")
    f = state.filters()
    if f is None:
        ui.missing_database()
        return
    fetched = _start_queries(f)
    headline = fetched["headline"].result().drop(columns=NOT_COMPUTED[f.clock])
    summary = common.period_rows(headline, "current")
    if summary.empty:
        ui.no_data()
        return
    days = (f.end - f.start).days + 1
    before, why_not = _previous(f, headline, days)
    if why_not is None:
        st.caption(f"{f.start:%d %b %Y} – {f.end:%d %b %Y} (UTC), changes against the {days} "
                   f"days before · {f.clock} clock")
    else:
        st.caption(f"{f.start:%d %b %Y} – {f.end:%d %b %Y} (UTC) · {f.clock} clock · no "
                   f"change shown: {why_not}")
    now, then = common.totals(summary, f), common.totals(before, f)
    _headlines(f, now, then)
    left, right = st.columns(2)
    with left:
        _sla_chart(f, fetched.get("trend"))
    with right:
        _volume_chart(f, fetched["daily"])
    left, right = st.columns(2)
    with left:
        _channels_chart(f, fetched.get("channels"))
    with right:
        _reputation_chart(f, fetched.get("sentiment"))
    _campaigns_chart(f, fetched.get("campaigns"))
    st.subheader("Per brand")
    common.brand_table(summary, f)


def _previous(f, headline, days: int):
    """The previous period's per-brand rows to compare with, and why there are none (None when
    there are): the data must cover that period, and it must hold enough conversations."""
    before = common.period_rows(headline, "previous")
    if not f.previous_in_data():
        return (before.iloc[0:0], f"the data starts {f.data_first:%d %b %Y}, so the {days} "
                "days before are not fully in it")
    held = int(before["conversations"].sum()) if not before.empty else 0
    if held < MIN_PREVIOUS_CONVERSATIONS:
        return (before.iloc[0:0], f"the {days} days before hold only {held:,} conversation"
                f"{'' if held == 1 else 's'} (fewer than {MIN_PREVIOUS_CONVERSATIONS})")
    return before, None


def _start_queries(f) -> dict:
    """Every query of the page at once (data.start); each chart then waits for its own. A
    metric file not there yet is not started (its chart says so)."""
    started = {
        "headline": data.start("dashboard/overview_headline", **f.params(),
                               target_minutes=f.sla_minutes, clock=f.clock),
        "daily": data.start("metrics/daily_volume", **f.params()),
    }
    if common.trend_available():
        started["trend"] = common.start_trend(f, grain="week")
    if data.available("metrics/channels"):
        started["channels"] = common.start_channels_weekly(f)
    if data.available("metrics/sentiment"):
        started["sentiment"] = common.start_sentiment(f)
    if data.available("metrics/campaigns"):
        started["campaigns"] = common.start_campaigns_overview(f)
    return started


def _headlines(f, now: dict, before: dict) -> None:
    target = ui.target_label(f.sla_minutes)
    top = st.columns(3)
    top[0].metric("Customer conversations", f"{now['conversations']:,}",
                  ui.delta_relative(now["conversations"], before.get("conversations")),
                  delta_color="off", help="Conversations customers started in the period.")
    top[1].metric("Response rate", ui.pct(now["response_rate"]),
                  ui.delta_pct_points(now["response_rate"], before.get("response_rate")),
                  help="Answered / customer-started conversations (answered by the end of the "
                       "data).")
    top[2].metric(f"Answered within {target}", ui.pct(now["within_target"]),
                  ui.delta_pct_points(now["within_target"], before.get("within_target")),
                  help="Share of all customer-started conversations first answered within the "
                       f"SLA target on the {f.clock} clock (unanswered ones count as not within).")
    with top[0]:
        ui.link_conversations(f, "All conversations")
    with top[1]:
        ui.link_conversations(f, f"{now['conversations'] - now['answered']:,} unanswered",
                              answered="no")
    with top[2]:
        missed = now["not_within"]
        ui.link_conversations(f, f"{missed:,} not within {target}" if missed is not None
                              else f"Not within {target}", frt_above=str(f.sla_minutes))
    low = st.columns(3)
    low[0].metric(now["frt_label"], now["frt_median_text"],
                  ui.delta_minutes(now["frt_median"], before.get("frt_median")),
                  delta_color="inverse", help=now["frt_help"])
    low[1].metric(now["p90_label"], now["frt_p90_text"],
                  ui.delta_minutes(now["frt_p90"], before.get("frt_p90")),
                  delta_color="inverse", help=now["frt_help"])
    with low[2]:
        st.write("")
        ui.link_page("sla", "Response times in depth", f)


def _sla_chart(f, started) -> None:
    if started is not None:
        trend = started.result()
        fig = charts.lines(trend, "period_start", common.col(trend, "frt_median_minutes", f.clock),
                           f"First response time, median per week ({f.clock} minutes)",
                           y_title="Minutes", hover=common.trend_hover(trend),
                           labels={"period_start": "Week"})
        ui.chart(fig, trend, "overview_frt_trend")
    else:
        ui.not_available("FRT over time", "metrics/response_trend")
    ui.link_page("sla", "SLA: percentiles, targets, heatmap, backlog, agents", f)


def _volume_chart(f, started) -> None:
    daily = started.result()
    ui.chart(charts.daily_conversations(daily), daily, "overview_daily_volume")
    ui.link_page("conversations", "Conversations: the rows behind the numbers", f)


def _channels_chart(f, started) -> None:
    if started is not None:
        frame, fig = common.channels_overview(started.result())
        ui.chart(fig, frame, "overview_channels")
    else:
        ui.not_available("Public vs DM", "metrics/channels")
    ui.link_page("channels", "Channels: public, DM, off-channel", f)


def _reputation_chart(f, started) -> None:
    if started is not None:
        frame, fig = common.negative_share_overview(started.result())
        ui.chart(fig, frame, "overview_negative_share",
                 empty="no customer message in this period has a sentiment score yet.")
    else:
        ui.not_available("Negative share", "metrics/sentiment")
    ui.link_page("reputation", "Reputation: sentiment and spikes", f)


def _campaigns_chart(f, started) -> None:
    if started is not None:
        frame, fig = common.campaigns_overview(started.result())
        ui.chart(fig, frame, "overview_campaigns", empty="no campaign in this period.")
    else:
        ui.not_available("Campaigns", "metrics/campaigns")
    ui.link_page("campaigns", "Campaigns: volume, lift, mood, care", f)


if __name__ == "__main__":
    routes.run(page)
