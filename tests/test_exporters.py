"""Every export format, read back by an independent reader.

Fixtures are built here from the curated events (one row copied and altered),
never stored: hostile text, spreadsheet formulas and an empty selection.
"""

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from dashboard import style
from dashboard.actors import default_table
from dashboard.curated import load_curated, read_raw
from dashboard.exporters import FORMATS, export_filename
from dashboard.exporters.atomic import atomic_write
from dashboard.exporters.csv_export import table_to_csv, to_csv
from dashboard.exporters.fields import JOIN_COLUMNS, RECORD_COLUMNS
from dashboard.exporters.geojson_export import to_geojson
from dashboard.exporters.kml_export import kml_colour, placemark_name, to_kml
from dashboard.exporters.pdf_export import CELL_MAX, PDF_TABLE_MAX, to_pdf
from dashboard.exporters.png_export import to_png
from dashboard.filters import FilterSpec, apply, describe
from dashboard.schema import COLUMN_NAMES, validate_events

KML = "{http://www.opengis.net/kml/2.2}"
GENERATED = dt.datetime(2024, 2, 1, 12, 0, tzinfo=dt.UTC)
CRISIS = FilterSpec(start=dt.date(2024, 1, 16), end=dt.date(2024, 1, 29))
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_NOTES = f"Hostile note {SCRIPT} then {IMG} & done"


@pytest.fixture(scope="module")
def dataset():
    return load_curated()


@pytest.fixture(scope="module")
def events(dataset):
    return dataset.events


@pytest.fixture(scope="module")
def no_events(events):
    return events.iloc[0:0]


def altered(events, new_id, /, **changes):
    """A copy of the 18 January strike (cross-border, with a fatality range) with ``changes``."""
    row = events[events["event_id"] == "IRPK-2024-0118-STRIKE"].copy()
    row["event_id"] = new_id
    for column, value in changes.items():
        row[column] = value
    return row


@pytest.fixture(scope="module")
def hostile(events):
    """The curated events plus one whose text tries to become markup."""
    row = altered(events, "TEST-HOSTILE", notes=HOSTILE_NOTES, location=f"Saravan {IMG}", actor2=SCRIPT)
    return pd.concat([events, row], ignore_index=True)


def squash(text):
    """Text as compared across line wrapping: no whitespace, no soft hyphens."""
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


def pdf_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is required in CI to read the PDF export back")
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot extract the PDF's text")
    path = tmp_path / "export.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


# --- file names and formats ---------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "spec", "expected"),
    [
        ("csv", FilterSpec(), "iran-pakistan-events_all-dates.csv"),
        (
            "csv",
            FilterSpec(start=dt.date(2024, 1, 16), end=dt.date(2024, 1, 29), actors=("Pakistan",)),
            "iran-pakistan-events_2024-01-16_to_2024-01-29_actor-pakistan.csv",
        ),
        (
            "pdf",
            FilterSpec(start=dt.date(2024, 1, 16), end=dt.date(2024, 1, 16)),
            "iran-pakistan-events_2024-01-16.pdf",
        ),
        ("png", FilterSpec(start=dt.date(2024, 1, 16)), "iran-pakistan-events_from_2024-01-16.png"),
        ("kml", FilterSpec(end=dt.date(2018, 12, 31)), "iran-pakistan-events_to_2018-12-31.kml"),
        (
            "geojson",
            FilterSpec(event_types=("Explosions/Remote violence",), provinces=("Sistan and Baluchestan",)),
            "iran-pakistan-events_all-dates_type-explosions-remote-violence_province-sistan-and-baluchestan.geojson",
        ),
        (
            "csv",
            FilterSpec(actors=("Iran", "Pakistan"), min_fatalities=2, text="Koh-i-Sabz", precise_only=True),
            "iran-pakistan-events_all-dates_actor-iran-or-pakistan_min-2-fatalities_text-koh-i-sabz_precise.csv",
        ),
        ("csv", FilterSpec(text="سراوان"), None),  # no ASCII left: a short hash stands in
    ],
)
def test_export_filename(fmt, spec, expected):
    name = export_filename(fmt, spec)
    if expected is not None:
        assert name == expected
    assert re.fullmatch(r"[a-z0-9._-]+", name)


