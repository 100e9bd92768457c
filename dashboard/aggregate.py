"""Many events on the map: a grid of counted circles instead of one marker each.

Up to ``AGGREGATE_ABOVE`` events in view, the map draws every event
(``mapview.build_event_layer``). Above it, ``bin_events`` counts the events on
a grid whose cells are about 48 screen pixels at the current zoom, and
``build_aggregate_layer`` draws one circle per cell (area grows with the log
of the count; colour = the dominant actor1) from one compact JSON document,
on a canvas. A million events become a few hundred circles: the HTML
stays in the tens of kilobytes and builds in milliseconds.

Only the map is aggregated: the event list, the timeline and every export
still see every filtered event (the caller passes them the full frame).
Nothing here calls Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import folium
import numpy as np
import pandas as pd

from dashboard import style
from dashboard.map_elements import DataScript
from dashboard.mapview import selected_ring
from dashboard.safe_text import json_for_script

AGGREGATE_ABOVE = 2000  # events in view; more than this are drawn as grid cells
TILE_PX = 256
CELL_PX = 48
MAX_CELLS = 4000  # coarser grid (lower zoom) until the cells drawn are at most this many
VIEW_PAD = 0.5  # draw events this fraction of the view's span beyond each edge (small pans stay drawn)
COORD_DP = 4

Bounds = tuple[float, float, float, float]  # south, west, north, east
BIN_COLUMNS = ["lat", "lon", "count", "fatalities", "actor1", "zoom", "ix", "iy"]


def cell_degrees(zoom: int) -> float:
    """Grid cell size in degrees: about ``CELL_PX`` screen pixels at ``zoom``."""
    return 360.0 / 2 ** int(zoom) / (TILE_PX / CELL_PX)


def grid_cell(lat: np.ndarray, lon: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """The grid column and row of each point at ``zoom`` (``cell_degrees`` squares from 180 W, 90 S)."""
    size = cell_degrees(zoom)
    return np.floor((np.asarray(lon) + 180.0) / size).astype(np.int64), np.floor(
        (np.asarray(lat) + 90.0) / size
    ).astype(np.int64)


CELL_KEY = re.compile(r"#cell:(\d{1,2}):(-?\d{1,9}):(-?\d{1,9})$")


def cell_from_tooltip(tooltip: str | None) -> tuple[int, int, int] | None:
    """``(zoom, column, row)`` of a clicked grid cell, from the key its tooltip ends with."""
    found = CELL_KEY.search(tooltip or "")
    return tuple(int(g) for g in found.groups()) if found else None


def in_cell(events: pd.DataFrame, cell: tuple[int, int, int]) -> np.ndarray:
    """Boolean mask of the events in grid cell ``(zoom, column, row)``."""
    zoom, column, row = cell
    lat = events["latitude"].to_numpy(dtype=float, na_value=np.nan)
    lon = events["longitude"].to_numpy(dtype=float, na_value=np.nan)
    ix, iy = grid_cell(lat, lon, zoom)
    return (ix == column) & (iy == row)


def in_bounds(events: pd.DataFrame, bounds: Bounds | None, pad: float = 0.0) -> np.ndarray:
    """Boolean mask of events inside ``bounds`` (widened by ``pad`` of its span)."""
    if bounds is None:
        return np.ones(len(events), dtype=bool)
    south, west, north, east = bounds
    dlat, dlon = (north - south) * pad, (east - west) * pad
    lat = events["latitude"].to_numpy(dtype=float, na_value=np.nan)
    lon = events["longitude"].to_numpy(dtype=float, na_value=np.nan)
    return (lat >= south - dlat) & (lat <= north + dlat) & (lon >= west - dlon) & (lon <= east + dlon)


def bin_events(events: pd.DataFrame, bounds: Bounds | None, zoom: int) -> pd.DataFrame:
    """Events in ``bounds`` counted on a grid of ``cell_degrees(zoom)``.

    One row per non-empty cell: ``lat``/``lon`` (the mean of its points),
    ``count``, ``fatalities`` (sum, missing as 0) and ``actor1`` (the most
    frequent; ties go to the actor seen first). Sorted by count, largest first.
    The counts add up to the number of events in ``bounds`` with coordinates.
    If the grid would have more than ``MAX_CELLS`` cells, it is coarsened.
    """
    mask = in_bounds(events, bounds)
    lat = events["latitude"].to_numpy(dtype=float, na_value=np.nan)[mask]
    lon = events["longitude"].to_numpy(dtype=float, na_value=np.nan)[mask]
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.all():
        mask[np.flatnonzero(mask)[~ok]] = False
        lat, lon = lat[ok], lon[ok]
    if len(lat) == 0:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in zip(BIN_COLUMNS, ["f8", "f8", "i8", "i8", "str", "i8", "i8", "i8"], strict=True)
            }
        )
    fatalities = events["fatalities"].to_numpy(dtype=float, na_value=0.0)[mask]
    # Factorised as the column's own type (Arrow text, a categorical), never as a million Python strings.
    actor_codes, actor_names = pd.factorize(events["actor1"][mask], use_na_sentinel=False)

    zoom = int(zoom)
    while True:
        ix, iy = grid_cell(lat, lon, zoom)
        width = int(360.0 / cell_degrees(zoom)) + 2  # columns, with room for the 180th meridian
        keys = iy * width + ix
        cells, cell_of = np.unique(keys, return_inverse=True)
        if len(cells) <= MAX_CELLS or zoom <= 0:
            break
        zoom -= 1

    n_cells = len(cells)
    count = np.bincount(cell_of, minlength=n_cells)
    mean_lat = np.bincount(cell_of, weights=lat, minlength=n_cells) / count
    mean_lon = np.bincount(cell_of, weights=lon, minlength=n_cells) / count
    fat_sum = np.bincount(cell_of, weights=fatalities, minlength=n_cells)
    dominant = _dominant(cell_of, actor_codes, n_cells, len(actor_names))
    bins = pd.DataFrame(
        {
            "lat": mean_lat,
            "lon": mean_lon,
            "count": count.astype(np.int64),
            "fatalities": np.rint(fat_sum).astype(np.int64),
            "actor1": pd.array(np.asarray(actor_names, dtype=object)[dominant], dtype="str"),
            "zoom": zoom,
            "ix": cells % width,
            "iy": cells // width,
        }
    )
    return bins.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def _dominant(cell_of: np.ndarray, codes: np.ndarray, n_cells: int, n_codes: int) -> np.ndarray:
    """The most frequent code in each cell (lowest code on a tie)."""
    if n_cells * n_codes <= 20_000_000:
        table = np.bincount(cell_of * n_codes + codes, minlength=n_cells * n_codes)
        return table.reshape(n_cells, n_codes).argmax(axis=1)
    pairs, pair_count = np.unique(cell_of.astype(np.int64) * n_codes + codes, return_counts=True)
    cell, code = pairs // n_codes, pairs % n_codes
    order = np.lexsort((code, -pair_count, cell))
    first = np.ones(len(order), dtype=bool)
    first[1:] = cell[order][1:] != cell[order][:-1]
    return code[order][first]


def aggregate_data(bins: pd.DataFrame, colours: Mapping[str, str]) -> dict:
    """The cells as compact JSON for ``js/aggregate_layer.js``.

    Each cell is ``[lat, lon, count, fatalities, actor index, colour index]``
    (coordinates to 4 dp); actor names and colours are listed once. Names stay
    as they are: the script escapes them where they are shown.
    """
    lon = np.round(bins["lon"].to_numpy(dtype=float), COORD_DP).tolist()
    lat = np.round(bins["lat"].to_numpy(dtype=float), COORD_DP).tolist()
    actor_codes, actors = pd.factorize(bins["actor1"].astype(str), use_na_sentinel=False)
    palette = [colours.get(a, style.OTHER_COLOUR) for a in actors]
    colour_codes, colour_list = pd.factorize(pd.Series(palette, dtype=object), use_na_sentinel=False)
    keys = [f"#cell:{z}:{i}:{j}" for z, i, j in zip(bins["zoom"], bins["ix"], bins["iy"], strict=True)]
    cells = [
        [y, x, int(n), int(f), int(a), int(colour_codes[a]), key]
        for x, y, n, f, a, key in zip(lon, lat, bins["count"], bins["fatalities"], actor_codes, keys, strict=True)
    ]
    return {"cells": cells, "actors": [str(a) for a in actors], "colours": [str(c) for c in colour_list]}


def build_aggregate_layer(bins: pd.DataFrame, colours: Mapping[str, str]) -> folium.FeatureGroup:
    """One circle per grid cell, sized by count (log scale), coloured by its
    dominant actor, with the tooltip "N events, M fatalities — mostly <actor>";
    a click on a circle zooms in on it."""
    layer = folium.FeatureGroup(name="Events (grouped)")
    layer.add_child(DataScript("aggregate_layer.js", aggregate_data(bins, colours)))
    return layer


def _add_selected_ring(
    layer: folium.FeatureGroup, events: pd.DataFrame, drawn: np.ndarray, selected_id: str | None
) -> None:
    if selected_id is None:
        return
    chosen = np.flatnonzero(drawn & (events["event_id"] == selected_id).to_numpy())
    if len(chosen):
        selected_ring(events.iloc[chosen[0]]).add_to(layer)


def _rows(events: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The rows of ``mask``: the frame itself when that is all of them (no copy of every column)."""
    return events if mask.all() else events[mask]


