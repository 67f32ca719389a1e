"""Chart builders: DataFrame in, plotly figure out. No Streamlit here, so they test alone.

Every figure has a title that says what it shows and its unit, axis titles in words (never raw
column names), shares drawn as percentages, and hover details."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

TEMPLATE = "plotly_white"
HEIGHT = 380
# At most this many brands get a line or bar series of their own: the public twcs file has 108
# brands, and 74 lines in one chart say nothing (and cost ~1 s to draw). With more, a chart
# shows the busiest ones and says so in its title; the sidebar picks others, the download has all.
MAX_BRANDS = 12
# a brand's volume in a chart's frame: the first of these columns it has (else its row count)
VOLUME_COLUMNS = ("conversations", "inbound", "messages", "replies", "waiting")
# what the "of N brands" line counts, by that column: charts of one period differ (on the real
# twcs sample 74 brands have conversations, 76 have customer messages: two brands' only threads
# start at a brand's own tweet, which opens no conversation), and the line says which
COUNTED = {"conversations": "with conversations", "inbound": "with customer messages",
           "messages": "with messages", "replies": "with replies",
           "waiting": "with waiting conversations"}

# Human names for the metric columns, used for axes, legends and hovers.
LABELS = {
    "brand": "Brand", "day": "Day", "week": "Week", "period": "Period", "hour": "Hour",
    "conversations": "Conversations", "answered": "Answered", "unanswered": "Unanswered",
    "response_rate": "Response rate", "replies": "Replies",
    "frt_median_minutes": "FRT median (min)", "frt_p90_minutes": "FRT p90 (min)",
    "frt_mean_minutes": "FRT mean (min)",
    "reply_latency_median_minutes": "Reply latency median (min)",
    "within_target": "Share within target", "share_within": "Share within target",
    "minutes": "Minutes since the customer's first message", "share_answered": "Share answered",
    "target": "Target", "share": "Share", "channel": "Handled", "count": "Count",
    "inbound": "Customer messages", "negative": "Negative messages",
    "negative_share": "Negative share", "net_sentiment": "Net sentiment",
    "expected": "Expected", "value": "Observed", "score": "Score",
    "weekday": "Weekday", "local_hour": "Hour (brand's local time)",
    "follower_band": "Followers", "agent": "Agent", "weekday_name": "Weekday",
    "period_start": "Period", "hour_at": "Hour (UTC)", "week": "Week", "handled": "Handled",
}


# Colours that carry meaning (good, neutral, bad), for series whose names say so.
OUTCOME_COLOURS = {
    "Turned positive": "#54a24b", "Turned neutral": "#bab0ac", "Stayed negative": "#e45756",
    "Handled in public": "#4c78a8", "Moved to DM": "#72b7b2", "Moved off-channel": "#eeca3b",
    "Unanswered": "#e45756",
}


def empty(title: str, message: str = "No data for these filters") -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, template=TEMPLATE, xaxis_visible=False, yaxis_visible=False,
                      annotations=[dict(text=message, showarrow=False, font_size=16)])
    return fig


def _layout(fig: go.Figure, *, percent: bool = False, legend: str | None = "Brand",
            y_title: str | None = None, x_title: str | None = None) -> go.Figure:
    fig.update_layout(template=TEMPLATE, height=HEIGHT, margin=dict(l=10, r=10, t=70, b=10),
                      title_font_size=15, hovermode="x unified",
                      legend=dict(orientation="h", yanchor="top", y=-0.2, x=0,
                                  title_text=f"{legend}:" if legend else "",
                                  title_side="left"))
    if percent:
        fig.update_yaxes(tickformat=".0%", hoverformat=".1%", rangemode="tozero")
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    if len(fig.data) > 1:
        # the legend sits under the plot: an x-axis title would collide with it, and the tick
        # labels (days, brands, targets) say what the axis is; the chart title names the unit
        fig.update_xaxes(title_text="")
    elif x_title:
        fig.update_xaxes(title_text=x_title)
    return fig


def _labels(extra: dict | None = None) -> dict:
    return dict(LABELS, **(extra or {}))


def _hover(frame: pd.DataFrame, columns: dict, labels: dict) -> tuple[list[str], str]:
    """Extra hover lines for the columns the frame has ({column: d3 format like ':,' or
    ':.1f', or True}): the columns to pass as customdata, and the hovertemplate part."""
    present = [c for c in columns if c in frame.columns]
    parts = []
    for i, column in enumerate(present):
        fmt = columns[column]
        fmt = "" if fmt is True else fmt
        parts.append(f"<br>{labels.get(column, column)}: %{{customdata[{i}]{fmt}}}")
    return present, "".join(parts)


def _groups(frame: pd.DataFrame, color: str | None, order: list | None = None):
    """(name, row positions) per `color` value, sorted by name (`order`'s names first); one
    group of every row without `color`."""
    if color is None:
        yield None, slice(None)
        return
    parts = frame.groupby(color, sort=True, observed=True).indices
    for name in [o for o in (order or []) if o in parts] + [n for n in parts
                                                           if n not in (order or [])]:
        yield name, parts[name]


def _busiest_brands(frame: pd.DataFrame, color: str | None, title: str):
    """With a series per brand and more than MAX_BRANDS brands: the rows of the MAX_BRANDS
    busiest (the largest total of the frame's first VOLUME_COLUMNS column, else the most rows;
    ties by name), and the title saying so on a line of its own (half-width charts cut a long
    title). Otherwise the frame and title as they are."""
    if color != "brand" or frame["brand"].nunique() <= MAX_BRANDS:
        return frame, title
    volume = next((c for c in VOLUME_COLUMNS if c in frame.columns), None)
    totals = (frame.groupby("brand", observed=True)[volume].sum() if volume
              else frame.groupby("brand", observed=True).size())
    ranked = totals.reset_index(name="total").sort_values(["total", "brand"],
                                                          ascending=[False, True])
    kept = set(ranked["brand"].head(MAX_BRANDS))
    counted = " ".join(filter(None, [f"{len(ranked)} brands", COUNTED.get(volume)]))
    shown = f"the {MAX_BRANDS} busiest of {counted} (pick others in the sidebar)"
    return frame[frame["brand"].isin(kept)], f"{title}<br><sup>{shown}</sup>"


def _arrays(frame: pd.DataFrame, columns: list[str]) -> dict:
    """Each column as the numpy array plotly makes of it (a time-zone-aware time in its wall
    time), once for all of a figure's traces: given pandas columns, plotly converts each
    trace's own through narwhals (~1.5 ms a trace, ~2 s for the SLA page of 74 brands)."""
    arrays = {}
    for column in dict.fromkeys(columns):
        series = frame[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
        arrays[column] = series.to_numpy()
    return arrays


def _is_category(series: pd.Series) -> bool:
    kind = series.dtype
    return not (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_datetime64_any_dtype(kind))


def daily_conversations(frame: pd.DataFrame) -> go.Figure:
    """Customer conversations started per day and brand (stacked bars)."""
    return bars(frame, "day", "conversations",
                "Customer conversations started per day (count, UTC days)", stack=True,
                y_title="Conversations", hover={"answered": ":,", "frt_median_minutes": ":.1f"})


def lines(frame: pd.DataFrame, x: str, y: str, title: str, *, color: str | None = "brand",
          percent: bool = False, hover: dict | None = None, y_title: str | None = None,
          x_title: str | None = None, labels: dict | None = None,
          shape: str = "linear") -> go.Figure:
    """One line per `color` value; `percent` draws a 0..1 share as %. Built with
    graph_objects, not plotly express: px costs ~0.1 s a figure and ~1 s on 10k points."""
    if frame.empty:
        return empty(title)
    frame, title = _busiest_brands(frame, color, title)
    names = _labels(labels)
    extra, extra_template = _hover(frame, hover or {}, names)
    y_format = ".1%" if percent else ",.1f"
    markers = len(frame) <= 60
    values = _arrays(frame, [x, y])
    hover_values = frame[extra].to_numpy() if extra else None
    fig = go.Figure()
    for name, rows in _groups(frame, color):
        fig.add_trace(go.Scatter(
            x=values[x][rows], y=values[y][rows],
            name=str(name) if name is not None else names.get(y, y),
            mode="lines+markers" if markers else "lines", line_shape=shape,
            customdata=hover_values[rows] if extra else None,
            hovertemplate=f"{names.get(y, y)}: %{{y:{y_format}}}{extra_template}"
                          f"<extra>{name if name is not None else ''}</extra>"))
    fig.update_layout(title=title)
    fig.update_xaxes(title_text=names.get(x, x))
    fig.update_yaxes(title_text=names.get(y, y))
    return _layout(fig, percent=percent, legend=names.get(color) if color else None,
                   y_title=y_title, x_title=x_title)


def bars(frame: pd.DataFrame, x: str, y: str, title: str, *, color: str | None = "brand",
         percent: bool = False, hover: dict | None = None, y_title: str | None = None,
         x_title: str | None = None, labels: dict | None = None, stack: bool = False,
         horizontal: bool = False, order: list | None = None,
         colors: dict | None = None) -> go.Figure:
    """Bars of `y` by `x`, one series per `color` value (grouped, or stacked)."""
    if frame.empty:
        return empty(title)
    frame, title = _busiest_brands(frame, color, title)
    names = _labels(labels)
    extra, extra_template = _hover(frame, hover or {}, names)
    value_format = ".1%" if percent else ",.4~f"
    category, value = ("y", "x") if horizontal else ("x", "y")
    values = _arrays(frame, [x, y])
    hover_values = frame[extra].to_numpy() if extra else None
    fig = go.Figure()
    for name, rows in _groups(frame, color, order):
        fig.add_trace(go.Bar(
            **{category: values[x][rows], value: values[y][rows]},
            orientation="h" if horizontal else "v",
            name=str(name) if name is not None else names.get(y, y),
            marker_color=(colors or {}).get(name),
            customdata=hover_values[rows] if extra else None,
            hovertemplate=f"{names.get(x, x)}: %{{{category}}}<br>{names.get(y, y)}: "
                          f"%{{{value}:{value_format}}}{extra_template}"
                          f"<extra>{name if name is not None else ''}</extra>"))
    fig.update_layout(title=title, barmode="stack" if stack else "group")
    category_axis = fig.update_yaxes if horizontal else fig.update_xaxes
    value_axis = fig.update_xaxes if horizontal else fig.update_yaxes
    category_axis(title_text=names.get(x, x))
    value_axis(title_text=names.get(y, y))
    if _is_category(frame[x]):
        # names and bands ('100-1k', '<100') are categories, never numbers or dates
        category_axis(type="category")
    if horizontal:
        fig.update_yaxes(autorange="reversed")   # first row on top, as in the tables
    _layout(fig, legend=names.get(color) if color else None, y_title=y_title, x_title=x_title)
    fig.update_layout(hovermode="closest")
    if percent:
        value_axis(tickformat=".0%", hoverformat=".1%", rangemode="tozero")
    return fig


def heatmap(frame: pd.DataFrame, x: str, y: str, z: str, title: str, *, z_title: str,
            x_order: list | None = None, y_order: list | None = None,
            z_format: str = ".0f", colorscale: str = "Blues") -> go.Figure:
    """A grid (e.g. hour of day × weekday); missing cells stay blank, never zero."""
    if frame.empty:
        return empty(title)
    grid = frame.pivot_table(index=y, columns=x, values=z, aggfunc="sum")
    if x_order is not None:
        grid = grid.reindex(columns=x_order)
    if y_order is not None:
        grid = grid.reindex(index=y_order)
    fig = go.Figure(go.Heatmap(
        z=grid.values, x=[str(c) for c in grid.columns], y=[str(i) for i in grid.index],
        colorscale=colorscale, colorbar=dict(title=z_title),
        hovertemplate=f"{LABELS.get(y, y)} %{{y}}<br>{LABELS.get(x, x)} %{{x}}<br>"
                      f"{z_title}: %{{z:{z_format}}}<extra></extra>"))
    fig.update_layout(title=title)
    _layout(fig, legend=None, x_title="Hour of the day (local time)" if x == "hour"
            else LABELS.get(x, x), y_title=LABELS.get(y, y))
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(autorange="reversed")
    return fig


def volume_with_spikes(volume: pd.DataFrame, spikes: pd.DataFrame, *, x: str, y: str,
                       expected: str | None, title: str, kind_column: str = "kind") -> go.Figure:
    """Observed volume as a line (plus the expected baseline, dashed) with spikes marked:
    expected spikes (a calendar event explains them) and surprises in different colours."""
    if volume.empty:
        return empty(title)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=volume[x], y=volume[y], name="Observed", mode="lines",
                             line=dict(color="#4c78a8", width=1.5),
                             hovertemplate="%{y:,.0f}<extra>Observed</extra>"))
    if expected and expected in volume.columns:
        fig.add_trace(go.Scatter(x=volume[x], y=volume[expected], name="Expected", mode="lines",
                                 line=dict(color="#9e9e9e", width=1, dash="dot"),
                                 hovertemplate="%{y:,.1f}<extra>Expected</extra>"))
    colours = {"expected": "#f58518", "surprise": "#e45756"}
    if not spikes.empty:
        for kind, part in spikes.groupby(kind_column, sort=True):
            fig.add_trace(go.Scatter(
                x=part[x], y=part[y], mode="markers", name=f"Spike: {kind}",
                marker=dict(size=11, color=colours.get(str(kind), "#54a24b"), symbol="diamond",
                            line=dict(width=1, color="white")),
                customdata=part[["label"]] if "label" in part.columns else None,
                hovertemplate=("%{customdata[0]}<br>" if "label" in part.columns else "")
                + "%{y:,.0f}<extra>spike</extra>"))
    fig.update_layout(title=title)
    return _layout(fig, legend="", y_title="Messages per hour")
