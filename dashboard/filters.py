"""Sidebar filters shared by every page; they round-trip through the URL (st.query_params), so a
pasted link shows exactly the same view. Values from the URL are validated, never trusted."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from dashboard import data, urlstate

SLA_TARGETS = (15, 60, 240, 1440)
CLOCKS = ("calendar", "business")
DEFAULT_DAYS = 90   # the default period: the last 90 days of data


@dataclass(frozen=True)
class Filters:
    brands: tuple[str, ...]
    start: dt.date
    end: dt.date                 # inclusive
    sla_minutes: int
    clock: str
    data_first: dt.date | None = None   # the first and last UTC day with data in the database
    data_last: dt.date | None = None

    def params(self) -> dict:
        """Bind values for the metric SQL: $brands, $start, $end (end exclusive, UTC)."""
        return {
            "brands": list(self.brands),
            "start": dt.datetime.combine(self.start, dt.time(), dt.timezone.utc),
            "end": dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), dt.timezone.utc),
        }

    def previous(self) -> "Filters":
        """The period of the same length just before this one."""
        length = self.end - self.start + dt.timedelta(days=1)
        return Filters(self.brands, self.start - length, self.start - dt.timedelta(days=1),
                       self.sla_minutes, self.clock, self.data_first, self.data_last)

    def previous_in_data(self) -> bool:
        """Whether the previous period lies inside the data: a comparison with a period the data
        only partly covers would show a fake change."""
        return self.data_first is None or self.previous().start >= self.data_first


def sidebar() -> Filters | None:
    known = data.run("meta/brands")["brand"].tolist()
    span = data.run("meta/date_range").iloc[0]
    if not known or span["first_at"] is None or str(span["first_at"]) == "NaT":
        return None
    first, last = span["first_at"].date(), span["last_at"].date()
    _seed_from_url(known, first, last)
    st.sidebar.header("Filters")
    brands = st.sidebar.multiselect("Brands (none = all)", known, key="f_brands")
    period = st.sidebar.date_input("Period (UTC days)", key="f_period",
                                   min_value=first, max_value=last)
    sla = st.sidebar.selectbox("SLA target", SLA_TARGETS, key="f_sla", format_func=_target_label)
    clock = st.sidebar.radio("Clock", CLOCKS, key="f_clock", horizontal=True,
                             help="calendar: wall-clock minutes; business: only the brand's open hours")
    start, end = _period(period, first, last)
    filters = Filters(tuple(brands), start, end, int(sla), clock, first, last)
    _write_url(filters, first, last)
    return filters


def _target_label(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"


FILTER_PARAMS = ("brand", "from", "to", "sla", "clock")


def _seed_from_url(known: list[str], first: dt.date, last: dt.date) -> None:
    """Widget state from the URL (validated) when it came from outside, else kept; defaults first."""
    came = urlstate.incoming(FILTER_PARAMS)
    if came is None and st.session_state.get("_filters_seeded"):
        return
    came = came or {p: [] for p in FILTER_PARAMS}
    st.session_state["f_brands"] = [b for b in dict.fromkeys(came["brand"]) if b in known]
    default_start = max(first, last - dt.timedelta(days=DEFAULT_DAYS - 1))
    start = _date(_one(came["from"]), default_start, first, last)
    end = _date(_one(came["to"]), last, first, last)
    st.session_state["f_period"] = (start, max(start, end))
    sla = _one(came["sla"])
    st.session_state["f_sla"] = int(sla) if sla in {str(t) for t in SLA_TARGETS} else 60
    clock = _one(came["clock"])
    st.session_state["f_clock"] = clock if clock in CLOCKS else "calendar"
    st.session_state["_filters_seeded"] = True


def _one(values: list[str]) -> str | None:
    return values[-1] if values else None


def _date(value: str | None, default: dt.date, lo: dt.date, hi: dt.date) -> dt.date:
    try:
        parsed = dt.date.fromisoformat(value) if value else default
    except ValueError:
        parsed = default
    return min(max(parsed, lo), hi)


def _period(period, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    if isinstance(period, (tuple, list)):
        if len(period) == 2:
            return period[0], period[1]
        if len(period) == 1:
            return period[0], period[0]
        return first, last
    return period, period


def url_params(f: Filters) -> dict:
    """The filters as URL query params (for st.page_link links that keep the current view)."""
    out = {"from": f.start.isoformat(), "to": f.end.isoformat(), "sla": str(f.sla_minutes),
           "clock": f.clock}
    if f.brands:
        out["brand"] = list(f.brands)
    return out


def _write_url(f: Filters, first: dt.date, last: dt.date) -> None:
    wanted = url_params(f)
    urlstate.write({p: wanted.get(p) for p in FILTER_PARAMS})
