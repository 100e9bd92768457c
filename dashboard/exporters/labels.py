"""Where an area's name goes: where the whole name fits and covers nothing drawn.

A name is a rectangle. Squeezing the x axis by the rectangle's height over
its width turns it into a square, and then "every centre where the name fits
inside the area and clear of the obstacles" is the area shrunk by half a
square minus the obstacles grown by half a square; the label goes at the
point of that set farthest from its edge (``polylabel``). No room, no label:
a missing name is better than one printed over an event.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.affinity import scale
from shapely.ops import polylabel

CHAR_WIDTH = 0.62  # average glyph width of DejaVu Sans, in ems
SPACED_CHAR_WIDTH = 0.75  # the same for bold capitals, which country names use


def text_size_pt(text: str, fontsize: float, capitals: bool = False) -> tuple[float, float]:
    """A rough width and height in points of one line of text."""
    width = len(text) * fontsize * (SPACED_CHAR_WIDTH if capitals else CHAR_WIDTH)
    return width, fontsize * 1.3


def label_spot(
    area: shapely.Geometry, obstacles: shapely.Geometry, size: tuple[float, float], metres_per_point: float
) -> tuple[float, float] | None:
    """Centre for a label of ``size`` points inside ``area``, clear of ``obstacles``; None if none fits."""
    if area.is_empty:
        return None
    width, height = size[0] * metres_per_point, size[1] * metres_per_point
    squeeze = height / width
    half = height / 2

    def squeezed(geometry: shapely.Geometry) -> shapely.Geometry:
        return scale(geometry, xfact=squeeze, yfact=1.0, origin=(0, 0))

    room = squeezed(area).buffer(-half, join_style="mitre")
    if not obstacles.is_empty:
        room = room.difference(squeezed(obstacles).buffer(half, cap_style="square", join_style="mitre"))
    parts = [p for p in getattr(room, "geoms", [room]) if isinstance(p, shapely.Polygon) and not p.is_empty]
    if not parts:
        return None
    largest = max(parts, key=lambda p: p.area)
    spot = polylabel(largest, tolerance=half / 4)
    return float(spot.x) / squeeze, float(spot.y)


def obstacle_points(x: np.ndarray, y: np.ndarray, radius_pt: float, metres_per_point: float) -> shapely.Geometry:
    """Round obstacles of ``radius_pt`` around points (markers, town dots)."""
    if len(x) == 0:
        return shapely.GeometryCollection()
    return shapely.union_all(shapely.buffer(shapely.points(x, y), radius_pt * metres_per_point, quad_segs=4))
