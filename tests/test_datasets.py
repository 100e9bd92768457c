from pathlib import Path

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
