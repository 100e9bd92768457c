import pandas as pd
import pytest

from dashboard.schema import COLUMN_NAMES, validate_events

GOOD = {
    "event_id": "E1",
    "event_date": "2024-01-16",
    "date_precision": "day",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "actor1": "Military Forces of Iran",
    "actor2": "",
    "country": "Pakistan",
    "admin1": "Balochistan",
    "location": "Panjgur",
    "latitude": "26.97186",
    "longitude": "64.09459",
    "geo_precision": "2",
    "fatalities": "2",
    "fatalities_low": "",
    "fatalities_high": "",
}


def frame(*changes: dict) -> pd.DataFrame:
    rows = [{**GOOD, "event_id": f"E{i}", **change} for i, change in enumerate(changes, start=1)]
    return pd.DataFrame(rows, dtype=str)


def test_good_row_is_typed():
    result = validate_events(frame({}), "f.csv")
    assert result.problems == []
    row = result.events.iloc[0]
    assert row["event_date"] == pd.Timestamp("2024-01-16")
    assert row["latitude"] == pytest.approx(26.97186)
    assert row["geo_precision"] == 2
    assert row["fatalities"] == 2
    assert pd.isna(row["fatalities_low"])
    assert set(COLUMN_NAMES) <= set(result.events.columns)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("event_date", "16/01/2024", "YYYY-MM-DD"),
        ("event_date", "2024-02-30", "YYYY-MM-DD"),
        ("event_date", "", "YYYY-MM-DD"),
        ("date_precision", "hour", "one of day, week, month, year"),
        ("latitude", "95", "from -90 to 90"),
        ("latitude", "north", "from -90 to 90"),
        ("longitude", "-181", "from -180 to 180"),
        ("geo_precision", "4", "one of 1, 2, 3"),
        ("fatalities", "-1", "whole number"),
        ("fatalities", "2.5", "whole number"),
        ("actor1", "", "may not be empty"),
        ("location", "  ", "may not be empty"),
    ],
)
def test_bad_cell_is_named(column, value, expected):
    result = validate_events(frame({}, {column: value}), "events.csv")
    assert len(result.events) == 1, "the good row still loads"
    [problem] = result.problems
    assert (problem.file, problem.row, problem.column, problem.value.strip()) == (
        "events.csv",
        3,
        column,
        value.strip(),
    )
    assert expected in problem.expected
    assert f"events.csv: row 3, column {column}" in str(problem)


def test_duplicate_id_names_first_row():
    result = validate_events(frame({"event_id": "X"}, {"event_id": "X"}), "f.csv")
    [problem] = result.problems
    assert problem.row == 3 and problem.column == "event_id"
    assert "row 2 has it too" in problem.expected


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"fatalities_low": "5", "fatalities": "2"}, "fatalities_low"),
        ({"fatalities_high": "1", "fatalities": "2"}, "fatalities_high"),
    ],
)
def test_fatality_range_must_hold(change, column):
    result = validate_events(frame(change), "f.csv")
    assert [p.column for p in result.problems] == [column]
    assert result.events.empty


def test_missing_required_column_is_one_problem_per_column():
    raw = frame({}).drop(columns=["latitude", "actor1"])
    result = validate_events(raw, "f.csv")
    assert sorted(p.column for p in result.problems) == ["actor1", "latitude"]
    assert all(p.row is None for p in result.problems)
    assert result.events.empty


def test_every_problem_in_a_row_is_reported():
    result = validate_events(frame({"event_date": "soon", "latitude": "95", "actor1": ""}), "f.csv")
    assert sorted(p.column for p in result.problems) == ["actor1", "event_date", "latitude"]
    assert result.rejected_rows == 1
