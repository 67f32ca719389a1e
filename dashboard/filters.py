"""Sidebar filters shared by every page; they round-trip through the URL (st.query_params), so a
pasted link shows exactly the same view. Values from the URL are validated, never trusted."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from dashboard import data

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
                       self.sla_minutes, self.clock)


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
    filters = Filters(tuple(brands), start, end, int(sla), clock)
    _write_url(filters, first, last)
    return filters


def _target_label(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"


def _seed_from_url(known: list[str], first: dt.date, last: dt.date) -> None:
    """On a session's first run, widget state comes from the URL (validated) or defaults."""
    if st.session_state.get("_filters_seeded"):
        return
    qp = st.query_params
    st.session_state["f_brands"] = [b for b in qp.get_all("brand") if b in known]
    default_start = max(first, last - dt.timedelta(days=DEFAULT_DAYS - 1))
    start = _date(qp.get("from"), default_start, first, last)
    end = _date(qp.get("to"), last, first, last)
    st.session_state["f_period"] = (start, max(start, end))
    sla = qp.get("sla")
    st.session_state["f_sla"] = int(sla) if sla in {str(t) for t in SLA_TARGETS} else 60
    st.session_state["f_clock"] = qp.get("clock") if qp.get("clock") in CLOCKS else "calendar"
    st.session_state["_filters_seeded"] = True


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


def _write_url(f: Filters, first: dt.date, last: dt.date) -> None:
    wanted = {"brand": list(f.brands), "from": f.start.isoformat(), "to": f.end.isoformat(),
              "sla": str(f.sla_minutes), "clock": f.clock}
    current = {k: st.query_params.get_all(k) for k in wanted}
    if any(current[k] != (v if isinstance(v, list) else [v]) for k, v in wanted.items()):
        st.query_params.from_dict({k: v for k, v in wanted.items() if v != []})