def test_long_filter_gives_short_distinct_names():
    many = tuple(f"Very long actor name number {i} of the armed forces" for i in range(6))
    first = export_filename("csv", FilterSpec(actors=many))
    second = export_filename("csv", FilterSpec(actors=many[:5]))
    assert first != second
    assert first.startswith("iran-pakistan-events_all-dates_filtered-")
    assert len(first) <= 110


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(max_size=40),
    actors=st.lists(st.text(min_size=1, max_size=60), max_size=5),
    fmt=st.sampled_from(sorted(FORMATS)),
)
def test_export_filename_is_always_safe(text, actors, fmt):
    name = export_filename(fmt, FilterSpec(text=text, actors=tuple(actors)))
    assert re.fullmatch(r"[a-z0-9._-]+", name)
    assert len(name) <= 110
    assert name.endswith("." + FORMATS[fmt].extension)


def test_unknown_format_is_refused():
    with pytest.raises(
        ValueError, match=re.escape(f"unknown export format 'docx'; choose one of {', '.join(FORMATS)}")
    ):
        export_filename("docx", FilterSpec())


@pytest.mark.parametrize(
    ("fmt", "extension", "mime"),
    [
        ("csv", "csv", "text/csv"),
        ("geojson", "geojson", "application/geo+json"),
        ("kml", "kml", "application/vnd.google-earth.kml+xml"),
        ("png", "png", "image/png"),
        ("pdf", "pdf", "application/pdf"),
        ("html", "html", "text/html"),
    ],
)
def test_formats(fmt, extension, mime):
    assert (FORMATS[fmt].extension, FORMATS[fmt].mime_type) == (extension, mime)


@pytest.mark.parametrize(
    ("export", "name"),
    [(to_csv, "CSV"), (to_geojson, "GeoJSON"), (to_kml, "KML")],
)
def test_events_without_the_join_are_refused(events, export, name):
    bare = pd.DataFrame(events[list(COLUMN_NAMES)])
    with pytest.raises(ValueError, match=rf"{name} export: the events have no column 'country_geo', 'admin1_geo'"):
        export(bare)


# --- CSV ------------------------------------------------------------------------


def test_csv_reads_back_equal(events):
    data = to_csv(events)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    back = pd.read_csv(io.BytesIO(data))
    assert list(back.columns) == [*COLUMN_NAMES, *JOIN_COLUMNS, *RECORD_COLUMNS]
    assert list(back["event_id"]) == list(events["event_id"])
    np.testing.assert_array_equal(back["latitude"], events["latitude"])
    np.testing.assert_array_equal(back["longitude"], events["longitude"])
    pd.testing.assert_series_equal(back["fatalities"].astype("Int64"), events["fatalities"].reset_index(drop=True))
    assert list(back["event_date"]) == [f"{d:%Y-%m-%d}" for d in events["event_date"]]
    assert back["cross_border"].dtype == bool


def test_csv_passes_the_projects_own_validator(events, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(to_csv(events))
    result = validate_events(read_raw(path), str(path))
    assert result.problems == []
    assert len(result.events) == len(events)
    assert "–" in "".join(result.events["location"])  # en dashes survive the trip


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("notes", "=cmd|' /C calc'!A0"),
        ("actor1", "+1"),
        ("actor2", "-1+1"),
        ("location", "@SUM(1)"),
        ("sub_event_type", "\tTab first"),
        ("admin1", "\rCarriage return first"),
        ("event_id", '=HYPERLINK("http://example.invalid")'),
        ("notes", "\uff1dSUM(1)"),  # full-width equals sign
        ("location", "  =1+1"),  # after leading blanks
    ],
)
def test_csv_neutralises_formulas(events, column, value):
    row = altered(events, "TEST-FORMULA", latitude=-12.5, longitude=-0.75, **{column: value})
    back = pd.read_csv(io.BytesIO(to_csv(row)), keep_default_na=False)
    assert back.loc[0, column] == "'" + value
    assert back.loc[0, "latitude"] == -12.5  # a negative number stays a number
    assert back.loc[0, "longitude"] == -0.75


