import datetime as dt
import re

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from dashboard import columnar
from dashboard.exporters import FORMATS

FOLIUM_ID = re.compile(rb"[0-9a-f]{32}")


def test_round_trip_keeps_values_and_dtypes(curated, tmp_path):
    events = curated.events
    path = columnar.write_events_parquet(events, tmp_path / "events.parquet")
    back = columnar.read_events_parquet(path)
    assert_geodataframe_equal(back, events.reset_index(drop=True))
    assert back.dtypes.to_dict() == events.dtypes.to_dict()
    assert back.crs == events.crs


def test_round_trip_keeps_missing_values(curated, tmp_path):
    events = curated.events.copy()
    events.loc[events.index[0], "fatalities"] = pd.NA
    back = columnar.read_events_parquet(columnar.write_events_parquet(events, tmp_path / "e.parquet"))
    assert pd.isna(back.loc[0, "fatalities"])
    assert back["fatalities"].dtype == "Int64"


def test_missing_columns_name_the_file(curated, tmp_path):
    path = tmp_path / "thin.parquet"
    curated.events[["event_id", "geometry"]].to_parquet(path)
    with pytest.raises(columnar.ColumnarError, match=r"thin\.parquet.*event_date"):
        columnar.read_events_parquet(path)


def test_writing_unjoined_events_is_refused(curated, tmp_path):
    with pytest.raises(columnar.ColumnarError, match="country_geo"):
        columnar.write_events_parquet(curated.events.drop(columns="country_geo"), tmp_path / "x.parquet")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.parquet"):
        columnar.read_events_parquet(tmp_path / "nope.parquet")


def test_rebuilt_points_equal_stored_points(curated, tmp_path):
    path = columnar.write_events_parquet(curated.events, tmp_path / "events.parquet")
    assert_geodataframe_equal(
        columnar.read_events_parquet(path), columnar.read_events_parquet(path, rebuild_points=False)
    )


def test_not_parquet_names_the_file(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_text("not parquet")
    with pytest.raises(columnar.ColumnarError, match=r"bad\.parquet"):
        columnar.read_events_parquet(path)


# --- Compact events: repeated text as categoricals, no point geometry ---------------


@pytest.fixture(scope="module")
def saved(curated, tmp_path_factory):
    return columnar.write_events_parquet(curated.events, tmp_path_factory.mktemp("compact") / "events.parquet")


def test_compact_read_gives_the_same_values_without_points(saved):
    full = columnar.read_events_parquet(saved)
    compact = columnar.read_events_parquet(saved, compact=True, points=False)
    assert "geometry" not in compact.columns and not isinstance(compact, gpd.GeoDataFrame)
    back = compact.astype(full.drop(columns="geometry").dtypes.to_dict())
    pd.testing.assert_frame_equal(back, pd.DataFrame(full.drop(columns="geometry")))


def test_compact_text_makes_repeated_text_categorical_in_sorted_order(curated):
    compact = columnar.compact_text(curated.events)
    for name in ("date_precision", "country_geo", "actor1_side", "source_id"):
        assert isinstance(compact[name].dtype, pd.CategoricalDtype), name
        categories = list(compact[name].cat.categories)
        assert categories == sorted(categories)
    # Counted over filtered subsets or listed: they stay text.
    for name in ("event_id", "actor1", "actor2", "actor1_original", "event_type", "location", "notes"):
        assert compact[name].dtype == curated.events[name].dtype, name
    assert curated.events["country_geo"].dtype == "str"  # the frame given is not changed


@pytest.mark.parametrize(
    ("values", "categorical"),
    [
        (["a", "b", "a", "b"], True),
        (["a", "b", "c", "a"], False),  # 3 distinct of 4 rows: more than half
        (["a", None, "a", "a"], False),  # a missing value stays as text's missing value
    ],
)
def test_compact_text_keeps_unique_or_missing_text_as_text(values, categorical):
    frame = pd.DataFrame({"notes": pd.array(values, dtype="str")})
    compact = columnar.compact_text(frame)
    assert isinstance(compact["notes"].dtype, pd.CategoricalDtype) is categorical
    assert compact["notes"].astype("str").equals(frame["notes"])


def test_a_dictionary_read_that_is_unique_comes_back_as_text(curated, tmp_path):
    events = curated.events.assign(notes=[f"note {i}" for i in range(len(curated.events))])
    path = columnar.write_events_parquet(events, tmp_path / "unique.parquet")
    compact = columnar.read_events_parquet(path, compact=True, points=False)
    assert compact["notes"].dtype == "str" and list(compact["notes"]) == list(events["notes"])


def test_page_and_exports_read_compact_events_as_text(curated):
    """Everything that reads events gives the same on categoricals as on text, including over
    subsets whose categories are not all present (every compact column made categorical here)."""
    from dataclasses import replace

    from dashboard import filters, framing, listing, mapview, record, style, summary, timeline
    from dashboard.briefing import make_export

    text = curated.events
    compact = columnar.compact_text(text, max_share=1.0)
    assert sum(isinstance(compact[c].dtype, pd.CategoricalDtype) for c in columnar.COMPACT_COLUMNS) >= 15
    compact_data = replace(curated, events=compact)
    assert compact_data.fingerprint == curated.fingerprint  # a manifest's data version does not move
    assert filters.options(compact) == filters.options(text)
    colours = style.actor_colours(text["actor1"])
    assert style.actor_colours(compact["actor1"]) == colours
    specs = [
        filters.FilterSpec(),
        filters.FilterSpec(start=filters.CRISIS_START, end=filters.CRISIS_END),
        filters.FilterSpec(actors=("Iran", "Jaish al-Adl")),
        filters.FilterSpec(countries=("Pakistan",), precise_only=True),
        filters.FilterSpec(provinces=("Sistan and Baluchestan",), text="strike"),
        filters.FilterSpec(within_km=50.0, min_fatalities=1),
    ]
    for spec in specs:
        shown, shown_text = filters.apply(compact, spec), filters.apply(text, spec)
        assert list(shown["event_id"]) == list(shown_text["event_id"]), spec
        assert summary.headline(shown) == summary.headline(shown_text)
        assert framing.far_places(shown) == framing.far_places(shown_text)
        assert mapview.page_legend_html(shown, colours) == mapview.page_legend_html(shown_text, colours)
        assert mapview.event_layer_data(shown, colours) == mapview.event_layer_data(shown_text, colours)
        for sort in listing.SORTS:
            assert list(listing.sort_order(shown, sort)) == list(listing.sort_order(shown_text, sort))
        chart, chart_text = timeline.timeline_chart(shown, colours), timeline.timeline_chart(shown_text, colours)
        assert chart.to_dict() == chart_text.to_dict()
        for fmt in ("csv", "geojson", "kml"):
            assert make_export(fmt, compact_data, spec) == make_export(fmt, curated, spec), (fmt, spec)
    for (_, event), (_, event_text) in zip(compact.iterrows(), text.iterrows(), strict=True):
        assert record.record_rows(event, curated.sources) == record.record_rows(event_text, curated.sources)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_export_of_compact_events_is_the_same_file(curated, fmt):
    from dataclasses import replace

    from dashboard import filters
    from dashboard.briefing import make_export

    compact_data = replace(curated, events=columnar.compact_text(curated.events, max_share=1.0))
    when = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    made, made_text = (
        make_export(fmt, data, filters.FilterSpec(), generated_at=when) for data in (compact_data, curated)
    )
    # folium names each element with a fresh random id
    assert FOLIUM_ID.sub(b"id", made) == FOLIUM_ID.sub(b"id", made_text)
