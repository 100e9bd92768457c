"""Where an event may lie, given its place precision, and what that does to the border figures.

Each ``geo_precision`` code is an area (the README says the same):

- 1: within ``PRECISE_RADIUS_KM`` (2 km) of the point;
- 2: within ``place_radius_km`` of the point (the stated radius of the named
  town; ``DEFAULT_RADIUS_KM``, 25 km, when none is stated);
- 3: anywhere in the province (the declared ``admin1`` if it is mapped, else
  the province the point lies in, else the country).

A circle is cut to the declared country when the point lies in it (the
sources place the event in that country, so the other side of the border is
not a possibility). From the area come:

- ``distance_min_km`` / ``distance_max_km``: the nearest and farthest the
  event can be from the Iran–Pakistan border (for a circle of radius r around
  a point d km away: max(0, d - r) and d + r; for a province, its own span);
- ``crossed``: ``yes`` when an origin country is given and the area lies
  wholly on the other side, ``no`` when there is no origin or the area lies
  wholly in it, ``possibly`` when the area straddles the border.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from dashboard.borders import METRIC_CRS, WGS84, BorderGeometry, canonical_countries, distinct_objects

PRECISE_RADIUS_KM = 2.0
DEFAULT_RADIUS_KM = 25.0
BORDER_SIDES = frozenset({"Iran", "Pakistan"})
CROSSED = ("yes", "no", "possibly")
AREA_TOLERANCE_DEG = 0.01  # drawn province outlines, about 1 km


def precision_codes(events: pd.DataFrame) -> np.ndarray:
    """``geo_precision`` as floats (a frame without the column is taken as precise: 1)."""
    if "geo_precision" not in events.columns:
        return np.ones(len(events))
    return pd.to_numeric(events["geo_precision"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def radius_km(events: pd.DataFrame) -> np.ndarray:
    """The radius of each event's circle (NaN for precision 3, whose area is a province)."""
    precision = precision_codes(events)
    stated = (
        pd.to_numeric(events["place_radius_km"], errors="coerce").to_numpy(dtype=float)
        if "place_radius_km" in events.columns
        else np.full(len(events), np.nan)
    )
    radius = np.where(np.isnan(stated), DEFAULT_RADIUS_KM, stated)
    return np.select([precision == 1, precision == 2], [PRECISE_RADIUS_KM, radius], default=np.nan)


def add_uncertainty(points: pd.DataFrame, geometry: BorderGeometry) -> pd.DataFrame:
    """Add ``distance_min_km``, ``distance_max_km`` and ``crossed`` to joined events
    (``distance_to_border_km``, ``country_geo`` and ``admin1_geo`` present)."""
    d = points["distance_to_border_km"].to_numpy(dtype=float)
    r = radius_km(points)
    circle = ~np.isnan(r)
    low = np.where(circle, np.maximum(0.0, d - np.nan_to_num(r)), np.nan)
    high = np.where(circle, d + np.nan_to_num(r), np.nan)
    declared = canonical_countries(points["country"]).to_numpy(dtype=object)
    landed = distinct_objects(points["country_geo"])
    clipped = (declared == landed) & _border_side(declared)
    # The sides of the border the area reaches.
    straddles = circle & ~clipped & (d < np.nan_to_num(r)) & _border_side(landed)
    side = np.where(landed != "", landed, declared)
    # A province's or country's span is worked out once per distinct area, then handed to its rows.
    areas = np.flatnonzero(~circle)
    named = [c for c in ("admin1", "admin1_geo", "country_geo", "country") if c in points.columns]
    codes, keys = _area_key_codes(points[named].iloc[areas], geometry)
    if len(keys):
        near, far, country = zip(*(_polygon_span(geometry, key) for key in keys), strict=True)
        low[areas], high[areas] = np.array(near)[codes], np.array(far)[codes]
        side[areas] = np.array(country, dtype=object)[codes]
    points["distance_min_km"] = np.round(low, 1)
    points["distance_max_km"] = np.round(high, 1)
    origin = canonical_countries(points.get("origin_country", pd.Series("", index=points.index)).fillna(""))
    origin = origin.to_numpy(dtype=object)
    yes, no, possibly = range(len(CROSSED))
    crossed = np.where(origin == "", no, np.where(straddles, possibly, np.where(side == origin, no, yes)))
    points["crossed"] = pd.Categorical.from_codes(crossed, categories=CROSSED)
    return points


def _border_side(names: np.ndarray) -> np.ndarray:
    """Whether each name is Iran or Pakistan (kept as objects: no string column is built)."""
    return pd.Series(names, dtype=object).isin(BORDER_SIDES).to_numpy()


def _area_keys(points: pd.DataFrame, geometry: BorderGeometry) -> np.ndarray:
    """``area_key`` for every row, vectorised (only precision-3 rows use it)."""
    codes, keys = _area_key_codes(points, geometry)
    return np.array(keys, dtype=object)[codes] if len(keys) else np.zeros(0, dtype=object)


def _area_key_codes(points: pd.DataFrame, geometry: BorderGeometry) -> tuple[np.ndarray, list[str]]:
    """Each row's area key as a code into the distinct keys: ``province:<name>`` for the
    declared ``admin1`` when it is a mapped province, else for the province the point
    lies in, else ``country:<name>`` (where the point lies, else the declared country).

    The key depends on four names only, so it is worked out once per distinct
    combination of them (a million events hold a few dozen).
    """
    admin1 = points.get("admin1", pd.Series("", index=points.index)).fillna("").astype(str)
    names = pd.DataFrame(
        {
            "admin1": admin1,
            "admin1_geo": points["admin1_geo"].fillna("").astype(str),
            "country_geo": points["country_geo"].fillna("").astype(str),
            "country": points["country"],
        }
    )
    combination, first = _distinct_rows(names)
    distinct = names.iloc[first]
    provinces = geometry.provinces["name"]
    country = distinct["country_geo"].where(distinct["country_geo"] != "", canonical_countries(distinct["country"]))
    keys = np.where(
        distinct["admin1"].isin(provinces),
        "province:" + distinct["admin1"],
        np.where(distinct["admin1_geo"] != "", "province:" + distinct["admin1_geo"], "country:" + country),
    )
    key_codes, unique_keys = pd.factorize(keys.astype(object))
    return key_codes[combination], list(unique_keys)


