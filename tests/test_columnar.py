import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from dashboard import columnar


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
