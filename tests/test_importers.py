import csv
import io
import json
import random
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.gazetteer import Gazetteer
from dashboard.importers import ImportResult, default_max_bytes, import_bytes, import_file
from dashboard.importers.acled import REQUIRED as ACLED_REQUIRED
from dashboard.problems import DataError

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
UCDP_COLUMNS = [
    "id",
    "year",
    "type_of_violence",
    "conflict_name",
    "dyad_name",
    "side_a",
    "side_b",
    "source_article",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "country",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
]
PANJGUR = {"country": "Pakistan", "admin1": "Balochistan", "location": "Panjgur"}
PANJGUR_POINT = {"latitude": "26.97186", "longitude": "64.09459"}


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.load()


def csv_bytes(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    # CRLF, as spreadsheets write it: the csv module then quotes any cell holding a bare CR too.
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in columns} for row in rows)
    return out.getvalue().encode("utf-8")


def acled_row(**fields: str) -> dict[str, str]:
    base = {
        "event_id_cnty": "PAK1",
        "event_date": "2024-01-16",
        "year": "2024",
        "time_precision": "1",
        "event_type": "Explosions/Remote violence",
        "actor1": "Military Forces of Iran (1989-)",
        "geo_precision": "1",
        "fatalities": "0",
        **PANJGUR,
        **PANJGUR_POINT,
    }
    return {**base, **fields}


def ucdp_row(**fields: str) -> dict[str, str]:
    base = {
        "id": "1",
        "type_of_violence": "1",
        "side_a": "Government of Iran",
        "side_b": "Jaish al-Adl",
        "where_prec": "1",
        "where_coordinates": "Panjgur town",
        "where_description": "Panjgur",
        "adm_1": "Balochistan province",
        "country": "Pakistan",
        "date_prec": "1",
        "date_start": "2024-01-16",
        "date_end": "2024-01-16",
        "best": "2",
        "low": "2",
        "high": "2",
        **PANJGUR_POINT,
    }
    return {**base, **fields}


def import_acled(rows, geometry, **kwargs) -> ImportResult:
    return import_bytes(csv_bytes(ACLED_COLUMNS, rows), "test.csv", geometry, **kwargs)


def import_ucdp(rows, geometry, **kwargs) -> ImportResult:
    return import_bytes(csv_bytes(UCDP_COLUMNS, rows), "ged.csv", geometry, **kwargs)


# --- Each format's fixture --------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "fmt", "ids", "date_precision", "geo_precision", "fatalities"),
    [
        (
            "acled_sample.csv",
            "acled",
            ["PAK301001", "IRN28002", "PAK301003", "IRN28004"],
            ["day", "day", "week", "month"],
            [2, 2, 1, 3],
            [2, 9, 0, 0],
        ),
        (
            "ucdp_sample.csv",
            "ucdp",
            ["510001", "510002", "510003", "510004"],
            ["day", "week", "month", "year"],
            [1, 2, 3, 3],
            [2, 9, 0, 1],
        ),
        (
            "points.geojson",
            "geojson+project_csv",
            ["GJ-1", "GJ-2", "GJ-3"],
            ["day", "week", "day"],
            [2, 2, 1],
            [2, None, 0],
        ),
        ("acled_points.geojson", "geojson+acled", ["PAK301001"], ["day"], [2], [2]),
        (
            "project_events.csv",
            "project_csv",
            ["OWN-1", "OWN-2", "OWN-3"],
            ["day", "day", "day"],
            [2, 2, 1],
            [2, 9, None],
        ),
    ],
)
def test_fixture_loads(geometry, gazetteer, file, fmt, ids, date_precision, geo_precision, fatalities):
    result = import_file(FIXTURES / file, geometry, gazetteer)
    assert result.format == fmt
    assert list(result.events["event_id"]) == ids
    assert list(result.events["date_precision"]) == date_precision
    assert list(result.events["geo_precision"]) == geo_precision
    assert [None if pd.isna(f) else int(f) for f in result.events["fatalities"]] == fatalities
    assert result.loaded + result.rejected_count == result.rows_read


@pytest.mark.parametrize("file", ["acled_sample.csv", "ucdp_sample.csv", "points.geojson", "project_events.csv"])
def test_events_have_the_curated_columns_and_types(geometry, gazetteer, curated, file):
    events = import_file(FIXTURES / file, geometry, gazetteer).events
    assert isinstance(events, gpd.GeoDataFrame)
    assert list(events.columns) == list(curated.events.columns)
    assert dict(events.dtypes) == dict(curated.events.dtypes)
    both = pd.concat([curated.events, events], ignore_index=True)
    assert len(both) == len(curated.events) + len(events)
    assert both["event_date"].dtype == curated.events["event_date"].dtype


