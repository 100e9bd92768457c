"""The page: widgets in, pure functions called, results shown. No logic lives here.

Run with ``streamlit run dashboard/app.py``.
"""

from __future__ import annotations

import hashlib
import math
import sys
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the repo root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import (
    aggregate,
    briefing,
    changes_panel,
    config,
    drawn_area,
    filters,
    framing,
    listing,
    manifest,
    mapview,
    offline,
    style,
    views_panel,
)
from dashboard.claims import SIDE_WORDS, claims_by_side
from dashboard.curated import Dataset
from dashboard.datasets import combine, import_into, load_configured
from dashboard.exporters import FORMATS, export_filename, report_filename
from dashboard.exporters import view as view_value
from dashboard.exporters.csv_export import table_to_csv
from dashboard.exporters.view import ExportView
from dashboard.importers import ImportResult
from dashboard.problems import DataError
from dashboard.record import cell_rows, detail_html, fatalities_range_texts, range_texts, record_rows
from dashboard.safe_text import markdown_literal
from dashboard.summary import headline
from dashboard.timeline import brushed_dates, chart_counts, timeline_chart

TABLE_KEY = "event_table"
UPLOAD_PARAM = "upload"
MAP_WIDTH_PX, MAP_HEIGHT_PX = 900, 600  # the map's size on a laptop screen, for framing
TIMELINE_KEY = "timeline"
# The page's own style (no data in it): less empty space above the heading, so the map and the
# selected event's lead fit a laptop screen.
PAGE_CSS = "<style>[data-testid='stMainBlockContainer']{padding-top:4rem}</style>"
# The columns an analyst scans first come first, so they stay visible on a 1280 px screen.
LIST_COLUMNS = {
    "event_date": "Date",
    "event_type": "Type",
    "location": "Location",
    "fatalities_shown": "Fatalities",
    "distance_to_border_km": "Km to border",
    "crossed": "Crossed",
    "distance_range": "Km range (area)",
    "actor1": "Actor 1",
    "actor2": "Actor 2",
}
LIST_COLUMN_CONFIG = {
    "Date": st.column_config.DateColumn(width="small"),
    "Type": st.column_config.TextColumn(width="medium"),
    "Location": st.column_config.TextColumn(width="medium"),
    "Fatalities": st.column_config.TextColumn(width="small", help="A range where sources differ"),
    # One decimal: 3.5 km is never shown as "4"; the range says how far it may be.
    "Km to border": st.column_config.NumberColumn(format="%.1f", width=100, help="From the point"),
    "Crossed": st.column_config.TextColumn(width="small"),
    "Km range (area)": st.column_config.TextColumn(help="Nearest to farthest over the area it may lie in"),
}


def configured_dataset() -> tuple[Dataset, ImportResult | None]:
    """The files' data, or the event store's at its latest revision (a change anywhere is seen on
    the next rerun: the revision number is read each run, the data only when it moved)."""
    url = config.get_database_url()
    if not url:
        return files_dataset()
    return store_dataset(url, page_store(url).data_version())


@st.cache_resource(show_spinner="Loading events and borders…")
def files_dataset() -> tuple[Dataset, ImportResult | None]:
    return load_configured()


@st.cache_resource
def page_store(url: str):
    from dashboard.store import open_store

    return open_store(url)


@st.cache_resource(show_spinner="Loading the event store…", max_entries=2)
def store_dataset(url: str, revision: int) -> tuple[Dataset, ImportResult | None]:
    return page_store(url).dataset(), None


@st.cache_resource(show_spinner="Importing your events…", max_entries=4)
def cached_import(data: bytes, name: str) -> ImportResult:
    # Keyed on the file's bytes: the same upload is read once.
    return import_into(configured_dataset()[0], data=data, name=name)


# What the whole data set offers (filter choices, actor colours): worked out once per data, not per
# rerun (at a million events each is a pass over every row).
@st.cache_data(show_spinner=False, max_entries=8)
def data_options(_data: Dataset, fingerprint: str) -> dict[str, list[str]]:
    return filters.options(_data.events)


@st.cache_data(show_spinner=False, max_entries=8)
def data_colours(_data: Dataset, fingerprint: str) -> dict[str, str]:
    return style.actor_colours(_data.events["actor1"])


def active_dataset() -> tuple[Dataset, ImportResult | None]:
    """The configured data, or it combined with the file uploaded in the sidebar."""
    base, imported = configured_dataset()
    upload = st.session_state.get("upload")
    st.session_state["upload_error"] = None
    if upload is None:
        return base, imported
    try:
        result = cached_import(upload.getvalue(), upload.name)
    except DataError as err:
        # Nothing already loaded is lost: the page carries on with the data it had.
        st.session_state["upload_error"] = str(err)
        return base, imported
    return combined_dataset(upload.file_id, st.session_state.get("upload_mode", "merge"), base, result), result