def test_any_table_is_written_formula_safe_headers_included():
    table = pd.DataFrame({"=cmd": ["@SUM(1)", "plain"], "n": [-1, 2]})
    text = table_to_csv(table)
    assert text.startswith(b"\xef\xbb\xbf") and b"\r\n" in text
    back = pd.read_csv(io.BytesIO(text), keep_default_na=False, encoding="utf-8-sig")
    assert list(back.columns) == ["'=cmd", "n"]
    assert list(back["'=cmd"]) == ["'@SUM(1)", "plain"]
    assert list(back["n"]) == [-1, 2]


def test_csv_leaves_numbers_and_harmless_text_alone(events):
    row = altered(events, "TEST-NUMBERS", latitude=-12.5, notes="A note - with a dash = inside")
    text = to_csv(row).decode("utf-8-sig")
    assert ",-12.5," in text
    assert ",'-12.5" not in text
    assert "A note - with a dash = inside" in text


# --- GeoJSON --------------------------------------------------------------------


def test_geojson_is_rfc7946(events):
    collection = json.loads(to_geojson(events))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    assert [f["id"] for f in collection["features"]] == list(events["event_id"])
    for feature, (_, event) in zip(collection["features"], events.iterrows(), strict=True):
        assert feature["geometry"] == {"type": "Point", "coordinates": [event["longitude"], event["latitude"]]}


def test_geojson_keeps_every_property(events):
    properties = {f["id"]: f["properties"] for f in json.loads(to_geojson(events))["features"]}
    chabahar = properties["IRPK-2018-1206-CHABAHAR"]
    assert list(chabahar) == [*COLUMN_NAMES, *JOIN_COLUMNS, *RECORD_COLUMNS]
    assert chabahar["event_date"] == "2018-12-06"
    assert (chabahar["fatalities"], chabahar["fatalities_low"], chabahar["fatalities_high"]) == (2, 2, 4)
    assert chabahar["source_quote"].startswith("In December 2018, a suicide attack")
    assert properties["IRPK-2024-0117-RECALL"]["fatalities"] is None
    assert properties["IRPK-2024-0118-STRIKE"]["cross_border"] is True
    assert properties["IRPK-2024-0118-STRIKE"]["location_mismatch"] is False
    assert properties["IRPK-2024-0118-STRIKE"]["distance_to_border_km"] == 3.5


def test_geojson_reads_back_with_geopandas(events):
    back = gpd.read_file(io.BytesIO(to_geojson(events)))
    assert list(back["event_id"]) == list(events["event_id"])
    np.testing.assert_allclose(back.geometry.x, events["longitude"], atol=1e-5)
    np.testing.assert_allclose(back.geometry.y, events["latitude"], atol=1e-5)
    assert back.crs.to_epsg() == 4326


def test_geojson_is_deterministic(events):
    assert to_geojson(events) == to_geojson(events.copy())


# --- KML ------------------------------------------------------------------------


@pytest.mark.parametrize(("hex_colour", "expected"), [("#d62828", "ff2828d6"), ("#0072B2", "ffb27200")])
def test_kml_colour_is_aabbggrr(hex_colour, expected):
    assert kml_colour(hex_colour) == expected


def test_kml_colour_refuses_a_name():
    with pytest.raises(ValueError, match=r"colour 'red': expected #rrggbb"):
        kml_colour("red")


def test_kml_has_one_style_per_actor_colour(events):
    root = ET.fromstring(to_kml(events))
    styles = {s.get("id"): s.find(f"{KML}IconStyle/{KML}color").text for s in root.iter(f"{KML}Style")}
    colours = set(style.actor_colours(events["actor1"]).values())
    assert len(styles) == len(colours)
    assert styles["actor-d62828"] == "ff2828d6"  # Military Forces of Iran, as on the map
    used = {p.find(f"{KML}styleUrl").text for p in root.iter(f"{KML}Placemark")}
    assert used <= {"#" + name for name in styles}