def test_import_bytes_is_import_file(geometry, gazetteer):
    path = FIXTURES / "acled_mixed.csv"
    from_file = import_file(path, geometry, gazetteer)
    from_bytes = import_bytes(path.read_bytes(), str(path), geometry, gazetteer)
    pd.testing.assert_frame_equal(from_file.rejected, from_bytes.rejected)
    pd.testing.assert_frame_equal(from_file.events, from_bytes.events)


def test_acled_fields(geometry, gazetteer):
    events = import_file(FIXTURES / "acled_sample.csv", geometry, gazetteer).events.set_index("event_id")
    panjgur = events.loc["PAK301001"]
    assert panjgur["event_date"] == pd.Timestamp("2024-01-16")
    assert panjgur["actor2"] == "Civilians (Pakistan)"
    assert (panjgur["country"], panjgur["admin1"], panjgur["location"]) == ("Pakistan", "Balochistan", "Panjgur")
    assert panjgur["source_id"] == "acled:acled_sample.csv"
    assert panjgur["notes"].endswith("[ACLED sources: Dawn; Express Tribune]")
    assert panjgur["country_geo"] == "Pakistan"
    assert events.loc["IRN28002", "event_date"] == pd.Timestamp("2024-01-18")  # "18 January 2024"


def test_ucdp_fields(geometry):
    events = import_file(FIXTURES / "ucdp_sample.csv", geometry).events.set_index("event_id")
    saravan = events.loc["510002"]
    assert saravan["event_date"] == pd.Timestamp("2024-01-16")  # date_start
    assert saravan["notes"].endswith("[UCDP date range: 2024-01-16 to 2024-01-18]")
    assert (saravan["fatalities"], saravan["fatalities_low"], saravan["fatalities_high"]) == (9, 7, 9)
    assert (saravan["actor1"], saravan["actor2"]) == ("Government of Pakistan", "Civilians")
    assert saravan["event_type"] == "One-sided violence"
    assert saravan["admin1"] == "Sistan and Baluchestan province"
    assert saravan["location"] == "Border villages near Saravan"  # where_description
    assert events.loc["510003", "location"] == "Sistan and Baluchestan province"  # where_coordinates, no description
    assert "date range" not in events.loc["510001", "notes"]  # same start and end day
    assert events.loc["510001", "source_id"] == "ucdp:ucdp_sample.csv"


def test_ucdp_excerpt_is_cut(geometry):
    events = import_ucdp([ucdp_row(source_article="word " * 300)], geometry).events
    assert len(events.loc[0, "notes"]) == 500
    assert events.loc[0, "notes"].endswith("…")


# --- Precision codes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("time_precision", "geo_precision", "expected"),
    [
        ("1", "1", ("day", 1)),
        ("2", "2", ("week", 2)),
        ("3", "3", ("month", 3)),
        ("4", "1", "an ACLED time_precision code"),
        ("0", "1", "an ACLED time_precision code"),
        ("", "1", "an ACLED time_precision code"),
        ("1", "4", "an ACLED geo_precision code"),
        ("1", "1.0", "an ACLED geo_precision code"),
    ],
)
def test_acled_precision_codes(geometry, time_precision, geo_precision, expected):
    result = import_acled([acled_row(time_precision=time_precision, geo_precision=geo_precision)], geometry)
    if isinstance(expected, tuple):
        assert (result.events.loc[0, "date_precision"], result.events.loc[0, "geo_precision"]) == expected
    else:
        [reason] = result.rejected["reason"]
        assert reason.startswith(expected)


@pytest.mark.parametrize(
    ("date_prec", "where_prec", "expected"),
    [
        ("1", "1", ("day", 1)),
        ("2", "2", ("week", 2)),
        ("3", "3", ("week", 2)),
        ("4", "4", ("month", 3)),
        ("5", "5", ("year", 3)),
        ("1", "6", "a where_prec from 1 to 5: 6 (only the country is known)"),
        ("1", "7", "a where_prec from 1 to 5: 6 (only the country is known) and 7 (international waters"),
        ("1", "8", "a UCDP where_prec code"),
        ("1", "", "a UCDP where_prec code"),
        ("6", "1", "a UCDP date_prec code"),
        ("0", "1", "a UCDP date_prec code"),
    ],
)
def test_ucdp_precision_codes(geometry, date_prec, where_prec, expected):
    result = import_ucdp([ucdp_row(date_prec=date_prec, where_prec=where_prec)], geometry)
    if isinstance(expected, tuple):
        assert (result.events.loc[0, "date_precision"], result.events.loc[0, "geo_precision"]) == expected
    else:
        [reason] = result.rejected["reason"]
        assert reason.startswith(expected)


