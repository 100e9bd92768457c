"""The curated events: every row cited verbatim, every seed incident present, joins right."""

import pandas as pd
import pytest

from dashboard.config import REPO_ROOT, events_path
from dashboard.curated import check_file
from dashboard.sources import _normalise_space

RAW = pd.read_csv(events_path(), dtype=str, keep_default_na=False)


def test_curated_file_has_no_problems(registry):
    sources, seed_texts = registry
    assert [str(p) for p in check_file(events_path(), sources, seed_texts).problems] == []


@pytest.mark.parametrize("row", RAW.to_dict("records"), ids=list(RAW["event_id"]))
def test_quote_is_verbatim_in_cited_seed(registry, row):
    sources, _ = registry
    source = sources.loc[row["source_id"]]
    assert source["kind"] == "seed document"
    text = _normalise_space((REPO_ROOT / source["file_or_url"]).read_text(encoding="utf-8"))
    assert _normalise_space(row["source_quote"]) in text


def test_seed_files_are_copied_unchanged():
    for name in ("000_b82e77a36fe45dc5.txt", "004_122f05423805a185.txt"):
        shared = REPO_ROOT.parent / "shared" / "seeds" / name
        ours = REPO_ROOT / "seeds" / name
        assert ours.is_file()
        if shared.is_file():
            assert ours.read_bytes() == shared.read_bytes()


def test_count_and_unique_ids():
    assert len(RAW) >= 14
    assert RAW["event_id"].is_unique


def find(curated, **match):
    events = curated.events
    mask = pd.Series(True, index=events.index)
    for column, value in match.items():
        mask &= events[column].astype(str).str.contains(value, regex=False)
    return events[mask]


@pytest.mark.parametrize(
    ("date", "field", "text"),
    [
        ("2024-01-16", "event_type", "Explosions"),
        ("2024-01-18", "event_type", "Explosions"),
        ("2024-01-17", "sub_event_type", "Ambassador recalled"),
        ("2024-01-17", "sub_event_type", "Envoy told not to return"),
        ("2024-01-19", "actor1", "National Security Committee"),
        ("2024-01-19", "source_quote", "On Friday, the caretaker Prime Minister"),
        ("2024-01-19", "sub_event_type", "Phone call"),
        ("2024-01-22", "sub_event_type", "Phone call"),
        ("2024-01-22", "sub_event_type", "Joint statement"),
        ("2024-01-26", "sub_event_type", "Ambassador returns"),
        ("2024-01-29", "sub_event_type", "Official visit"),
        ("2023-04-01", "source_quote", "four of its border guards"),
        ("2023-06-01", "source_quote", "two Pakistani soldiers"),
        ("2018-12-06", "location", "Chabahar"),
        ("2018-10-16", "source_quote", "twelve Iranian security personnel"),
        ("2018-11-15", "source_quote", "five of the abductees were released"),
    ],
)
def test_every_seed_incident_is_present(curated, date, field, text):
    events = curated.events
    hits = events[(events["event_date"] == pd.Timestamp(date)) & events[field].str.contains(text, regex=False)]
    assert len(hits) >= 1


def test_iranian_strike_joins_to_balochistan(curated):
    [strike] = find(curated, event_id="2024-0116-STRIKE").to_dict("records")
    assert (strike["country_geo"], strike["admin1_geo"]) == ("Pakistan", "Balochistan")
    assert 25 <= strike["distance_to_border_km"] <= 80
    assert strike["cross_border"] and strike["origin_country"] == "Iran"


def test_pakistani_strikes_join_to_sistan_and_baluchestan(curated):
    strikes = find(curated, event_id="2024-0118-STRIKE")
    assert len(strikes) >= 1
    assert set(strikes["country_geo"]) == {"Iran"}
    assert set(strikes["admin1_geo"]) == {"Sistan and Baluchestan"}
    assert (strikes["distance_to_border_km"] <= 40).all()
    assert strikes["cross_border"].all()


def test_chabahar_joins_to_iran(curated):
    assert set(find(curated, location="Chabahar")["country_geo"]) == {"Iran"}


def test_no_curated_event_contradicts_its_country(curated):
    assert not curated.events["location_mismatch"].any()


def test_imprecise_records_say_so(curated):
    events = curated.events.set_index("event_id")
    assert events.loc["IRPK-2018-12-ZARIF", "date_precision"] == "month"
    assert events.loc["IRPK-2018-1115-RELEASE", "geo_precision"] == 3
    assert events.loc["IRPK-2024-0126-AMB-PK", "date_precision"] == "week"
    # A precise date beyond what the seed says must name the source that gives it.
    for event_id in ("IRPK-2023-0401-BORDER", "IRPK-2018-1206-CHABAHAR", "IRPK-2018-1016-ABDUCTION"):
        assert events.loc[event_id, "detail_source_id"]
