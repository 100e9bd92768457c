"""Where the live map looks: the events near the border, framed; far places listed apart.

Diplomatic steps happen in capitals a thousand kilometres from the border.
Framing them with the strikes would shrink the border area to a speck, so the
map frames the events that may lie within ``NEAR_BORDER_KM`` of the border
(all events if none do) and the page lists the far places separately
(``far_places``). Nothing here calls Streamlit.
"""

from __future__ import annotations

import math
import re

import pandas as pd

NEAR_BORDER_KM = 400.0
TILE_PX = 256
MIN_ZOOM, MAX_ZOOM = 3, 8
PAD = 0.15  # share of the framed span added on each side


def near_border(events: pd.DataFrame) -> pd.Series:
    """Events that may lie within ``NEAR_BORDER_KM`` of the border (by the nearest their place allows)."""
    nearest = events["distance_min_km"] if "distance_min_km" in events.columns else events["distance_to_border_km"]
    return nearest.fillna(events["distance_to_border_km"]) <= NEAR_BORDER_KM


def frame(
    events: pd.DataFrame, width_px: int, height_px: int, default: tuple[tuple[float, float], int]
) -> tuple[tuple[float, float], int]:
    """``(center, zoom)`` that shows the near-border events (or all, or ``default`` when none)."""
    if events.empty:
        return default
    box = extent(events)
    south, west, north, east = box
    return ((south + north) / 2, (west + east) / 2), zoom_to_fit(box, width_px, height_px)


def extent(events: pd.DataFrame) -> tuple[float, float, float, float]:
    """``(south, west, north, east)`` round the near-border events (or all), padded; events must not be empty."""
    points = events[["latitude", "longitude"]]  # only what is measured: a million rows of every column is slow
    near = points[near_border(events).to_numpy()]
    framed = near if len(near) else points
    south, north = float(framed["latitude"].min()), float(framed["latitude"].max())
    west, east = float(framed["longitude"].min()), float(framed["longitude"].max())
    pad_lat = max((north - south) * PAD, 0.5)
    pad_lon = max((east - west) * PAD, 0.5)
    return south - pad_lat, west - pad_lon, north + pad_lat, east + pad_lon


def zoom_to_fit(bounds: tuple[float, float, float, float], width_px: int, height_px: int) -> int:
    """The largest Web Mercator zoom at which ``(south, west, north, east)`` fits the map's pixels."""
    south, west, north, east = bounds

    def y(lat: float) -> float:
        s = math.sin(math.radians(max(min(lat, 85.0), -85.0)))
        return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)

    span_x = max((east - west) / 360.0, 1e-9)
    span_y = max(y(south) - y(north), 1e-9)
    zoom = math.floor(min(math.log2(width_px / (TILE_PX * span_x)), math.log2(height_px / (TILE_PX * span_y))))
    return max(MIN_ZOOM, min(MAX_ZOOM, zoom))


def far_places(events: pd.DataFrame) -> list[tuple[str, int]]:
    """The places beyond ``NEAR_BORDER_KM`` with their event counts, most events first."""
    far = events["location"][~near_border(events).to_numpy()]
    if far.empty:
        return []
    counts = far.value_counts()  # each written place once, then named (a million rows name a few)
    counts = counts.groupby(counts.index.map(_place_name)).sum()
    return [(name, int(counts[name])) for name in sorted(counts.index, key=lambda n: (-counts[n], n))]


def _place_name(location: str) -> str:
    """'Islamabad (Foreign Office)' -> 'Islamabad'; 'GHQ, Rawalpindi' stays as written."""
    return re.sub(r"\s*\(.*?\)\s*", " ", str(location)).strip() or str(location)