@pytest.mark.parametrize(
    ("code", "event_type"),
    [("1", "State-based conflict"), ("2", "Non-state conflict"), ("3", "One-sided violence"), ("4", None)],
)
def test_ucdp_type_of_violence(geometry, code, event_type):
    result = import_ucdp([ucdp_row(type_of_violence=code)], geometry)
    if event_type:
        assert result.events.loc[0, "event_type"] == event_type
    else:
        assert list(result.rejected["column"]) == ["type_of_violence"]


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2024-01-16", "2024-01-16"),
        ("16 January 2024", "2024-01-16"),
        ("6 February 2024", "2024-02-06"),
        ("16/01/2024", None),
        ("January 16, 2024", None),
        ("2024-02-30", None),
        ("", None),
    ],
)
def test_acled_dates(geometry, cell, day):
    result = import_acled([acled_row(event_date=cell)], geometry)
    if day:
        assert result.events.loc[0, "event_date"] == pd.Timestamp(day)
    else:
        assert result.rejected.to_dict("records") == [
            {
                "row": 2,
                "column": "event_date",
                "value": cell,
                "reason": "a date written YYYY-MM-DD or as in '16 January 2024'",
            }
        ]


@pytest.mark.parametrize(
    ("cell", "day"),
    [("2024-01-16", "2024-01-16"), ("2024-01-16 00:00:00.000", "2024-01-16"), ("16 January 2024", None), ("", None)],
)
def test_ucdp_dates(geometry, cell, day):
    result = import_ucdp([ucdp_row(date_start=cell, date_end=cell)], geometry)
    if day:
        assert result.events.loc[0, "event_date"] == pd.Timestamp(day)
    else:
        assert list(result.rejected["column"]) == ["date_start"]


# --- A file with every kind of bad row ------------------------------------------------

MIXED_PROBLEMS = [
    (3, "event_date", "", r"^a date written YYYY-MM-DD"),
    (4, "event_date", "16/01/2024", r"^a date written YYYY-MM-DD"),
    (5, "latitude", "126.97186", r"^a number from -90 to 90$"),
    (6, "location", "Koh-i-Sabz", r"no place named 'Koh-i-Sabz' in Pakistan"),
    (7, "latitude", "60.8629, 29.4963", r"^latitude and longitude the right way round: .* not in Iran, swapped it is"),
    (8, "latitude", "30.18414, 67.00141", r"^a point in the declared country .*not in Iran but in Pakistan"),
    (9, "event_id_cnty", "MIX-01", r"^a unique id \(row 2 has it too\)$"),
    (10, "time_precision", "4", r"^an ACLED time_precision code"),
    (11, "geo_precision", "0", r"^an ACLED geo_precision code"),
    (12, "location", "Ahmadabad", r"^one place: the gazetteer has 2 places named 'Ahmadabad' in Iran"),
    (14, "event_date", "yesterday", r"^a date written YYYY-MM-DD"),
    (14, "latitude", "64.09459, 26.97186", r"^latitude and longitude the right way round"),
    (14, "geo_precision", "9", r"^an ACLED geo_precision code"),
    (15, "longitude", "", r"^a number from -180 to 180$"),
    (17, "event_id_cnty", "MIX-16", r"^an id not already loaded"),
    (18, "fatalities", "-1", r"^a whole number from 0 to 1e\+07$"),
]


@pytest.fixture(scope="module")
def mixed(geometry, gazetteer):
    return import_file(FIXTURES / "acled_mixed.csv", geometry, gazetteer, existing_ids={"MIX-16", "IRPK-OTHER"})


def test_mixed_file_loads_the_good_rows(mixed):
    assert list(mixed.events["event_id"]) == ["MIX-01", "MIX-12", "MIX-15"]
    assert (mixed.rows_read, mixed.loaded, mixed.rejected_count) == (17, 3, 14)


