"""Border geometry, and the join of events to it.

The geometry files are small GeoJSON derived at build time from Natural Earth
(see ``data/geometry/PROVENANCE.md``); nothing here needs the large source
packages. The join works on coordinate arrays (point-in-polygon tests on
prepared polygons, a nearest-segment search by cells, pyproj on whole arrays),
so it serves a few curated events and a million imported ones alike (about
3 s of one core for a million).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer

from dashboard.nearest_segment import LineSegments, line_segments

# UTM zone 41N straddles the Iran–Pakistan border (its central meridian, 63 E,
# crosses it): nearest points found here are true to well under 1% near the
# border; the distance itself is then measured on the ellipsoid.
METRIC_CRS = "EPSG:32641"
WGS84 = "EPSG:4326"
_GEOD = Geod(ellps="WGS84")
# Natural Earth 1:10m places a border within a few hundred metres; a point this
# close to its declared country is not flagged as lying in another.
MISMATCH_TOLERANCE_KM = 2.0
# A cross-border arrow starts this far beyond the border on the origin side.
ARROW_TAIL_KM = 60.0
DISPLAY_TOLERANCE_DEG = 0.005

# The columns join_events adds that every export carries (the arrow tails are drawing aids).
JOIN_COLUMNS = (
    "country_geo",
    "admin1_geo",
    "distance_to_border_km",
    "distance_min_km",
    "distance_max_km",
    "crossed",
    "cross_border",
    "location_mismatch",
)

COUNTRY_ALIASES = {
    "iran": "Iran",
    "iran (islamic republic of)": "Iran",
    "islamic republic of iran": "Iran",
    "pakistan": "Pakistan",
    "islamic republic of pakistan": "Pakistan",
    "afghanistan": "Afghanistan",
}


@dataclass(frozen=True)
class BorderGeometry:
    countries: gpd.GeoDataFrame  # name, iso3, geometry
    provinces: gpd.GeoDataFrame  # name, country, iso3, geometry
    border: shapely.LineString | shapely.MultiLineString

    @cached_property
    def countries_display(self) -> dict:
        """Countries as GeoJSON, simplified for drawing (see ``DISPLAY_TOLERANCE_DEG``)."""
        return _simplified_geojson(self.countries)

    @cached_property
    def provinces_display(self) -> dict:
        return _simplified_geojson(self.provinces)

    @cached_property
    def memo(self) -> dict:
        """Results derived from this geometry alone (area spans, drawing outlines), kept with it:
        a cache keyed by the object's ``id`` could hand a new geometry an old one's results."""
        return {}

    @cached_property
    def country_label_points(self) -> list[tuple[str, float, float]]:
        """``(name, lat, lon)`` where each country's name is drawn (inside it)."""
        points = self.countries.representative_point()
        return [(name, float(p.y), float(p.x)) for name, p in zip(self.countries["name"], points, strict=True)]

    @property
    def border_km(self) -> float:
        return float(_GEOD.geometry_length(self.border)) / 1000


def _simplified_geojson(areas: gpd.GeoDataFrame) -> dict:
    """Areas simplified to about 500 m, as GeoJSON: half the bytes to send and to
    serialise on every rerun of the page. The border line and every join keep
    full detail."""
    simple = areas.assign(geometry=areas.geometry.simplify(DISPLAY_TOLERANCE_DEG, preserve_topology=True))
    return json.loads(simple.to_json())


def load_geometry(folder: Path) -> BorderGeometry:
    """Read the three derived GeoJSON files from ``folder``."""
    paths = {name: folder / f"{name}.geojson" for name in ("countries", "provinces", "border_iran_pakistan")}
    for path in paths.values():
        if not path.is_file():
            raise FileNotFoundError(f"{path}: border geometry file missing (rebuild: python scripts/build_geometry.py)")
    countries = gpd.read_file(paths["countries"]).to_crs(WGS84)
    provinces = gpd.read_file(paths["provinces"]).to_crs(WGS84)
    border = gpd.read_file(paths["border_iran_pakistan"]).to_crs(WGS84).geometry.union_all()
    return BorderGeometry(countries[["name", "iso3", "geometry"]], provinces, border)


