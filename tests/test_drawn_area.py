import numpy as np
import pytest

from dashboard import drawn_area, filters
from dashboard.exporters import export_filename

# Around Panjgur and the border east of Saravan (lat, lon).
SQUARE = ((26.0, 62.0), (26.0, 64.5), (28.0, 64.5), (28.0, 62.0))


def test_text_round_trip():
    assert drawn_area.parse(drawn_area.to_text(SQUARE)) == SQUARE
    assert drawn_area.to_text(SQUARE) == "26.0000,62.0000;26.0000,64.5000;28.0000,64.5000;28.0000,62.0000"


def test_a_closing_corner_and_spaces_are_accepted():
    text = " 26,62 ; 26,64.5; 28,64.5;28,62;26,62; "
    assert drawn_area.parse(text) == SQUARE


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("26,62;26,64", "2 corners"),
        ("26,62;26,64;north,63", "corner 3 of the drawn area: expected latitude,longitude, got 'north,63'"),
        ("26,62;26,64;95,63", "corner 3 of the drawn area: latitude 95.0"),
        ("26,62;26,64;27,190", "longitude 190.0"),
        ("26,62;26,64;27,nan", "longitude nan"),
        ("26,62;27,63;28,64", "no surface"),
        ("26,62;28,64;26,64;28,62", "crosses itself"),
        ("1,1;" * 300, "299 corners"),
        ("1,1;" * 2000, "too many corners"),
    ],
)
def test_bad_areas_are_named(text, named):
    with pytest.raises(drawn_area.AreaError, match=named.replace("(", r"\(").replace(".", r"\.")):
        drawn_area.parse(text)


def test_from_the_maps_geojson():
    ring = [[lon, lat] for lat, lon in SQUARE] + [[SQUARE[0][1], SQUARE[0][0]]]
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    assert drawn_area.from_geojson(feature) == SQUARE
    with pytest.raises(drawn_area.AreaError, match="LineString"):
        drawn_area.from_geojson({"type": "Feature", "geometry": {"type": "LineString", "coordinates": ring}})


def test_points_inside_and_on_the_edge_are_kept():
    lat = np.array([27.0, 26.0, 30.0, 27.0])
    lon = np.array([63.0, 63.0, 63.0, 61.9])
    assert drawn_area.contains(SQUARE, lat, lon).tolist() == [True, True, False, False]


def test_area_is_about_right():
    # 2 degrees of latitude by 2.5 of longitude at 27 N: about 222 km x 248 km.
    assert drawn_area.area_km2(SQUARE) == pytest.approx(222.4 * 247.7, rel=0.01)


def test_the_filter_applies_it_says_it_and_puts_it_in_the_link(curated):
    spec = filters.FilterSpec(area=SQUARE)
    shown = filters.apply(curated.events, spec)
    inside = drawn_area.contains(SQUARE, curated.events["latitude"], curated.events["longitude"])
    assert list(shown["event_id"]) == list(curated.events.loc[inside, "event_id"])
    assert 0 < len(shown) < len(curated.events)
    assert "inside a drawn area (4 corners, about 55," in filters.describe(spec, len(shown))
    query = filters.to_query(spec)
    assert query["area"] == drawn_area.to_text(SQUARE)
    assert filters.from_query(query) == (spec, [])
    assert "drawn-area-" in export_filename("csv", spec)


def test_a_bad_area_in_a_link_is_a_notice():
    spec, notices = filters.from_query({"area": "26,62;26,64"})
    assert spec.area == ()
    assert notices == ["Ignored area='26,62;26,64': the drawn area has 2 corners: expected 3 to 200."]


def test_a_spec_refuses_a_bad_area():
    with pytest.raises(drawn_area.AreaError, match="2 corners"):
        filters.FilterSpec(area=((26, 62), (27, 63)))
