import pandas as pd
import pytest
import shapely

from dashboard.borders import canonical_country, distance_to_line_km, join_events


def events(*rows):
    base = {"country": "", "origin_country": ""}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_geometry_is_the_three_countries_and_two_provinces(geometry):
    assert sorted(geometry.countries["iso3"]) == ["AFG", "IRN", "PAK"]
    assert sorted(geometry.provinces["name"]) == ["Balochistan", "Sistan and Baluchestan"]
    assert 800 < geometry.border_km < 830  # Natural Earth 1:10m: about 816 km


@pytest.mark.parametrize(
    ("lat", "lon", "country", "province", "low_km", "high_km"),
    [
        (26.97186, 64.09459, "Pakistan", "Balochistan", 70, 85),  # Panjgur
        (27.37089, 62.33096, "Iran", "Sistan and Baluchestan", 38, 46),  # Saravan
        (25.2919, 60.643, "Iran", "Sistan and Baluchestan", 90, 100),  # Chabahar
        (33.72148, 73.04329, "Pakistan", "", 1100, 1200),  # Islamabad
        (34.5553, 69.2075, "Afghanistan", "", 880, 980),  # Kabul
        (24.0, 58.0, "", "", 200, 400),  # Gulf of Oman
    ],
)
def test_join_places_known_points(geometry, lat, lon, country, province, low_km, high_km):
    [row] = join_events(events({"latitude": lat, "longitude": lon}), geometry).to_dict("records")
    assert row["country_geo"] == country
    assert row["admin1_geo"] == province
    assert low_km <= row["distance_to_border_km"] <= high_km


def test_distance_is_metric_not_degrees():
    # One degree of latitude away from a line along the equator is ~110.6 km.
    line = shapely.LineString([(60, 0), (64, 0)])
    points = pd.Series([shapely.Point(62, 1)])
    import geopandas as gpd

    assert distance_to_line_km(gpd.GeoSeries(points, crs=4326), line)[0] == pytest.approx(110.6, abs=0.3)


@pytest.mark.parametrize(
    ("origin", "lat", "lon", "cross"),
    [
        ("Iran", 26.97186, 64.09459, True),  # Iranian strike landing in Pakistan
        ("Pakistan", 27.35, 62.7207, True),  # Pakistani strike landing in Iran
        ("Pakistan", 26.97186, 64.09459, False),
        ("", 27.35, 62.7207, False),
        ("Islamic Republic of Iran", 26.97186, 64.09459, True),
    ],
)
def test_cross_border(geometry, origin, lat, lon, cross):
    frame = events({"latitude": lat, "longitude": lon, "origin_country": origin})
    assert bool(join_events(frame, geometry)["cross_border"].iloc[0]) is cross


@pytest.mark.parametrize(
    ("declared", "lat", "lon", "mismatch"),
    [
        ("Pakistan", 26.97186, 64.09459, False),
        ("Iran", 26.97186, 64.09459, True),  # Panjgur declared in Iran
        ("Pakistan", 27.37089, 62.33096, True),  # Saravan declared in Pakistan
        ("Pakistan", 24.0, 58.0, True),  # at sea, declared in Pakistan
        ("Oman", 24.0, 58.0, False),  # outside the mapped countries: nothing to say
        ("Iran", 29.0148, 61.44959, False),  # Mirjaveh, 3 km from the border
    ],
)
def test_location_mismatch(geometry, declared, lat, lon, mismatch):
    frame = events({"latitude": lat, "longitude": lon, "country": declared})
    assert bool(join_events(frame, geometry)["location_mismatch"].iloc[0]) is mismatch


def test_country_aliases():
    assert canonical_country(" iran (Islamic Republic of) ") == "Iran"
    assert canonical_country("Oman") == "Oman"


def test_nearest_point_on_the_border_is_the_one_the_whole_line_gives(geometry):
    """The segment tree finds the same nearest point as measuring against the whole line."""
    import geopandas as gpd
    import numpy as np
    from pyproj import Transformer

    from dashboard.borders import METRIC_CRS, WGS84, _nearest_on_line

    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(57, 70, 2000), rng.uniform(24, 33, 2000)
    points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=WGS84)
    _, nearest = _nearest_on_line(points, geometry.border)
    to_metric = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)
    to_wgs = Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True)
    line = shapely.transform(geometry.border, lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1])))
    whole = shapely.shortest_line(shapely.points(*to_metric.transform(lon, lat)), line)
    end = shapely.get_coordinates(shapely.get_point(whole, 1))
    expected = np.column_stack(to_wgs.transform(end[:, 0], end[:, 1]))
    assert np.abs(nearest - expected).max() < 1e-9