@st.cache_resource(max_entries=4)
def combined_dataset(file_id: str, mode: str, _base: Dataset, _result: ImportResult) -> Dataset:
    # One Dataset per upload and mode, kept: its content digest (which the caches key on) is then
    # worked out once, not on every rerun.
    return combine(_base, _result, mode)


def main() -> None:
    st.set_page_config(page_title="Iran–Pakistan border crisis map", page_icon="🗺️", layout="wide")
    st.html(PAGE_CSS)
    unusable = config.problems()
    if unusable:
        notice(st.error, "The dashboard's settings cannot be used; fix these and reload.", "\n".join(unusable))
        st.stop()
    try:
        data, imported = active_dataset()
    except (DataError, OSError, ValueError) as err:
        notice(st.error, "The event data cannot be loaded.", str(err))
        st.stop()
    except Exception as err:  # the event store's database cannot be reached or refused
        from dashboard.store import store_failure

        if store_failure(err) is None:
            raise
        notice(st.error, "The event data cannot be loaded.", store_failure(err))
        st.stop()
    if "initialised" not in st.session_state:
        restore_from_url(data)
    apply_timeline_brush(data)
    apply_map_drawing()
    spec = sidebar_filters(data)
    found = changes_panel.sidebar(data, notice)  # "Changes since…": None until a briefing or time is given
    shown = filters.apply(data.events, spec)
    apply_map_click(shown)
    event = selected_event(shown)  # looked up once: the map, the record and the claims share it
    selected = None if event is None else str(event["event_id"])
    write_url(spec, selected)

    st.markdown("#### " + markdown_literal(filters.describe(spec, len(shown))))
    st.caption("Data in view: **" + markdown_literal(data.label) + "**")
    if imported is not None:
        show_import_report(imported)
    show_headline(shown)
    views_panel.sidebar(spec, shown, selected, set_widgets, data, notice)
    views_panel.story_bar(set_widgets, data, notice)
    # One view value: the live map is drawn from it and every export button writes it.
    frame = live_frame(shown, spec, event)
    view = view_value.build(
        data,
        spec,
        shown,
        data_colours(data, data.fingerprint),
        basemap=st.session_state["basemap"],
        show_areas=bool(st.session_state.get("show_areas", True)),
        highlight=selected,
        extent=frame.extent,
    )
    left, right = st.columns([7, 3], gap="medium")
    with right:  # first: the record reaches the page before the map is built
        show_detail(data, shown, event)
        if config.get_database_url():
            from dashboard import edit_panel

            edit_panel.show(event, data.sources, notice)
    with left:
        show_map(view, frame, found)
        changes_panel.show(found)
    if event is not None:  # only an event in view is selected
        show_claims(event)
    show_exports(view, found)
    st.subheader("Events")
    table_choice = show_table(shown, selected, spec, found)
    show_timeline(data, spec, view.colours)
    resolve_selection(table_choice, selected)


def notice(show, lead: str, detail: str = "") -> None:
    """A notice: ``lead`` is the page's own Markdown, ``detail`` untrusted text shown literally.

    Each line of ``detail`` (a file name, a value from a link, an error
    naming a cell) is escaped, so a link, an image or markup in it stays text.
    """
    lines = [markdown_literal(line) for line in str(detail).splitlines() if line.strip()]
    show("  \n".join([lead, *lines] if lead else lines) or lead)


# --- URL and session state ----------------------------------------------------


def restore_from_url(data: Dataset) -> None:
    """First run: set the widgets from the URL; bad values become notices."""
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    spec, notices = filters.from_query(query)
    spec, moved = filters.clamp_dates(spec, *data_date_range(data))
    notices += moved
    options = data_options(data, data.fingerprint)
    for name in filters.LIST_FIELDS:
        unknown = [v for v in getattr(spec, name) if v not in options[name]]
        if unknown:
            notices.append(f"Ignored {filters.QUERY_KEYS[name]}={', '.join(unknown)}: not in the data.")
            spec = replace(spec, **{name: tuple(v for v in getattr(spec, name) if v in options[name])})
    set_widgets(spec, data)
    selected = query.get("event", [None])[-1]
    if selected and not has_event(data.events, selected):
        notices.append(f"Ignored event={selected!r}: no such event.")
        selected = None
    uploaded = query.get(UPLOAD_PARAM, [None])[-1]
    if uploaded:
        notices.append(
            f"This link was made with an uploaded file ({uploaded}); a link cannot carry uploaded data, "
            "so its events are not shown. Upload the file again under 'Your own events' to see them."
        )
    st.session_state["selected_id"] = selected
    st.session_state["url_notices"] = notices
    st.session_state["initialised"] = True