def test_mixed_file_reports_every_problem(mixed):
    assert list(mixed.rejected.columns) == ["row", "column", "value", "reason"]
    assert len(mixed.rejected) == len(MIXED_PROBLEMS)
    for (row, column, value, pattern), got in zip(MIXED_PROBLEMS, mixed.rejected.to_dict("records"), strict=True):
        assert (got["row"], got["column"], got["value"]) == (row, column, value)
        assert pd.Series([got["reason"]]).str.contains(pattern, regex=True).iloc[0], got["reason"]


def test_a_row_with_several_problems_counts_once(mixed):
    assert (mixed.rejected["row"] == 14).sum() == 3
    assert mixed.rejected_count == mixed.rejected["row"].nunique()


def test_every_row_is_loaded_or_rejected(mixed):
    rejected = set(mixed.rejected["row"])
    loaded_rows = {2, 13, 16}
    assert rejected | loaded_rows == set(range(2, 2 + mixed.rows_read))
    assert not rejected & loaded_rows


def test_problems_name_the_file(mixed):
    assert all(p.file.endswith("acled_mixed.csv") for p in mixed.problems)
    assert str(mixed.problems[0]).endswith("row 3, column event_date, value '': " + mixed.problems[0].expected)


def test_existing_ids_only_when_given(geometry, gazetteer):
    result = import_file(FIXTURES / "acled_mixed.csv", geometry, gazetteer)
    assert "MIX-16" in set(result.events["event_id"])


def test_ids_already_curated_are_rejected(geometry, curated):
    curated_id = curated.events["event_id"].iloc[0]
    result = import_acled([acled_row(event_id_cnty=curated_id)], geometry, existing_ids=set(curated.events["event_id"]))
    assert result.loaded == 0
    assert result.rejected.loc[0, "reason"].startswith("an id not already loaded")


def test_ucdp_mixed_file(geometry):
    result = import_file(FIXTURES / "ucdp_mixed.csv", geometry)
    assert list(result.events["event_id"]) == ["U-1"]
    assert result.rejected[["row", "column", "value"]].values.tolist() == [
        [3, "where_prec", "6"],
        [4, "where_prec", "7"],
        [5, "where_prec", "8"],
        [6, "date_prec", "6"],
        [7, "type_of_violence", "4"],
        [8, "low", "5"],
        [9, "date_start", ""],
    ]
    assert result.rejected.loc[5, "reason"] == "no more than best"  # in the file's terms


# --- Coordinates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "latitude", "longitude", "problem"),
    [
        ("Pakistan", "26.97186", "64.09459", None),  # Panjgur
        ("Pakistan", "64.09459", "26.97186", "right way round"),  # Panjgur, swapped
        ("Iran", "60.8629", "29.4963", "right way round"),  # Zahedan, swapped
        ("Afghanistan", "65.71013", "31.61332", "right way round"),  # Kandahar, swapped
        ("Iran", "26.97186", "64.09459", "not in Iran but in Pakistan"),  # Panjgur, said to be in Iran
        ("Pakistan", "24.0", "58.0", "not in Pakistan but in none of Iran, Pakistan and Afghanistan"),  # at sea
        ("Iran (Islamic Republic of)", "29.4963", "60.8629", None),  # another spelling of the country
        ("India", "28.63576", "77.22445", None),  # not mapped: cannot be judged
        ("India", "77.22445", "28.63576", None),  # swapped, but not mapped: cannot be judged
        ("Pakistan", "95", "64.09459", "a number from -90 to 90"),
        ("Pakistan", "26.97186", "-190", "a number from -180 to 180"),
        ("Pakistan", "north", "64.09459", "a number from -90 to 90"),
    ],
)
def test_coordinates(geometry, country, latitude, longitude, problem):
    result = import_acled([acled_row(country=country, latitude=latitude, longitude=longitude)], geometry)
    if problem is None:
        assert result.loaded == 1
    else:
        [reason] = result.rejected["reason"]
        assert problem in reason


