"""Conversations: the rows behind every number. A filterable list (brand and period from the
sidebar; answered, moved to DM, sentiment, campaign, FRT above X here), the messages of a chosen
conversation, and an export of every filtered row as CSV or Parquet. Every selection is in the URL."""
from __future__ import annotations

import streamlit as st

from dashboard import data, routes, state, ui, urlstate

SHOWN = 500                     # rows drawn in the table; exports carry every matching row
SENTIMENT_CUT = 0.05            # VADER's standard cut, the one the loader labels with
YES_NO = ("any", "yes", "no")
SENTIMENTS = {
    "any": "Any",
    "started_negative": "Started negative",
    "ended_negative": "Ended negative",
    "turned_around": "Turned around (negative → neutral/positive)",
    "positive": "Started positive",
}
PARAMS = ("answered", "dm", "sentiment", "campaign", "frt_above", "conv")
# the list, and every matching row for an export: run once per render (limit SHOWN); the export
# buttons run it again without the limit only when clicked (deferred by Streamlit)
LIST_QUERY = "dashboard/conversations"


def page() -> None:
    st.title("Conversations")
    f = state.filters()
    if f is None:
        ui.missing_database()
        return
    campaigns = data.run("dashboard/campaign_options", **f.params())["campaign"].tolist()
    choice = _filter_widgets(campaigns)
    params = dict(f.params(), **choice, clock=f.clock, sentiment_cut=SENTIMENT_CUT)
    rows = data.run(LIST_QUERY, **params, limit=SHOWN)
    picked = _table(rows, f.clock)
    _export(params, rows)
    _messages(picked)


def _filter_widgets(campaigns: list[str]) -> dict:
    _seed(campaigns)
    cols = st.columns([1, 1, 2, 2, 1.3])
    answered = cols[0].selectbox("Answered", YES_NO, key="c_answered")
    dm = cols[1].selectbox("Moved to DM", YES_NO, key="c_dm")
    sentiment = cols[2].selectbox("Customer sentiment", list(SENTIMENTS), key="c_sentiment",
                                  format_func=SENTIMENTS.get)
    campaign = cols[3].selectbox("Campaign", [""] + campaigns, key="c_campaign",
                                 format_func=lambda c: c or "Any")
    frt_above = cols[4].number_input(
        "Not answered within (min)", min_value=0, step=15, key="c_frt_above",
        help="Conversations whose first response took longer than this, or that have none "
             "(0 = no filter). With the sidebar's clock.")
    urlstate.write({
        "answered": None if answered == "any" else answered,
        "dm": None if dm == "any" else dm,
        "sentiment": None if sentiment == "any" else sentiment,
        "campaign": campaign or None,
        "frt_above": str(frt_above) if frt_above else None,
    })
    return {"answered": answered, "moved_to_dm": dm, "sentiment": sentiment, "campaign": campaign,
            "frt_above_minutes": float(frt_above) if frt_above else None}


def _seed(campaigns: list[str]) -> None:
    came = urlstate.incoming(PARAMS)
    fresh = came is not None
    came = came or {p: [] for p in PARAMS}

    def one(param, valid, default):
        value = came[param][-1] if came[param] else None
        return value if value in valid else default

    defaults = {
        "c_answered": one("answered", YES_NO, "any"),
        "c_dm": one("dm", YES_NO, "any"),
        "c_sentiment": one("sentiment", SENTIMENTS, "any"),
        "c_campaign": one("campaign", campaigns, ""),
        "c_frt_above": _minutes(came["frt_above"][-1] if came["frt_above"] else None),
        "c_conv": (came["conv"][-1] if came["conv"] else "")[:64],
    }
    for key, value in defaults.items():
        if fresh or key not in st.session_state:
            st.session_state[key] = value


def _minutes(value: str | None) -> int:
    try:
        return max(0, min(int(float(value)), 100_000)) if value else 0
    except ValueError:
        return 0