def canonical_country(name: str) -> str:
    """The geometry's spelling of a country name, or the name as given."""
    return COUNTRY_ALIASES.get(str(name).strip().lower(), str(name).strip())


def canonical_countries(names: pd.Series) -> pd.Series:
    """``canonical_country`` of each name, worked out once per distinct name (a million rows hold a few)."""
    codes, distinct = pd.factorize(names, use_na_sentinel=False)
    spelt = np.array([canonical_country(name) for name in distinct], dtype=object)
    return pd.Series(spelt[codes], index=names.index, dtype=object)


def distinct_objects(values: pd.Series) -> np.ndarray:
    """``values`` as an object array holding one Python string per distinct value (as
    ``canonical_countries`` gives them): made once per name, not once per row, and then
    compared by identity first. A million rows name a handful of places."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(distinct, dtype=object)[codes]


def join_events(events: pd.DataFrame, geometry: BorderGeometry) -> gpd.GeoDataFrame:
    """Add where each event lies and how it relates to the border.

    Adds ``country_geo`` and ``admin1_geo`` (the polygons the point falls in,
    empty when outside the mapped countries), ``distance_to_border_km`` (from
    the point), ``distance_min_km``/``distance_max_km`` and ``crossed``
    (yes/no/possibly) over the area the place precision allows
    (``dashboard.uncertainty``), ``cross_border`` (crossed is yes) and
    ``location_mismatch`` (the point lies in a mapped country other than the
    declared one, beyond the tolerance). Actors become canonical
    (``dashboard.actors.canonicalise``: the names as written stay in
    ``actor1_original``/``actor2_original``).

    Every step works on the longitude/latitude arrays, and work that depends
    on a name is done once per distinct name: a million events take a few
    seconds. The point geometries are made once, for the frame returned.
    """
    lon = np.asarray(events["longitude"], dtype="float64")
    lat = np.asarray(events["latitude"], dtype="float64")
    points = gpd.GeoDataFrame(events.reset_index(drop=True), geometry=gpd.points_from_xy(lon, lat), crs=WGS84)
    points["country_geo"] = _polygon_name(lon, lat, geometry.countries)
    points["admin1_geo"] = _polygon_name(lon, lat, geometry.provinces)
    metric = _to_metric().transform(lon, lat)
    distance_km, nearest = _nearest_on_line_xy(lon, lat, geometry.border, metric)
    points["distance_to_border_km"] = np.round(distance_km, 1)
    declared = canonical_countries(points["country"])
    origin = canonical_countries(points.get("origin_country", pd.Series("", index=points.index)).fillna(""))
    points["location_mismatch"] = _mismatch(points["country_geo"], declared, geometry.countries, lon, lat, metric)
    from dashboard.uncertainty import add_uncertainty  # it builds on this module

    add_uncertainty(points, geometry)
    # A definite crossing (not a possible one) gets the arrow and the count.
    points["cross_border"] = (points["crossed"] == "yes").to_numpy() & (origin != "").to_numpy()
    points["origin_lat"], points["origin_lon"] = _arrow_tails(lon, lat, points["cross_border"].to_numpy(), nearest)
    from dashboard.actors import canonicalise

    # Every joined frame speaks of canonical actors (data/actors.csv), the names as written kept.
    return canonicalise(points, copy=False)


def _arrow_tails(
    lon: np.ndarray, lat: np.ndarray, cross_border: np.ndarray, nearest: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Where a cross-border arrow starts: beyond the nearest border point, on the
    far side from the site, so the arrow visibly crosses the line."""
    tail_lat = np.full(len(lon), np.nan)
    tail_lon = np.full(len(lon), np.nan)
    rows = np.flatnonzero(cross_border)
    if len(rows) == 0:
        return tail_lat, tail_lon
    azimuth, _, _ = _GEOD.inv(lon[rows], lat[rows], nearest[rows, 0], nearest[rows, 1])
    tail_lon[rows], tail_lat[rows], _ = _GEOD.fwd(
        nearest[rows, 0], nearest[rows, 1], azimuth, np.full(len(rows), ARROW_TAIL_KM * 1000)
    )
    return tail_lat, tail_lon


