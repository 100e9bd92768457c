"""Attributed claims (``dashboard/claims.py``): checked against their sources and against the events."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.claims import (
    CLAIM_COLUMNS,
    annotate,
    check_against_events,
    claims_by_side,
    read_claims,
)
from dashboard.problems import DataError

SOURCES = pd.DataFrame({"source_id": ["s1"], "kind": ["public report"]}).set_index("source_id", drop=False)
TEXTS = {"s1": "Iran said the strike hit two terrorist hideouts. Pakistan said two children were killed."}


def write(tmp_path, *rows):
    path = tmp_path / "claims.csv"
    pd.DataFrame([dict(zip(CLAIM_COLUMNS, row, strict=True)) for row in rows], columns=CLAIM_COLUMNS).to_csv(
        path, index=False
    )
    return path


GOOD = [
    (
        "E-1",
        "E",
        "target",
        "Iran",
        "Iran FM",
        "Hit terrorist hideouts",
        "",
        "s1",
        "the strike hit two terrorist hideouts",
    ),
    ("E-2", "E", "fatalities", "Pakistan", "Pakistan FO", "Two children killed", "2", "s1", "two children were killed"),
    ("E-3", "E", "place", "other", "Reporter", "Where", "", "s1", "Pakistan said"),
]


def test_good_claims_read_typed(tmp_path):
    claims = read_claims(write(tmp_path, *GOOD), SOURCES, TEXTS, {"E"})
    assert list(claims["claim_id"]) == ["E-1", "E-2", "E-3"]
    assert claims.loc[1, "fatalities"] == 2


@pytest.mark.parametrize(
    ("change", "column", "expected"),
    [
        ({5: "", 8: "words that are not in the source"}, "quote", "word for word in s1"),
        ({1: "NOPE"}, "event_id", "the id of an event"),
        ({3: "Mars"}, "side", "one of Iran, Pakistan, other"),
        ({7: "unknown"}, "source_id", "the id of a source"),
        ({2: "fatalities", 6: "two"}, "fatalities", "a whole number"),
    ],
)
def test_a_bad_claim_names_row_column_and_value(tmp_path, change, column, expected):
    row = list(GOOD[0])
    for index, value in change.items():
        row[index] = value
    with pytest.raises(DataError) as caught:
        read_claims(write(tmp_path, tuple(row)), SOURCES, TEXTS, {"E"})
    text = str(caught.value)
    assert f"row 2, column {column}" in text and expected in text


def events(**values):
    base = {"event_id": "E", "location": "Panjgur", "fatalities": 2, "fatalities_low": 2, "fatalities_high": 2}
    frame = pd.DataFrame([{**base, **values}])
    return frame.astype({"fatalities": "Int64", "fatalities_low": "Int64", "fatalities_high": "Int64"})


def claims_frame(*rows):
    frame = pd.DataFrame([dict(zip(CLAIM_COLUMNS, row, strict=True)) for row in rows])
    frame["fatalities"] = pd.to_numeric(frame["fatalities"].where(frame["fatalities"] != "")).astype("Int64")
    return frame


def test_fatality_range_must_be_the_span_of_the_claims():
    claims = claims_frame(*GOOD, ("E-4", "E", "fatalities", "other", "Xinhua", "Ten", "10", "s1", "Pakistan said"))
    assert check_against_events(events(fatalities=2, fatalities_low=2, fatalities_high=10), claims, "f") == []
    problems = check_against_events(events(fatalities=2, fatalities_low=2, fatalities_high=9), claims, "f")
    assert [p.column for p in problems] == ["fatalities_high"]
    assert "the highest figure claimed (10)" in str(problems[0])


def test_every_event_needs_a_place_claim_and_a_source_for_its_figure():
    problems = check_against_events(events(), claims_frame(GOOD[0]), "f")
    assert {p.column for p in problems} == {"location", "fatalities"}


def test_annotate_lists_claims_by_side_and_marks_disputes():
    annotated = annotate(events(), claims_frame(*GOOD))
    row = annotated.iloc[0]
    assert bool(row["disputed"]) is True
    assert row["target_claimed_by"] == "Iran"
    grouped = claims_by_side(row["claims"])
    assert list(grouped) == ["Iran", "Pakistan"]  # place claims are citations, not listed
    assert "Hit terrorist hideouts [s1]" in grouped["Iran"][0]