@pytest.mark.parametrize("driver", ["KML", "LIBKML"])
def test_kml_reads_back_with_geopandas(events, driver, tmp_path):
    if driver not in pyogrio.list_drivers():
        pytest.skip(f"GDAL here has no {driver} driver")
    path = tmp_path / "events.kml"
    path.write_bytes(to_kml(events))
    back = gpd.read_file(path, driver=driver)
    assert list(back["Name"]) == [placemark_name(e) for _, e in events.iterrows()]
    assert list(back["event_id"]) == list(events["event_id"])
    np.testing.assert_allclose(back.geometry.x, events["longitude"], atol=1e-5)
    np.testing.assert_allclose(back.geometry.y, events["latitude"], atol=1e-5)
    assert "Koh-i-Sabz" in back.loc[back["event_id"] == "IRPK-2024-0116-STRIKE", "Name"].iloc[0]


def test_kml_placemark_carries_the_record(events):
    root = ET.fromstring(to_kml(events))
    placemark = next(p for p in root.iter(f"{KML}Placemark") if "Chabahar" in p.find(f"{KML}name").text)
    data = {d.get("name"): d.find(f"{KML}value").text or "" for d in placemark.iter(f"{KML}Data")}
    assert list(data) == [*COLUMN_NAMES, *JOIN_COLUMNS, *RECORD_COLUMNS]
    assert data["fatalities_low"] == "2" and data["cross_border"] == "false"
    assert placemark.find(f"{KML}Point/{KML}coordinates").text == "60.643,25.2919"
    assert placemark.find(f"{KML}TimeStamp/{KML}when").text == "2018-12-06"
    assert "suicide attack on a police headquarters" in placemark.find(f"{KML}description").text


def test_kml_description_names_the_source_with_the_registry(dataset):
    root = ET.fromstring(to_kml(dataset.events, dataset.sources))
    descriptions = [p.find(f"{KML}description").text for p in root.iter(f"{KML}Placemark")]
    assert any(
        "Panic grips Koh-i-Sabz — Dawn, 2024-01-18 (https://www.dawn.com/news/1806685" in d for d in descriptions
    )


def test_kml_keeps_hostile_text_as_text(hostile):
    raw = to_kml(hostile)
    assert b"<script" not in raw.lower() and b"<img" not in raw.lower()
    root = ET.fromstring(raw)
    placemark = next(p for p in root.iter(f"{KML}Placemark") if "TEST-HOSTILE" in p.find(f"{KML}description").text)
    data = {d.get("name"): d.find(f"{KML}value").text for d in placemark.iter(f"{KML}Data")}
    assert data["notes"] == HOSTILE_NOTES  # an XML reader gets the text back exactly
    description = placemark.find(f"{KML}description").text  # the HTML Google Earth renders
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in description
    assert "<script" not in description and "<img" not in description
    assert placemark.find(f"{KML}name").text.endswith(f"Saravan {IMG}")


def test_kml_marks_characters_xml_cannot_hold(events):
    row = altered(events, "TEST-CONTROL", notes="bell\x07 and vertical tab\x0b here")
    root = ET.fromstring(to_kml(row))
    notes = next(d for d in root.iter(f"{KML}Data") if d.get("name") == "notes")
    assert notes.find(f"{KML}value").text == "bell\ufffd and vertical tab\ufffd here"  # shown, never silently dropped


# --- PNG ------------------------------------------------------------------------


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def pixels_near(image: np.ndarray, hex_colour: str, tolerance: int = 12) -> int:
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image - target).max(axis=2) <= tolerance).sum())


@pytest.fixture(scope="module")
def crisis_png(dataset):
    crisis = apply(dataset.events, CRISIS)
    return to_png(crisis, dataset.geometry, "Crisis", describe(CRISIS, len(crisis)), generated_at=GENERATED)


def test_png_is_wide_and_shows_border_and_actors(crisis_png):
    image = decode(crisis_png)
    assert image.shape[:2] == (1000, 1600)
    assert pixels_near(image, style.BORDER_COLOUR) > 500
    for actor in ("Military Forces of Iran", "Military Forces of Pakistan", "Government of Pakistan"):
        assert pixels_near(image, default_table().colour(actor)) > 40, actor


