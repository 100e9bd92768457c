import folium
import numpy as np
import pandas as pd
import pytest
from map_payload import cells_drawn, events_drawn

from dashboard import aggregate, mapview, style

REGION = (24.0, 57.0, 33.0, 70.0)  # south, west, north, east


def synthetic(n, seed=7):
    """The columns the map layers read, for ``n`` events in the border region."""
    rng = np.random.default_rng(seed)
    actors = np.array(["Jaish al-Adl", "Military Forces of Iran", "Military Forces of Pakistan", "Militia A"])
    return pd.DataFrame(
        {
            "event_id": pd.array([f"SYN-{i}" for i in range(n)], dtype="str"),
            "latitude": rng.uniform(24.0, 33.0, n),
            "longitude": rng.uniform(57.0, 70.0, n),
            "fatalities": pd.array(rng.poisson(1.0, n), dtype="Int64"),
            "actor1": pd.array(actors[rng.choice(4, n, p=[0.5, 0.2, 0.2, 0.1])], dtype="str"),
        }
    )


def rendered(layer):
    m = folium.Map(location=mapview.REGION_CENTER, zoom_start=mapview.REGION_ZOOM, tiles=None)
    layer.add_to(m)
    return m.get_root().render()


def fail_builder(*args):
    raise AssertionError("the per-event layer must not be built for a big set")


@pytest.mark.parametrize("zoom", [3, 6, 9, 12])
def test_binning_conserves_count_and_fatalities(zoom):
    events = synthetic(20_000)
    bins = aggregate.bin_events(events, None, zoom)
    assert list(bins.columns) == aggregate.BIN_COLUMNS
    assert bins["count"].sum() == len(events)
    assert bins["fatalities"].sum() == events["fatalities"].sum()
    assert bins["count"].is_monotonic_decreasing
    assert len(bins) <= aggregate.MAX_CELLS


def test_binning_counts_only_events_in_bounds():
    events = synthetic(10_000)
    bounds = (26.0, 60.0, 30.0, 64.0)
    inside = events["latitude"].between(26, 30) & events["longitude"].between(60, 64)
    bins = aggregate.bin_events(events, bounds, 7)
    assert bins["count"].sum() == inside.sum()
    assert bins["lat"].between(26, 30).all() and bins["lon"].between(60, 64).all()


def test_cell_centre_is_mean_and_actor_is_dominant():
    events = pd.DataFrame(
        {
            "event_id": ["a", "b", "c", "d"],
            "latitude": [28.01, 28.03, 28.02, 31.0],
            "longitude": [62.01, 62.02, 62.03, 66.0],
            "fatalities": pd.array([1, pd.NA, 4, 2], dtype="Int64"),
            "actor1": ["X", "Y", "Y", "X"],
        }
    )
    bins = aggregate.bin_events(events, None, 6)
    first = bins.iloc[0]
    assert (first["count"], first["fatalities"], first["actor1"]) == (3, 5, "Y")
    assert first["lat"] == pytest.approx(28.02) and first["lon"] == pytest.approx(62.02)
    assert bins.iloc[1]["count"] == 1


def test_binning_empty_and_missing_coordinates():
    events = synthetic(10)
    events.loc[[0, 1], "latitude"] = np.nan
    assert aggregate.bin_events(events, None, 6)["count"].sum() == 8
    assert aggregate.bin_events(events, (0.0, 0.0, 1.0, 1.0), 6).empty


def test_small_sets_get_per_event_markers(curated):
    events = curated.events
    colours = style.actor_colours(events["actor1"])
    layer = aggregate.layer_for_view(events, colours, None, 6, None, mapview.build_event_layer)
    html = rendered(layer)
    assert [e["id"] for e in events_drawn(html)] == list(events["event_id"])
    assert cells_drawn(html) == []


def test_big_sets_get_aggregate_circles():
    events = synthetic(aggregate.AGGREGATE_ABOVE + 1)
    colours = style.actor_colours(events["actor1"])
    layer = aggregate.layer_for_view(events, colours, REGION, 6, "SYN-3", fail_builder)
    html = rendered(layer)
    bins = aggregate.bin_events(events, aggregate._padded(REGION), 6)
    assert len(cells_drawn(html)) == len(bins)
    assert sum(cell[2] for cell in cells_drawn(html)) == bins["count"].sum()
    assert events_drawn(html) == [] and "selected-ring" in html
    assert len(events) == aggregate.AGGREGATE_ABOVE + 1  # the frame is not changed