def _polygon_name(lon: np.ndarray, lat: np.ndarray, polygons: gpd.GeoDataFrame) -> pd.api.extensions.ExtensionArray:
    """The name of the polygon each point lies within (``""`` for none), as a spatial join
    with the predicate ``within`` gives it: a point on an edge lies within neither side,
    and a point within two overlapping polygons keeps the first."""
    names = polygons["name"].fillna("").astype(str).tolist()
    codes = np.full(len(lon), len(names))  # the code of "": within no polygon
    unplaced = np.ones(len(lon), dtype=bool)
    for code, polygon in enumerate(polygons.geometry.array):
        if polygon is None or polygon.is_empty:
            continue
        # The bounding box first: only the points inside it are tested against the polygon.
        xmin, ymin, xmax, ymax = polygon.bounds
        rows = np.flatnonzero(unplaced & (lon >= xmin) & (lon <= xmax) & (lat >= ymin) & (lat <= ymax))
        inside = rows[shapely.contains_xy(_prepared(polygon), lon[rows], lat[rows])]
        codes[inside] = code
        unplaced[inside] = False
    return pd.Series([*names, ""], dtype=object).astype(str).array.take(codes)


@lru_cache(maxsize=32)
def _prepared(polygon: shapely.Geometry) -> shapely.Geometry:
    """A prepared copy of ``polygon`` (the geometry's own objects stay as they are)."""
    copy = shapely.from_wkb(shapely.to_wkb(polygon))
    shapely.prepare(copy)
    return copy


def distance_to_line_km(points: gpd.GeoSeries, line: shapely.Geometry) -> np.ndarray:
    """Geodesic distance in km from each point to the nearest point of ``line``."""
    return np.round(_nearest_on_line(points, line)[0], 1)


def _nearest_on_line(points: gpd.GeoSeries, line: shapely.Geometry) -> tuple[np.ndarray, np.ndarray]:
    """Distance in km to, and lon/lat of, the nearest point of ``line`` (``_nearest_on_line_xy``)."""
    return _nearest_on_line_xy(points.x.to_numpy(), points.y.to_numpy(), line)