def test_png_scale_2_doubles_the_pixels(dataset):
    one = dataset.events.head(1)
    image = decode(to_png(one, dataset.geometry, "One event", "One.", scale=2, generated_at=GENERATED))
    assert image.shape[:2] == (2000, 3200)


def test_png_carries_title_in_its_metadata(crisis_png, dataset):
    info = Image.open(io.BytesIO(crisis_png)).info
    assert info["Title"] == "Crisis"
    assert info["Description"].startswith(f"{len(apply(dataset.events, CRISIS))} events from 16 Jan 2024")


def test_png_survives_hostile_and_mathtext_labels(dataset, hostile):
    odd = altered(dataset.events, "TEST-DOLLAR", actor1="Group $\\alpha$ {braces} 100%")
    events = pd.concat([hostile, odd], ignore_index=True)
    png = to_png(events, dataset.geometry, "Cost $5 and $6 <b>", "50% of $x$ \\ done", generated_at=GENERATED)
    assert decode(png).shape[:2] == (1000, 1600)


def test_png_refuses_an_odd_scale(dataset):
    with pytest.raises(ValueError, match=r"PNG export: scale 5 is not one of 1, 2, 3, 4"):
        to_png(dataset.events, dataset.geometry, "t", "c", scale=5)


# --- PDF ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_pdf(dataset, hostile):
    return to_pdf(hostile, dataset.sources, dataset.geometry, "Briefing", describe(FilterSpec(), len(hostile)))


def test_pdf_lists_every_event_and_quote(hostile_pdf, hostile, tmp_path):
    text = squash(pdf_text(hostile_pdf, tmp_path))
    for _, event in hostile.iterrows():
        # once in the table, once in the sources
        assert text.count(squash(event["event_id"])) >= 2, event["event_id"]
        assert squash(event["source_quote"]) in text, event["event_id"]
    assert squash("Sources and quoted passages") in text
    assert squash("2 (2–4)") in text  # fatality range where sources disagree
    assert squash("Panic grips Koh-i-Sabz — Dawn, 2024-01-18. https://www.dawn.com/news/1806685") in text


def test_pdf_text_is_real_unicode_text(hostile_pdf, tmp_path):
    text = pdf_text(hostile_pdf, tmp_path)
    assert "Iran–Pakistan" in text  # en dash
    assert "Pakistan’s caretaker government" in text  # curly apostrophe
    assert b"DejaVuSans" in hostile_pdf


def test_pdf_prints_hostile_text_literally(hostile_pdf, tmp_path):
    text = squash(pdf_text(hostile_pdf, tmp_path))
    assert squash(HOSTILE_NOTES) in text
    assert squash(SCRIPT) in text and squash(f"Saravan {IMG}") in text


def test_pdf_cites_the_detail_source(hostile_pdf, tmp_path):
    text = squash(pdf_text(hostile_pdf, tmp_path))
    assert squash("Date or place from: Xinhua report on the Pakistani strikes near Saravan") in text


# --- nothing to export ----------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_zero_events_still_make_a_valid_file(dataset, no_events, fmt, tmp_path):
    caption = describe(FilterSpec(text="nothing"), 0)
    if fmt == "csv":
        back = pd.read_csv(io.BytesIO(to_csv(no_events)))
        assert back.empty and list(back.columns) == [*COLUMN_NAMES, *JOIN_COLUMNS, *RECORD_COLUMNS]
    elif fmt == "geojson":
        assert json.loads(to_geojson(no_events)) == {"type": "FeatureCollection", "features": []}
    elif fmt == "kml":
        root = ET.fromstring(to_kml(no_events))
        assert root.tag == f"{KML}kml" and not list(root.iter(f"{KML}Placemark"))
    elif fmt == "png":
        image = decode(to_png(no_events, dataset.geometry, "Empty", caption, generated_at=GENERATED))
        assert image.shape[:2] == (1000, 1600)
        assert pixels_near(image, style.BORDER_COLOUR) > 500
    else:
        pdf = to_pdf(no_events, dataset.sources, dataset.geometry, "Empty", caption, generated_at=GENERATED)
        assert pdf.startswith(b"%PDF")
        assert squash("No events match the filters") in squash(pdf_text(pdf, tmp_path))


# --- atomic write ---------------------------------------------------------------


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name != "export.csv")


