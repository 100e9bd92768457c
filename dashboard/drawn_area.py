"""A polygon the analyst draws on the map, as a filter: read it, check it, write it, test points in it.

A drawn area is a tuple of (latitude, longitude) corners, not closed (the last
corner joins the first). It travels in a link as ``area=lat,lon;lat,lon;…``
with four decimals (about 11 m), so the same text always means the same area.
Everything here is pure: the page, the command line and the tests share it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely

Corners = tuple[tuple[float, float], ...]

MIN_CORNERS, MAX_CORNERS = 3, 200
DECIMALS = 4
EARTH_RADIUS_KM = 6371.0088


class AreaError(ValueError):
    """A drawn area that cannot be used; the message names the corner and the value."""


def normalise(corners: Sequence[Sequence[float]]) -> Corners:
    """Rounded corners, checked: 3 to 200 of them, real latitudes and longitudes, an outline that does
    not cross itself. A repeated closing corner (GeoJSON rings end where they start) is dropped."""
    points = []
    for number, corner in enumerate(corners, start=1):
        if len(corner) != 2:
            raise AreaError(f"corner {number} of the drawn area: expected latitude,longitude, got {corner!r}")
        lat, lon = (float(value) for value in corner)
        if not (math.isfinite(lat) and -90 <= lat <= 90):
            raise AreaError(f"corner {number} of the drawn area: latitude {lat!r} is not between -90 and 90")
        if not (math.isfinite(lon) and -180 <= lon <= 180):
            raise AreaError(f"corner {number} of the drawn area: longitude {lon!r} is not between -180 and 180")
        points.append((round(lat, DECIMALS), round(lon, DECIMALS)))
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if not MIN_CORNERS <= len(points) <= MAX_CORNERS:
        raise AreaError(f"the drawn area has {len(points)} corners: expected {MIN_CORNERS} to {MAX_CORNERS}")
    outline = polygon(tuple(points))
    if not outline.is_valid:  # (a polygon without surface is never valid)
        if outline.convex_hull.area == 0:
            raise AreaError("the drawn area has no surface: its corners lie on one line")
        raise AreaError(f"the drawn area's outline crosses itself ({shapely.is_valid_reason(outline)})")
    return tuple(points)


def parse(text: str) -> Corners:
    """Corners from ``lat,lon;lat,lon;…`` (a link's ``area`` value)."""
    if len(text) > MAX_CORNERS * 24:
        raise AreaError(f"the drawn area is {len(text):,} characters long: too many corners")
    corners = []
    for number, pair in enumerate(filter(None, (p.strip() for p in text.split(";"))), start=1):
        parts = pair.split(",")
        try:
            if len(parts) != 2:
                raise ValueError
            corners.append((float(parts[0]), float(parts[1])))
        except ValueError:
            raise AreaError(f"corner {number} of the drawn area: expected latitude,longitude, got {pair!r}") from None
    return normalise(corners)


def to_text(corners: Corners) -> str:
    return ";".join(f"{lat:.{DECIMALS}f},{lon:.{DECIMALS}f}" for lat, lon in corners)


def from_geojson(feature: object) -> Corners:
    """Corners of a GeoJSON Polygon feature or geometry (the map reports a drawing so): its outer ring."""
    geometry = feature.get("geometry", feature) if isinstance(feature, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(feature).__name__
        raise AreaError(f"the drawing is a {kind}, not a polygon")
    rings = geometry.get("coordinates") or [[]]
    return normalise([(point[1], point[0]) for point in rings[0] if isinstance(point, list | tuple)])


def polygon(corners: Corners) -> shapely.Polygon:
    """The area as a shapely polygon in (longitude, latitude)."""
    return shapely.Polygon([(lon, lat) for lat, lon in corners])


def contains(corners: Corners, latitudes: np.ndarray, longitudes: np.ndarray) -> np.ndarray:
    """True for each point inside the area or on its edge (vectorised: fast for a million points)."""
    shape = polygon(corners)
    shapely.prepare(shape)
    return shapely.intersects_xy(shape, np.asarray(longitudes, dtype=float), np.asarray(latitudes, dtype=float))


def area_km2(corners: Corners) -> float:
    """The area's surface on a spherical Earth (good to a fraction of a per cent at this scale)."""
    lats = np.radians([lat for lat, _ in corners])
    lons = np.radians([lon for _, lon in corners])
    lats_next, lons_next = np.roll(lats, -1), np.roll(lons, -1)
    total = np.sum((lons_next - lons) * (2 + np.sin(lats) + np.sin(lats_next)))
    return float(abs(total) * EARTH_RADIUS_KM**2 / 2)


def describe(corners: Corners) -> str:
    """How the area reads in the filter sentence: ``inside a drawn area (5 corners, about 12,300 km²)``."""
    km2 = area_km2(corners)
    size = f"{km2:,.0f}" if km2 >= 10 else f"{km2:.1f}"
    return f"inside a drawn area ({len(corners)} corners, about {size} km²)"