def layer_for_view(
    events: pd.DataFrame,
    colours: Mapping[str, str],
    bounds: Bounds | None,
    zoom: int,
    selected_id: str | None,
    detail_builder: Callable[..., folium.FeatureGroup],
) -> folium.FeatureGroup:
    """The layer for what is in view: every event (``detail_builder``, e.g.
    ``mapview.build_event_layer``) when at most ``AGGREGATE_ABOVE`` events lie
    in ``bounds``, else grid cells. Both draw the events a little beyond the
    view (``VIEW_PAD``) so a small pan does not show an empty edge; with
    ``bounds=None`` the whole frame is in view. ``events`` is not changed, and
    not copied: the cells are counted from a few columns, and only the events
    drawn one by one (at most ``AGGREGATE_ABOVE``) are taken out of the frame.

    The layer replaces the page's last one: it carries ``js/replaced_layers.js``,
    so streamlit-folium does not keep every layer it ever drew in the browser."""
    if bounds is None or len(events) <= AGGREGATE_ABOVE:
        # Few enough to draw them all: a pan never finds a missing marker.
        in_view = drawn = np.ones(len(events), dtype=bool)
    else:
        in_view, drawn = in_bounds(events, bounds), in_bounds(events, bounds, VIEW_PAD)
    if in_view.sum() <= AGGREGATE_ABOVE:
        # The padded margin only if it keeps the per-event layer small too.
        detail = drawn if drawn.sum() <= AGGREGATE_ABOVE else in_view
        layer = detail_builder(_rows(events, detail), dict(colours), selected_id)
    else:
        layer = build_aggregate_layer(bin_events(events, _padded(bounds), zoom), colours)
        _add_selected_ring(layer, events, drawn, selected_id)
    layer.add_child(DataScript("replaced_layers.js", {}))
    return layer