def test_atomic_write_replaces_the_file(tmp_path):
    target = tmp_path / "export.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_atomic_write_creates_a_new_file(tmp_path):
    atomic_write(str(tmp_path / "export.csv"), bytearray(b"fresh"))
    assert (tmp_path / "export.csv").read_bytes() == b"fresh"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("step", "error"),
    [("fsync", OSError("No space left on device")), ("replace", PermissionError("Permission denied"))],
)
def test_atomic_write_failure_keeps_the_old_file(tmp_path, monkeypatch, step, error):
    target = tmp_path / "export.csv"
    target.write_bytes(b"old contents")

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(os, step, fail)
    with pytest.raises(type(error), match=str(error)):
        atomic_write(target, b"new contents that never land")
    monkeypatch.undo()
    assert target.read_bytes() == b"old contents"
    assert leftovers(tmp_path) == []


def test_atomic_write_refuses_text(tmp_path):
    target = tmp_path / "export.csv"
    target.write_bytes(b"old")
    with pytest.raises(TypeError, match=r"export.csv: expected bytes to write, got str"):
        atomic_write(target, "not bytes")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_atomic_write_names_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"folder .*nowhere does not exist"):
        atomic_write(tmp_path / "nowhere" / "export.csv", b"data")


def test_pdf_with_huge_cells_lays_out_and_cuts_them(dataset, events, tmp_path):
    row = altered(events, "TEST-HUGE", location="Kech " * 1200, actor1="A" * 3000, notes="note " * 3000)
    pdf = to_pdf(row, dataset.sources, dataset.geometry, "Title", "c" * 20_000)
    words = squash(pdf_text(pdf, tmp_path))
    assert "TEST-HUGE" in words
    # the location is cut in the table and in the sources entry (an ellipsis each), not printed 1,200 times
    assert 0 < words.count("Kech") <= 2 * CELL_MAX // len("Kech ")
    assert "…" in words


