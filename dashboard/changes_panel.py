"""The page's "Changes since…": new, changed and retracted events since a briefing or a moment.

A previous briefing file (PDF, PNG, HTML or a ``.manifest.json``) works on the
files and on a store; a date and time needs the event store (its revisions).
The result is listed field by field under the map, the events are ringed on
the map (green new, orange changed, grey where a retracted one stood), the
list gains a "Since" column, and the next PDF gets a "Since the last briefing"
section. Everything read from the file is data: shown in a table or escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import folium
import pandas as pd
import streamlit as st

from dashboard import changes, config, manifest
from dashboard.problems import DataError

STATE = "changes_since"
RINGS = {"new": "#2b8a3e", "changed": "#e8590c", "retracted": "#868e96"}
TOOLTIPS = {
    "new": "New since the last briefing",
    "changed": "Changed since the last briefing",
    "retracted": "Retracted since the last briefing (it stood here)",
}


def sidebar(data, notice: Callable) -> changes.Changes | None:
    """The panel in the sidebar; the changes found (kept per data version and baseline), or None."""
    store_url = config.get_database_url()
    with st.sidebar.expander("Changes since…", icon=":material/difference:"):
        modes = ["file", "time"] if store_url else ["file"]
        labels = {"file": "A previous briefing file", "time": "A date and time (event store)"}
        mode = st.radio("Compare with", modes, format_func=labels.get, key="changes_mode")
        if not store_url:
            st.caption("A date and time needs the event store (BORDERMAP_DATABASE_URL), which keeps every revision.")
        found = _from_file(data, notice) if mode == "file" else _from_time(data, store_url, notice)
        if found is not None:
            notice(st.success, f"**{found.summary()}** since", found.baseline)
        return found


def _from_file(data, notice: Callable) -> changes.Changes | None:
    upload = st.file_uploader(
        "Briefing file (PDF, PNG, HTML, or the .manifest.json of a CSV/GeoJSON/KML)",
        type=["pdf", "png", "html", "json"],
        key="changes_file",
    )
    if upload is None:
        return None
    try:
        return _against_file(upload.getvalue(), upload.name, upload.file_id, data)
    except DataError as err:
        notice(st.error, "No changes shown:", str(err))
        return None


@st.cache_data(show_spinner=False, max_entries=4, hash_funcs={"dashboard.curated.Dataset": lambda d: d.version})
def _against_file(content: bytes, name: str, file_id: str, data) -> changes.Changes:
    return changes.against_manifest(manifest.read(content, name), data)


def _from_time(data, store_url: str, notice: Callable) -> changes.Changes | None:
    day = st.date_input("Day", value=None, key="changes_day")
    moment = st.time_input("Time (UTC)", value=dt.time(0, 0), key="changes_time", step=60)
    if day is None:
        return None
    when = dt.datetime.combine(day, moment, tzinfo=dt.UTC)
    try:
        return _at_time(store_url, when, data.version, data)
    except Exception as err:
        from dashboard.store import store_failure

        message = store_failure(err)
        if message is None:
            raise
        notice(st.error, "No changes shown:", message)
        return None


@st.cache_data(show_spinner=False, max_entries=4, hash_funcs={"dashboard.curated.Dataset": lambda d: d.version})
def _at_time(store_url: str, when: dt.datetime, version: str, data) -> changes.Changes:
    from dashboard.store import open_store

    before, reasons = open_store(store_url).snapshot_at(when)
    return changes.compare(before, data.events, reasons, baseline=f"the record at {when:%Y-%m-%d %H:%M} UTC")


def since_column(found: changes.Changes | None, ids: pd.Series) -> pd.Series:
    """The list's "Since" column: new, or the fields that changed ("" for the rest)."""
    if found is None:
        return pd.Series("", index=ids.index)
    words = dict.fromkeys(found.new, "new") | {
        event_id: "changed: " + ", ".join(name for name, _, _ in fields) for event_id, fields in found.changed.items()
    }
    return ids.map(words).fillna("")


def add_rings(layer: folium.FeatureGroup, found: changes.Changes | None) -> None:
    """Rings round new and changed events and where retracted ones stood, added to the map's ``layer``.
    Tooltips hold the page's own words only (folium puts a tooltip's text into the script): the ids
    and fields are in the table."""
    if found is None:
        return
    kinds = [("new", found.new), ("changed", list(found.changed)), ("retracted", found.retracted)]
    for kind, ids in kinds:
        for event_id in ids:
            record = found.records.get(event_id, {})
            lat, lon = record.get("latitude"), record.get("longitude")
            if not isinstance(lat, int | float) or not isinstance(lon, int | float):
                continue
            folium.CircleMarker(
                (float(lat), float(lon)),
                radius=14,
                color=RINGS[kind],
                weight=3,
                fill=False,
                dash_array="4 4" if kind == "retracted" else None,
                tooltip=TOOLTIPS[kind],
            ).add_to(layer)


def show(found: changes.Changes | None) -> None:
    """Under the map: every change, one row each (a table: every value shown as text)."""
    if found is None:
        return
    with st.container(border=True):
        st.markdown(f"**Since the last briefing: {found.summary()}**")
        rows = pd.DataFrame(changes.change_rows(found))
        if rows.empty:
            st.caption("Nothing is new, changed or retracted.")
            return
        st.dataframe(rows.astype(str).replace({"None": ""}), hide_index=True, width="stretch")