def bounds_for_view(center: tuple[float, float], zoom: int, width_px: int = 1000, height_px: int = 600) -> Bounds:
    """The ``(south, west, north, east)`` a Web Mercator map of this size shows
    around ``center`` at ``zoom`` (for the first run, before st_folium reports)."""
    lat, lon = center
    scale = TILE_PX * 2 ** int(zoom)

    def y_of(la: float) -> float:
        s = np.sin(np.radians(la))
        return (0.5 - np.log((1 + s) / (1 - s)) / (4 * np.pi)) * scale

    def lat_of(y: float) -> float:
        n = np.pi - 2 * np.pi * y / scale
        return float(np.degrees(np.arctan(np.sinh(n))))

    half_lon = width_px / 2 * 360.0 / scale
    cy = y_of(lat)
    return (lat_of(cy + height_px / 2), lon - half_lon, lat_of(cy - height_px / 2), lon + half_lon)


def _padded(bounds: Bounds | None) -> Bounds | None:
    if bounds is None:
        return None
    south, west, north, east = bounds
    dlat, dlon = (north - south) * VIEW_PAD, (east - west) * VIEW_PAD
    return (south - dlat, west - dlon, north + dlat, east + dlon)


def view_from_st_folium(returned: Mapping | None, default_zoom: int) -> tuple[Bounds | None, int]:
    """``(bounds, zoom)`` from what ``st_folium`` returned (needs ``"bounds"``
    and ``"zoom"`` in its ``returned_objects``); ``(None, default_zoom)`` before
    the map has reported a view."""
    if not returned:
        return None, default_zoom
    zoom = returned.get("zoom") or default_zoom
    raw = returned.get("bounds") or {}
    try:
        sw, ne = raw["_southWest"], raw["_northEast"]
        bounds = (float(sw["lat"]), float(sw["lng"]), float(ne["lat"]), float(ne["lng"]))
    except (KeyError, TypeError, ValueError):
        return None, int(zoom)
    if not all(np.isfinite(bounds)) or bounds[0] >= bounds[2] or bounds[1] >= bounds[3]:
        return None, int(zoom)
    return bounds, int(zoom)


def cells_bytes(bins: pd.DataFrame, colours: Mapping[str, str]) -> int:
    """Size of the cells' JSON as sent (for reports)."""
    return len(json_for_script(aggregate_data(bins, colours)).encode("utf-8"))