# --- Places without coordinates -------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "country", "admin1", "declared_precision", "geonameid", "precision"),
    [
        ("Panjgur", "Pakistan", "Balochistan", "1", 1168446, 2),
        ("Zahedan", "Iran", "Sistan and Baluchestan", "2", 1159301, 2),
        ("Sarāvān", "Iran", "", "1", 1159713, 2),
        ("Saravan", "Iran", "", "3", 1159713, 3),  # the file said "only the region": kept
        ("Ahmadabad", "Iran", "Sistan and Baluchestan", "1", 1161877, 2),
    ],
)
def test_places_from_the_gazetteer(
    geometry, gazetteer, location, country, admin1, declared_precision, geonameid, precision
):
    row = acled_row(
        location=location, country=country, admin1=admin1, latitude="", longitude="", geo_precision=declared_precision
    )
    result = import_acled([row], geometry, gazetteer=gazetteer)
    event = result.events.loc[0]
    place = gazetteer.place(int(gazetteer.places.index[gazetteer.places["geonameid"] == geonameid][0]))
    assert (event["latitude"], event["longitude"]) == (place.latitude, place.longitude)
    assert event["geo_precision"] == precision
    assert event["detail_source_id"] == f"geonames:{geonameid}"
    assert f"Placed by the gazetteer at {place.name} (GeoNames {geonameid})" in event["notes"]
    assert result.placed == 1


@pytest.mark.parametrize(
    ("location", "country", "column", "reason"),
    [
        ("Koh-i-Sabz", "Pakistan", "location", "a place the gazetteer knows: there is no place named 'Koh-i-Sabz'"),
        ("Ahmadabad", "Iran", "location", "one place: the gazetteer has 2 places named 'Ahmadabad' in Iran"),
        ("Delhi", "India", "location", "the gazetteer covers only Afghanistan, Iran, Pakistan"),
        ("", "Pakistan", "latitude", "coordinates, or a place name to look them up by"),
    ],
)
def test_unplaceable_rows_say_why(geometry, gazetteer, location, country, column, reason):
    row = acled_row(location=location, country=country, admin1="", latitude="", longitude="")
    result = import_acled([row], geometry, gazetteer=gazetteer)
    assert result.loaded == 0
    [problem] = result.rejected.to_dict("records")
    assert problem["column"] == column
    assert reason in problem["reason"]


def test_without_a_gazetteer_nothing_is_placed(geometry):
    result = import_acled([acled_row(latitude="", longitude="")], geometry)
    [problem] = result.rejected.to_dict("records")
    assert problem["reason"] == "coordinates (none given, and no gazetteer was offered to place 'Panjgur')"


# --- Hostile text ---------------------------------------------------------------------

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "Tom & Jerry <b>bold</b> &amp; &lt;",
    '=HYPERLINK("http://example.invalid")',
    'Quotes "inside", commas, and\na line break',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_text(geometry, text):
    row = acled_row(notes=text, actor1=text, location=text)
    event = import_acled([row], geometry).events.loc[0]
    assert (event["notes"], event["actor1"], event["location"]) == (text, text, text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_text_in_geojson(geometry, text):
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [64.09459, 26.97186]},
        "properties": {
            "event_id": "H1",
            "event_date": "2024-01-16",
            "date_precision": "day",
            "event_type": "Other",
            "actor1": text,
            "country": "Pakistan",
            "location": "Panjgur",
            "geo_precision": 1,
            "notes": text,
        },
    }
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    event = import_bytes(data, "hostile.geojson", geometry).events.loc[0]
    assert (event["notes"], event["actor1"]) == (text, text)


def test_script_in_the_fixture_survives(mixed):
    notes = mixed.events.set_index("event_id").loc["MIX-01", "notes"]
    assert notes == "<script>alert('x')</script> <b>Strike</b> reported & confirmed"


# --- GeoJSON ----------------------------------------------------------------------------


def test_geojson_rows_are_feature_numbers(geometry, gazetteer):
    result = import_file(FIXTURES / "acled_points.geojson", geometry, gazetteer)
    assert set(result.rejected["row"]) == {2}  # the second feature
    geometry_problem = result.rejected[result.rejected["column"] == "geometry"].iloc[0]
    assert geometry_problem["reason"] == "a Point geometry (this feature has 'LineString')"


def test_geojson_feature_without_geometry_is_placed(geometry, gazetteer):
    events = import_file(FIXTURES / "points.geojson", geometry, gazetteer).events.set_index("event_id")
    assert events.loc["GJ-2", "detail_source_id"] == "geonames:1163054"  # Turbat
    assert events.loc["GJ-3", "source_id"] == "geojson:points.geojson"
    assert events.loc["GJ-1", "source_id"] == "analyst-notes"


