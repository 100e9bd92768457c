"""One event's record in words (``dashboard/record.py``): precision shown honestly."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.record import coordinates_text, crossed_text, distance_text, range_text, record_rows


def event(**values):
    base = {
        "event_id": "E",
        "event_date": pd.Timestamp("2024-01-16"),
        "date_precision": "day",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "",
        "actor1": "Military Forces of Iran",
        "actor2": "Jaish al-Adl",
        "location": "Panjgur",
        "admin1": "Balochistan",
        "country": "Pakistan",
        "latitude": 26.97186,
        "longitude": 64.09459,
        "geo_precision": 1,
        "admin1_geo": "Balochistan",
        "country_geo": "Pakistan",
        "distance_to_border_km": 3.5,
        "distance_min_km": 1.5,
        "distance_max_km": 5.5,
        "crossed": "yes",
        "cross_border": True,
        "origin_country": "Iran",
        "fatalities": pd.NA,
        "fatalities_low": pd.NA,
        "fatalities_high": pd.NA,
        "notes": "",
    }
    return pd.Series({**base, **values})


@pytest.mark.parametrize(("precision", "shown"), [(1, "26.97, 64.09"), (2, "27.0, 64.1"), (3, "27, 64")])
def test_coordinates_have_as_many_decimals_as_the_place_is_known(precision, shown):
    assert coordinates_text(event(geo_precision=precision)) == shown


def test_distance_is_never_rounded_to_whole_km_and_carries_its_range():
    assert distance_text(event()).startswith("3.5 km")
    assert range_text(event()) == "1.5–5.5 km"
    assert "1.5–5.5 km over the area" in distance_text(event())


def test_crossed_says_yes_no_or_possibly():
    assert crossed_text(event()) == "yes, from Iran"
    assert crossed_text(event(crossed="possibly")).startswith("possibly, from Iran")
    assert crossed_text(event(crossed="no")) == "no"


def test_claims_and_whose_target_it_is_are_in_the_record():
    rows = dict(record_rows(event(target_claimed_by="Iran", claims="Iran says (FM): hit militants [s1]")))
    assert "(as Iran says)" in rows["Actors"]
    disputed = dict(record_rows(event(target_claimed_by="Iran and Pakistan", disputed=True)))
    assert "the target is disputed" in disputed["Actors"]
    assert rows["Claim"] == "Iran says (FM): hit militants [s1]"


def test_the_detail_leads_with_what_when_where_and_the_quote_all_escaped():
    from dashboard.record import DETAIL_FIRST, detail_html

    rows = [
        ("Event id", "E1"),
        ("Notes", "<img src=x onerror=alert(1)> {{ 7*7 }}"),
        ("Quoted passage", "He said <b>no</b>."),
        ("Date", "2024-01-16 (the exact day is known)"),
        ("Location", "Panjgur"),
        ("Type", "Strike"),
    ]
    html = detail_html(rows)
    labels = [label for label in DETAIL_FIRST if f"<b>{label}" in html]
    assert labels == ["Type", "Date", "Location", "Quoted passage"]
    assert html.index("<b>Quoted passage") < html.index("<b>Event id") < html.index("<b>Notes")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{" not in html and "<blockquote>He said &lt;b&gt;no&lt;/b&gt;.</blockquote>" in html


def test_a_grid_cell_is_summed_up(curated):
    from dashboard.record import cell_rows, detail_html

    events = curated.events
    rows = dict(cell_rows(events, 0.5))
    assert rows["Events"] == f"{len(events):,}"
    assert rows["Grid cell"].startswith("about 56 km across")
    top = events["actor1"].value_counts().index[0]
    assert rows["Mostly"].startswith(top)
    html = detail_html(list(rows.items()), kind="cell-detail", lead_first=False)
    assert html.index("<b>Grid cell:") < html.index("<b>Events:") < html.index("<b>Fatalities:")
    assert cell_rows(events.iloc[:0], 0.5) == [("Grid cell", "no event of the current filter lies in it")]