def _distinct_rows(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code among the distinct rows of ``frame``, and the position of each
    distinct row's first occurrence (codes in order of first occurrence)."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        values, distinct = pd.factorize(frame[column], use_na_sentinel=False)
        # Made compact again after each column, so the combined code never overflows.
        codes, _ = pd.factorize(codes * len(distinct) + values)
    seen = np.maximum.accumulate(codes) if len(codes) else codes
    first = np.flatnonzero(np.diff(seen, prepend=-1) > 0)  # where each code appears first
    return codes, first


def _polygon(geometry: BorderGeometry, key: str) -> tuple[shapely.Geometry | None, str]:
    kind, _, name = key.partition(":")
    table = geometry.provinces if kind == "province" else geometry.countries
    match = table[table["name"] == name]
    if match.empty:
        return None, name
    country = match["country"].iat[0] if kind == "province" else name
    return match.geometry.iat[0], country


@cache
def _transformer() -> Transformer:
    return Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)


def _to_metric(xy: np.ndarray) -> np.ndarray:
    return np.column_stack(_transformer().transform(xy[:, 0], xy[:, 1]))


def _polygon_span(geometry: BorderGeometry, key: str) -> tuple[float, float, str]:
    """Nearest and farthest km from the border over a province or country, and its country (kept per geometry)."""
    memo_key = ("span", key)
    if memo_key not in geometry.memo:
        polygon, country = _polygon(geometry, key)
        if polygon is None:
            geometry.memo[memo_key] = (np.nan, np.nan, country)
        else:
            metric, border = shapely.transform(polygon, _to_metric), shapely.transform(geometry.border, _to_metric)
            near = 0.0 if metric.distance(border) < 1 else metric.distance(border) / 1000
            vertices = shapely.points(shapely.get_coordinates(metric.boundary))
            geometry.memo[memo_key] = (near, float(shapely.distance(vertices, border).max()) / 1000, country)
    return geometry.memo[memo_key]


def area_shapes(events: pd.DataFrame, geometry: BorderGeometry) -> dict[str, shapely.Geometry]:
    """The area of each imprecise event (precision 2 or 3), WGS84, keyed by event id.

    Precision 2: the circle, cut to the declared country when the point lies in
    it and the circle reaches the border. Precision 3: the province (or
    country) outline, simplified for drawing. Vectorised: 2,000 circles take
    milliseconds.
    """
    shapes: dict[str, shapely.Geometry] = {}
    if events.empty:
        return shapes
    ids = events["event_id"].astype(str).to_numpy()
    precision = precision_codes(events)
    circles = np.flatnonzero(precision == 2)
    if len(circles):
        sub = events.iloc[circles]
        r_m = radius_km(sub) * 1000
        x, y = _transformer().transform(sub["longitude"].to_numpy(float), sub["latitude"].to_numpy(float))
        discs = shapely.buffer(shapely.points(x, y), r_m, quad_segs=16)
        discs = shapely.transform(discs, _to_wgs)
        declared = canonical_countries(sub["country"]).to_numpy(dtype=object)
        reach = (sub["distance_to_border_km"].to_numpy(float) * 1000 < r_m) & (
            declared == sub["country_geo"].to_numpy(dtype=object)
        )
        outlines = _display_countries(geometry)
        for i in np.flatnonzero(reach):
            country = outlines.get(declared[i])
            if country is not None:
                discs[i] = shapely.intersection(discs[i], country)
        shapes.update({ids[circles[i]]: discs[i] for i in range(len(circles)) if not discs[i].is_empty})
    keys = _area_keys(events, geometry)
    for i in np.flatnonzero(precision == 3):
        outline = _display_area(geometry, keys[i])
        if outline is not None:
            shapes[ids[i]] = outline
    return shapes


def _to_wgs(xy: np.ndarray) -> np.ndarray:
    return np.column_stack(_from_metric().transform(xy[:, 0], xy[:, 1]))


@cache
def _from_metric() -> Transformer:
    return Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True)


def _display_area(geometry: BorderGeometry, key: str) -> shapely.Geometry | None:
    """A province or country outline simplified for drawing (kept per geometry)."""
    memo_key = ("outline", key)
    if memo_key not in geometry.memo:
        polygon, _ = _polygon(geometry, key)
        outline = None if polygon is None else polygon.simplify(AREA_TOLERANCE_DEG, preserve_topology=True)
        geometry.memo[memo_key] = outline
    return geometry.memo[memo_key]


def _display_countries(geometry: BorderGeometry) -> dict[str, shapely.Geometry]:
    return {name: _display_area(geometry, f"country:{name}") for name in geometry.countries["name"]}


def area_rings(shape: shapely.Geometry, decimals: int = 4) -> list:
    """A polygon or multipolygon as Leaflet wants it: polygons of rings of [lat, lon]."""
    polygons = getattr(shape, "geoms", [shape])
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, shapely.Polygon) or polygon.is_empty:
            continue
        rings.append(
            [
                [[round(lat, decimals), round(lon, decimals)] for lon, lat in ring.coords]
                for ring in (polygon.exterior, *polygon.interiors)
            ]
        )
    return rings
