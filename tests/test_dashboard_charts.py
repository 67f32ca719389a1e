"""Chart builders without Streamlit: titles with units, words (not column names) on axes and
legends, shares drawn as percentages, categories kept as categories, empty frames announced."""
from __future__ import annotations

import pandas as pd

from dashboard import charts
from dashboard.views import common
from dashboard.filters import Filters


def _trend() -> pd.DataFrame:
    return pd.DataFrame({
        "brand": ["A", "A", "B", "B"],
        "period_start": pd.to_datetime(["2026-09-07", "2026-09-14"] * 2, utc=True),
        "within_target": [0.82, 0.9, 0.5, 0.61],
        "conversations": [10, 12, 8, 9],
    })


def test_shares_are_percent_axes_and_hovers():
    fig = charts.lines(_trend(), "period_start", "within_target", "Share within 1 h (%)",
                       percent=True, hover={"conversations": ":,"})
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.yaxis.hoverformat == ".1%"
    assert fig.layout.title.text == "Share within 1 h (%)"
    assert fig.layout.legend.title.text == "Brand:"
    assert {t.name for t in fig.data} == {"A", "B"}


def test_axes_and_hovers_say_words_not_column_names():
    frame = pd.DataFrame({"brand": ["A", "B"], "frt_median_minutes": [3.5, 80.0],
                          "conversations": [10, 20]})
    fig = charts.bars(frame, "brand", "frt_median_minutes", "FRT median (min)", color=None,
                      y_title="Minutes", hover={"conversations": ":,"})
    assert fig.layout.yaxis.title.text == "Minutes"
    template = fig.data[0].hovertemplate
    assert "FRT median (min)" in template and "Conversations" in template
    assert "frt_median_minutes" not in template


def test_bands_stay_categories():
    frame = pd.DataFrame({"follower_band": ["<100", "100-1k", "1k-10k"], "brand": "A",
                          "response_rate": [0.7, 0.75, 0.8]})
    fig = charts.bars(frame, "follower_band", "response_rate", "Response rate (%)", percent=True)
    assert fig.layout.xaxis.type == "category"
    assert fig.layout.yaxis.tickformat == ".0%"


def test_horizontal_bars_keep_table_order():
    frame = pd.DataFrame({"name": ["first", "second"], "lift": [1.4, 2.6], "kind": "campaign"})
    fig = charts.bars(frame, "name", "lift", "Lift (×)", color="kind", horizontal=True)
    assert fig.layout.yaxis.autorange == "reversed"
    assert list(fig.data[0].y) == ["first", "second"]


def test_heatmap_keeps_missing_cells_blank_and_orders_days():
    frame = pd.DataFrame({"weekday_name": ["Tue", "Mon"], "hour": [0, 1], "messages": [3, 5]})
    fig = charts.heatmap(frame, "hour", "weekday_name", "messages", "Messages (count)",
                         z_title="Messages", y_order=["Mon", "Tue"], x_order=[0, 1])
    z = fig.data[0].z
    assert list(fig.data[0].y) == ["Mon", "Tue"]
    assert z[0][1] == 5 and pd.isna(z[0][0])
    assert fig.layout.yaxis.title.text == "Weekday"


def test_empty_frame_gives_an_announced_empty_figure():
    fig = charts.lines(_trend().iloc[0:0], "period_start", "within_target", "Share (%)")
    assert fig.layout.annotations[0].text == "No data for these filters"


def test_clock_picks_business_columns_by_name_parts():
    frame = pd.DataFrame(columns=["frt_median_minutes", "frt_business_median_minutes",
                                  "latency_business_median_minutes"])
    assert common.col(frame, "frt_median_minutes", "calendar") == "frt_median_minutes"
    assert common.col(frame, "frt_median_minutes", "business") == "frt_business_median_minutes"
    assert common.col(frame, "latency_median_minutes", "business") == \
        "latency_business_median_minutes"
    assert common.col(frame, "frt_p90_minutes", "business") is None


