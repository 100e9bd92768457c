"""Build the folium map: borders that always draw, events that say who and what.

The map is two parts so the page can keep the first and swap the second:
``build_base_map`` (countries, provinces, the border, tiles, legend) changes
only with the basemap, and ``build_event_layer`` (markers, cross-border arrows,
the selection) changes with every filter. ``build_map`` joins them for exports
and tests. Nothing here calls Streamlit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from functools import cache

import folium
import geopandas as gpd
import pandas as pd

from dashboard import config, safe_text, style, uncertainty
from dashboard.borders import BorderGeometry
from dashboard.map_elements import DataScript, Markup
from dashboard.record import record_rows, target_note
from dashboard.towns import TOWNS

REGION_CENTER = (28.0, 63.6)
REGION_ZOOM = 6
SELECTED_ZOOM = 8
TOOLTIP_SEPARATOR = " · "
TOOLTIP_MAX_CHARS = 200  # after the event id, which is never cut (a click is traced by it)
MARKER_PX = 18
TILE_FAILURE_NOTICE = "Basemap tiles could not be loaded (no network?). Borders and events are drawn without them."
RING_PX = 34
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# Long values wrap and scroll inside their box instead of stretching the map.
MAP_CSS = f"""<style>
.leaflet-container{{background:{style.WATER}}}
.event-tooltip{{width:max-content;max-width:420px;white-space:normal;overflow-wrap:anywhere;max-height:9em;overflow:hidden}}
.event-popup{{font-size:12px;border-collapse:collapse;width:380px;table-layout:fixed}}
.event-popup th{{text-align:left;vertical-align:top;padding-right:6px;width:110px}}
.event-popup td{{overflow-wrap:anywhere;white-space:pre-wrap}}
.event-popup-box .leaflet-popup-content{{max-height:360px;overflow:auto}}
.selected-ring{{border:4px solid {style.SELECTED_COLOUR};border-radius:50%;box-sizing:border-box;pointer-events:none}}
.tile-notice{{background:#fff3bf;border:1px solid #f08c00;padding:3px 6px;font:12px sans-serif;max-width:260px}}
.town-label{{font:12px sans-serif;color:#212529;white-space:nowrap;pointer-events:none;
text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}}
.town-dot{{display:inline-block;width:5px;height:5px;border-radius:50%;background:#343a40;margin-right:3px;
vertical-align:middle}}
.country-label{{font:bold 14px sans-serif;letter-spacing:.3em;color:#868e96;white-space:nowrap;
text-shadow:0 0 3px #fff;pointer-events:none}}
.place-label-icon{{background:none;border:none}}
.map-tool{{background:#fff;border:1px solid #adb5bd;border-radius:4px;padding:3px 6px;font:12px sans-serif}}
.place-search-input{{width:150px;font:12px sans-serif}}
.measure-button,.draw-button,.draw-finish{{font:12px sans-serif;cursor:pointer}}
.drawn-area{{pointer-events:none}}
.province-label{{font:italic 13px sans-serif;color:#495057;text-align:center;
text-shadow:0 0 3px #fff,0 0 3px #fff;pointer-events:none}}
</style>"""

BASEMAPS = {
    "none": None,
    "street": ("OpenStreetMap", "© OpenStreetMap contributors"),
    "satellite": (
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Imagery © Esri",
    ),
    "light": ("https://a.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png", "© OpenStreetMap contributors © CARTO"),
}
BASEMAP_LABELS = {
    "none": "None (borders and events only)",
    "street": "Street map",
    "satellite": "Satellite imagery",
    "light": "Light map",
    "own": "Own tile server",
}


def basemap_choices() -> list[str]:
    """Basemaps on offer: 'none' first when the deployment is offline."""
    names = ["none", "street", "satellite", "light"]
    if config.get_tile_url():
        names.insert(1, "own")
    if not config.get_bool("offline"):
        names.remove("none")
        names.append("none")
    return names


def build_base_map(
    geometry: BorderGeometry, basemap: str = "none", actor_colours: dict | None = None, draw_area: bool = False
) -> folium.Map:
    """Countries, provinces and the border, framed on the border region.

    ``draw_area`` adds the tool that draws a polygon filter (the live page only: a saved map has no
    page to filter)."""
    m = folium.Map(location=REGION_CENTER, zoom_start=REGION_ZOOM, tiles=None, max_zoom=18, control_scale=True)
    _add_tiles(m, basemap)
    m.get_root().header.add_child(Markup(MAP_CSS))
    folium.GeoJson(
        geometry.countries_display,
        name="Countries",
        style_function=lambda f: {
            "fillColor": style.COUNTRY_FILL.get(f["properties"]["name"], "#ffffff"),
            "color": style.COUNTRY_EDGE,
            "weight": 1,
            "fillOpacity": 0.85 if basemap == "none" else 0.15,
        },
        interactive=False,
    ).add_to(m)
    folium.GeoJson(
        geometry.provinces_display,
        name="Provinces",
        style_function=lambda f: {
            "fillColor": style.PROVINCE_FILL.get(f["properties"]["name"], "#cccccc"),
            "color": style.COUNTRY_EDGE,
            "weight": 1,
            "dashArray": "4 3",
            "fillOpacity": 0.35,
        },
        interactive=False,
    ).add_to(m)
    folium.GeoJson(
        gpd.GeoDataFrame({"name": ["Iran–Pakistan border"]}, geometry=[geometry.border], crs=4326),
        name="Iran–Pakistan border",
        style_function=lambda f: {"color": style.BORDER_COLOUR, "weight": 4, "opacity": 0.9},
        interactive=False,
    ).add_to(m)
    _add_province_labels(m, geometry)
    add_place_labels(m, geometry, draw_area)
    if actor_colours is not None:
        m.get_root().html.add_child(Markup(legend_html(actor_colours)))
    return m


def _add_tiles(m: folium.Map, basemap: str) -> None:
    if basemap == "none":
        return
    if basemap == "own":
        tiles, attribution = config.get_tile_url(), config.get("tile_attribution")
        if not tiles:
            raise ValueError("basemap 'own' needs a tile server: set BORDERMAP_TILE_URL")
    elif basemap in BASEMAPS:
        tiles, attribution = BASEMAPS[basemap]
    else:
        raise ValueError(f"unknown basemap {basemap!r}; choose one of {', '.join(BASEMAP_LABELS)}")
    # Leaflet shows the attribution as HTML: it is text here, whoever set it.
    layer = folium.TileLayer(tiles, attr=safe_text.html_text(attribution), name=BASEMAP_LABELS[basemap], max_zoom=18)
    layer.add_child(DataScript("tile_notice.js", {"message": TILE_FAILURE_NOTICE}))
    layer.add_to(m)


# From which zoom a town is named, by population (GeoNames); the crisis towns from zoom 5.
LABEL_ZOOMS = ((1_000_000, 4), (100_000, 7), (20_000, 9))
CRISIS_TOWN_ZOOM = 5
LABEL_MIN_POPULATION = 20_000


@cache
def place_labels_data(gazetteer_file: str) -> dict:
    """Town names (GeoNames' ASCII spelling, as the exports print them) with the zoom they appear from."""
    places = pd.read_csv(gazetteer_file, dtype={"population": "Int64"}, keep_default_na=False)
    crisis = {town.geonames_id for town in TOWNS}
    kept = places[(places["population"] >= LABEL_MIN_POPULATION) | places["geonameid"].isin(crisis)]
    labels = []
    for place in kept.itertuples(index=False):
        zoom = next((z for floor, z in LABEL_ZOOMS if place.population >= floor), 9)
        if place.geonameid in crisis:
            zoom = min(zoom, CRISIS_TOWN_ZOOM)
        where = {"lat": round(place.latitude, 4), "lon": round(place.longitude, 4)}
        labels.append({"name": place.ascii_name, **where, "min_zoom": zoom})
    labels.sort(key=lambda p: p["min_zoom"])
    return {"places": labels}


def add_place_labels(m: folium.Map, geometry: BorderGeometry, draw_area: bool = False) -> None:
    """Towns (by importance and zoom) and country names, drawn offline from the bundled gazetteer,
    and the map tools that use them (coordinate readout, distance measure, place search)."""
    data = place_labels_data(str(config.get_path("data_dir") / "gazetteer" / "places.csv"))
    countries = [
        {"name": name.upper(), "lat": lat, "lon": lon, "min_zoom": 0, "kind": "country"}
        for name, lat, lon in geometry.country_label_points
    ]
    m.add_child(DataScript("place_labels.js", {"places": countries + data["places"]}))
    # Coordinate readout, distance measure and place search: no plugin, no network.
    towns = [{key: place[key] for key in ("name", "lat", "lon")} for place in data["places"]]
    m.add_child(DataScript("map_tools.js", {"places": towns, "draw": draw_area}))
    if draw_area:  # the live page: its frame is reported when the analyst moves the map, not the page
        m.add_child(DataScript("frame_report.js", {}))


def _add_province_labels(m: folium.Map, geometry: BorderGeometry) -> None:
    for name, point in zip(geometry.provinces["name"], geometry.provinces.representative_point(), strict=True):
        folium.Marker(
            [point.y, point.x],
            icon=folium.DivIcon(
                html=f'<div class="province-label">{safe_text.html_text(name)}</div>',
                icon_size=(160, 20),
                icon_anchor=(80, 10),
                class_name="province-label-icon",
            ),
            interactive=False,
        ).add_to(m)


# The interactive maps outline where imprecise places may lie for at most this many events: each
# outline is tens of points to send and draw (550 events made a 0.97 MB map payload), and more
# outlines than this are a grey wash rather than a reading aid.
AREAS_MAX = 200


def outlines_areas(count: int, show_areas: bool) -> bool:
    """Whether an interactive map of ``count`` events outlines where imprecise places may lie."""
    return show_areas and count <= AREAS_MAX


def build_event_layer(
    events: pd.DataFrame,
    colours: dict[str, str],
    selected_id: str | None = None,
    geometry: BorderGeometry | None = None,
    show_areas: bool = False,
    full_records: bool = True,
) -> folium.FeatureGroup:
    """Markers (colour = actor1, shape = event type), arrows for cross-border
    strikes, a ring around the selected event and, with ``show_areas`` (and the
    ``geometry`` to cut them by), the faint area each imprecise event may lie in.

    The events travel as one JSON document (``event_layer_data``) that a fixed
    script draws (``dashboard/js/event_layer.js``); no event text is ever part
    of a template or of JavaScript source.
    """
    layer = folium.FeatureGroup(name="Events")
    drawn = geometry is not None and outlines_areas(len(events), show_areas)
    areas = uncertainty.area_shapes(events, geometry) if drawn else {}
    layer.add_child(DataScript("event_layer.js", event_layer_data(events, colours, selected_id, areas, full_records)))
    return layer


def add_drawn_area(layer: folium.FeatureGroup, corners: tuple) -> None:
    """Outline the filter's drawn area (numbers only) on ``layer``; nothing when there is none."""
    if corners:
        layer.add_child(DataScript("drawn_area.js", {"corners": [list(corner) for corner in corners]}))


# On the live page the panel beside the map holds the whole record: a marker's popup gives the gist.
GIST = ("Date", "Type", "Location", "Fatalities")


def event_layer_data(
    events: pd.DataFrame,
    colours: dict[str, str],
    selected_id: str | None = None,
    areas: dict | None = None,
    full_records: bool = True,
) -> dict:
    """What the browser needs to draw ``events``: plain values only, text unescaped.

    ``areas`` (event id -> shape, from ``uncertainty.area_shapes``) become
    ``areas`` (key -> Leaflet rings; a province shared by many events is sent once).
    Popups hold the whole record (a saved map has nothing else), or with
    ``full_records`` off only its ``GIST``.
    """
    area_keys, area_rings = _area_payload(areas or {})
    offsets = _stack_offsets(events)
    records = []
    # Plain dicts, not a Series per row: a pandas lookup per field cost 0.5 s for 500 events.
    for position, event in enumerate(events.to_dict("records")):
        dx, dy = offsets[position]
        records.append(
            {
                "id": str(event["event_id"]),
                "lat": float(event["latitude"]),
                "lon": float(event["longitude"]),
                "dx": dx,
                "dy": dy,
                "colour": _safe_colour(colours.get(event["actor1"], style.OTHER_COLOUR)),
                "shape": style.shape_for(event["event_type"]),
                "tooltip": tooltip_text(event),
                "popup": [row for row in record_rows(event) if full_records or row[0] in GIST],
                "area": area_keys.get(str(event["event_id"])),
            }
        )
    arrows = [_arrow(event) for _, event in events[events["cross_border"] & events["origin_lat"].notna()].iterrows()]
    return {
        "events": records,
        "areas": area_rings,
        "arrows": arrows,
        "selected": selected_id,
        "shapes": {name: path for name, (_, path) in style.SHAPES.items()},
        "marker_px": MARKER_PX,
        "ring_px": RING_PX,
        "arrow_colour": style.ARROW_COLOUR,
    }


def _area_payload(areas: dict) -> tuple[dict[str, str], dict[str, list]]:
    """Event id -> area key, and area key -> rings, identical areas sent once."""
    keys: dict[str, str] = {}
    rings: dict[str, list] = {}
    seen: dict[bytes, str] = {}
    for event_id, shape in areas.items():
        wkb = shape.wkb
        if wkb not in seen:
            seen[wkb] = f"area-{len(seen)}"
            rings[seen[wkb]] = uncertainty.area_rings(shape)
        keys[event_id] = seen[wkb]
    return keys, rings


def _safe_colour(colour: str) -> str:
    return colour if _HEX_COLOUR.fullmatch(colour) else style.OTHER_COLOUR


def selected_ring(event: pd.Series) -> folium.CircleMarker:
    """The ring that marks the selected event, whatever else is drawn."""
    return folium.CircleMarker(
        [float(event["latitude"]), float(event["longitude"])],
        radius=16,
        color=style.SELECTED_COLOUR,
        weight=4,
        fill=False,
        class_name="selected-ring",
    )


STACK_RADIUS_PX = (12.0, 4.0)  # events sharing a point fan out: max(12, 4 * n) pixels


def _stack_offsets(events: pd.DataFrame) -> list[tuple[float, float]]:
    """Pixel offsets that fan out events sharing one point, so each can be clicked: the same circle
    as the exports draw (``style.fan_offsets``), with the screen's y pointing down.

    The coordinates stay true (the popup and exports show them); only the
    icon is drawn around the point.
    """
    dx, dy = style.fan_offsets(events, *STACK_RADIUS_PX)
    return [(round(float(x), 1), round(float(-y), 1)) for x, y in zip(dx, dy, strict=True)]


def _arrow(event: pd.Series) -> dict:
    start = (float(event["origin_lat"]), float(event["origin_lon"]))
    end = (float(event["latitude"]), float(event["longitude"]))
    label = f"{event['origin_country']} → {event['country_geo'] or event['country']}"
    return {"from": start, "to": end, "head": _arrow_head(start, end), "label": label}


def _arrow_head(start: tuple[float, float], end: tuple[float, float], size_km: float = 9.0) -> list:
    lat0 = math.radians(end[0])
    dx = (end[1] - start[1]) * math.cos(lat0)
    dy = end[0] - start[0]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    back = size_km / 111.0
    points = [end]
    for side in (-1, 1):
        bx = -ux * math.cos(0.45) - side * -uy * math.sin(0.45)
        by = -uy * math.cos(0.45) - side * ux * math.sin(0.45)
        points.append((end[0] + by * back, end[1] + bx * back / math.cos(lat0)))
    return points


def tooltip_text(event: pd.Series) -> str:
    """Date, type and actors as plain text; starts with the event id so a click can be traced."""
    actors = event["actor1"] + (f" vs {event['actor2']}" if event["actor2"] else "") + target_note(event, short=True)
    rest = TOOLTIP_SEPARATOR.join([event["event_date"].strftime("%-d %b %Y"), event["event_type"], actors])
    return f"{event['event_id']}{TOOLTIP_SEPARATOR}{safe_text.cut(rest, TOOLTIP_MAX_CHARS)}"


def event_id_from_tooltip(tooltip: str | None, known_ids: Collection[str] | None = None) -> str | None:
    """The event id a clicked marker's tooltip starts with.

    With ``known_ids``, the longest known id that the tooltip starts with
    (followed by the separator) wins, so an id that itself contains the
    separator is still found; an unknown one gives None.
    """
    if not tooltip:
        return None
    if known_ids is None:
        return tooltip.split(TOOLTIP_SEPARATOR, 1)[0].strip() or None
    cuts = [i for i in range(len(tooltip)) if tooltip.startswith(TOOLTIP_SEPARATOR, i)]
    for cut_at in reversed(cuts):
        if tooltip[:cut_at] in known_ids:
            return tooltip[:cut_at]
    return None


def legend_html(actor_colours: dict[str, str]) -> str:
    """A legend fixed in the map's corner: actors, event types, border, provinces."""
    shown = list(actor_colours.items())[: style.MAX_LEGEND_ACTORS]
    actor_rows = "".join(
        f"<div>{style.marker_svg('circle', colour, 12)} {safe_text.html_text(actor)}</div>" for actor, colour in shown
    )
    if len(actor_colours) > len(shown):
        more = len(actor_colours) - len(shown)
        actor_rows += f"<div>… and {more} more actor{'s' if more != 1 else ''} (each keeps its own colour)</div>"
    type_rows = "".join(
        f"<div>{style.marker_svg(shape, '#495057', 12)} {safe_text.html_text(kind)}</div>"
        for kind, shape in style.EVENT_TYPE_SHAPES.items()
        if kind not in ("Riots",)
    )
    provinces = "".join(
        f'<div><span style="display:inline-block;width:14px;height:10px;background:{c};opacity:.6;'
        f'border:1px dashed #495057"></span> {safe_text.html_text(n)}</div>'
        for n, c in style.PROVINCE_FILL.items()
    )
    border = f'<div><span style="display:inline-block;width:18px;border-top:4px solid {style.BORDER_COLOUR}"></span>'
    return (
        '<details open class="map-legend" style="position:absolute;top:10px;right:10px;z-index:1000;'
        "background:#fff;padding:4px 8px;border:1px solid #adb5bd;border-radius:4px;font:11px/1.35 sans-serif;"
        'max-height:75%;max-width:240px;overflow:auto;opacity:.93"><summary><b>Legend</b></summary>'
        f"<b>Actor (colour)</b>{actor_rows}<b>Event type (shape)</b>{type_rows}<b>Geography</b>{border} "
        f"Iran–Pakistan border</div>{provinces}"
        f'<div><span style="border-top:2px dashed {style.ARROW_COLOUR};display:inline-block;width:18px">'
        "</span> Cross-border strike</div>"
        '<div><span style="display:inline-block;width:14px;height:10px;border:1px dashed #495057;'
        'background:rgba(73,80,87,.08)"></span> Where an imprecise place may lie (when shown)</div></details>'
    )


def page_legend_html(events: pd.DataFrame, actor_colours: dict[str, str], areas_shown: bool = True) -> str:
    """A legend of what is in view (actors, event types, lines and areas), for under the map.

    Only what ``events`` holds is listed; every name is escaped (it comes from
    the data). Plain HTML and CSS (the page's HTML element drops SVG).
    """
    in_view = set(events["actor1"].unique())  # unique() first: a set of a million names took a second
    actors = [(a, _safe_colour(c)) for a, c in actor_colours.items() if a in in_view]
    kinds = sorted(events["event_type"].unique())

    def item(swatch: str, label: str) -> str:
        return f'<span style="white-space:nowrap">{swatch} {safe_text.html_text(label)}</span>'

    def dot(colour: str) -> str:
        box = "display:inline-block;width:10px;height:10px;border-radius:50%"
        return f'<span style="{box};background:{colour}"></span>'

    def line(css: str) -> str:
        return f'<span style="display:inline-block;width:18px;vertical-align:middle;{css}"></span>'

    parts = [item(dot(colour), actor) for actor, colour in actors]
    parts += [item(f'<span style="color:#495057">{style.SHAPE_GLYPHS[style.shape_for(k)]}</span>', k) for k in kinds]
    parts.append(item(line(f"border-top:4px solid {style.BORDER_COLOUR}"), "Iran–Pakistan border"))
    if events["cross_border"].any():
        arrow = line(f"border-top:2px dashed {style.ARROW_COLOUR}")
        parts.append(item(arrow, "Cross-border strike, from the origin side"))
    if areas_shown and (events["geo_precision"] >= 2).any():
        area = '<span style="display:inline-block;width:12px;height:9px;border:1px dashed #495057"></span>'
        parts.append(item(area, "Where an imprecise place may lie"))
    return (
        '<div class="page-legend" style="display:flex;flex-wrap:wrap;gap:2px 14px;'
        f'font:12px/1.6 sans-serif;color:#343a40">{"".join(parts)}</div>'
    )


def build_map(
    events: pd.DataFrame,
    geometry: BorderGeometry,
    basemap: str = "none",
    selected_id: str | None = None,
    show_areas: bool = True,
) -> folium.Map:
    """The whole map in one object (for the HTML export and for tests)."""
    colours = style.actor_colours(events["actor1"])
    m = build_base_map(geometry, basemap, colours)
    build_event_layer(events, colours, selected_id, geometry, show_areas).add_to(m)
    return m


def title_element(title: str, caption: str) -> Markup:
    """A page title for a saved map (escaped: captions carry user text)."""
    return Markup(f"<title>{safe_text.html_text(title)} — {safe_text.html_text(caption)}</title>")


def marking_element(marking: str) -> Markup:
    """The handling marking fixed at the top and the bottom of a saved map, as escaped text."""
    text = safe_text.html_text(marking)
    style = (
        "position:fixed;left:50%;transform:translateX(-50%);z-index:1001;background:#fff;color:#c92a2a;"
        "font:bold 13px sans-serif;padding:2px 10px;border-radius:3px"
    )
    return Markup(
        f'<div class="handling-marking" style="{style};top:2px">{text}</div>'
        f'<div class="handling-marking" style="{style};bottom:2px">{text}</div>'
    )