def test_few_events_in_view_of_a_big_set_are_drawn_one_by_one(curated):
    # A big frame, but the view holds only a handful: they are drawn as markers.
    far = synthetic(5000).assign(latitude=10.0, longitude=10.0)
    near = curated.events.head(5)
    calls = []

    def builder(events, colours, selected):
        calls.append(len(events))
        return folium.FeatureGroup()

    bounds = (
        near["latitude"].min() - 0.1,
        near["longitude"].min() - 0.1,
        near["latitude"].max() + 0.1,
        near["longitude"].max() + 0.1,
    )
    aggregate.layer_for_view(pd.concat([far, near], ignore_index=True), {}, bounds, 10, None, builder)
    assert calls and calls[0] >= 5 and calls[0] < 100


def test_payload_for_100k_events_under_1_mb(geometry):
    events = synthetic(100_000)
    colours = style.actor_colours(events["actor1"])
    m = mapview.build_base_map(geometry, "none", colours)
    aggregate.layer_for_view(events, colours, REGION, 6, None, fail_builder).add_to(m)
    assert len(m.get_root().render().encode("utf-8")) < 1_000_000


def test_actor_travels_as_data_not_markup():
    events = synthetic(50).assign(actor1="<b>Bad</b> {{ 'pwn' ~ 'ed' }}")
    data = aggregate.aggregate_data(aggregate.bin_events(events, None, 6), {})
    assert data["actors"] == ["<b>Bad</b> {{ 'pwn' ~ 'ed' }}"]
    assert sum(cell[2] for cell in data["cells"]) == 50
    html = rendered(aggregate.build_aggregate_layer(aggregate.bin_events(events, None, 6), {}))
    assert "<b>Bad" not in html and "pwned" not in html
    assert "\\u003cb\\u003eBad" in html


def test_view_from_st_folium():
    returned = {"zoom": 8, "bounds": {"_southWest": {"lat": 25, "lng": 60}, "_northEast": {"lat": 27, "lng": 63}}}
    assert aggregate.view_from_st_folium(returned, 6) == ((25.0, 60.0, 27.0, 63.0), 8)
    assert aggregate.view_from_st_folium(None, 6) == (None, 6)
    assert aggregate.view_from_st_folium({"zoom": 7, "bounds": {}}, 6) == (None, 7)


def test_bounds_for_view_contains_centre():
    south, west, north, east = aggregate.bounds_for_view(mapview.REGION_CENTER, mapview.REGION_ZOOM)
    lat, lon = mapview.REGION_CENTER
    assert south < lat < north and west < lon < east


def test_a_cells_key_finds_exactly_its_events(curated):
    from dashboard.aggregate import aggregate_data, bin_events, cell_from_tooltip, in_cell

    rng = np.random.default_rng(11)
    events = pd.DataFrame(
        {
            "latitude": rng.uniform(24, 33, 5000),
            "longitude": rng.uniform(57, 70, 5000),
            "fatalities": pd.array(rng.integers(0, 3, 5000), dtype="Int64"),
            "actor1": rng.choice(["A", "B", "C"], 5000),
        }
    )
    bins = bin_events(events, None, 6)
    data = aggregate_data(bins, {})
    for cell, count in zip(data["cells"][:25], bins["count"][:25], strict=True):
        key = cell_from_tooltip("12 events, 3 fatalities — mostly A" + cell[6])
        assert key is not None and int(in_cell(events, key).sum()) == count
    assert cell_from_tooltip("IRPK-2024-0116-STRIKE · Strike") is None
    assert cell_from_tooltip(None) is None


@pytest.mark.parametrize("n", [10, aggregate.AGGREGATE_ABOVE + 1])
def test_the_layer_lets_streamlit_folium_drop_the_layers_it_replaces(n):
    # streamlit-folium keeps every feature group it drew (its issue 247): each layer forgets the replaced ones.
    layer = aggregate.layer_for_view(synthetic(n), {}, REGION, 6, None, lambda *args: folium.FeatureGroup())
    assert "window.feature_group.filter" in rendered(layer)


def test_every_event_in_view_is_drawn_from_the_frame_itself_not_a_copy():
    events = synthetic(50)
    given = []
    aggregate.layer_for_view(events, {}, REGION, 6, None, lambda e, c, s: given.append(e) or folium.FeatureGroup())
    assert given[0] is events


def test_binning_reads_a_categorical_actor_as_text():
    events = synthetic(5000)
    as_text = aggregate.bin_events(events, REGION, 7)
    as_category = aggregate.bin_events(events.astype({"actor1": "category"}), REGION, 7)
    pd.testing.assert_frame_equal(as_category, as_text)