def test_geojson_feature_ids_stand_in_for_a_missing_id_property(geometry):
    properties = {
        "event_date": "2024-01-16",
        "date_precision": "day",
        "event_type": "Other",
        "actor1": "A",
        "country": "Pakistan",
        "location": "Panjgur",
        "geo_precision": 1,
    }
    point = {"type": "Point", "coordinates": [64.09459, 26.97186]}
    features = [{"type": "Feature", "id": f"F{i}", "geometry": point, "properties": properties} for i in (1, 2)]
    result = import_bytes(
        json.dumps({"type": "FeatureCollection", "features": features}).encode(), "ids.json", geometry
    )
    assert list(result.events["event_id"]) == ["F1", "F2"]


@pytest.mark.parametrize(
    ("geometry_value", "reason"),
    [
        ({"type": "Point", "coordinates": ["64", "26"]}, "Point coordinates [longitude, latitude] as two numbers"),
        ({"type": "Point", "coordinates": [64.0]}, "Point coordinates [longitude, latitude] as two numbers"),
        ({"type": "MultiPoint", "coordinates": [[64.0, 26.0]]}, "a Point geometry (this feature has 'MultiPoint')"),
        ("POINT (64 26)", "a Point geometry (this feature has 'str')"),
    ],
)
def test_geojson_bad_geometry(geometry, geometry_value, reason):
    properties = {
        "event_id": "G1",
        "event_date": "2024-01-16",
        "date_precision": "day",
        "event_type": "Other",
        "actor1": "A",
        "country": "Pakistan",
        "location": "Panjgur",
        "geo_precision": 1,
    }
    features = [{"type": "Feature", "geometry": geometry_value, "properties": properties}, "not a feature"]
    result = import_bytes(json.dumps({"type": "FeatureCollection", "features": features}).encode(), "g.json", geometry)
    assert result.rejected.to_dict("records")[0]["reason"] == reason
    assert result.rejected.iloc[-1]["reason"] == "a GeoJSON Feature object"
    assert (result.loaded, result.rejected_count, result.rows_read) == (0, 2, 2)


# --- CSV details --------------------------------------------------------------------------


def test_rows_are_numbered_as_in_a_spreadsheet_despite_blank_lines(geometry):
    data = (
        csv_bytes(ACLED_COLUMNS, [acled_row(event_id_cnty="A")])
        + b"\n\n"
        + csv_bytes(ACLED_COLUMNS, [acled_row(event_id_cnty="B", event_date="bad")]).split(b"\n", 1)[1]
    )
    result = import_bytes(data, "gaps.csv", geometry)
    assert (result.rows_read, result.loaded) == (2, 1)
    assert list(result.rejected["row"]) == [5]  # header 1, A 2, blank 3 and 4, B 5


def test_a_utf8_byte_order_mark_is_fine(geometry):
    result = import_bytes(b"\xef\xbb\xbf" + csv_bytes(ACLED_COLUMNS, [acled_row()]), "bom.csv", geometry)
    assert result.loaded == 1


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated(geometry, delimiter):
    text = (FIXTURES / "project_events.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    assert import_bytes(out.getvalue().encode(), "semi.csv", geometry).loaded == 3


# --- Whole-file problems ----------------------------------------------------------------

ACLED_HEADER = (",".join(ACLED_COLUMNS) + "\n").encode()
ONE_ACLED_ROW = csv_bytes(ACLED_COLUMNS, [acled_row()])


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ("event_id,notes\n1,café\n".encode("latin-1"), r"^bad\.csv: UTF-8 text \(byte 20 is b'\\xe9'"),
        (b"", r"^bad\.csv: a header row and at least one event \(the file is empty\)$"),
        (b" \n\n", r"^bad\.csv: a header row and at least one event \(the file is empty\)$"),
        (ACLED_HEADER, r"^bad\.csv: at least one event below the header \(the file has only a header row\)$"),
        (
            ONE_ACLED_ROW.split(b"\n", 1)[1],
            r"^bad\.csv: a header row naming the columns; the first line looks like data",
        ),
        (b"a,b,c\n1,2,3\n", r"^bad\.csv: the columns of a known format; this header \('a', 'b', 'c'\) matches none"),
        (b"a,b\n1,2,3,4\n", r"^bad\.csv: well-formed CSV \(a row has more cells than the header has columns\)$"),
        (ACLED_HEADER + b'X,"unclosed\n', r"^bad\.csv: well-formed CSV \(.*EOF inside string"),
        (ONE_ACLED_ROW.replace(b"year", b"country", 1), r"^bad\.csv: a header naming each column once \('country'"),
        (b'{"type": "FeatureCollection",', r"^bad\.csv: a GeoJSON FeatureCollection \(the JSON is not valid"),
        (b'{"type": "Feature"}', r"^bad\.csv: a GeoJSON FeatureCollection \(this JSON is a 'Feature'\)$"),
        (b'{"type": "FeatureCollection", "features": []}', r"^bad\.csv: at least one feature"),
        (
            b'{"type": "FeatureCollection", "features": '
            b'[{"type": "Feature", "geometry": null, "properties": {"x": 1}}]}',
            r"^bad\.csv: feature properties named as in a known format; these properties \('x'\) match none",
        ),
    ],
)
def test_whole_file_problems(geometry, data, match):
    with pytest.raises(DataError, match=match) as raised:
        import_bytes(data, "bad.csv", geometry)
    assert len(raised.value.problems) == 1


