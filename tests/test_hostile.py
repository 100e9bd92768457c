"""Every payload of the hostile corpus, in every text field, through every surface but the browser.

The browser half (the live page and the HTML export in Chromium: no dialog,
every marker drawn, no request off this machine) is in
``test_browser_hostile.py``. Expected counts come from the corpus.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import streamlit as st
from hostile import EVALUATED_MARKS, FIELDS, FORMULA_KEYS, PAYLOADS, event_id, hostile_events, hostile_geojson, stored
from map_payload import events_drawn
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from dashboard import safe_text
from dashboard.briefing import make_export
from dashboard.config import REPO_ROOT
from dashboard.datasets import combine, import_into
from dashboard.filters import FilterSpec
from dashboard.record import record_rows

HOSTILE_FILE = "[x](http:evil.example) {{ 'pw' ~ 'ned' }} <img src=x onerror=alert(1)> ${alert(1)}.geojson"
ROWS = hostile_events()
CASES = [(key, field) for key in PAYLOADS for field in FIELDS]
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def imported(curated):
    return import_into(curated, data=hostile_geojson(ROWS), name=HOSTILE_FILE)


@pytest.fixture(scope="module")
def hostile_data(curated, imported):
    return combine(curated, imported, "replace")


def loaded_id(key: str, field: str) -> str:
    """The id the event of (key, field) has once loaded."""
    return stored(PAYLOADS[key] + "#" + key) if field == "event_id" else event_id(key, field)


def not_evaluated(text: str) -> None:
    for mark in EVALUATED_MARKS:
        assert mark not in text, f"a template ran: {mark!r} in the output"


def test_every_row_loads_with_every_field_kept(imported, hostile_data):
    assert imported.loaded + imported.rejected_count == imported.rows_read == len(ROWS)
    assert imported.loaded == len(ROWS)
    events = hostile_data.events.set_index("event_id")
    for key, field in CASES:
        expected = stored(PAYLOADS[key] + ("#" + key if field == "event_id" else ""))
        row_id = loaded_id(key, field)
        value = row_id if field == "event_id" else events.loc[row_id, field]
        assert value == expected, (key, field)


def test_map_data_carries_every_value_literally(hostile_data):
    html = make_export("html", hostile_data, FilterSpec()).decode("utf-8")
    not_evaluated(html)
    assert "<img src=x" not in html and "</script><script>alert" not in html
    drawn = {event["id"]: event for event in events_drawn(html)}
    assert set(drawn) == set(hostile_data.events["event_id"])
    for _, event in hostile_data.events.iterrows():
        assert drawn[event["event_id"]]["popup"] == [list(row) for row in record_rows(event)]
        assert drawn[event["event_id"]]["tooltip"].startswith(event["event_id"])


def test_csv_keeps_text_and_neutralises_formulas(hostile_data):
    text = make_export("csv", hostile_data, FilterSpec()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(ROWS)
    by_case = {row["event_id"].removeprefix("'"): row for row in rows}
    for key, field in CASES:
        row = by_case[loaded_id(key, field)]
        expected = stored(PAYLOADS[key] + ("#" + key if field == "event_id" else ""))
        if key in FORMULA_KEYS:
            assert row[field] == "'" + expected, (key, field)
        else:
            assert row[field] == expected, (key, field)
    for row in rows:
        assert not any(safe_text.is_formula(cell) for cell in row.values())


def test_geojson_keeps_text_whole(hostile_data):
    document = json.loads(make_export("geojson", hostile_data, FilterSpec()))
    by_case = {f["properties"]["event_id"]: f["properties"] for f in document["features"]}
    for key, field in CASES:
        expected = stored(PAYLOADS[key] + ("#" + key if field == "event_id" else ""))
        assert by_case[loaded_id(key, field)][field] == expected, (key, field)


def test_kml_is_valid_xml_with_literal_text(hostile_data):
    root = ET.fromstring(make_export("kml", hostile_data, FilterSpec()))
    placemarks = root.iter(f"{KML}Placemark")
    values = {}
    for placemark in placemarks:
        fields = {d.get("name"): d.findtext(f"{KML}value") for d in placemark.iter(f"{KML}Data")}
        values[fields["event_id"]] = fields
    assert len(values) == len(ROWS)
    for key, field in CASES:
        expected = safe_text.xml_text(stored(PAYLOADS[key] + ("#" + key if field == "event_id" else "")))
        assert values[safe_text.xml_text(loaded_id(key, field))][field] == expected, (key, field)


def pdf_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.parametrize("key", ["jinja_expression", "img_onerror", "markdown_image", "backslash", "long"])
def test_pictures_never_crash_and_print_literally(curated, key, tmp_path):
    rows = hostile_events(payloads={key: PAYLOADS[key]})
    data = combine(curated, import_into(curated, data=hostile_geojson(rows), name=HOSTILE_FILE), "replace")
    spec = FilterSpec(text=PAYLOADS[key][:200])
    png = make_export("png", data, spec)
    assert png.startswith(b"\x89PNG")
    text = pdf_text(make_export("pdf", data, spec), tmp_path)
    not_evaluated(text)
    shown = " ".join(text.split())
    assert safe_text.for_picture(stored(PAYLOADS[key]))[:25] in shown


def test_whole_corpus_pictures_do_not_crash(hostile_data, tmp_path):
    assert make_export("png", hostile_data, FilterSpec()).startswith(b"\x89PNG")
    not_evaluated(pdf_text(make_export("pdf", hostile_data, FilterSpec()), tmp_path))


@pytest.mark.parametrize("key", sorted(FORMULA_KEYS))
def test_rejection_report_is_formula_safe(curated, key):
    from dashboard.exporters.csv_export import table_to_csv

    rows = hostile_events(fields=(), payloads={}) or [
        {**hostile_events(fields=("notes",), payloads={key: PAYLOADS[key]})[0], "event_date": PAYLOADS[key]}
    ]
    result = import_into(curated, data=hostile_geojson(rows), name=HOSTILE_FILE)
    assert result.rejected_count == 1
    report = list(csv.reader(io.StringIO(table_to_csv(result.rejected).decode("utf-8-sig"), newline="")))
    cells = [cell for row in report[1:] for cell in row]
    assert "'" + PAYLOADS[key] in cells  # the report shows the cell as it came, neutralised
    assert not any(safe_text.is_formula(cell) for cell in cells)


# --- The page's notices (AppTest): every Markdown surface renders untrusted text as text ------------

MARKDOWN = MarkdownIt("gfm-like")
ALLOWED_TAGS = {"p", "strong", "em", "h4", "br", "code"}


def markdown_elements(at: AppTest) -> list[str]:
    found = []
    for kind in ("markdown", "caption", "warning", "error", "success", "info", "subheader", "header"):
        found += [element.value for element in getattr(at, kind)]
        found += [element.value for element in getattr(at.sidebar, kind)]
    return found


def rendered_safely(markdown: str) -> str:
    """The HTML Markdown makes of ``markdown``, checked to hold no link, image or raw HTML."""
    html = MARKDOWN.render(markdown)
    tokens = [t for block in MARKDOWN.parse(markdown) for t in (block.children or [])]
    kinds = {t.type for t in tokens}
    assert not kinds & {"link_open", "image", "html_inline", "html_block", "math_inline"}, (markdown, kinds)
    assert "<a " not in html and "<img" not in html
    return html


@pytest.fixture
def hostile_page(tmp_path, monkeypatch):
    """The page run on a hostile file (with a hostile name), its cache cleared before and after."""
    path = tmp_path / HOSTILE_FILE.replace("/", "_")
    rows = hostile_events(payloads={k: PAYLOADS[k] for k in PAYLOADS if k != "long"})
    path.write_bytes(hostile_geojson(rows))
    monkeypatch.setenv("BORDERMAP_DATA_FILE", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield rows
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize(
    "query_key",
    ["q", "event", "actor", "type", "from", "min_fat", "precise"],
)
@pytest.mark.parametrize("key", ["jinja_expression", "markdown_link", "markdown_image", "img_onerror", "backtick"])
def test_page_notices_show_untrusted_text_literally(hostile_page, query_key, key):
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.query_params[query_key] = PAYLOADS[key]
    at.run()
    assert not at.exception
    texts = markdown_elements(at)
    assert texts, "the page showed nothing"
    for markdown in texts:
        not_evaluated(markdown)
        rendered_safely(markdown)
    # What the list holds, the map draws: no event text broke the map's data.
    listed = list(at.dataframe[0].value["Event id"])
    layer = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    drawn = [event["id"] for event in events_drawn(layer)]
    assert set(listed) <= set(drawn)
    assert len(drawn) == len(set(drawn)) == int(at.metric[0].value)


class _Tags(HTMLParser):
    """Every tag and attribute in a piece of HTML."""

    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


@pytest.mark.parametrize("key", ["jinja_expression", "img_onerror", "script_close", "markdown_link"])
def test_the_selected_events_record_is_text_only(hostile_page, key):
    """The detail panel is HTML made by the page: every value from the file stays text in it."""
    chosen = loaded_id(key, "notes")
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.query_params["event"] = chosen
    at.run()
    assert not at.exception
    detail = next(h.proto.body for h in at.get("html") if "event-detail" in h.proto.body)
    not_evaluated(detail)
    tags = _Tags()
    tags.feed(detail)
    assert {tag for tag, _ in tags.seen} <= {"style", "div", "p", "b", "blockquote"}
    assert all(attrs in ([], [("class", "event-detail")]) for _, attrs in tags.seen)
    assert safe_text.html_text(stored(PAYLOADS[key])) in detail


@pytest.mark.parametrize(
    ("uploaded", "expected"),
    [
        ("acled.csv", "acled_rejected.csv"),
        (HOSTILE_FILE, "x-http-evil-example-pw-ned-img-src-x-onerror-alert-1-alert-1_rejected.csv"),
        ("C:\\Users\\a\\my file.csv", "my-file_rejected.csv"),
        ("\u202e.csv", "events_rejected.csv"),
    ],
)
def test_rejection_report_file_name_is_a_slug(uploaded, expected):
    from dashboard.exporters import report_filename

    assert report_filename(uploaded) == expected


@pytest.mark.parametrize("fmt", ["html", "kml", "csv", "geojson", "png", "pdf"])
@pytest.mark.parametrize("key", ["jinja_expression", "jinja_statement", "js_template", "script_close", "long"])
def test_command_line_search_text_is_never_evaluated(fmt, key, tmp_path, capsys):
    from dashboard.cli import main

    out = tmp_path / f"export.{fmt}"
    assert main(["export", "--format", fmt, "--search", PAYLOADS[key], "--out", str(out)]) == 0
    body = out.read_bytes()
    if fmt == "pdf":
        body = pdf_text(body, tmp_path).encode()
    if fmt != "png":
        not_evaluated(body.decode("utf-8", "replace"))
    if fmt == "html":
        assert "<img" not in body.decode() and "</script><script>alert" not in body.decode()
