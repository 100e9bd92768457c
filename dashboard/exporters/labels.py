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


EXACT_OBSTACLES_MAX = 3000  # above this many points, obstacles are built from a grid (same cover, far faster)


def obstacle_points(x: np.ndarray, y: np.ndarray, radius_pt: float, metres_per_point: float) -> shapely.Geometry:
    """Obstacles covering a circle of ``radius_pt`` around each point (markers, town dots).

    Up to ``EXACT_OBSTACLES_MAX`` points: the union of the circles. Above it
    (a dense map, where the union of 100,000 circles took seconds), each
    occupied square of side ``radius`` becomes its square grown by ``radius``,
    runs of squares along a row merged into one box: a little larger than the
    circles, never smaller, so a label still never covers a marker.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) == 0:
        return shapely.GeometryCollection()
    radius = radius_pt * metres_per_point
    if len(x) <= EXACT_OBSTACLES_MAX:
        return shapely.union_all(shapely.buffer(shapely.points(x, y), radius, quad_segs=4))
    x0, y0 = x.min(), y.min()
    cells = np.unique(
        np.column_stack([np.floor((y - y0) / radius), np.floor((x - x0) / radius)]).astype(np.int64), axis=0
    )  # sorted by row, then column
    run_starts = np.r_[True, (np.diff(cells[:, 0]) != 0) | (np.diff(cells[:, 1]) != 1)]
    first = np.flatnonzero(run_starts)
    last = np.r_[first[1:], len(cells)] - 1
    rows, start_col, end_col = cells[first, 0], cells[first, 1], cells[last, 1]
    boxes = shapely.box(
        x0 + start_col * radius - radius,
        y0 + rows * radius - radius,
        x0 + (end_col + 1) * radius + radius,
        y0 + (rows + 1) * radius + radius,
    )
    return shapely.union_all(boxes)