def _table(rows, clock: str) -> str:
    if rows.empty:
        ui.no_data("conversations matching these filters")
        return _conversation_id(None)
    matching = int(rows["matching"].iloc[0])
    shown = len(rows)
    st.caption(f"**{matching:,}** conversations match"
               + (f"; the {shown:,} newest are listed" if matching > shown else "")
               + ". Select a row to read its messages.")
    table = rows[["conversation_id", "brand", "channel", "started_at", "answered", "frt_minutes",
                  "moved_to_dm", "inbound_count", "outbound_count", "first_sentiment",
                  "last_sentiment", "campaign", "first_message"]]
    event = st.dataframe(
        table, hide_index=True, width="stretch", height=420, key="c_table",
        on_select="rerun", selection_mode="single-row",
        column_config={
            "conversation_id": st.column_config.TextColumn("Conversation"),
            "brand": "Brand",
            "channel": "Channel",
            "started_at": st.column_config.DatetimeColumn("Started (UTC)",
                                                          format="YYYY-MM-DD HH:mm"),
            "answered": st.column_config.CheckboxColumn("Answered"),
            "frt_minutes": st.column_config.NumberColumn(
                f"First response ({clock}, min)", format="%.1f"),
            "moved_to_dm": st.column_config.CheckboxColumn("Moved to DM"),
            "inbound_count": st.column_config.NumberColumn("Customer msgs"),
            "outbound_count": st.column_config.NumberColumn("Brand msgs"),
            "first_sentiment": st.column_config.NumberColumn("First sentiment", format="%.2f"),
            "last_sentiment": st.column_config.NumberColumn("Last sentiment", format="%.2f"),
            "campaign": "Campaign",
            "first_message": st.column_config.TextColumn("First customer message", width="large"),
        })
    selected = event.selection.rows if event is not None else []
    chosen = str(table["conversation_id"].iloc[selected[0]]) if selected else None
    return _conversation_id(chosen)


def _conversation_id(selected: str | None) -> str:
    """The conversation to show: a newly selected row wins over the URL's / the text box's."""
    if selected and selected != st.session_state.get("_c_last_selected"):
        st.session_state["c_conv"] = selected
    st.session_state["_c_last_selected"] = selected
    conv = st.text_input("Conversation id", key="c_conv",
                         help="Select a row above, or paste an id.").strip()
    urlstate.write({"conv": conv or None})
    return conv


def _export(params: dict, rows) -> None:
    if rows.empty:
        return
    cols = st.columns([1.4, 1.6, 4])
    everything = dict(params, limit=None)
    with cols[0]:
        st.download_button("Export CSV", data=lambda: ui.csv_bytes(_all_rows(everything)),
                           file_name="conversations.csv", mime="text/csv", key="c_csv",
                           on_click="ignore", icon=":material/download:",
                           help="Every matching conversation, not only the listed ones.")
    with cols[1]:
        st.download_button("Export Parquet",
                           data=lambda: ui.parquet_bytes(_all_rows(everything)),
                           file_name="conversations.parquet",
                           mime="application/vnd.apache.parquet", key="c_parquet",
                           on_click="ignore", icon=":material/download:",
                           help="Every matching conversation, not only the listed ones.")


def _all_rows(params: dict):
    return data.run(LIST_QUERY, **params).drop(columns=["matching"])


def _messages(conversation_id: str) -> None:
    if not conversation_id:
        return
    messages = data.run("dashboard/conversation_messages", conversation_id=conversation_id)
    st.subheader(f"Conversation {conversation_id}")
    if messages.empty:
        st.info("No conversation with this id in the database.")
        return
    for row in messages.itertuples(index=False):
        customer = row.direction == "inbound"
        with st.chat_message("user" if customer else "assistant",
                             avatar=":material/person:" if customer else ":material/support_agent:"):
            st.markdown(f"**{row.author_id}** · {row.created_at:%Y-%m-%d %H:%M} UTC · "
                        f"{row.channel}{' (DM handoff)' if row.part == 'dm handoff' else ''}"
                        f"{_details(row)}")
            st.text(row.text or "")


def _details(row) -> str:
    bits = []
    if row.direction == "inbound" and row.sentiment_label:
        bits.append(f"sentiment {row.sentiment_label} ({row.sentiment:+.2f})")
    if row.direction == "outbound":
        if row.latency_minutes == row.latency_minutes and row.latency_minutes is not None:
            bits.append(f"answered after {ui.minutes(row.latency_minutes)}")
        if row.agent:
            bits.append(f"agent {row.agent}")
        if row.dm_redirect:
            bits.append("asks for a DM")
    return (" · " + " · ".join(bits)) if bits else ""


if __name__ == "__main__":
    routes.run(page)
