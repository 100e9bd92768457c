import datetime as dt
import io
import json

import pandas as pd
import pytest

from dashboard.briefing import caption, make_export
from dashboard.filters import FilterSpec, apply
from dashboard.offline import external_asset_urls

CRISIS = FilterSpec(start=dt.date(2024, 1, 16), end=dt.date(2024, 1, 29), actors=("Pakistan",))


@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml", "html"])
def test_export_holds_exactly_the_filtered_events(curated, fmt):
    expected = sorted(apply(curated.events, CRISIS)["event_id"])
    body = make_export(fmt, curated, CRISIS).decode("utf-8-sig")
    present = sorted(e for e in curated.events["event_id"] if e in body)
    assert present == expected


def test_csv_reads_back(curated):
    back = pd.read_csv(io.BytesIO(make_export("csv", curated, CRISIS)), encoding="utf-8-sig")
    assert sorted(back["event_id"]) == sorted(apply(curated.events, CRISIS)["event_id"])


def test_geojson_is_lon_lat(curated):
    features = json.loads(make_export("geojson", curated, FilterSpec(text="Chabahar (police")))["features"]
    assert [f["geometry"]["coordinates"] for f in features] == [[60.643, 25.2919]]


def test_html_is_standalone_and_titled(curated):
    html = make_export("html", curated, CRISIS).decode()
    assert external_asset_urls(html) == []
    assert "<title>Iran–Pakistan border crisis —" in html


def test_caption_names_filter_and_data(curated):
    shown = apply(curated.events, CRISIS)
    text = caption(CRISIS, shown, curated)
    assert text.startswith(f"{len(shown)} events from 16 Jan 2024 to 29 Jan 2024 involving Pakistan (any state actor).")
    assert "Curated events" in text


def test_unknown_format_is_refused(curated):
    with pytest.raises(ValueError, match="unknown export format 'docx'"):
        make_export("docx", curated, CRISIS)


AREA = ((26.0, 62.0), (26.0, 64.5), (28.0, 64.5), (28.0, 62.0))


def test_a_drawn_area_is_outlined_on_the_picture(curated):
    from dashboard.exporters.png_export import to_png

    inside = apply(curated.events, FilterSpec(area=AREA))
    when = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    # Same events, same caption: only the outline can tell the two pictures apart.
    plain = to_png(inside, curated.geometry, "t", "c", generated_at=when)
    outlined = to_png(inside, curated.geometry, "t", "c", generated_at=when, drawn_area=AREA)
    assert outlined != plain


def test_a_drawn_area_is_outlined_on_the_html_map(curated):
    html = make_export("html", curated, FilterSpec(area=AREA)).decode()
    assert '{"corners":[[26.0,62.0],[26.0,64.5],[28.0,64.5],[28.0,62.0]]}' in html
    assert "inside a drawn area (4 corners" in html