def set_widgets(spec: filters.FilterSpec, data: Dataset) -> None:
    first, last = data_date_range(data)
    st.session_state["f_dates"] = (spec.start or first, spec.end or last)
    for name in filters.LIST_FIELDS:
        st.session_state[f"f_{name}"] = list(getattr(spec, name))
    st.session_state["f_min_fatalities"] = spec.min_fatalities
    st.session_state["f_text"] = spec.text
    st.session_state["f_precise_only"] = spec.precise_only
    st.session_state["f_within_km"] = spec.within_km
    st.session_state["f_area"] = drawn_area.to_text(spec.area)


def write_url(spec: filters.FilterSpec, selected: str | None) -> None:
    query = filters.to_query(spec)
    if selected:
        query["event"] = selected
    upload = st.session_state.get("upload")
    if upload is not None and not st.session_state.get("upload_error"):
        # Only the file's name travels (as a slug): whoever opens the link is told to upload it.
        query[UPLOAD_PARAM] = report_filename(upload.name, "upload").removesuffix("_upload.csv")
    if dict(st.query_params.to_dict()) != {k: (v[-1] if isinstance(v, list) else v) for k, v in query.items()}:
        st.query_params.from_dict(query)


def data_date_range(data: Dataset) -> tuple:
    dates = data.events["event_date"]
    return dates.min().date(), dates.max().date()


def date_widget_range(data: Dataset) -> tuple:
    """What the date widget offers: the data's dates, and the crisis preset's."""
    first, last = data_date_range(data)
    return min(first, filters.CRISIS_START), max(last, filters.CRISIS_END)


def keep_dates_in(low, high) -> None:
    """Whatever set the date range (a link, the brush, a preset, a new upload), the widget gets dates it offers."""
    dates = st.session_state.get("f_dates")
    if isinstance(dates, tuple | list) and dates:
        clamped = tuple(min(max(day, low), high) for day in dates)
        if clamped != tuple(dates):
            st.session_state["f_dates"] = clamped


# --- Sidebar ------------------------------------------------------------------


def set_dates(start, end) -> None:
    st.session_state["f_dates"] = (start, end)


PLAY_SECONDS = 2.0


def step_dates(direction: int, first, last) -> bool:
    """Move the date range one step (day or week); False when it cannot move further."""
    dates = st.session_state.get("f_dates") or (first, last)
    start, end = (dates[0], dates[-1]) if isinstance(dates, tuple | list) and dates else (first, last)
    moved = filters.step_window(start, end, st.session_state.get("play_step", "day"), direction, first, last)
    set_dates(*moved)
    return moved != (start, end)


def show_stepper(first, last) -> None:
    """Step through time a day or a week at a time, or play it; the map, list and counts follow."""
    if st.session_state.pop("play_done", False):  # the last step was reached: the toggle goes off
        st.session_state["playing"] = False
    step, play = st.columns(2, vertical_alignment="center")
    step.selectbox("Step by", list(filters.STEPS), key="play_step")
    play.toggle("Play", key="playing", help=f"Step forward every {PLAY_SECONDS:g} s until the last date")
    back, forward = st.columns(2)
    back.button(
        "◀ Back", on_click=step_dates, args=(-1, first, last), key="step_back", width="stretch", help="One step back"
    )
    forward.button(
        "Forward ▶", on_click=step_dates, args=(1, first, last), key="step_forward", width="stretch", help="One step on"
    )
    if st.session_state.get("playing"):
        st.session_state.setdefault("play_last_step", time.monotonic())
        _play_tick(first, last)
    else:
        st.session_state.pop("play_last_step", None)


@st.fragment(run_every=PLAY_SECONDS)
def _play_tick(first, last) -> None:
    # Runs with the page and then on its own every PLAY_SECONDS; it steps only when that much time has
    # passed since the last step, then reruns the whole page so the map, list and counts follow.
    if time.monotonic() - st.session_state.get("play_last_step", 0.0) < PLAY_SECONDS * 0.9:
        return
    st.session_state["play_last_step"] = time.monotonic()
    if not step_dates(1, first, last):
        st.session_state["play_done"] = True
    st.rerun(scope="app")


