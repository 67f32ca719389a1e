"""Pieces several pages share: totals over brands, the per-brand table, clock-aware column choice,
and the small overview versions of each area's main chart."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui, urlstate
from dashboard.filters import Filters

TARGET_COLUMNS = {15: "within_15m", 60: "within_60m", 240: "within_4h", 1440: "within_24h"}


def col(frame: pd.DataFrame, base: str, clock: str) -> str | None:
    """The column of `frame` holding `base` on `clock`: `base` itself on the calendar clock, the
    column with the same name parts plus 'business' on the business clock (e.g.
    frt_median_minutes -> frt_median_business_minutes). None when the metric lacks it."""
    if clock != "business":
        return base if base in frame.columns else None
    wanted = set(base.split("_")) | {"business"}
    for name in frame.columns:
        if set(name.split("_")) == wanted:
            return name
    return None


def value(row, column: str | None):
    return None if column is None else row[column]


def period_rows(headline: pd.DataFrame, period: str) -> pd.DataFrame:
    """The per-brand rows of one period ('current' | 'previous') of metrics/headline, shaped as
    response_times' rows (one per brand, busiest first)."""
    rows = headline[headline["period"] == period].drop(columns="period")
    return rows.reset_index(drop=True)


def within_column(summary: pd.DataFrame, f: Filters) -> str | None:
    """The column of `summary` with the share answered within the filters' SLA target on their
    clock: headline's within_target(_business) when it was computed for that target, else
    response_times' within_* (calendar clock only)."""
    if "within_target" in summary.columns and (
            summary.empty or (summary["target_minutes"] == f.sla_minutes).all()):
        return "within_target_business" if f.clock == "business" else "within_target"
    return col(summary, TARGET_COLUMNS.get(f.sla_minutes, ""), f.clock)


def totals(summary: pd.DataFrame, f: Filters) -> dict:
    """Headline figures over the filtered brands from per-brand rows (headline or
    response_times). Counts and shares add up exactly (shares are over all conversations); a
    median does not, so with several brands the FRT tiles show the range over brands and no
    change."""
    if summary.empty:
        return {}
    conversations = int(summary["conversations"].sum())
    answered = int(summary["answered"].sum())
    within_col = within_column(summary, f)
    within_count = (float((summary[within_col] * summary["conversations"]).sum())
                    if within_col else None)
    median_col = col(summary, "frt_median_minutes", f.clock)
    p90_col = col(summary, "frt_p90_minutes", f.clock)
    out = {
        "conversations": conversations,
        "answered": answered,
        "response_rate": answered / conversations if conversations else None,
        "within_target": within_count / conversations if within_col and conversations else None,
        "not_within": conversations - round(within_count) if within_col else None,
        "frt_median": None, "frt_p90": None,
        "frt_help": f"First response time over answered conversations, {f.clock} clock.",
    }
    if len(summary) == 1:
        row = summary.iloc[0]
        out.update(frt_median=value(row, median_col), frt_p90=value(row, p90_col),
                   frt_label="FRT median", p90_label="FRT p90")
        out["frt_median_text"] = ui.minutes(out["frt_median"])
        out["frt_p90_text"] = ui.minutes(out["frt_p90"])
    else:
        out.update(frt_label="FRT median (brand range)", p90_label="FRT p90 (brand range)",
                   frt_median_text=_range(summary, median_col),
                   frt_p90_text=_range(summary, p90_col))
        out["frt_help"] += (" A median does not add up across brands: this is the fastest and "
                            "the slowest brand; pick one brand for its change.")
    if within_col is None:
        out["not_within"] = None
    return out


def _range(summary: pd.DataFrame, column: str | None) -> str:
    if column is None or summary[column].dropna().empty:
        return "–"
    values = summary[column].dropna()
    return f"{ui.minutes(values.min())} – {ui.minutes(values.max())}"


def brand_table(summary: pd.DataFrame, f: Filters) -> None:
    """Per-brand response figures on the chosen clock, shares as %, with the CSV behind it."""
    clock = f.clock
    columns = {"brand": "Brand", "conversations": "Conversations", "answered": "Answered",
               "response_rate": "Response rate"}
    for minutes, base in TARGET_COLUMNS.items():
        name = col(summary, base, clock)
        if name:
            columns[name] = f"Within {ui.target_label(minutes)}"
    for base, label in (("frt_median_minutes", "FRT median"), ("frt_p90_minutes", "FRT p90"),
                        ("frt_mean_minutes", "FRT mean")):
        name = col(summary, base, clock)
        if name:
            columns[name] = f"{label} ({clock}, min)"
    # the clock's reply latency where the rows hold it (the SLA page's response_times), else
    # the calendar one (the overview's headline computes no business reply latency)
    latency = col(summary, "reply_latency_median_minutes", clock)
    if latency is None and "reply_latency_median_minutes" in summary.columns:
        latency = "reply_latency_median_minutes"
    if latency is not None:
        on_clock = "business, " if "business" in latency else ""
        columns[latency] = f"Reply latency median ({on_clock}min)"
    table = summary[list(columns)].rename(columns=columns)
    config = {label: st.column_config.NumberColumn(label, format="%.1f")
              for label in table.columns if label.endswith("min)")}
    for label in table.columns:
        if label.startswith("Within") or label == "Response rate":
            config[label] = st.column_config.NumberColumn(label, format="percent")
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)
    ui.download_csv(summary, "response_times_by_brand", label="Download the data (CSV)")


