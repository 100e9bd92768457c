"""Place precision as an area: distance ranges, yes/no/possibly crossings, drawn areas (``uncertainty``)."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from dashboard.borders import join_events
from dashboard.uncertainty import DEFAULT_RADIUS_KM, PRECISE_RADIUS_KM, area_rings, area_shapes

PANJGUR = (26.97186, 64.09459)  # about 79 km from the border, in Pakistan
SARAVAN = (27.37083, 62.3325)  # about 40 km from the border, in Iran


def joined(geometry, *rows):
    base = {"event_id": "", "country": "", "admin1": "", "origin_country": "", "geo_precision": 1}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame["event_id"] = [row.get("event_id") or f"E{i}" for i, row in enumerate(rows)]
    return join_events(frame, geometry)


def at(place, **more):
    return {"latitude": place[0], "longitude": place[1], **more}


def test_a_precise_point_has_a_narrow_range(geometry):
    [row] = joined(geometry, at(PANJGUR, country="Pakistan")).to_dict("records")
    assert row["distance_max_km"] - row["distance_min_km"] == pytest.approx(2 * PRECISE_RADIUS_KM, abs=0.11)
    assert row["distance_min_km"] <= row["distance_to_border_km"] <= row["distance_max_km"]


def test_a_stated_radius_widens_the_range_and_never_below_zero(geometry):
    [row] = joined(geometry, at(PANJGUR, country="Pakistan", geo_precision=2, place_radius_km=95)).to_dict("records")
    assert row["distance_min_km"] == 0.0
    assert row["distance_max_km"] == pytest.approx(row["distance_to_border_km"] + 95, abs=0.11)


def test_no_stated_radius_means_the_default(geometry):
    [row] = joined(geometry, at(PANJGUR, country="Pakistan", geo_precision=2)).to_dict("records")
    assert row["distance_max_km"] - row["distance_min_km"] == pytest.approx(2 * DEFAULT_RADIUS_KM, abs=0.11)


def test_a_province_precise_event_spans_its_province(geometry):
    [row] = joined(geometry, at(PANJGUR, country="Pakistan", admin1="Balochistan", geo_precision=3)).to_dict("records")
    assert row["distance_min_km"] == 0.0  # Balochistan touches the border
    assert row["distance_max_km"] > 500  # and reaches far from it


@pytest.mark.parametrize(
    ("row", "crossed"),
    [
        (at(PANJGUR, country="Pakistan", origin_country="Iran"), "yes"),
        (at(PANJGUR, country="Pakistan", origin_country="Pakistan"), "no"),
        (at(PANJGUR, country="Pakistan"), "no"),
        # Sources place it in Pakistan: a circle reaching into Iran is cut to Pakistan, so still yes.
        (at(PANJGUR, country="Pakistan", origin_country="Iran", geo_precision=2, place_radius_km=95), "yes"),
        # Declared nowhere we map: the circle straddles the border, so it possibly crossed.
        (at(SARAVAN, country="", origin_country="Pakistan", geo_precision=2, place_radius_km=80), "possibly"),
        (
            at(SARAVAN, country="Iran", origin_country="Pakistan", geo_precision=3, admin1="Sistan and Baluchestan"),
            "yes",
        ),
    ],
)
def test_crossed_is_yes_no_or_possibly(geometry, row, crossed):
    [result] = joined(geometry, row).to_dict("records")
    assert result["crossed"] == crossed
    assert bool(result["cross_border"]) is (crossed == "yes")  # only a certain crossing gets the arrow


def test_areas_are_drawn_only_for_imprecise_places(geometry):
    events = joined(
        geometry,
        at(PANJGUR, event_id="precise", country="Pakistan"),
        at(PANJGUR, event_id="near", country="Pakistan", geo_precision=2, place_radius_km=95),
        at(PANJGUR, event_id="province", country="Pakistan", admin1="Balochistan", geo_precision=3),
    )
    shapes = area_shapes(events, geometry)
    assert set(shapes) == {"near", "province"}
    pakistan = geometry.countries.set_index("name").geometry["Pakistan"]
    # The circle is cut to Pakistan, where the sources put it, so it does not spill into Iran.
    assert shapes["near"].difference(pakistan.buffer(0.02)).area == pytest.approx(0, abs=1e-6)
    assert shapes["near"].contains(shapely.Point(PANJGUR[1], PANJGUR[0]))
    rings = area_rings(shapes["near"])
    assert rings and all(len(point) == 2 for point in rings[0][0])
    assert rings[0][0][0] == rings[0][0][-1]  # closed ring of [lat, lon]