def test_unknown_columns_name_what_each_format_expects(geometry):
    with pytest.raises(DataError) as raised:
        import_bytes(b"when,where\n2024-01-16,Panjgur\n", "mine.csv", geometry)
    message = str(raised.value)
    for label, columns in [("ACLED export", ACLED_REQUIRED), ("UCDP GED", ("side_a", "where_prec", "date_prec"))]:
        assert label in message
        assert all(column in message for column in columns)
    assert "the project's events CSV needs event_id, event_date, date_precision" in message


@pytest.mark.parametrize("how", ["bytes", "file"])
def test_too_big(geometry, tmp_path, how):
    data = ONE_ACLED_ROW
    match = rf"a file of at most .* \(100 bytes\); this one has {len(data):,} bytes"
    with pytest.raises(DataError, match=match):
        if how == "bytes":
            import_bytes(data, "big.csv", geometry, max_bytes=100)
        else:
            (tmp_path / "big.csv").write_bytes(data)
            import_file(tmp_path / "big.csv", geometry, max_bytes=100)


def test_size_limit_defaults_to_the_setting(geometry, monkeypatch):
    monkeypatch.setenv("BORDERMAP_MAX_UPLOAD_MB", "0.0001")
    assert default_max_bytes() == 104
    with pytest.raises(DataError, match="a file of at most"):
        import_bytes(ONE_ACLED_ROW, "big.csv", geometry)


def test_missing_file(geometry, tmp_path):
    with pytest.raises(DataError, match=r"nothere\.csv: an events file \(there is no file at this path\)"):
        import_file(tmp_path / "nothere.csv", geometry)


# --- Many rows ----------------------------------------------------------------------------

PLACES = [
    ("Pakistan", "Balochistan", "Panjgur", 26.97186, 64.09459),
    ("Pakistan", "Balochistan", "Quetta", 30.18414, 67.00141),
    ("Iran", "Sistan and Baluchestan", "Zahedan", 29.4963, 60.8629),
    ("Iran", "Sistan and Baluchestan", "Saravan", 27.37089, 62.33096),
    ("Afghanistan", "Kandahar", "Kandahar", 31.61332, 65.71013),
]