def trend_available() -> bool:
    return data.available("metrics/response_trend")


def start_trend(f: Filters, grain: str = "day"):
    """metrics/response_trend for the filters, started (data.start: its result() is the frame)."""
    return data.start("metrics/response_trend", **f.params(), grain=grain,
                      target_minutes=f.sla_minutes)


def trend_hover(frame: pd.DataFrame) -> dict:
    return {"conversations": ":,", "frt_p90_minutes": ":.1f"}


CHANNEL_CLASSES = {"share_public": "Handled in public", "share_dm": "Moved to DM",
                   "share_off_channel": "Moved off-channel", "share_unanswered": "Unanswered"}
CHANNEL_COUNTS = {"share_public": "handled_public", "share_dm": "moved_to_dm",
                  "share_off_channel": "moved_off_channel", "share_unanswered": "unanswered"}


def start_channels_weekly(f: Filters):
    """metrics/channels_weekly for the filters, started (its result() is the frame)."""
    return data.start("metrics/channels_weekly", **f.params())


def channels_weekly(frame: pd.DataFrame) -> pd.DataFrame:
    """Public conversations per UTC week (Monday) of the period by how they were handled,
    pooled over the brands, from metrics/channels_weekly's rows: one row per week and class
    with its share. Weeks cut by the period's edges are partial."""
    weeks = frame.groupby("week_start", sort=True)[list(CHANNEL_COUNTS.values())].sum()
    totals = weeks.sum(axis=1)
    rows = [{"week": week.to_pydatetime(), "handled": CHANNEL_CLASSES[share],
             "conversations": int(weeks.at[week, count]),
             "share": int(weeks.at[week, count]) / int(totals[week]),
             "of_conversations": int(totals[week])}
            for week in weeks.index[totals > 0] for share, count in CHANNEL_COUNTS.items()]
    return pd.DataFrame(rows, columns=["week", "handled", "conversations", "share",
                                       "of_conversations"])


def channels_weekly_chart(frame: pd.DataFrame, title: str):
    fig = charts.bars(frame, "week", "share", title, color="handled", percent=True, stack=True,
                      order=list(CHANNEL_CLASSES.values()),
                      colors=charts.OUTCOME_COLOURS,
                      y_title="Share of public conversations", x_title="Week (UTC, from Monday)",
                      hover={"conversations": ":,", "of_conversations": ":,"},
                      labels={"of_conversations": "Public conversations that week"})
    fig.update_layout(legend_title_text="")
    return fig


def channels_overview(weekly: pd.DataFrame):
    """The overview's chart of metrics/channels_weekly's rows."""
    frame = channels_weekly(weekly)
    return frame, channels_weekly_chart(frame, "Public conversations by how they were handled, "
                                               "per week (%)")


def start_sentiment(f: Filters):
    """metrics/sentiment for the filters, started (its result() is the frame)."""
    return data.start("metrics/sentiment", **f.params())


def negative_share_overview(frame: pd.DataFrame):
    """The overview's chart of metrics/sentiment's rows."""
    frame = frame[frame["scored"] > 0] if "scored" in frame.columns else frame
    fig = charts.lines(frame, "day", "negative_share",
                       "Negative share of customer messages per day (%)", percent=True,
                       y_title="Negative share", hover={"scored": ":,", "negative": ":,"},
                       labels={"scored": "Scored messages"})
    return frame, fig


# metrics/campaigns' care columns (conversations and first responses during and before each
# event): the Campaigns page shows them; the overview's lift chart does not, so it asks the
# metric not to compute them (care = false) and leaves them out of its download.
CAMPAIGN_CARE_COLUMNS = ("conversations", "response_rate", "frt_median_minutes",
                         "frt_p90_minutes", "before_conversations", "before_response_rate",
                         "before_frt_median_minutes", "before_frt_p90_minutes")


def start_campaigns_overview(f: Filters):
    """metrics/campaigns without its care columns, started (its result() is the frame)."""
    return data.start("metrics/campaigns", **f.params(), care=False)


def campaigns_overview(frame: pd.DataFrame):
    """The overview's lift chart of start_campaigns_overview's rows."""
    frame = frame.drop(columns=[c for c in CAMPAIGN_CARE_COLUMNS if c in frame.columns])
    return frame, campaigns_lift_chart(frame)