def sidebar_filters(data: Dataset) -> filters.FilterSpec:
    first, last = data_date_range(data)
    options = data_options(data, data.fingerprint)
    if st.session_state.get("data_label") != data.label:  # new data: show all of its dates
        if "data_label" in st.session_state:
            set_dates(first, last)
        st.session_state["data_label"] = data.label
    for name in filters.LIST_FIELDS:  # a new data set may not offer an earlier choice
        key = f"f_{name}"
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in options[name]]
    with st.sidebar:
        st.header("Filters")
        for text in st.session_state.get("url_notices", []):
            notice(st.warning, "", text)
        presets = st.columns([3, 2])
        presets[0].button(
            "Crisis: 16–29 Jan",
            on_click=set_dates,
            args=(filters.CRISIS_START, filters.CRISIS_END),
            help="The January 2024 strikes and the diplomacy that followed.",
            width="stretch",
        )
        presets[1].button("All dates", on_click=set_dates, args=(first, last), width="stretch")
        show_stepper(first, last)
        low, high = date_widget_range(data)
        keep_dates_in(low, high)
        dates = st.date_input("Date range", key="f_dates", min_value=low, max_value=high)
        start, end = (dates[0], dates[-1]) if isinstance(dates, tuple | list) and dates else (first, last)
        actors = st.multiselect(
            "Actor (either side)", options["actors"], key="f_actors", format_func=filters.actor_label
        )
        event_types = st.multiselect("Event type", options["event_types"], key="f_event_types")
        countries = st.multiselect("Country (where it happened)", options["countries"], key="f_countries")
        provinces = st.multiselect("Province", options["provinces"], key="f_provinces")
        min_fatalities = st.number_input("Minimum fatalities", min_value=0, step=1, key="f_min_fatalities")
        text = st.text_input("Search location and notes", key="f_text", max_chars=200)
        precise = st.toggle(
            "Only precise dates and places",
            key="f_precise_only",
            help="Hide events known only to the week, month or year, or only to the province.",
        )
        within = st.number_input(
            "Within km of the border (empty: any distance)",
            min_value=0.0,
            max_value=filters.MAX_WITHIN_KM,
            value=None,
            step=10.0,
            key="f_within_km",
            help="Only events whose point lies within this distance of the Iran–Pakistan border, either side.",
        )
        area = area_filter()
        upload_panel()
        st.divider()
        st.selectbox(
            "Basemap",
            mapview.basemap_choices(),
            key="basemap",
            format_func=mapview.BASEMAP_LABELS.get,
            help="Tiles need a network; borders and events always draw.",
        )
        if st.session_state.get("basemap", "none") != "none" and config.get_bool("offline"):
            st.warning(
                "This deployment is set to work offline (BORDERMAP_OFFLINE): tiles need a network and may not "
                "load. The map says so if they fail; borders and events are drawn either way."
            )
        st.toggle(
            "Show where imprecise places may lie",
            key="show_areas",
            value=True,
            help="A faint circle or province outline around each event known only near a town or to a province; "
            "the exports follow this switch.",
        )
    whole_range = (start, end) == (first, last)
    return filters.FilterSpec(
        start=None if whole_range else start,
        end=None if whole_range else end,
        actors=tuple(actors),
        event_types=tuple(event_types),
        countries=tuple(countries),
        provinces=tuple(provinces),
        min_fatalities=int(min_fatalities),
        text=text,
        precise_only=precise,
        within_km=None if within is None else float(within),
        area=area,
    )


def clear_area() -> None:
    st.session_state["f_area"] = ""


def area_filter() -> drawn_area.Corners:
    """The drawn area: drawn with the map's "Draw area" tool, or typed or pasted as lat,lon; corners."""
    text = st.text_input(
        "Drawn area (lat,lon; corners)",
        key="f_area",
        max_chars=drawn_area.MAX_CORNERS * 24,
        placeholder="Use 'Draw area' on the map",
        help="Only events inside this polygon. Draw it with the map's 'Draw area' tool, or paste corners "
        "as latitude,longitude separated by semicolons.",
    )
    if st.session_state.get("area_error"):
        notice(st.warning, "The drawing on the map cannot be used as an area.", st.session_state.pop("area_error"))
    if not text.strip():
        return ()
    try:
        corners = drawn_area.parse(text)
    except drawn_area.AreaError as err:
        notice(st.warning, "This area is not used:", str(err))
        return ()
    st.button("Clear the drawn area", on_click=clear_area, key="clear_area")
    return corners


