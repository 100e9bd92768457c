"""Where the static map looks, and where its furniture goes.

Everything here is in UTM zone 41N metres (EPSG:32641) and page points, so
the frame matches its axes exactly and a scale bar can be measured. The frame
holds every event and arrow tail, padded, and never less than the border
region (``REGION``), so a single event still shows its context. When far
events (diplomacy in Tehran and Islamabad) widen the frame so much that the
border strip becomes a smudge, the page adds a detail inset of the strip;
these functions find it a place that covers no event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from dashboard.borders import METRIC_CRS, WGS84, BorderGeometry

REGION = (57.0, 24.0, 70.0, 33.0)  # lon/lat box a frame never shrinks below
MARKER_PT = 11  # an event marker's size in points
INSET_CLEAR_PT = 40  # an inset keeps this far from an event: a fan of 10 markers and their size
PAD_PT = 40.0  # room around the outermost events for fanned markers and labels
DETAIL_KM = 200.0  # events this close to the border belong in the detail inset
DETAIL_PAD_PT = 60.0  # room for a town name beside an event at the edge
DETAIL_WHEN_WIDER = 1.6  # add the inset when the frame is this many times REGION's width
Box = tuple[float, float, float, float]  # xmin, ymin, xmax, ymax


@dataclass(frozen=True)
class MapFrame:
    xmin: float
    ymin: float
    xmax: float
    ymax: float
    metres_per_point: float

    @property
    def box(self) -> Box:
        return (self.xmin, self.ymin, self.xmax, self.ymax)

    @property
    def width(self) -> float:
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        return self.ymax - self.ymin

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x >= self.xmin) & (x <= self.xmax) & (y >= self.ymin) & (y <= self.ymax)


def project(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat to UTM 41N metres."""
    transformer = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)
    x, y = transformer.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.atleast_1d(np.asarray(x)), np.atleast_1d(np.asarray(y))


def unproject(x: float, y: float) -> tuple[float, float]:
    lon, lat = Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True).transform(x, y)
    return float(lon), float(lat)


def region_xy(bounds: Box = REGION) -> tuple[np.ndarray, np.ndarray]:
    """The outline of a lon/lat box, densified so its projected extent is right."""
    return project(*shapely.get_coordinates(shapely.segmentize(shapely.box(*bounds), 0.25)).T)


