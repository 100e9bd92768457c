"""The vectorised border join gives what the plain, slow computation gives, row by row.

The reference is the plain computation a reader would check the join against:
``gpd.sjoin`` with ``within`` for the country and province (a point within two
polygons keeps the first), the nearest point of the whole line
(``shapely.shortest_line``) in UTM 41N measured on the ellipsoid, the
distance to the declared country's whole outline for the mismatch, the
precision rules of ``dashboard.uncertainty`` applied one row at a time, and
``ActorTable.resolve`` for each actor. Only the province and country spans
(``uncertainty._polygon_span``, one figure per area) are shared.

The points: seeded, spread over the region and beyond, within 0.1 km of the
border, and on, beside and a few km from every country and province outline
(vertices exactly, points along edges, small and larger offsets), plus the
bundled curated events.
"""

from __future__ import annotations

import os
import random

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer

from dashboard.actors import default_table
from dashboard.borders import (
    ARROW_TAIL_KM,
    METRIC_CRS,
    MISMATCH_TOLERANCE_KM,
    WGS84,
    _nearest_on_line_xy,
    _polygon_name,
    canonical_country,
    join_events,
)
from dashboard.uncertainty import BORDER_SIDES, DEFAULT_RADIUS_KM, PRECISE_RADIUS_KM, _polygon_span

GEOD = Geod(ellps="WGS84")
TO_METRIC = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)
TO_WGS = Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True)
DECLARED = ["Iran", "Pakistan", "Afghanistan", "Oman", "iran (islamic republic of)", " Pakistan ", ""]
ORIGINS = ["", "", "", "Iran", "Pakistan", "Islamic Republic of Pakistan", "Afghanistan"]
ADMIN1 = ["", "", "Balochistan", "Sistan and Baluchestan", "Kerman", "Punjab"]
ACTORS = [
    "",
    "Military Forces of Iran (1989-)",
    "  military forces of  PAKISTAN (2018-) ",
    "IRGC",
    "Jaysh al-Adl",
    "Border Guards of Iran",
    "Police of Pakistan",
    "Unknown militia",
]


# --- The reference: slow and straightforward ------------------------------------