def test_totals_add_shares_exactly_and_never_medians():
    import datetime as dt

    f = Filters((), dt.date(2026, 9, 1), dt.date(2026, 9, 30), 60, "calendar")
    summary = pd.DataFrame({"brand": ["A", "B"], "conversations": [100, 300],
                            "answered": [90, 150], "within_60m": [0.5, 0.2],
                            "frt_median_minutes": [5.0, 50.0], "frt_p90_minutes": [30.0, 600.0]})
    t = common.totals(summary, f)
    assert t["conversations"] == 400 and t["answered"] == 240
    assert t["within_target"] == (50 + 60) / 400 and t["not_within"] == 290
    assert t["frt_median"] is None and t["frt_median_text"] == "5.0 min – 50.0 min"
    one = common.totals(summary.iloc[[1]], f)
    assert one["frt_median"] == 50.0 and one["frt_p90_text"] == "10.0 h"


def test_traces_hold_what_plotly_makes_of_each_groups_own_columns():
    """lines and bars convert each column once for all traces (charts._arrays): every trace
    must equal the one plotly builds from that group's own pandas columns (time zone aware
    times, string brands in name order, NaN values, hover columns of mixed types)."""
    import plotly.graph_objects as go

    frame = pd.DataFrame({
        "brand": ["B", "A", "B", "A", "C"],
        "period_start": pd.to_datetime(["2026-09-14 10:00", "2026-09-07 00:00",
                                        "2026-09-07 00:00", "2026-09-14 00:00",
                                        "2026-03-29 01:30"], utc=True)
                        .tz_convert("Europe/Berlin"),
        "frt_median_minutes": [3.5, None, 80.0, 7.25, 1.0],
        "conversations": [10, 12, 8, 9, 1],
        "agent": ["x", None, "y", "z", "w"],
    })
    hover = {"conversations": ":,", "agent": True}
    for build, trace in ((charts.lines, go.Scatter), (charts.bars, go.Bar)):
        fig = build(frame, "period_start", "frt_median_minutes", "FRT median (min)",
                    hover=hover)
        assert [t.name for t in fig.data] == ["A", "B", "C"]
        for got in fig.data:
            part = frame[frame["brand"] == got.name]
            expected = trace(x=part["period_start"], y=part["frt_median_minutes"],
                             customdata=part[["conversations", "agent"]].to_numpy())
            assert got.to_plotly_json()["x"].tolist() == expected.to_plotly_json()["x"].tolist()
            assert pd.Series(got.y).equals(pd.Series(expected.y))
            assert got.customdata.tolist() == expected.customdata.tolist()


def test_many_brands_show_the_busiest_and_say_so():
    """The public twcs file has 108 brands: a chart draws the MAX_BRANDS busiest (by the
    frame's conversations) and its title says how many of how many; a few brands all show."""
    brands = [f"Brand{i:02d}" for i in range(20)]
    frame = pd.DataFrame({
        "brand": brands * 2,
        "period_start": pd.to_datetime(["2026-09-07 00:00"] * 20 + ["2026-09-14 00:00"] * 20,
                                       utc=True),
        "within_target": [0.5] * 40,
        "conversations": list(range(20)) * 2,     # Brand19 is the busiest
    })
    for build in (charts.lines, charts.bars):
        fig = build(frame, "period_start", "within_target", "Share within 1 h (%)",
                    percent=True)
        assert [t.name for t in fig.data] == sorted(brands[-charts.MAX_BRANDS:])
        assert fig.layout.title.text == (f"Share within 1 h (%)<br><sup>the {charts.MAX_BRANDS} "
                                         "busiest of 20 brands with conversations (pick "
                                         "others in the sidebar)</sup>")
        few = build(frame[frame["brand"].isin(brands[:3])], "period_start", "within_target",
                    "Share within 1 h (%)", percent=True)
        assert [t.name for t in few.data] == brands[:3]
        assert few.layout.title.text == "Share within 1 h (%)"
    # the line says what it counts: charts of one period count brands by their own column
    inbound = frame.rename(columns={"conversations": "inbound"})
    assert charts.lines(inbound, "period_start", "within_target", "Negative share").layout \
        .title.text.endswith("busiest of 20 brands with customer messages (pick others in the "
                             "sidebar)</sup>")
    rows_only = frame.drop(columns="conversations")
    assert charts.lines(rows_only, "period_start", "within_target", "Share").layout \
        .title.text.endswith("busiest of 20 brands (pick others in the sidebar)</sup>")
    # brands on the axis, not one series each: every brand stays
    bars = charts.bars(frame, "brand", "within_target", "Share", color=None)
    assert len(bars.data[0].x) == 40
