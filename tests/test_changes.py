import csv
import datetime as dt
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from edited_data import copy_data_dir, edit
from test_exporters import pdf_text, squash

from dashboard import changes, manifest
from dashboard.briefing import make_export
from dashboard.curated import load_curated
from dashboard.exporters.changes_export import changes_csv, changes_pdf
from dashboard.filters import FilterSpec, apply

GENERATED = dt.datetime(2024, 2, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def edited(tmp_path, monkeypatch, curated):
    """A manifest of the curated data, then the data edited in a copy of its folder (now in use)."""
    before = manifest.build(curated, FilterSpec(), curated.events, GENERATED)
    folder = copy_data_dir(tmp_path)
    edits = edit(folder)
    monkeypatch.setenv("BORDERMAP_DATA_DIR", str(folder))
    monkeypatch.delenv("BORDERMAP_DATABASE_URL", raising=False)
    monkeypatch.delenv("BORDERMAP_DATA_FILE", raising=False)
    return before, edits, load_curated()


# --- --since --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-20", dt.datetime(2024, 1, 20, tzinfo=dt.UTC)),
        ("2024-01-20T10:30", dt.datetime(2024, 1, 20, 10, 30, tzinfo=dt.UTC)),
        ("2024-01-20T10:30:15Z", dt.datetime(2024, 1, 20, 10, 30, 15, tzinfo=dt.UTC)),
        ("2024-01-20T12:30+02:00", dt.datetime(2024, 1, 20, 10, 30, tzinfo=dt.UTC)),
        ("briefing.pdf", Path("briefing.pdf")),
        ("./2024-01-20", Path("2024-01-20")),  # a file named like a date
        ("2024-1-20", Path("2024-1-20")),  # not a date's shape: a file (the command says neither exists)
    ],
)
def test_since_is_a_time_or_a_file(text, expected):
    assert changes.parse_since(text) == expected


@pytest.mark.parametrize("text", ["2024-13-01", "2024-02-30T10:00", "2024-01-20T25:00Z"])
def test_since_that_is_not_a_real_date_is_named(text):
    with pytest.raises(ValueError, match=f"--since {text}: not a real date or time"):
        changes.parse_since(text)


def test_a_time_on_files_says_it_needs_a_store():
    message = changes.needs_store("2024-01-20")
    assert "--since 2024-01-20: a date or time needs an event store (set BORDERMAP_DATABASE_URL)" in message
    assert "give a previous briefing file" in message


# --- comparing values -------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (2, 2.0, True),
        (None, math.nan, True),
        ("", None, True),
        ("2024-01-20", "2024-01-20", True),
        (2, "2", False),
        (2, 3, False),
        (26.97186, 26.971861, False),
        ("Panjgur", "panjgur", False),
        (0, None, False),
    ],
)
def test_values_compare_as_json(a, b, same):
    assert changes.same_value(a, b) is same


