"""Widget state that round-trips through the URL (st.query_params).

The rule, for every URL-bound widget (sidebar filters and page selections alike):
- before the widget is drawn, a URL value that differs from what this session last wrote came
  from outside (a pasted URL, a followed link): it is validated and seeds the widget;
- after the widget is drawn, its value is written back to the URL.

So a pasted link shows exactly its view, a link between pages (st.page_link with query_params)
carries its selections, and the sidebar navigation (which drops the query string) keeps the
session's filters. Parameters no page claimed during a run are dropped from the URL at its end.
"""
from __future__ import annotations

from typing import Callable, Iterable

import streamlit as st

_WRITTEN = "_url_written"      # param -> list of values this session last wrote
_CLAIMED = "_url_claimed"      # params claimed during the current run


def begin_run() -> None:
    st.session_state[_CLAIMED] = set()


def url_values(param: str) -> list[str]:
    return list(st.query_params.get_all(param))


def incoming(params: Iterable[str]) -> dict[str, list[str]] | None:
    """The URL values of `params` when they came from outside this session, else None.

    A URL that carries none of `params` is not "incoming": sidebar navigation drops the query
    string, and the session's state must survive that.
    """
    written = st.session_state.get(_WRITTEN, {})
    current = {p: url_values(p) for p in params}
    if not any(current.values()):
        return None
    if all(current[p] == written.get(p, []) for p in params):
        return None
    return current


def seed(key: str, param: str, parse: Callable[[list[str]], object], default) -> None:
    """Set st.session_state[key] from the URL (when it came from outside) or to `default`."""
    came = incoming([param])
    if came is not None:
        st.session_state[key] = parse(came[param])
    elif key not in st.session_state:
        st.session_state[key] = default


def write(values: dict[str, str | list[str] | None]) -> None:
    """Put these params into the URL (None or [] removes one) and claim them for this run."""
    written = st.session_state.setdefault(_WRITTEN, {})
    claimed = st.session_state.setdefault(_CLAIMED, set())
    for param, value in values.items():
        claimed.add(param)
        wanted = [] if value is None else (list(value) if isinstance(value, (list, tuple))
                                             else [str(value)])
        wanted = [str(v) for v in wanted]
        if url_values(param) != wanted:
            if wanted:
                st.query_params[param] = wanted if len(wanted) > 1 else wanted[0]
            elif param in st.query_params:
                del st.query_params[param]
        written[param] = wanted


def end_run() -> None:
    """Drop URL params that no widget of this run claimed (another page's selections)."""
    claimed = st.session_state.get(_CLAIMED)
    if claimed is None:
        return
    written = st.session_state.get(_WRITTEN, {})
    for param in [p for p in st.query_params.keys() if p not in claimed]:
        del st.query_params[param]
        written.pop(param, None)