def test_pdf_table_stops_at_its_cap_and_says_where_the_rest_is(dataset, events, tmp_path):
    many = pd.concat([events] * (PDF_TABLE_MAX // len(events) + 2), ignore_index=True)
    many["event_id"] = [f"TEST-{n:05d}" for n in range(len(many))]
    pdf = to_pdf(many, dataset.sources, dataset.geometry, "Title", "Caption")
    words = squash(pdf_text(pdf, tmp_path))
    assert squash(f"first {PDF_TABLE_MAX} of {len(many)}; the full list is in the CSV") in words
    assert f"TEST-{PDF_TABLE_MAX - 1:05d}" in words
    assert f"TEST-{PDF_TABLE_MAX:05d}" not in words


def test_png_survives_a_very_long_caption_and_draws_dollars_literally(events, dataset):
    png = to_png(events, dataset.geometry, "Cost $5 and $6", "$x$ " + "word " * 20_000)
    assert decode(png).shape[:2] == (1000, 1600)
    # The figure itself: every string it draws is plain text (no mathtext), the caption cut to its lines.
    from matplotlib.text import Text

    from dashboard.exporters.png_export import CAPTION_MAX_LINES, _compose

    figure = _compose(events, dataset.geometry, "Cost $5 and $6", "$x$ " + "word " * 20_000, "now", "none")
    texts = figure.findobj(Text)
    assert texts and not any(t.get_parse_math() for t in texts)
    [caption] = [t for t in texts if t.get_text().startswith("$x$")]
    assert caption.get_text().count("\n") == CAPTION_MAX_LINES - 1 and caption.get_text().endswith("…")


def test_png_draws_the_areas_of_imprecise_places_and_says_so(dataset):
    vague = dataset.events[dataset.events["geo_precision"] >= 2]
    assert len(vague) > 0
    with_areas = decode(to_png(vague, dataset.geometry, "Areas", "On.", generated_at=GENERATED))
    without = decode(to_png(vague, dataset.geometry, "Areas", "On.", generated_at=GENERATED, show_areas=False))
    assert (with_areas != without).any(axis=2).sum() > 2000  # the faint areas and their legend entry


def test_csv_carries_distance_ranges_crossing_claims_and_original_actor_names(dataset):
    back = pd.read_csv(io.BytesIO(to_csv(dataset.events)), keep_default_na=False, encoding="utf-8-sig")
    for column in ("distance_min_km", "distance_max_km", "crossed", "claims", "actor1_original"):
        assert column in back.columns, column
    assert set(back["crossed"]) <= {"yes", "no", "possibly"}
    assert (back["distance_min_km"] <= back["distance_to_border_km"]).all()
    assert (back["distance_to_border_km"] <= back["distance_max_km"]).all()
    assert back["claims"].str.len().max() > 0


def test_an_inset_of_the_border_strip_only_when_an_event_lies_in_it(curated, monkeypatch):
    """Far events (the capitals) shrink the border strip, so it gets a close-up inset; a picture of the
    capitals alone does not get an empty one."""
    from dashboard.exporters import map_frame, png_export, static_map

    drawn = []
    draw_map = static_map.draw_map
    monkeypatch.setattr(static_map, "draw_map", lambda ax, *a, **k: drawn.append(ax) or draw_map(ax, *a, **k))
    events = curated.events
    near = events["distance_to_border_km"] <= map_frame.DETAIL_KM
    assert near.any() and (~near).any()  # the bundled data has both
    png_export.to_png(events, curated.geometry, "t", "c")
    assert len(drawn) == 2  # the whole map and the inset
    drawn.clear()
    png_export.to_png(events[~near], curated.geometry, "t", "c")
    assert len(drawn) == 1


def a_fan_where_the_inset_would_go(curated):
    """The bundled events and a copy of the Islamabad group (8 markers fanned out) moved to the empty
    west of the region, where an inset over the overview would stand: every spot would hide some."""
    events = curated.events
    place = events.groupby(["latitude", "longitude"])["event_id"].transform("size")
    group = events[place == place.max()].assign(latitude=27.0, longitude=57.6)
    group = group.assign(event_id=group["event_id"] + "-WEST")
    return pd.concat([events, group], ignore_index=True)


@pytest.mark.parametrize("which", ["bundled", "a fan where the inset would go"])
def test_the_inset_hides_no_event(curated, monkeypatch, which):
    """No marker of the overview is under the inset as drawn (fanned markers, with their size), unless
    the inset itself shows that event larger; when every spot would hide one, it stands beside the map."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from dashboard.exporters import map_frame, png_export, static_map

    events = curated.events if which == "bundled" else a_fan_where_the_inset_would_go(curated)
    drawn = []
    draw_map = static_map.draw_map
    monkeypatch.setattr(
        static_map,
        "draw_map",
        lambda ax, ev, g, frame, *a, **k: drawn.append((ax, frame)) or draw_map(ax, ev, g, frame, *a, **k),
    )
    figure = png_export._compose(events, curated.geometry, "t", "c", "stamp", "none")
    FigureCanvasAgg(figure).draw()
    (main, frame), (inset, detail) = drawn
    x, y = (np.asarray(v) for v in map_frame.project(events["longitude"], events["latitude"]))
    dx, dy = static_map.fan_offsets(events)
    points = main.transData.transform(
        np.column_stack([x + dx * frame.metres_per_point, y + dy * frame.metres_per_point])
    )
    half = map_frame.MARKER_PT / 2 * figure.dpi / 72
    box = inset.get_window_extent()
    under = (
        (points[:, 0] + half > box.x0)
        & (points[:, 0] - half < box.x1)
        & (points[:, 1] + half > box.y0)
        & (points[:, 1] - half < box.y1)
    )
    visible = main.get_window_extent()
    in_view = (
        (points[:, 0] >= visible.x0)
        & (points[:, 0] <= visible.x1)
        & (points[:, 1] >= visible.y0)
        & (points[:, 1] <= visible.y1)
    )
    shown_larger = (x >= detail.xmin) & (x <= detail.xmax) & (y >= detail.ymin) & (y <= detail.ymax)
    assert in_view.all()
    assert not (under & ~shown_larger).any(), events.loc[under & ~shown_larger, "event_id"].tolist()
    if which != "bundled":
        assert box.x0 >= visible.x1  # beside the overview, not over it