def campaigns_lift_chart(frame: pd.DataFrame):
    """Lift per event from metrics/campaigns rows (the page that already holds them passes them
    in rather than running the query again)."""
    fig = charts.bars(frame, "name", "lift",
                      "Lift: customer messages during each event / the same hours before (×)",
                      color="kind", x_title="Lift (× baseline)", y_title="", horizontal=True,
                      hover={"brand": True, "inbound": ":,", "baseline_inbound": ":,.1f",
                             "volume": ":,"},
                      labels={"name": "Event", "kind": "Kind", "lift": "Lift (×)",
                              "inbound": "Customer messages", "baseline_inbound": "Baseline",
                              "volume": "Matching keywords"})
    if not frame.empty:
        fig.add_vline(x=1, line_dash="dot", line_color="#888")
    return fig


def brand_choice(key: str, param: str, brands: list[str], label: str) -> str | None:
    """A one-brand selector for charts that cannot mix brands (local hours, medians); its value
    round-trips through the URL as `param`. Defaults to the first (busiest) brand."""
    if brand_chosen(key, param, brands) is None:
        return None
    brand = st.selectbox(label, brands, key=key)
    urlstate.write({param: None if brand == brands[0] else brand})
    return brand


def brand_chosen(key: str, param: str, brands: list[str]) -> str | None:
    """The brand brand_choice's selector shows, before it is drawn (from the URL, the session or
    the default), so that a page can start the chart's query first."""
    if not brands:
        return None
    urlstate.seed(key, param, lambda v: v[-1] if v[-1] in brands else brands[0], brands[0])
    if st.session_state.get(key) not in brands:
        st.session_state[key] = brands[0]
    return st.session_state[key]


def backlog_chart(frame: pd.DataFrame, f: Filters) -> None:
    """Conversations waiting for a first answer at each hour (stale ones apart), per brand."""
    fig = charts.lines(frame, "hour_at", "waiting",
                       "Conversations waiting for a first answer, at each hour (count, UTC)",
                       y_title="Waiting", x_title="Hour (UTC)",
                       hover={"oldest_age_minutes": ":,.0f", "median_age_minutes": ":,.0f",
                              "stale": ":,", "arrived": ":,", "first_responses": ":,"},
                       labels={"hour_at": "Hour", "oldest_age_minutes": "Oldest waiting (min)",
                               "median_age_minutes": "Median age (min)",
                               "stale": "Stale (waiting over a week)", "arrived": "Arrived",
                               "first_responses": "First answers", "waiting": "Waiting"})
    ui.chart(fig, frame, "sla_backlog")


def agents_table(frame: pd.DataFrame, f: Filters) -> None:
    if frame.empty:
        ui.no_data("signed brand replies")
        return
    shown = frame.copy()
    shown["agent"] = shown["agent"].fillna("(unsigned)")
    latency = col(shown, "latency_median_minutes", f.clock) or "latency_median_minutes"
    columns = {"brand": "Brand", "agent": "Agent", "replies": "Replies",
               "conversations": "Conversations", "share_of_brand_replies": "Share of replies",
               latency: f"Reply latency median ({f.clock}, min)",
               "latency_p90_minutes": "Reply latency p90 (calendar, min)",
               "dm_redirect_share": "Asks for DM", "off_channel_share": "Sends off-channel"}
    table = shown[[c for c in columns if c in shown.columns]].rename(columns=columns)
    config = {label: st.column_config.NumberColumn(label, format="%.1f")
              for label in table.columns if "(" in label and "min)" in label}
    for label in ("Share of replies", "Asks for DM", "Sends off-channel"):
        config[label] = st.column_config.NumberColumn(label, format="percent")
    st.dataframe(table, hide_index=True, width="stretch", height=320, column_config=config)
    ui.download_csv(frame, "agents", label="Download the data (CSV)")


def influence_chart(frame: pd.DataFrame, f: Filters) -> None:
    """Response rate and FRT median by follower band (bands with conversations only)."""
    frame = frame.sort_values(["band_order", "brand"])
    fig = charts.bars(frame, "follower_band", "response_rate",
                      "Response rate by the customer's follower count (%)", percent=True,
                      y_title="Response rate", x_title="Customer followers",
                      hover={"conversations": ":,", "frt_median_minutes": ":.1f",
                             "within_target": ":.1%"},
                      labels={"follower_band": "Followers",
                              "within_target": "Within the brand's target"})
    ui.chart(fig, frame, "sla_influence", empty="no follower counts in these conversations.")
    frt = col(frame, "frt_median_minutes", f.clock)
    if frt and not frame.empty:
        fig = charts.bars(frame, "follower_band", frt,
                          f"FRT median by the customer's follower count ({f.clock} minutes)",
                          y_title="Minutes", x_title="Customer followers",
                          hover={"conversations": ":,"},
                          labels={"follower_band": "Followers", frt: "FRT median (min)"})
        ui.chart(fig, frame, "sla_influence_frt")
