from pathlib import Path

import pandas as pd
import pytest
from curated_counts import CURATED_EVENTS

from dashboard.datasets import combine, import_into, load_configured

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


@pytest.fixture(scope="module")
def imported(curated):
    return import_into(curated, path=FIXTURES / "acled_sample.csv")


def test_merge_adds_to_curated(curated, imported):
    merged = combine(curated, imported, "merge")
    assert len(merged.events) == len(curated.events) + imported.loaded
    assert merged.label == f"Curated events ({CURATED_EVENTS}) + acled_sample.csv ({imported.loaded})"
    assert list(merged.events.columns) == list(curated.events.columns)


def test_replace_shows_only_the_import(curated, imported):
    replaced = combine(curated, imported, "replace")
    assert sorted(replaced.events["event_id"]) == sorted(imported.events["event_id"])
    assert replaced.label.startswith("acled_sample.csv")


def test_unknown_mode(curated, imported):
    with pytest.raises(ValueError, match="unknown mode 'swap'"):
        combine(curated, imported, "swap")


def test_setting_picks_the_data_file(monkeypatch, imported):
    monkeypatch.setenv("BORDERMAP_DATA_FILE", str(FIXTURES / "acled_sample.csv"))
    monkeypatch.setenv("BORDERMAP_DATA_MODE", "merge")
    data, result = load_configured()
    assert result.loaded == imported.loaded
    assert data.label.startswith(f"Curated events ({CURATED_EVENTS}) + acled_sample.csv")


def test_curated_when_no_setting(monkeypatch):
    monkeypatch.delenv("BORDERMAP_DATA_FILE", raising=False)
    data, result = load_configured()
    assert result is None and data.label == f"Curated events ({CURATED_EVENTS})"


def test_fingerprint_follows_the_content_not_the_label(curated):
    from dataclasses import replace

    same = replace(curated, events=curated.events.copy())
    assert same.fingerprint == curated.fingerprint
    corrected = curated.events.copy()
    corrected.loc[0, "notes"] = corrected.loc[0, "notes"] + " (corrected)"
    changed = replace(curated, events=corrected)  # same label, same row count
    assert changed.label == curated.label and changed.fingerprint != curated.fingerprint


# --- A saved GeoParquet file: held compact -----------------------------------------


@pytest.fixture(scope="module")
def saved_without_claims(curated, tmp_path_factory):
    from dashboard.columnar import write_events_parquet

    events = curated.events.drop(columns=["claims", "disputed", "target_claimed_by"])
    return write_events_parquet(events, tmp_path_factory.mktemp("saved") / "events.parquet")


def test_claim_columns_are_added_as_annotate_adds_none(curated):
    from dashboard.claims import annotate, empty_claims
    from dashboard.datasets import with_claim_columns

    bare = curated.events.drop(columns=["claims", "disputed", "target_claimed_by"])
    pd.testing.assert_frame_equal(with_claim_columns(bare), annotate(bare, empty_claims()))
    assert with_claim_columns(curated.events) is curated.events


def test_a_saved_file_is_held_compact_with_the_same_values(saved_without_claims, curated):
    data, result = load_configured(saved_without_claims)
    events = data.events
    assert result is None and "geometry" not in events.columns
    assert isinstance(events["country_geo"].dtype, pd.CategoricalDtype)
    text = curated.events.drop(columns="geometry").assign(claims="", disputed=False, target_claimed_by="")
    pd.testing.assert_frame_equal(events.astype(text.dtypes.to_dict()), pd.DataFrame(text))


def test_an_upload_merged_into_a_saved_file_stays_compact(saved_without_claims, imported):
    base, _ = load_configured(saved_without_claims)
    merged = combine(base, imported, "merge")
    assert len(merged.events) == len(base.events) + imported.loaded
    assert list(merged.events.columns) == list(base.events.columns)
    assert isinstance(merged.events["country_geo"].dtype, pd.CategoricalDtype)
    assert list(merged.events["event_id"][len(base.events) :]) == list(imported.events["event_id"])