def synthetic_acled(n: int, seed: int = 42) -> bytes:
    """``n`` valid ACLED rows at real places, jittered by up to ~1 km, both date styles."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        country, admin1, location, lat, lon = rng.choice(PLACES)
        day = rng.randint(1, 28)
        rows.append(
            acled_row(
                event_id_cnty=f"SYN{i}",
                event_date=f"2024-01-{day:02d}" if rng.random() < 0.5 else f"{day} January 2024",
                time_precision=rng.choice("123"),
                geo_precision=rng.choice("123"),
                country=country,
                admin1=admin1,
                location=location,
                latitude=f"{lat + rng.uniform(-0.01, 0.01):.5f}",
                longitude=f"{lon + rng.uniform(-0.01, 0.01):.5f}",
                fatalities=str(rng.randint(0, 5)),
                notes=f"Synthetic event {i}",
            )
        )
    return csv_bytes(ACLED_COLUMNS, rows)


def test_a_few_thousand_rows(geometry):
    result = import_bytes(synthetic_acled(3000), "synthetic.csv", geometry)
    assert (result.rows_read, result.loaded, result.rejected_count) == (3000, 3000, 0)
    assert result.events["event_id"].is_unique


# --- The invariant, for any mix of rows ---------------------------------------------------

# Each choice: (cells, valid?). Coordinates come with their country and place.
POINTS = [
    ({"country": "Pakistan", "location": "Panjgur", "latitude": "26.97186", "longitude": "64.09459"}, True),
    ({"country": "Iran", "location": "Zahedan", "latitude": "60.8629", "longitude": "29.4963"}, False),  # swapped
    ({"country": "Iran", "location": "Quetta", "latitude": "30.18414", "longitude": "67.00141"}, False),  # outside
    ({"country": "Pakistan", "location": "Panjgur", "latitude": "126.9", "longitude": "64.09459"}, False),
    ({"country": "Pakistan", "location": "Panjgur", "latitude": "26.97186", "longitude": ""}, False),
    ({"country": "Iran", "location": "Saravan", "latitude": "", "longitude": ""}, True),  # placed
    ({"country": "Iran", "location": "Ahmadabad", "latitude": "", "longitude": ""}, False),  # ambiguous
    ({"country": "Pakistan", "location": "Nowhere", "latitude": "", "longitude": ""}, False),  # unknown
    ({"country": "India", "location": "New Delhi", "latitude": "28.63576", "longitude": "77.22445"}, True),
]
CHOICES = {
    "event_date": [("2024-01-16", True), ("16 January 2024", True), ("", False), ("2024-02-30", False)],
    "time_precision": [("1", True), ("3", True), ("4", False)],
    "geo_precision": [("2", True), ("0", False)],
    "fatalities": [("0", True), ("", True), ("-1", False), ("2.5", False)],
    "actor1": [("Actor <b>1</b>", True), ("", False)],
}
row_strategy = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["A", "B", "C", "D", ""]),
        "point": st.sampled_from(POINTS),
        "notes": st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20),
        **{name: st.sampled_from(options) for name, options in CHOICES.items()},
    }
)


def render(rows: list[dict], container: str) -> bytes:
    cells = [
        acled_row(
            event_id_cnty=r["id"],
            notes=r["notes"],
            admin1="",
            **r["point"][0],
            **{name: r[name][0] for name in CHOICES},
        )
        for r in rows
    ]
    if container == "csv":
        return csv_bytes(ACLED_COLUMNS, cells)
    features = []
    for c in cells:
        lat, lon = c.pop("latitude"), c.pop("longitude")
        point = None if not (lat or lon) else {"type": "Point", "coordinates": [float(lon or "nan"), float(lat)]}
        features.append({"type": "Feature", "geometry": point, "properties": c})
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def expected_loaded(rows: list[dict]) -> list[int]:
    """Positions of the rows that should load: every cell valid, a non-empty id not seen before."""
    seen, loaded = set(), []
    for i, r in enumerate(rows):
        valid = r["id"] != "" and r["id"] not in seen and r["point"][1] and all(r[n][1] for n in CHOICES)
        if r["id"]:
            seen.add(r["id"])
        if valid:
            loaded.append(i)
    return loaded


@pytest.mark.parametrize("container", ["csv", "geojson"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row_strategy, min_size=1, max_size=12))
def test_loaded_plus_rejected_is_every_row(geometry, gazetteer, container, rows):
    result = import_bytes(render(rows, container), f"any.{container}", geometry, gazetteer)
    first_row = 2 if container == "csv" else 1
    assert result.rows_read == len(rows)
    assert result.loaded + result.rejected_count == len(rows)
    loaded = expected_loaded(rows)
    assert result.loaded == len(loaded)
    assert set(result.rejected["row"]) == {first_row + i for i in range(len(rows)) if i not in loaded}
    # Notes arrive as written (stripped of surrounding space); a placed row's gains a bracketed remark.
    for notes, i in zip(result.events["notes"], loaded, strict=True):
        placed = rows[i]["point"][0]["latitude"] == ""
        assert notes.startswith(rows[i]["notes"].strip()) if placed else notes == rows[i]["notes"].strip()


def test_joining_in_chunks_gives_the_one_join(curated, geometry):
    from dashboard.borders import join_events
    from dashboard.importers import join_in_chunks
    from dashboard.schema import COLUMNS

    raw = curated.events[[c.name for c in COLUMNS if c.name in curated.events.columns]]
    told = []
    chunked = join_in_chunks(raw, geometry, lambda *a: told.append(a), chunk=7)
    whole = join_events(raw, geometry)
    pd.testing.assert_frame_equal(chunked.drop(columns="geometry"), whole.drop(columns="geometry"))
    assert chunked.geometry.equals(whole.geometry)
    assert [t[1] for t in told] == [min(n, len(raw)) for n in range(7, len(raw) + 7, 7)]