def _noisy(value):
    """What another writer (a store) may give for the same value: whole floats as ints, empty text as null."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None if value == "" else value


def test_a_changed_field_is_one_change_and_json_noise_is_none(curated):
    before = [{k: _noisy(v) for k, v in e.items()} for e in manifest.event_records(curated.events)]
    assert before != manifest.event_records(curated.events)  # the noise is there to be ignored
    now = curated.events.copy()
    target = now["event_id"].iloc[1]
    now.loc[now["event_id"] == target, "notes"] = "corrected note"
    found = changes.compare(before, now)
    old_notes = curated.events.loc[curated.events["event_id"] == target, "notes"].iloc[0]
    assert found.changed == {target: [("notes", old_notes, "corrected note")]}
    assert found.new == [] and found.retracted == []


def test_a_new_canonical_actor_name_is_not_a_change(curated):
    now = curated.events.assign(actor1="Renamed in the actor table")  # actor1_original as written is kept
    assert changes.compare(manifest.event_records(curated.events), now).changed == {}


def test_new_and_retracted_with_reasons(curated):
    events = curated.events
    before = manifest.event_records(events.iloc[1:])
    now = events.iloc[:-1]
    gone, added = events["event_id"].iloc[-1], events["event_id"].iloc[0]
    found = changes.compare(before, now, retracted_reasons={gone: "duplicate of another", "OTHER": "x"})
    assert found.new == [added] and found.retracted == [gone] and found.changed == {}
    assert found.retracted_reasons == {gone: "duplicate of another"}
    assert found.records[gone]["event_id"] == gone and found.records[added]["event_id"] == added
    assert found.summary() == "1 new, 0 changed, 1 retracted"


def test_only_events_in_view_can_be_new_but_shown_ones_are_always_followed(curated):
    events = curated.events
    spec = FilterSpec(start=dt.date(2024, 1, 16))
    shown = apply(events, spec)
    before = manifest.event_records(shown.iloc[1:])
    moved = shown["event_id"].iloc[-1]  # its date corrected to before the filter's start
    now = events.copy()
    now.loc[now["event_id"] == moved, "event_date"] = pd.Timestamp("2023-01-01")
    found = changes.compare(before, now, in_view=apply(now, spec))
    assert found.new == [shown["event_id"].iloc[0]]  # not the events before 16 January
    assert [name for name, _, _ in found.changed[moved]] == ["event_date"]


# --- on files: a copy of the data folder, edited ---------------------------------


def test_edits_to_the_files_show_as_new_changed_and_retracted(edited):
    before, edits, now = edited
    found = changes.against_manifest(before, now)
    assert found.new == [edits.added_id]
    assert found.changed == {edits.changed_id: [("fatalities", edits.before, edits.after)]}
    assert found.retracted == [edits.removed_id]
    assert found.baseline.startswith("the briefing generated 2024-02-01 12:00 UTC (data sha256:")


def test_the_briefings_filter_limits_what_is_new(edited, curated):
    before, edits, now = edited
    added_day = now.events.loc[now.events["event_id"] == edits.added_id, "event_date"].iloc[0].date()
    narrow = FilterSpec(start=added_day + dt.timedelta(days=1))
    record = manifest.build(curated, narrow, apply(curated.events, narrow), GENERATED)
    assert changes.against_manifest(before, now).new == [edits.added_id]
    assert changes.against_manifest(record, now).new == []  # outside the briefing's filter: not reported


def test_changes_csv_has_one_row_per_change(edited):
    before, edits, now = edited
    found = changes.against_manifest(before, now)
    rows = list(csv.DictReader(io.StringIO(changes_csv(found).decode("utf-8-sig"))))
    assert list(rows[0]) == list(changes.CSV_COLUMNS)
    assert [(r["change"], r["event_id"], r["field"]) for r in rows] == [
        ("new", edits.added_id, ""),
        ("changed", edits.changed_id, "fatalities"),
        ("retracted", edits.removed_id, ""),
    ]
    assert (rows[1]["before"], rows[1]["after"]) == (str(edits.before), str(edits.after))
    removed = before["events"][[e["event_id"] for e in before["events"]].index(edits.removed_id)]
    assert (rows[2]["event_date"], rows[2]["location"]) == (removed["event_date"], removed["location"])


def test_changes_csv_neutralises_formulas_but_not_numbers():
    found = changes.Changes(
        new=["=HYPERLINK(1)"],
        changed={"@A": [("longitude", -12.5, 61.2), ("notes", "+1+1", "-2")]},
        retracted=["-X"],
        retracted_reasons={"-X": "=cmd"},
    )
    rows = list(csv.reader(io.StringIO(changes_csv(found).decode("utf-8-sig"))))[1:]
    cells = [cell for row in rows for cell in row]
    assert {"'=HYPERLINK(1)", "'@A", "'+1+1", "'-2", "'-X", "'=cmd"} <= set(cells)
    assert "-12.5" in cells and "'-12.5" not in cells


def test_changes_pdf_lists_every_change_and_prints_text_literally(edited, tmp_path):
    before, edits, now = edited
    found = changes.against_manifest(before, now)
    hostile = "<b>bold</b> & </para>"
    found.changed[edits.changed_id].append(("notes", hostile, "fine"))
    text = squash(pdf_text(changes_pdf(found, generated_at=GENERATED), tmp_path))
    for words in ("New", "Changed", "Retracted", edits.added_id, edits.changed_id, edits.removed_id, hostile):
        assert squash(words) in text, words
    assert squash(f"fatalities {edits.before} {edits.after}") in text


def test_the_next_briefing_pdf_has_a_since_section(edited, tmp_path):
    before, edits, now = edited
    text = squash(pdf_text(make_export("pdf", now, FilterSpec(), generated_at=GENERATED, since=before), tmp_path))
    assert squash("Since the last briefing") in text
    assert squash("1 new, 1 changed, 1 retracted") in text
    assert text.index(squash("Since the last briefing")) < text.index(squash("Sources and quoted passages"))
    for event_id in (edits.added_id, edits.changed_id, edits.removed_id):
        assert squash(event_id) in text


def test_since_is_for_the_pdf_only(curated):
    before = manifest.build(curated, FilterSpec(), curated.events, GENERATED)
    with pytest.raises(ValueError, match="only the PDF has a 'Since the last briefing' section, not the csv"):
        make_export("csv", curated, FilterSpec(), since=before)


# --- briefings of many events -----------------------------------------------------


def test_a_briefing_of_many_events_keeps_digests_and_still_finds_changes(tmp_path, monkeypatch, curated):
    monkeypatch.setattr(manifest, "FULL_MAX", 5)  # the curated events stand for a briefing of many
    before = manifest.build(curated, FilterSpec(), curated.events, GENERATED)
    assert before["fields_omitted"] and set(before["events"][0]) == {"event_id", "digest"}
    assert before["event_count"] == len(curated.events)
    folder = copy_data_dir(tmp_path)
    edits = edit(folder)
    monkeypatch.setenv("BORDERMAP_DATA_DIR", str(folder))
    found = changes.against_manifest(before, load_curated())
    assert list(found.changed) == [edits.changed_id]
    assert found.changed[edits.changed_id][0][0] == changes.DIGEST_FIELD
    assert found.new == [edits.added_id] and found.retracted == [edits.removed_id]


def test_a_briefing_of_too_many_events_says_how_to_compare(monkeypatch, curated):
    from dashboard.problems import DataError

    monkeypatch.setattr(manifest, "FULL_MAX", 5)
    monkeypatch.setattr(manifest, "DIGEST_MAX", 10)
    before = manifest.build(curated, FilterSpec(), curated.events, GENERATED)
    assert before["events"] == [] and before["events_omitted"]
    with pytest.raises(DataError, match="compare a narrower briefing, or a time on the event store"):
        changes.against_manifest(before, curated)