def apply_map_drawing() -> None:
    """A polygon finished with the map's "Draw area" tool becomes the area filter (before the widget draws)."""
    value = st.session_state.get("map")
    drawing = value.get("last_active_drawing") if isinstance(value, dict) else None
    if not drawing or drawing == st.session_state.get("last_drawing"):
        return
    st.session_state["last_drawing"] = drawing
    geometry = drawing.get("geometry") if isinstance(drawing, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        # streamlit-folium also reports a clicked marker (a Point) as the last drawing: not an area.
        return
    try:
        st.session_state["f_area"] = drawn_area.to_text(drawn_area.from_geojson(drawing))
    except drawn_area.AreaError as err:
        st.session_state["area_error"] = str(err)


def apply_timeline_brush(data: Dataset) -> None:
    """A brushed interval on the timeline sets the date range (before the widget draws), within the data's dates."""
    interval = brushed_dates(st.session_state.get(TIMELINE_KEY))
    if interval and interval != st.session_state.get("applied_brush"):
        st.session_state["applied_brush"] = interval
        brushed, _ = filters.clamp_dates(filters.FilterSpec(start=interval[0], end=interval[1]), *data_date_range(data))
        set_dates(brushed.start, brushed.end)


# --- Main panels --------------------------------------------------------------


def show_headline(shown: pd.DataFrame) -> None:
    figures = headline(shown)
    cols = st.columns(4)
    cols[0].metric("Events", figures.events)
    cols[1].metric(
        "Fatalities",
        figures.fatalities_text,
        help=f"Low–high where sources differ; {figures.fatalities_unknown} events have no figure.",
    )
    cols[2].metric(
        "Cross-border strikes",
        figures.cross_border,
        help=f"Crossed for certain; {figures.cross_border_possible} more possibly (place too imprecise to say).",
    )
    median = "–" if figures.median_distance_km is None else f"{figures.median_distance_km:,.1f} km"
    cols[3].metric(
        "Median distance to border (violent events)",
        median,
        help=f"Over the {figures.violent_events} violent events in view; diplomatic steps in capitals are left out.",
    )


def apply_map_click(shown: pd.DataFrame) -> None:
    """A marker click the map reported (its value is in the session before the map draws) selects
    its event in this same run, so the panel and the list follow without a second rerun.

    The map counts every click, so clicking again the marker clicked last (after choosing
    another event in the list) is a new click too, not a repeat of an old value.
    """
    value = st.session_state.get("map")
    if not isinstance(value, dict):
        return
    count = value.get("last_object_clicked_count")
    if not count or count == st.session_state.get("last_click_count"):
        return
    st.session_state["last_click_count"] = count
    tooltip = value.get("last_object_clicked_tooltip")
    clicked = mapview.event_id_from_tooltip(tooltip, EventIds(shown))
    if clicked:
        st.session_state["selected_id"] = clicked
        st.session_state["selected_cell"] = None
    elif cell := aggregate.cell_from_tooltip(tooltip):  # a grid cell: its summary beside the map
        st.session_state["selected_cell"] = cell
        st.session_state["selected_id"] = None


def selected_event(shown: pd.DataFrame) -> pd.Series | None:
    """The selected event's row, if it is among the events in view."""
    selected = st.session_state.get("selected_id")
    if not selected:
        return None
    match = np.flatnonzero((shown["event_id"] == selected).to_numpy())
    return shown.iloc[match[0]] if len(match) else None


def has_event(events: pd.DataFrame, event_id: str) -> bool:
    # One vectorised comparison: a set of a million ids, built on every rerun, cost 0.8 s.
    return bool((events["event_id"] == event_id).any())


class EventIds:
    """``id in EventIds(events)`` without building a set of every id."""

    def __init__(self, events: pd.DataFrame):
        self.events = events

    def __contains__(self, event_id: object) -> bool:
        return isinstance(event_id, str) and has_event(self.events, event_id)


@dataclass(frozen=True)
class LiveFrame:
    """Where the live map stands this run: the centre and zoom the page sets, the bounds and zoom its
    layer is drawn for, and the extent a picture of it keeps (``None``: fit to the events)."""

    center: tuple[float, float]
    zoom: int
    bounds: tuple[float, float, float, float]
    view_zoom: int
    extent: tuple[float, float, float, float] | None


def live_frame(shown: pd.DataFrame, spec: filters.FilterSpec, event: pd.Series | None) -> LiveFrame:
    """Frame the events in view (or the whole region, a shown view's extent, the selected event); the
    analyst's own pan or zoom stands until the page frames the map anew."""
    region = (mapview.REGION_CENTER, mapview.REGION_ZOOM)
    whole = st.session_state.get("whole_region") == repr(spec)
    center, zoom = region if whole else framing.frame(shown, MAP_WIDTH_PX, MAP_HEIGHT_PX, region)
    extent = views_panel.extent_for(spec)  # a saved view shown: its frame, while its filter stands
    if extent is not None:
        center = ((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2)
        zoom = framing.zoom_to_fit(extent, MAP_WIDTH_PX, MAP_HEIGHT_PX)
    elif event is not None:
        center, zoom = (event["latitude"], event["longitude"]), mapview.SELECTED_ZOOM
    # The map reports its view when the analyst moves it (never for a frame set here): many events
    # are drawn as grid cells for that view, and "Save this view" and the pictures keep it.
    frame = (round(float(center[0]), 6), round(float(center[1]), 6), int(zoom))
    hand = views_panel.note_map_frame(frame, st.session_state.get("map"))
    if hand is not None:
        return LiveFrame(center, int(zoom), hand[0], hand[1], hand[0])
    bounds = aggregate.bounds_for_view(center, zoom, MAP_WIDTH_PX, MAP_HEIGHT_PX)
    return LiveFrame(center, int(zoom), bounds, int(zoom), extent)


def show_map(view: ExportView, frame: LiveFrame, found=None) -> None:
    """The live map, drawn from the view value the exports are written from (events, colours, basemap)."""
    # The page's legend is drawn under the map (show_map_footer), so it never covers a marker.
    base = offline.localize(mapview.build_base_map(view.data.geometry, view.basemap, None, draw_area=True))
    builder = partial(
        mapview.build_event_layer,
        geometry=view.data.geometry,
        show_areas=view.show_areas,
        full_records=False,  # the panel beside the map holds the record
    )
    layer = aggregate.layer_for_view(view.events, view.colours, frame.bounds, frame.view_zoom, view.highlight, builder)
    mapview.add_drawn_area(layer, view.spec.area)
    changes_panel.add_rings(layer, found)
    returned = [
        "last_object_clicked_tooltip",
        "last_object_clicked_count",
        "last_active_drawing",
        "bounds",
        "zoom",
    ]
    st_folium(
        base,
        key="map",
        feature_group_to_add=layer,
        center=frame.center,
        zoom=frame.zoom,
        height=MAP_HEIGHT_PX,
        use_container_width=True,
        returned_objects=returned,
    )
    show_map_footer(view.events, view.colours, view.spec)


def show_map_footer(shown: pd.DataFrame, colours: dict, spec: filters.FilterSpec) -> None:
    """Under the map: the legend of what is in view, the far places, and a way back to the whole region."""
    areas_asked = st.session_state.get("show_areas", True)
    areas_drawn = mapview.outlines_areas(len(shown), areas_asked)
    st.html(mapview.page_legend_html(shown, colours, areas_shown=areas_drawn))
    far = framing.far_places(shown)
    left, right = st.columns([4, 1])
    if areas_asked and not areas_drawn:
        left.caption(f"Where imprecise places may lie is outlined when {mapview.AREAS_MAX} or fewer events are shown.")
    if far:
        places = "; ".join(f"{name} ({count})" for name, count in far)
        left.caption(
            f"Far from the border, not framed: {markdown_literal(places)}. Select one in the list to go there."
        )
    if right.button("Whole region", key="whole_region_button", help="Show the whole border region"):
        st.session_state["whole_region"] = repr(spec)
        st.rerun()


def show_table(shown: pd.DataFrame, selected: str | None, spec: filters.FilterSpec, found=None) -> str | None:
    """One page of the sorted list; the page holding the selected event comes into view when it changes."""
    controls = st.columns([3, 2, 2, 4], vertical_alignment="bottom")
    sort = controls[0].selectbox(
        "Sort by", list(listing.SORTS), key="list_sort", format_func=lambda key: listing.SORTS[key][0]
    )
    size = controls[1].selectbox("Rows per page", listing.PAGE_SIZES, key="list_page_size")
    order = listing.sort_order(shown, sort)
    follow = (selected, sort, size, repr(spec))
    if follow != st.session_state.get("list_follow"):  # a new selection, sort or filter: show its row
        st.session_state["list_follow"] = follow
        st.session_state["list_page"] = listing.page_of(shown, order, selected, size) or 1
    pages = listing.page_count(len(shown), size)
    st.session_state["list_page"] = min(max(int(st.session_state.get("list_page", 1)), 1), pages)
    number = controls[2].number_input("Page", min_value=1, max_value=pages, step=1, key="list_page")
    current = listing.page(shown, order, number, size)
    controls[3].caption(current.caption)
    rows = current.rows
    listed = rows.assign(distance_range=range_texts(rows), fatalities_shown=fatalities_range_texts(rows))
    # Positions, not ids, index the table: the id goes last, so the columns read first fit a laptop screen.
    table = listed[[*LIST_COLUMNS, "event_id"]].rename(columns={**LIST_COLUMNS, "event_id": "Event id"})
    table = table.reset_index(drop=True)
    table["Date"] = table["Date"].dt.date
    table["Crossed"] = table["Crossed"].astype(str)
    if found is not None:  # "Changes since…" is on: what is new or changed, beside the date
        table.insert(1, "Since", changes_panel.since_column(found, table["Event id"]).to_numpy())
    ids = list(rows["event_id"])
    positions = [i for i, event_id in enumerate(ids) if event_id == selected]
    # Streamlit keeps a selection as row positions, which go stale when the
    # page changes: a key made of the rows and the selection starts afresh.
    key = f"{TABLE_KEY}_{hashlib.sha1(('|'.join(ids) + f'#{selected}').encode()).hexdigest()[:12]}"
    state = st.dataframe(
        table,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        selection_default={"selection": {"rows": positions}},
        # Tall enough for the whole page: nothing scrolls inside the list, so the selected row is in sight.
        height=38 + 35 * max(len(table), 1),
        width="stretch",
        hide_index=True,
        column_config=LIST_COLUMN_CONFIG,
    )
    chosen = state.selection.rows if state else []
    return ids[chosen[0]] if chosen and chosen[0] < len(ids) else None


def resolve_selection(table_choice: str | None, selected: str | None) -> None:
    """A changed list row becomes the selection (map clicks are taken before the map draws)."""
    if table_choice != selected:
        st.session_state["selected_id"] = table_choice
        if table_choice:
            st.session_state["selected_cell"] = None
        st.rerun()


def show_detail(data: Dataset, shown: pd.DataFrame, event: pd.Series | None) -> None:
    cell = st.session_state.get("selected_cell")
    if event is None and cell:
        st.markdown("**Selected grid cell**")
        inside = shown[aggregate.in_cell(shown, cell)]
        with st.container(border=True, height=MAP_HEIGHT_PX - 40):
            rows = cell_rows(inside, aggregate.cell_degrees(cell[0]))
            st.html(detail_html(rows, kind="cell-detail", lead_first=False))
        return
    st.markdown("**Selected event**")
    if event is None:
        st.caption("Click a marker on the map or a row in the list to see the full record and its source.")
        return
    rows = [(label, value) for label, value in record_rows(event, data.sources) if label != "Claim"]
    with st.container(border=True, height=MAP_HEIGHT_PX - 40):
        st.html(detail_html(rows))  # every value escaped: shown as text, never as markup
        if event.get("claims", ""):
            st.caption("The sides' claims are shown side by side under the map.")


def show_claims(event: pd.Series) -> None:
    """Each side's claims in its own column, so neither reads as the fact."""
    grouped = claims_by_side(event.get("claims", ""))
    if not grouped:
        return
    heading = "Claims, side by side" + (" (disputed)" if event.get("disputed", False) else "")
    with st.container(border=True):
        st.markdown(f"**{heading}**: " + markdown_literal(str(event["event_id"])))
        columns = st.columns(len(grouped))
        for column, (side, lines) in zip(columns, grouped.items(), strict=True):
            column.caption(SIDE_WORDS.get(side, side))
            for line in lines:
                column.text(line)


def export_labels() -> dict[str, str]:
    """Each export format's button label, from the registry (a new format module adds a button)."""
    return {name: fmt.label for name, fmt in FORMATS.items()}


@st.cache_data(show_spinner="Making the file…", max_entries=64)
def cached_export(fmt: str, key: tuple, _view: ExportView, _since=None) -> tuple[bytes, bytes]:
    """The file and its manifest (JSON), written from the page's view value. ``key`` names the view
    (filter, basemap, scale, areas, frame, the data's content digest: a re-upload with the same name and
    size is new data, and the "Changes since…" baseline of a PDF)."""
    content, record = briefing.export(_view, fmt, since=_since)
    return content, manifest.to_json(record)


def show_exports(view: ExportView, found=None) -> None:
    """Download buttons for the exact view on the page: the registry's writers get its view value."""
    spec = view.spec
    with st.expander("Export this view for a briefing", icon=":material/download:"):
        st.caption("Every file holds what the page shows: " + markdown_literal(filters.describe(spec)))
        scale = 2 if st.toggle("Print size PNG (3200 px)", key="export_scale") else 1
        printed = replace(view, scale=scale)
        labels = export_labels()
        # Rows of three, so no label is cut on a laptop screen.
        columns = [column for _ in range(0, len(labels), 3) for column in st.columns(3)]
        since_key = f"{found.baseline} {found.summary()}" if found else ""
        key = (repr(spec), view.basemap, scale, view.show_areas, view.extent, view.data.fingerprint)

        def content(fmt: str, part: int = 0) -> bytes:
            takes = FORMATS[fmt].takes_since  # only a format with a "Since the last briefing" section
            return cached_export(fmt, (*key, since_key if takes else ""), printed, found if takes else None)[part]

        for column, fmt in zip(columns, labels, strict=False):
            column.download_button(
                labels[fmt],
                data=lambda fmt=fmt: content(fmt),
                file_name=export_filename(fmt, spec),
                mime=FORMATS[fmt].mime_type,
                on_click="ignore",
                width="stretch",
                key=f"download_{fmt}",
            )
        # Named as the CSV's sidecar, so 'changes --since <the CSV>' and the CSV's reader find it beside it.
        sidecar = manifest.sidecar_path(export_filename("csv", spec)).name
        st.download_button(
            "The CSV's manifest (JSON; the same for GeoJSON and KML)",
            data=lambda: content("csv", 1),
            file_name=sidecar,
            mime="application/json",
            on_click="ignore",
            key="download_manifest",
            help="Keep it beside the data file: 'Changes since…' compares a later view with it. The PDF, PNG "
            "and HTML carry theirs inside.",
        )
        if found is not None:
            st.caption("The PDF has a 'Since the last briefing' section: " + markdown_literal(found.summary()) + ".")


def upload_panel() -> None:
    """Sidebar: bring your own events (ACLED, UCDP GED, GeoJSON, the project's CSV)."""
    st.divider()
    st.subheader("Your own events")
    st.file_uploader(
        "ACLED or UCDP export, GeoJSON points, or this project's CSV",
        type=["csv", "geojson", "json"],
        key="upload",
        help="Every row either loads or is listed with the reason it was left out.",
        max_upload_size=math.ceil(config.get_max_upload_bytes() / 1024 / 1024),
    )
    st.radio(
        "With the curated events",
        ["merge", "replace"],
        key="upload_mode",
        horizontal=True,
        format_func={"merge": "Add to them", "replace": "Show only mine"}.get,
    )
    if st.session_state.get("upload_error"):
        notice(
            st.error, "This file cannot be used; the events in view are unchanged.", st.session_state["upload_error"]
        )


def show_import_report(result: ImportResult) -> None:
    """Counts of loaded and rejected rows, and the rejection report."""
    message = (
        f"{result.file}: {result.rows_read} rows read ({result.format}): {result.loaded} loaded"
        f"{f' ({result.placed} placed from the gazetteer)' if result.placed else ''}, "
        f"{result.rejected_count} rejected."
    )
    if result.rejected_count:
        notice(st.warning, "", message)
        with st.expander(f"Rejected rows ({result.rejected_count}): why each was left out"):
            st.dataframe(result.rejected, hide_index=True, width="stretch")
            st.download_button(
                "Download the rejection report (CSV)",
                data=table_to_csv(result.rejected),
                file_name=report_filename(result.file),
                mime="text/csv",
                on_click="ignore",
            )
    else:
        notice(st.success, "", message)


@st.cache_data(show_spinner=False, max_entries=16)
def timeline_counts(_data: Dataset, fingerprint: str, _undated: filters.FilterSpec, undated_key: str) -> tuple | None:
    """The timeline's bars and spans for the events passing the filter without its dates (``None`` when
    none does), kept per data and that filter: changing only the dates (a preset, a brush) redraws the
    shading, neither filtering nor counting every event again (0.5 s at a million)."""
    undated = filters.apply(_data.events, _undated)
    return None if undated.empty else chart_counts(undated)


def show_timeline(data: Dataset, spec: filters.FilterSpec, colours: dict) -> None:
    """Every date of the data, the chosen range shaded: a brush can widen the range as well as narrow it."""
    st.subheader("Timeline")
    undated = replace(spec, start=None, end=None)
    counts = timeline_counts(data, data.fingerprint, undated, repr(undated))
    if counts is None:
        st.info("No events match the other filters, so the timeline has nothing to draw.")
        return
    first, last = data_date_range(data)
    chosen = (spec.start or first, spec.end or last)
    st.caption("Drag across the chart to choose the date range (the shaded band is the range in view).")
    chart = timeline_chart(data.events.iloc[0:0], colours, chosen=chosen, whole=(first, last), counts=counts)
    st.altair_chart(chart, key=TIMELINE_KEY, on_select="rerun", width="stretch")


main()