def reference_polygon_name(lon: np.ndarray, lat: np.ndarray, polygons: gpd.GeoDataFrame) -> np.ndarray:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=WGS84)
    joined = gpd.sjoin(points, polygons[["name", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["name"].fillna("").astype(str).reindex(points.index).to_numpy(dtype=object)


def reference_nearest(lon: np.ndarray, lat: np.ndarray, line: shapely.Geometry) -> tuple[np.ndarray, np.ndarray]:
    """km to, and lon/lat of, the nearest point of the whole line (no segments, no cells)."""
    metric_line = shapely.transform(line, lambda xy: np.column_stack(TO_METRIC.transform(xy[:, 0], xy[:, 1])))
    whole = shapely.shortest_line(shapely.points(*TO_METRIC.transform(lon, lat)), metric_line)
    end = shapely.get_coordinates(shapely.get_point(whole, 1))
    nlon, nlat = TO_WGS.transform(end[:, 0], end[:, 1])
    _, _, metres = GEOD.inv(lon, lat, nlon, nlat)
    return np.asarray(metres) / 1000, np.column_stack([nlon, nlat])


def reference_join(events: pd.DataFrame, geometry) -> pd.DataFrame:
    lon, lat = events["longitude"].to_numpy(float), events["latitude"].to_numpy(float)
    country_geo = reference_polygon_name(lon, lat, geometry.countries)
    admin1_geo = reference_polygon_name(lon, lat, geometry.provinces)
    km, nearest = reference_nearest(lon, lat, geometry.border)
    distance = np.round(km, 1)
    declared = np.array([canonical_country(c) for c in events["country"]], dtype=object)
    mismatch = reference_mismatch(lon, lat, country_geo, declared, geometry.countries)
    rows = []
    for i, event in enumerate(events.to_dict("records")):
        low, high, straddles, side = reference_area(event, geometry, distance[i], country_geo[i], admin1_geo[i])
        origin = canonical_country(text(event.get("origin_country")))
        crossed = "no" if not origin else "possibly" if straddles else "no" if side == origin else "yes"
        cross = crossed == "yes"
        tail_lon = tail_lat = np.nan
        if cross:
            azimuth, _, _ = GEOD.inv(lon[i], lat[i], nearest[i, 0], nearest[i, 1])
            tail_lon, tail_lat, _ = GEOD.fwd(nearest[i, 0], nearest[i, 1], azimuth, ARROW_TAIL_KM * 1000)
        rows.append(
            {
                "country_geo": country_geo[i],
                "admin1_geo": admin1_geo[i],
                "distance_to_border_km": distance[i],
                "distance_min_km": low,
                "distance_max_km": high,
                "crossed": crossed,
                "cross_border": cross,
                "location_mismatch": bool(mismatch[i]),
                "origin_lat": tail_lat,
                "origin_lon": tail_lon,
                **reference_actors(event),
            }
        )
    return pd.DataFrame(rows, columns=[*EXACT, *ACTOR_COLUMNS, *KM, "origin_lat", "origin_lon"])


def number(value) -> float:
    return np.nan if value is None or pd.isna(value) else float(value)


def text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def reference_area(event: dict, geometry, d: float, landed: str, admin1_geo: str) -> tuple[float, float, bool, str]:
    """Distance range, whether the area straddles the border, and its side, for one event."""
    precision = number(event["geo_precision"]) if "geo_precision" in event else 1.0
    declared = canonical_country(event["country"])
    if precision in (1, 2):
        stated = number(event.get("place_radius_km"))
        r = PRECISE_RADIUS_KM if precision == 1 else (DEFAULT_RADIUS_KM if np.isnan(stated) else stated)
        clipped = declared == landed and declared in BORDER_SIDES
        straddles = not clipped and d < r and landed in BORDER_SIDES
        return np.round(max(0.0, d - r), 1), np.round(d + r, 1), straddles, landed or declared
    admin1 = text(event.get("admin1"))
    if admin1 in set(geometry.provinces["name"]):
        key = f"province:{admin1}"
    elif admin1_geo:
        key = f"province:{admin1_geo}"
    else:
        key = f"country:{landed or declared}"
    near, far, side = _polygon_span(geometry, key)
    return np.round(near, 1), np.round(far, 1), False, side


def reference_mismatch(lon, lat, landed, declared, countries: gpd.GeoDataFrame) -> np.ndarray:
    mapped = set(countries["name"])
    flags = np.zeros(len(lon), dtype=bool)
    for name, polygon in zip(countries["name"], countries.geometry, strict=True):
        rows = np.flatnonzero((declared == name) & (landed != name))
        if len(rows):
            gap = np.round(reference_nearest(lon[rows], lat[rows], polygon.boundary)[0], 1)
            flags[rows] = gap > MISMATCH_TOLERANCE_KM
    unmapped = np.array([d not in mapped for d in declared], dtype=bool) & (landed != "")
    return flags | unmapped


def reference_actors(event: dict) -> dict:
    table, out = default_table(), {}
    for column in ("actor1", "actor2"):
        written = text(event.get(column))
        actor = table.resolve(written) if written else None
        out[f"{column}_original"] = written
        out[column] = actor.canonical if actor else ""
        out[f"{column}_side"] = actor.side if actor else ""
        out[f"{column}_kind"] = actor.kind if actor else ""
    return out


# --- The points ----------------------------------------------------------------------


def outline_points(lines: list[shapely.Geometry], n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """On and beside the outlines: vertices exactly, points along edges, and offsets from
    a billionth of a degree to about 9 km (many near 2 and 5 km), in every direction.
    Returns the points and the index of the line each came from."""
    xy, owner = np.empty((n, 2)), np.arange(n) % len(lines)
    for i in range(n):
        line = lines[owner[i]]
        if i % 4 == 0:
            vertices = shapely.get_coordinates(line)
            xy[i] = vertices[rng.integers(len(vertices))]
        else:
            xy[i] = shapely.get_coordinates(line.interpolate(rng.random(), normalized=True))[0]
        if i % 4 >= 2:
            degrees = [1e-9, 1e-6, 1e-4, 0.01, 0.02, 0.03, 0.05, 0.08][rng.integers(8)] * rng.random()
            if i % 8 >= 6:  # about 1.7 to 2.5 km, or 4.5 to 5.5 km
                degrees = rng.choice([rng.uniform(0.016, 0.023), rng.uniform(0.041, 0.05)])
            angle = rng.uniform(0, 2 * np.pi)
            xy[i] += degrees * np.array([np.cos(angle), np.sin(angle)])
    return xy, owner


def synthetic(geometry, seed: int = 42, scale: int = 1) -> pd.DataFrame:
    """About 5,800 events (times ``scale``)."""
    rng = np.random.default_rng(seed)
    region = np.column_stack([rng.uniform(57, 70, 2000 * scale), rng.uniform(24, 33, 2000 * scale)])
    beyond = np.column_stack([rng.uniform(44, 78, 400 * scale), rng.uniform(22, 40, 400 * scale)])
    # Within 0.1 km of the border (about 0.0009 degrees), and on its vertices.
    border = geometry.border
    along = shapely.get_coordinates(shapely.line_interpolate_point(border, rng.random(800 * scale), normalized=True))
    angle = rng.uniform(0, 2 * np.pi, 800 * scale)
    near_border = along + (rng.random(800 * scale) * 0.0009)[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    vertices = shapely.get_coordinates(border)
    on_border = vertices[rng.integers(len(vertices), size=200 * scale)]
    lines = [*geometry.countries.boundary, *geometry.provinces.boundary]
    outlines, owner = outline_points(lines, 2400 * scale, rng)
    xy = np.concatenate([region, beyond, near_border, on_border, outlines])
    n = len(xy)
    pick = random.Random(seed)
    precision = [pick.choice([1, 2, 2, 3]) for _ in range(n)]
    declared = [pick.choice(DECLARED) for _ in range(n)]
    # Most points beside a country's outline are declared in that country, on whichever side they lie.
    owners = [*geometry.countries["name"], *geometry.provinces["country"]]
    for i, line in enumerate(owner, start=n - len(outlines)):
        if pick.random() < 0.7:
            declared[i] = owners[line]
    return pd.DataFrame(
        {
            "event_id": [f"T{i}" for i in range(n)],
            "longitude": xy[:, 0],
            "latitude": xy[:, 1],
            "country": declared,
            "origin_country": [pick.choice(ORIGINS) for _ in range(n)],
            "admin1": [pick.choice(ADMIN1) for _ in range(n)],
            "geo_precision": pd.array(precision, dtype="Int64"),
            "place_radius_km": [pick.choice([np.nan, pick.uniform(0.5, 90)]) if p == 2 else np.nan for p in precision],
            "actor1": [pick.choice(ACTORS) for _ in range(n)],
            "actor2": [pick.choice(ACTORS) for _ in range(n)],
        }
    )


# --- The comparison -----------------------------------------------------------------


EXACT = ["country_geo", "admin1_geo", "crossed", "cross_border", "location_mismatch"]
ACTOR_COLUMNS = [f"{a}{s}" for a in ("actor1", "actor2") for s in ("", "_original", "_side", "_kind")]
KM = ["distance_to_border_km", "distance_min_km", "distance_max_km"]


def assert_same_join(events: pd.DataFrame, geometry) -> pd.DataFrame:
    got = join_events(events, geometry)
    want = reference_join(events, geometry)
    assert len(got) == len(want)
    for column in EXACT + ACTOR_COLUMNS:
        differ = np.flatnonzero(got[column].astype(object).to_numpy() != want[column].astype(object).to_numpy())
        assert len(differ) == 0, f"{column}: {len(differ)} rows differ, first {got.iloc[differ[:3]].to_dict('records')}"
    for column in KM:
        np.testing.assert_allclose(got[column].to_numpy(float), want[column].to_numpy(float), atol=0.01, rtol=0)
    for column in ("origin_lat", "origin_lon"):
        np.testing.assert_allclose(got[column].to_numpy(float), want[column].to_numpy(float), atol=1e-7, rtol=0)
    return got


def test_the_join_is_the_reference_on_seeded_points(geometry):
    events = synthetic(geometry)
    got = assert_same_join(events, geometry)
    # The points reach every case the join tells apart.
    assert set(got["country_geo"]) == {"", "Iran", "Pakistan", "Afghanistan"}
    assert set(got["crossed"]) == {"yes", "no", "possibly"}
    assert got["location_mismatch"].any() and not got["location_mismatch"].all()
    assert (got["distance_to_border_km"] == 0).sum() >= 200
    # Points declared in a country they lie outside, some on either side of the 2 km tolerance
    # and some on either side of the 5 km beyond which the join does not measure.
    lon, lat = got["longitude"].to_numpy(), got["latitude"].to_numpy()
    gaps = []
    for name, polygon in zip(geometry.countries["name"], geometry.countries.geometry, strict=True):
        rows = np.flatnonzero(got["country"].map(canonical_country).eq(name) & got["country_geo"].ne(name))
        gaps.append(reference_nearest(lon[rows], lat[rows], polygon.boundary)[0])
    gaps = np.concatenate(gaps)
    for low, high in [(0, 1.9), (1.9, 2.2), (2.2, 4.5), (4.5, 5.5), (5.5, 50), (50, np.inf)]:
        assert ((gaps >= low) & (gaps < high)).sum() >= 20, (low, high)


def test_the_join_is_the_reference_at_scale(geometry):
    """The same at about a hundred thousand events (15 s or so; ``JOIN_EQUIVALENCE_SCALE`` sets another)."""
    assert_same_join(synthetic(geometry, seed=7, scale=int(os.environ.get("JOIN_EQUIVALENCE_SCALE", "17"))), geometry)


def test_the_join_is_the_reference_on_the_curated_events(geometry):
    from dashboard import config
    from dashboard.curated import check_file, load_registry

    validated = check_file(config.events_path(), *load_registry()).events
    assert len(validated) > 10
    assert_same_join(validated, geometry)


def test_a_point_within_two_overlapping_polygons_keeps_the_first_as_sjoin_does():
    polygons = gpd.GeoDataFrame(
        {"name": ["west", "east", "inner"]},
        geometry=[shapely.box(0, 0, 2, 2), shapely.box(1, 0, 3, 2), shapely.box(1.5, 0.5, 1.8, 0.8)],
        crs=WGS84,
    )
    grid = np.arange(-0.5, 3.51, 0.25)
    lon, lat = (a.ravel() for a in np.meshgrid(grid, grid))  # many exactly on edges and corners
    rng = np.random.default_rng(1)
    lon, lat = np.concatenate([lon, rng.uniform(-1, 4, 500)]), np.concatenate([lat, rng.uniform(-1, 3, 500)])
    got = np.asarray(_polygon_name(lon, lat, polygons), dtype=object)
    assert list(got) == list(reference_polygon_name(lon, lat, polygons))
    assert set(got) == {"west", "east", ""}  # "inner" lies within "west", which comes first
    assert list(_polygon_name(np.array([1.5, 0.0, 2.0]), np.array([1.0, 1.0, 1.0]), polygons)) == ["west", "", "east"]


def test_nearest_point_of_the_border_for_many_points(geometry):
    """Twenty thousand points over the region and within a few km of the border, to the nearest millimetre."""
    rng = np.random.default_rng(8)
    along = shapely.line_interpolate_point(geometry.border, rng.random(10_000), normalized=True)
    near = shapely.get_coordinates(along) + rng.normal(0, 0.03, (10_000, 2))
    lon = np.concatenate([rng.uniform(55, 72, 10_000), near[:, 0]])
    lat = np.concatenate([rng.uniform(22, 35, 10_000), near[:, 1]])
    km, nearest = _nearest_on_line_xy(lon, lat, geometry.border)
    want_km, want_nearest = reference_nearest(lon, lat, geometry.border)
    np.testing.assert_allclose(km, want_km, atol=1e-6, rtol=0)
    np.testing.assert_allclose(nearest, want_nearest, atol=1e-9, rtol=0)


def test_nearest_point_of_the_border_for_points_anywhere(geometry):
    """Points strewn over half the globe make the cells wide and sparse (numbered by sorting, not a lookup)."""
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(0, 125, 300), rng.uniform(-60, 75, 300)
    km, nearest = _nearest_on_line_xy(lon, lat, geometry.border)
    want_km, want_nearest = reference_nearest(lon, lat, geometry.border)
    np.testing.assert_allclose(km, want_km, atol=1e-6, rtol=0)
    np.testing.assert_allclose(nearest, want_nearest, atol=1e-9, rtol=0)


def test_a_line_with_a_repeated_vertex_and_parts(geometry):
    line = shapely.MultiLineString([[(61, 26), (61, 26), (62, 27), (62.5, 27)], [(63, 29), (64, 29.5)]])
    rng = np.random.default_rng(9)
    lon, lat = rng.uniform(59, 66, 500), rng.uniform(24, 32, 500)
    km, nearest = _nearest_on_line_xy(lon, lat, line)
    want_km, want_nearest = reference_nearest(lon, lat, line)
    np.testing.assert_allclose(km, want_km, atol=1e-6, rtol=0)
    np.testing.assert_allclose(nearest, want_nearest, atol=1e-9, rtol=0)


def test_a_point_without_coordinates_has_no_distance(geometry):
    events = pd.DataFrame(
        {"latitude": [27.0, np.nan], "longitude": [62.5, 62.5], "country": "Iran", "origin_country": "Pakistan"}
    )
    got = join_events(events, geometry)
    assert got["distance_to_border_km"].iloc[0] > 0
    assert np.isnan(got["distance_to_border_km"].iloc[1])
    assert got["country_geo"].tolist() == ["Iran", ""]


@pytest.mark.parametrize("size", [0, 1])
def test_tiny_frames(geometry, size):
    events = synthetic(geometry).head(size)
    assert_same_join(events, geometry)