def _nearest_on_line_xy(
    lon: np.ndarray, lat: np.ndarray, line: shapely.Geometry, metric: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Distance in km to, and lon/lat of, the nearest point of ``line``.

    The nearest point is found in UTM 41N (``METRIC_CRS``; ``metric`` holds the
    points' coordinates there when already known), on the line's segments
    (``nearest_segment.LineSegments.nearest``), and the distance is then measured on the
    ellipsoid. A point without metric coordinates (a latitude or longitude
    that is not a number) gets NaN.
    """
    if len(lon) == 0:
        return np.zeros(0), np.zeros((0, 2))
    mx, my = metric if metric is not None else _to_metric().transform(lon, lat)
    end = _line_segments(line).nearest(np.asarray(mx, dtype=float), np.asarray(my, dtype=float))
    nlon, nlat = _to_wgs().transform(end[:, 0], end[:, 1])
    _, _, metres = _GEOD.inv(lon, lat, nlon, nlat)
    return np.asarray(metres) / 1000, np.column_stack([nlon, nlat])


@cache
def _to_metric() -> Transformer:
    return Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)


@cache
def _to_wgs() -> Transformer:
    return Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True)


@lru_cache(maxsize=32)
def _line_segments(line: shapely.Geometry) -> LineSegments:
    """The line's segments in UTM 41N (kept per line: shapely geometries hash by value,
    so a changed line is a new entry)."""
    metric = shapely.transform(line, lambda xy: np.column_stack(_to_metric().transform(xy[:, 0], xy[:, 1])))
    return line_segments(metric)


# A point farther than this from its declared country (in UTM 41N) is certainly beyond
# MISMATCH_TOLERANCE_KM on the ellipsoid, when it lies within CLEAR_WINDOW_DEG of the
# zone's central meridian (there UTM stretches distances by less than 7%).
CLEAR_OF_COUNTRY_KM = 5.0
CLEAR_WINDOW_DEG = 20.0
_UTM_41_MERIDIAN = 63.0


def _mismatch(
    landed: pd.Series,
    declared: pd.Series,
    countries: gpd.GeoDataFrame,
    lon: np.ndarray,
    lat: np.ndarray,
    metric: tuple[np.ndarray, np.ndarray],
) -> pd.Series:
    """Whether each point lies in a mapped country other than the declared one, farther
    than ``MISMATCH_TOLERANCE_KM`` (measured as ``distance_to_line_km`` measures it)
    from the declared country's outline."""
    mapped = set(countries["name"])
    landed = distinct_objects(landed)
    said = declared.to_numpy(dtype=object)
    in_mapped = declared.isin(mapped).to_numpy()
    suspect = ((landed != "") & (landed != said)) | ((landed == "") & in_mapped)
    flags = np.zeros(len(landed), dtype=bool)
    if not suspect.any():
        return pd.Series(flags, index=declared.index)
    by_name = countries.set_index("name").geometry
    # Declared somewhere unmapped, yet the point lies in a mapped country.
    elsewhere = suspect & ~declared.isin(by_name.index).to_numpy()
    flags[elsewhere] = True
    near = np.flatnonzero(suspect & ~elsewhere)
    # One vectorised distance per declared country, not one call per row.
    codes, names = pd.factorize(said[near])
    for code, name in enumerate(names):
        rows = near[codes == code]
        flags[rows] = _beyond_tolerance(lon[rows], lat[rows], metric[0][rows], metric[1][rows], by_name[name])
    return pd.Series(flags, index=declared.index)


def _beyond_tolerance(
    lon: np.ndarray, lat: np.ndarray, mx: np.ndarray, my: np.ndarray, country: shapely.Geometry
) -> np.ndarray:
    """Whether each point is farther than the tolerance from ``country``'s outline.

    Most points are far from it: those outside the country widened by
    ``CLEAR_OF_COUNTRY_KM`` are beyond the tolerance without measuring; the
    distance is measured for the rest. Why that gives the measured answer: a
    geodesic shorter than the tolerance (2 km, 2.05 before rounding) stays
    near its start, where UTM stretches it by at most 6.4% (within 20 degrees
    of 63 E), so the outline would be within 2.2 km in UTM, not beyond 5.
    """
    clear = (np.abs(lon - _UTM_41_MERIDIAN) <= CLEAR_WINDOW_DEG) & np.isfinite(mx) & np.isfinite(my)
    clear[clear] = ~shapely.contains_xy(_widened(country), mx[clear], my[clear])
    flags = clear.copy()
    rest = np.flatnonzero(~clear)
    if len(rest):
        gaps = _nearest_on_line_xy(lon[rest], lat[rest], country.boundary, (mx[rest], my[rest]))[0]
        flags[rest] = np.round(gaps, 1) > MISMATCH_TOLERANCE_KM
    return flags


@lru_cache(maxsize=32)
def _widened(country: shapely.Geometry) -> shapely.Geometry:
    """``country`` in UTM 41N widened by ``CLEAR_OF_COUNTRY_KM``, prepared (kept per geometry).
    The buffer's arcs are chords inside the true circle, so a point outside is farther still."""
    metric = shapely.transform(country, lambda xy: np.column_stack(_to_metric().transform(xy[:, 0], xy[:, 1])))
    widened = shapely.buffer(metric, CLEAR_OF_COUNTRY_KM * 1000, quad_segs=16)
    shapely.prepare(widened)
    return widened
