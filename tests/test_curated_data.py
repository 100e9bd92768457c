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
def test_quote_is_verbatim_in_the_cited_sources_stored_text(registry, row):
    sources, texts = registry
    source = sources.loc[row["source_id"]]
    assert source["kind"] in ("seed document", "public report")
    stored = source["file_or_url"] if source["kind"] == "seed document" else source["excerpt_file"]
    text = _normalise_space((REPO_ROOT / stored).read_text(encoding="utf-8"))
    assert _normalise_space(row["source_quote"]) in text
    if row["detail_source_id"]:
        assert row["detail_source_id"] in texts, "a detail source must have stored text too"


def test_every_public_report_keeps_its_excerpt_url_publisher_and_date(registry):
    sources, texts = registry
    reports = sources[sources["kind"] == "public report"]
    assert len(reports) > 0
    for source_id, report in reports.iterrows():
        assert report["file_or_url"].startswith(("http://", "https://")), source_id
        assert report["publisher"] and report["publication_date"], source_id
        assert texts[source_id].strip(), source_id


def test_seed_files_are_copied_unchanged():
    for name in ("000_b82e77a36fe45dc5.txt", "004_122f05423805a185.txt"):
        shared = REPO_ROOT.parent / "shared" / "seeds" / name
        ours = REPO_ROOT / "seeds" / name
        assert ours.is_file()
        if shared.is_file():
            assert ours.read_bytes() == shared.read_bytes()


def test_unique_ids():
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
        ("2024-01-19", "actor1_original", "National Security Committee"),
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
    assert strike["cross_border"] and strike["origin_country"] == "Iran"
    assert strike["crossed"] == "yes"
    # Sabz Koh is "about 90 km from Panjgur city, near the Iranian border": the range must reach close to it.
    assert strike["distance_min_km"] < 50 <= strike["distance_max_km"]


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
    assert events.loc["IRPK-2018-1115-RELEASE", "geo_precision"] == 3
    # A precise date beyond what the seed says must name the source that gives it.
    for event_id in ("IRPK-2023-0401-BORDER", "IRPK-2018-1206-CHABAHAR", "IRPK-2018-1016-ABDUCTION"):
        assert events.loc[event_id, "detail_source_id"]


def test_a_precise_point_has_a_narrow_distance_range(curated):
    precise = curated.events[curated.events["geo_precision"] == 1]
    assert len(precise) > 0
    assert ((precise["distance_max_km"] - precise["distance_min_km"]) <= 4.1).all()


def test_border_attacks_placed_at_a_town_reach_the_border(curated):
    """The 2023 attacks were "along" the border: a point at a town must carry that uncertainty."""
    events = curated.events.set_index("event_id")
    for event_id in ("IRPK-2023-0401-BORDER", "IRPK-2023-0601-BORDER", "IRPK-2018-1016-ABDUCTION"):
        assert events.loc[event_id, "geo_precision"] >= 2
        assert events.loc[event_id, "distance_min_km"] == 0.0, event_id


# --- corrections found by the independent fact-check ---------------------------------


def event(curated, event_id):
    return curated.events.set_index("event_id").loc[event_id]


def claims_of(curated, event_id):
    return curated.claims[curated.claims["event_id"] == event_id]


def test_sirkan_killing_of_nine_pakistani_workers_is_present(curated):
    events = curated.events
    hits = events[(events["event_date"] == pd.Timestamp("2024-01-27")) & events["location"].str.contains("Sirkan")]
    [row] = hits.to_dict("records")
    assert row["country_geo"] == "Iran" and row["admin1_geo"] == "Sistan and Baluchestan"
    assert row["fatalities"] == 9
    assert row["actor2_kind"] == "civilians" and row["actor2_side"] == "Pakistan"


def test_chabahar_best_estimate_is_two_of_two_to_four(curated):
    row = event(curated, "IRPK-2018-1206-CHABAHAR")
    assert (row["fatalities"], row["fatalities_low"], row["fatalities_high"]) == (2, 2, 4)


def test_abduction_of_security_personnel_is_not_violence_against_civilians(curated):
    row = event(curated, "IRPK-2018-1016-ABDUCTION")
    assert row["event_type"] in ("Battles", "Strategic developments")
    assert "Police" in row["actor2_original"]
    assert "Mirjaveh" in row["notes"]


def test_pakistani_strike_names_bla_and_blf_and_ten_as_the_high_figure(curated):
    row = event(curated, "IRPK-2024-0118-STRIKE")
    assert row["fatalities_high"] == 10
    said = " ".join(claims_of(curated, "IRPK-2024-0118-STRIKE")["quote"])
    assert "Balochistan Liberation Army" in said and "Balochistan Liberation Front" in said
    assert "four children" in said


def test_both_sides_of_each_strike_are_claims_side_by_side(curated):
    for event_id in ("IRPK-2024-0116-STRIKE", "IRPK-2024-0118-STRIKE"):
        sides = set(claims_of(curated, event_id)["side"])
        assert {"Iran", "Pakistan"} <= sides, event_id
        row = event(curated, event_id)
        assert row["disputed"]
        assert row["target_claimed_by"], "whose claim the target is must be said"


def test_smaller_corrections(curated, registry):
    events = curated.events.set_index("event_id")
    for event_id in ("IRPK-2024-0126-AMB-IR", "IRPK-2024-0126-AMB-PK"):
        assert events.loc[event_id, "date_precision"] == "day"
    zarif = events.loc["IRPK-2018-12-ZARIF"]
    assert zarif["event_date"] == pd.Timestamp("2018-12-06") and zarif["date_precision"] == "day"
    assert zarif["actor2"] == ""  # the tweet named no country
    assert "IRPK-2024-0117-ENVOY" not in events.index  # one announcement, counted once
    sources, _ = registry
    assert sources.loc["seed-diplomat-2024", "publication_date"] == "2024-02"
    assert not (curated.events["sub_event_type"] == "Non-violent transfer of captives").any()
    assert not curated.events["actor2_original"].str.contains("Frontier Corps").any()


@pytest.mark.parametrize(
    ("date", "text"),
    [
        ("2023-12-15", "Rask"),
        ("2024-01-10", "Rask"),
        ("2024-01-18", "chargé"),
        ("2024-01-17", "visits"),
        ("2024-01-29", "liaison"),
    ],
)
def test_incidents_worth_adding_are_present(curated, date, text):
    events = curated.events
    day = events[events["event_date"] == pd.Timestamp(date)]
    blob = day["location"] + " " + day["sub_event_type"] + " " + day["notes"]
    assert blob.str.contains(text, case=False, regex=False).any()


def test_every_event_cites_its_place_and_its_figures(curated):
    # load_curated refuses data that breaks these; here they are spelled out.
    claims = curated.claims
    for _, row in curated.events.iterrows():
        own = claims[claims["event_id"] == row["event_id"]]
        assert (own["topic"] == "place").any(), row["event_id"]
        figures = own.loc[own["topic"] == "fatalities", "fatalities"].dropna()
        if pd.notna(row["fatalities"]):
            assert row["fatalities_low"] == figures.min() and row["fatalities_high"] == figures.max()