def event_xy(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Sites and arrow tails of the events, in metres."""
    lon = np.concatenate([events["longitude"], events["origin_lon"].dropna()])
    lat = np.concatenate([events["latitude"], events["origin_lat"].dropna()])
    return project(lon, lat)


def fit_frame(x: np.ndarray, y: np.ndarray, width_pt: float, height_pt: float, pad_pt: float = PAD_PT) -> MapFrame:
    """The points' extent padded by a share of itself and ``pad_pt``, at the axes' aspect."""
    xmin, xmax, ymin, ymax = x.min(), x.max(), y.min(), y.max()
    rough = max((xmax - xmin) / width_pt, (ymax - ymin) / height_pt)
    pad = 0.03 * max(xmax - xmin, ymax - ymin) + pad_pt * rough
    scale = max((xmax - xmin + 2 * pad) / width_pt, (ymax - ymin + 2 * pad) / height_pt)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    half_w, half_h = scale * width_pt / 2, scale * height_pt / 2
    return MapFrame(cx - half_w, cy - half_h, cx + half_w, cy + half_h, scale)


def plan_frame(events: pd.DataFrame, width_pt: float, height_pt: float) -> MapFrame:
    """Every event and arrow tail, never less than ``REGION``."""
    rx, ry = region_xy()
    ex, ey = event_xy(events)
    return fit_frame(np.concatenate([rx, ex]), np.concatenate([ry, ey]), width_pt, height_pt)


def detail_needed(frame: MapFrame, events: pd.DataFrame) -> bool:
    """An inset of the border strip: when far events make it small, and only if an event lies in it
    (a view of meetings in the capitals gains nothing from an empty close-up)."""
    rx, _ = region_xy()
    near = bool((events["distance_to_border_km"] <= DETAIL_KM).any()) if len(events) else False
    return near and frame.width > DETAIL_WHEN_WIDER * (rx.max() - rx.min())


def plan_detail(events: pd.DataFrame, geometry: BorderGeometry, width_pt: float, height_pt: float) -> MapFrame:
    """The border line and the events within ``DETAIL_KM`` of it, with their arrow tails."""
    bx, by = project(*shapely.get_coordinates(geometry.border).T)
    near = events[events["distance_to_border_km"] <= DETAIL_KM]
    ex, ey = event_xy(near)
    return fit_frame(np.concatenate([bx, ex]), np.concatenate([by, ey]), width_pt, height_pt, pad_pt=DETAIL_PAD_PT)


def place_box(
    frame: MapFrame, size_pt: tuple[float, float], occupied: tuple[np.ndarray, np.ndarray], avoid: list[Box]
) -> Box:
    """A box of ``size_pt`` in one corner of ``frame`` covering the fewest occupied points.

    A corner that overlaps any box in ``avoid`` is taken only if every corner
    does; ties go to the corner listed first (bottom left, over the Arabian Sea
    in the default frame; bottom right, top right, top left).
    """
    margin = 8 * frame.metres_per_point
    w, h = size_pt[0] * frame.metres_per_point, size_pt[1] * frame.metres_per_point
    starts = [
        (frame.xmin + margin, frame.ymin + margin),
        (frame.xmax - margin - w, frame.ymin + margin),
        (frame.xmax - margin - w, frame.ymax - margin - h),
        (frame.xmin + margin, frame.ymax - margin - h),
    ]
    ox, oy = occupied

    def cost(x0: float, y0: float) -> tuple[int, int]:
        candidate = (x0, y0, x0 + w, y0 + h)
        covered = _covered(ox, oy, candidate)
        return (sum(_overlaps(candidate, other) for other in avoid), covered)

    x0, y0 = min(starts, key=lambda start: cost(*start))
    return (x0, y0, x0 + w, y0 + h)


def place_inset(
    frame: MapFrame, size_pt: tuple[float, float], occupied: tuple[np.ndarray, np.ndarray], detail: Box
) -> Box:
    """Where the detail inset goes: clear of the detail area, covering the fewest
    events and towns, and of those spots the one nearest the detail area. A point
    counts as covered within ``INSET_CLEAR_PT`` of the inset: markers fan out
    round a shared place, and a marker half under the frame is hidden too."""
    margin = 8 * frame.metres_per_point
    pad = INSET_CLEAR_PT * frame.metres_per_point
    w, h = size_pt[0] * frame.metres_per_point, size_pt[1] * frame.metres_per_point
    xs = np.linspace(frame.xmin + margin, frame.xmax - margin - w, 24)
    ys = np.linspace(frame.ymin + margin, frame.ymax - margin - h, 16)
    ox, oy = occupied
    centre = ((detail[0] + detail[2]) / 2, (detail[1] + detail[3]) / 2)

    def cost(x0: float, y0: float) -> tuple[bool, int, float]:
        covered = _covered(ox, oy, (x0, y0, x0 + w, y0 + h), pad)
        distance = float(np.hypot(x0 + w / 2 - centre[0], y0 + h / 2 - centre[1]))
        return (_overlaps((x0, y0, x0 + w, y0 + h), detail), covered, distance)

    x0, y0 = min(((x, y) for x in xs for y in ys), key=lambda start: cost(*start))
    return (float(x0), float(y0), float(x0 + w), float(y0 + h))


def _covered(x: np.ndarray, y: np.ndarray, box: Box, pad: float = 0.0) -> int:
    """How many points lie in ``box`` grown by ``pad`` on every side."""
    return int(((x >= box[0] - pad) & (x <= box[2] + pad) & (y >= box[1] - pad) & (y <= box[3] + pad)).sum())


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
