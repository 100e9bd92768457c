"""Border geometry, and the join of events to it.

The geometry files are small GeoJSON derived at build time from Natural Earth
(see ``data/geometry/PROVENANCE.md``); nothing here needs the large source
packages. The join is vectorised (an STRtree spatial join and shapely 2 array
operations), so it serves a few curated events and a million imported ones
alike.
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
    """
    points = gpd.GeoDataFrame(
        events.reset_index(drop=True),
        geometry=gpd.points_from_xy(events["longitude"], events["latitude"]),
        crs=WGS84,
    )
    points["country_geo"] = _polygon_name(points, geometry.countries)
    points["admin1_geo"] = _polygon_name(points, geometry.provinces)
    distance_km, nearest = _nearest_on_line(points.geometry, geometry.border)
    points["distance_to_border_km"] = np.round(distance_km, 1)
    declared = canonical_countries(points["country"])
    origin = canonical_countries(points.get("origin_country", pd.Series("", index=points.index)).fillna(""))
    points["location_mismatch"] = _mismatch(points, declared, geometry.countries)
    from dashboard.uncertainty import add_uncertainty  # it builds on this module

    add_uncertainty(points, geometry)
    # A definite crossing (not a possible one) gets the arrow and the count.
    points["cross_border"] = (points["crossed"] == "yes").to_numpy() & (origin != "").to_numpy()
    points["origin_lat"], points["origin_lon"] = _arrow_tails(points, nearest)
    from dashboard.actors import canonicalise

    # Every joined frame speaks of canonical actors (data/actors.csv), the names as written kept.
    return canonicalise(points)


def _arrow_tails(points: gpd.GeoDataFrame, nearest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where a cross-border arrow starts: beyond the nearest border point, on the
    far side from the site, so the arrow visibly crosses the line."""
    lat = np.full(len(points), np.nan)
    lon = np.full(len(points), np.nan)
    rows = np.flatnonzero(points["cross_border"].to_numpy())
    if len(rows) == 0:
        return lat, lon
    site_lon, site_lat = points.geometry.x.to_numpy()[rows], points.geometry.y.to_numpy()[rows]
    azimuth, _, _ = _GEOD.inv(site_lon, site_lat, nearest[rows, 0], nearest[rows, 1])
    lon[rows], lat[rows], _ = _GEOD.fwd(
        nearest[rows, 0], nearest[rows, 1], azimuth, np.full(len(rows), ARROW_TAIL_KM * 1000)
    )
    return lat, lon


def _polygon_name(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame) -> pd.Series:
    joined = gpd.sjoin(points[["geometry"]], polygons[["name", "geometry"]], how="left", predicate="within")
    # A point on a shared edge can match two polygons: keep the first.
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["name"].fillna("").astype(str).reindex(points.index)


def distance_to_line_km(points: gpd.GeoSeries, line: shapely.Geometry) -> np.ndarray:
    """Geodesic distance in km from each point to the nearest point of ``line``."""
    return np.round(_nearest_on_line(points, line)[0], 1)


def _nearest_on_line(points: gpd.GeoSeries, line: shapely.Geometry) -> tuple[np.ndarray, np.ndarray]:
    """Distance in km to, and lon/lat of, the nearest point of ``line``.

    The nearest point is found in UTM 41N (``METRIC_CRS``): first the nearest
    segment of the line, from a tree of its segments, then the nearest point on
    that segment, so each point costs a tree lookup rather than a pass over
    every vertex of the line. The distance is then measured on the ellipsoid.
    """
    if len(points) == 0:
        return np.zeros(0), np.zeros((0, 2))
    lon, lat = points.x.to_numpy(), points.y.to_numpy()
    mx, my = _to_metric().transform(lon, lat)
    metric_points = shapely.points(mx, my)
    segments, tree = _segment_tree(line)
    found = tree.query_nearest(metric_points, all_matches=False)
    nearest_segment = np.empty(len(points), dtype=np.int64)
    nearest_segment[found[0]] = found[1]
    nearest = shapely.shortest_line(metric_points, segments[nearest_segment])
    end = shapely.get_coordinates(shapely.get_point(nearest, 1))
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
def _segment_tree(line: shapely.Geometry) -> tuple[np.ndarray, shapely.STRtree]:
    """The line's two-point segments in UTM 41N and a tree of them (kept per line: shapely
    geometries hash by value, so a changed line is a new entry)."""
    metric = shapely.transform(line, lambda xy: np.column_stack(_to_metric().transform(xy[:, 0], xy[:, 1])))
    parts = [shapely.get_coordinates(part) for part in shapely.get_parts(metric)]  # a line or its parts
    pairs = [np.stack([xy[:-1], xy[1:]], axis=1) for xy in parts if len(xy) >= 2]
    if not pairs:
        raise ValueError("the line has no segment")
    segments = shapely.linestrings(np.concatenate(pairs))
    return segments, shapely.STRtree(segments)


def _mismatch(points: gpd.GeoDataFrame, declared: pd.Series, countries: gpd.GeoDataFrame) -> pd.Series:
    mapped = set(countries["name"])
    landed = points["country_geo"]
    suspect = ((landed != "") & (landed != declared)) | ((landed == "") & declared.isin(mapped))
    flags = pd.Series(False, index=points.index)
    if not suspect.any():
        return flags
    by_name = countries.set_index("name").geometry
    # Declared somewhere unmapped, yet the point lies in a mapped country.
    elsewhere = suspect & ~declared.isin(by_name.index)
    flags[elsewhere] = True
    near = suspect & ~elsewhere
    # One vectorised distance per declared country, not one call per row.
    for name, rows in points.index[near.to_numpy()].groupby(declared[near]).items():
        gaps = distance_to_line_km(points.geometry.loc[rows], by_name[name].boundary)
        flags[rows] = gaps > MISMATCH_TOLERANCE_KM
    return flags
