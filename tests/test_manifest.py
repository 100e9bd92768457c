import datetime as dt
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pandas as pd
import pytest
from hostile import EVALUATED_MARKS, PAYLOADS, hostile_events, hostile_geojson, stored
from PIL import Image

from dashboard import manifest
from dashboard.briefing import make_export, make_export_with_manifest
from dashboard.cli import main
from dashboard.datasets import combine, import_into
from dashboard.filters import FilterSpec, apply, to_query
from dashboard.problems import DataError
from dashboard.schema import COLUMN_NAMES

GENERATED = dt.datetime(2024, 2, 1, 12, 30, 5, tzinfo=dt.UTC)
CRISIS = FilterSpec(start=dt.date(2024, 1, 16), end=dt.date(2024, 1, 29))
SPOOFS = (  # text in the data that names where a manifest is kept; it must stay text
    f"/{manifest.PDF_KEY} <7b7d>",
    f'<script type="application/json" id="{manifest.ELEMENT_ID}">{{}}</script>',
)


def as_json(record: dict) -> dict:
    return json.loads(manifest.to_json(record))


@pytest.fixture(scope="module")
def hostile_data(curated):
    """Every hostile payload in the fields a manifest carries, and the two spoofs in a note."""
    rows = hostile_events(fields=("event_id", "notes", "location", "actor1"))
    rows += [
        {**hostile_events(fields=("notes",), payloads={"spoof": s})[0], "event_id": f"SPOOF-{i}"}
        for i, s in enumerate(SPOOFS)
    ]
    return combine(curated, import_into(curated, data=hostile_geojson(rows), name="hostile.geojson"), "replace")


# --- what a manifest holds -----------------------------------------------------


def test_build_holds_exactly_the_documented_keys(curated):
    shown = apply(curated.events, CRISIS)
    record = manifest.build(curated, CRISIS, shown, GENERATED)
    keys = {"manifest_version", "generated_at", "data_version", "data_label", "filter", "event_count", "events"}
    assert set(record) == keys and record["event_count"] == len(shown)
    assert record["manifest_version"] == 1
    assert record["generated_at"] == "2024-02-01T12:30:05Z"
    assert record["data_version"] == curated.version and record["data_label"] == curated.label
    assert record["filter"] == to_query(CRISIS)
    assert [e["event_id"] for e in record["events"]] == list(shown["event_id"])


def test_event_fields_are_json_values(curated):
    record = manifest.build(curated, FilterSpec(), curated.events, GENERATED)
    assert json.loads(json.dumps(record, allow_nan=False)) == record
    for event, (_, row) in zip(record["events"], curated.events.iterrows(), strict=True):
        assert list(event) == [c for c in COLUMN_NAMES if c in curated.events.columns]
        assert event["event_date"] == f"{row['event_date']:%Y-%m-%d}"
        for name in ("fatalities", "geo_precision"):
            assert event[name] is None if pd.isna(row[name]) else type(event[name]) is int and event[name] == row[name]
        assert event["place_radius_km"] is None or isinstance(event["place_radius_km"], float)


def test_actors_are_recorded_as_written(curated):
    events = curated.events
    renamed = events[(events["actor2_original"] != "") & (events["actor2_original"] != events["actor2"])]
    assert len(renamed), "the curated data no longer has an actor the actor table renames"
    record = manifest.event_records(renamed)
    assert [e["actor2"] for e in record] == list(renamed["actor2_original"])


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (dt.datetime(2024, 2, 1, 12, 30, 5), "2024-02-01T12:30:05Z"),  # naive: UTC
        (dt.datetime(2024, 2, 1, 14, 30, 5, 999, tzinfo=dt.timezone(dt.timedelta(hours=2))), "2024-02-01T12:30:05Z"),
    ],
)
def test_generated_at_is_utc_with_z(when, expected):
    assert manifest.utc_text(when) == expected


# --- round trips through every export -------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "png", "html"])
def test_the_manifest_inside_an_export_reads_back_equal(curated, fmt):
    content, record = make_export_with_manifest(fmt, curated, CRISIS, generated_at=GENERATED)
    assert manifest.read(content, f"briefing.{fmt}") == as_json(record)
    again = make_export(fmt, curated, CRISIS, generated_at=GENERATED)  # the page's call embeds it too
    assert manifest.read(again, f"again.{fmt}") == as_json(record)


@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml"])
def test_export_writes_a_sidecar_beside_a_data_file(curated, fmt, tmp_path, capsys):
    out = tmp_path / f"events.{fmt}"
    assert main(["export", "--format", fmt, "--start", "2024-01-16", "--out", str(out)]) == 0
    sidecar = tmp_path / f"events.{fmt}.manifest.json"
    assert f"manifest: {sidecar}" in capsys.readouterr().err
    record = manifest.read(sidecar)
    assert manifest.read(out) == record  # the data file's name finds its sidecar
    shown = apply(curated.events, FilterSpec(start=dt.date(2024, 1, 16)))
    assert [e["event_id"] for e in record["events"]] == list(shown["event_id"])
    assert record["filter"] == {"from": "2024-01-16"}


def test_data_formats_give_the_sidecar_to_the_page(curated):
    content, record = make_export_with_manifest("csv", curated, CRISIS, generated_at=GENERATED)
    assert content == make_export("csv", curated, CRISIS)
    assert manifest.read(manifest.to_json(record), "x.manifest.json") == as_json(record)
    assert manifest.sidecar_path("out/events.csv").as_posix() == "out/events.csv.manifest.json"


def test_pdf_is_dated_by_its_generation_time_and_keeps_the_manifest(curated, tmp_path):
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    content, record = make_export_with_manifest("pdf", curated, CRISIS, generated_at=GENERATED)
    path = tmp_path / "briefing.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", "-isodates", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^CreationDate:\s+2024-02-01T12:30:05Z$", info, re.MULTILINE)
    custom = subprocess.run(["pdfinfo", "-custom", str(path)], capture_output=True, text=True, check=True).stdout
    line = next(line for line in custom.splitlines() if line.startswith(f"{manifest.PDF_KEY}:"))
    assert json.loads(line.split(":", 1)[1].strip()) == as_json(record)  # an independent reader finds it


def test_pdf_bytes_depend_only_on_the_input(curated):
    first = make_export("pdf", curated, CRISIS, generated_at=GENERATED)
    assert make_export("pdf", curated, CRISIS, generated_at=GENERATED) == first
    later = make_export("pdf", curated, CRISIS, generated_at=GENERATED + dt.timedelta(days=1))
    assert later != first and b"D:20240202123005+00'00'" in later and b"D:20240201123005+00'00'" in first


def test_png_text_chunk_is_read_by_pillow(curated):
    content, record = make_export_with_manifest("png", curated, CRISIS, generated_at=GENERATED)
    assert json.loads(Image.open(io.BytesIO(content)).text[manifest.ELEMENT_ID]) == as_json(record)


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[dict, str]] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = dict(attrs)
            self.found.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.found[-1]
            self.found[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def test_hostile_text_stays_data_in_the_html_manifest(hostile_data):
    content, record = make_export_with_manifest("html", hostile_data, FilterSpec(), generated_at=GENERATED)
    scripts = _Scripts()
    scripts.feed(content.decode("utf-8"))
    elements = [text for attrs, text in scripts.found if attrs.get("id") == manifest.ELEMENT_ID]
    assert len(elements) == 1, "the data opened or closed a script element"
    assert [attrs.get("type") for attrs, _ in scripts.found if attrs.get("id") == manifest.ELEMENT_ID] == [
        "application/json"
    ]
    assert not re.search(r"[<>&]", elements[0])  # escaped as \u003c etc.
    assert json.loads(elements[0]) == as_json(record) == manifest.read(content, "map.html")
    values = {e["event_id"]: e for e in record["events"]}
    for key, payload in PAYLOADS.items():
        assert values[f"H-{key}-notes"]["notes"] == stored(payload)
        assert stored(payload + "#" + key) in values
    for mark in EVALUATED_MARKS:
        assert mark not in elements[0]


@pytest.mark.parametrize("fmt", ["pdf", "png"])
def test_hostile_text_survives_the_picture_manifests(hostile_data, fmt):
    spec = FilterSpec(text=SPOOFS[0])  # in a note, and in the caption: the PDF's title and subject
    content, record = make_export_with_manifest(fmt, hostile_data, spec, generated_at=GENERATED)
    assert SPOOFS[0].encode() in content or fmt == "png"
    back = manifest.read(content, f"briefing.{fmt}")
    assert back == as_json(record)
    assert [e["notes"] for e in back["events"]] == [stored(SPOOFS[0])]


# --- files with no manifest, or a broken one ------------------------------------


def _picture_without_manifest(curated, name: str) -> bytes:
    from dashboard.exporters.pdf_export import to_pdf
    from dashboard.exporters.png_export import to_png

    events = curated.events.head(1)
    if name.endswith(".png"):
        return to_png(events, curated.geometry, "t", "c", generated_at=GENERATED)
    return to_pdf(events, curated.sources, curated.geometry, "t", "c", GENERATED)


def _manifest_with(**changes) -> bytes:
    record = {"manifest_version": 1, "generated_at": "2024-02-01T12:00:00Z", "data_version": "sha256:0"}
    record |= {"data_label": "x", "filter": {}, "events": [{"event_id": "A"}]}
    return json.dumps({k: v for k, v in (record | changes).items() if v is not ...}).encode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("events.csv", b"event_id,notes\r\nA,x\r\n", "a manifest (none found"),
        ("events.geojson", b'{"type": "FeatureCollection", "features": []}', "a manifest (none found"),
        ("map.html", b"<!DOCTYPE html><html><body></body></html>", "a manifest (none found"),
        ("plain.png", None, "a manifest (none found"),
        ("plain.pdf", None, "a manifest (none found"),
        ("b.manifest.json", b'{"manifest_version": 1,', "valid JSON"),
        ("b.manifest.json", b"[1, 2]", "a manifest (none found"),
        ("b.manifest.json", _manifest_with(manifest_version=2), "manifest key manifest_version, value '2'"),
        ("b.manifest.json", _manifest_with(events=...), "manifest key events, value '(missing)': a list"),
        ("b.manifest.json", _manifest_with(events=[{"notes": "x"}]), "manifest key events[0].event_id"),
        ("b.manifest.json", _manifest_with(events=[{"event_id": "A"}] * 2), "events[1].event_id, value 'A': an id"),
        ("b.manifest.json", _manifest_with(generated_at="yesterday"), "manifest key generated_at, value 'yesterday'"),
        ("b.manifest.json", _manifest_with(filter={"from": "2024-99-99"}), "manifest key filter"),
        ("map.html", b'<!DOCTYPE html><script type="application/json" id="bordermap-manifest">{</script>', "valid"),
        ("cut.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00", "cut short"),
    ],
)
def test_no_manifest_or_a_broken_one_is_named(curated, tmp_path, name, content, message):
    path = tmp_path / name
    content = _picture_without_manifest(curated, name) if content is None else content
    path.write_bytes(content)
    with pytest.raises(DataError, match=re.escape(f"{path}: ") + ".*" + re.escape(message)):
        manifest.read(path)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "none.pdf", "a briefing file (there is no file at this path)"),
        (lambda tmp: tmp, "a regular file (this is a folder"),
    ],
)
def test_a_missing_file_or_a_folder_is_named(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(DataError, match=re.escape(f"{path}: {message}")):
        manifest.read(path)


def test_text_after_the_pdf_information_object_cannot_stand_in(curated):
    content, record = make_export_with_manifest("pdf", curated, CRISIS, generated_at=GENERATED)
    tampered = content.replace(b"%%EOF", f"% /{manifest.PDF_KEY} <7b7d>\n%%EOF".encode())
    assert manifest.read(tampered, "briefing.pdf") == as_json(record)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda m: m["filter"].update({"from": 5}), "filter"),
        (lambda m: m.update({"views": [1]}), "views[0]"),
        (lambda m: m.update({"views": "all"}), "views"),
        (lambda m: m["events"][0].update({"notes": [1, 2]}), "events[0].notes"),
    ],
)
def test_a_malformed_manifest_is_a_data_error_naming_the_key(curated, change, key):
    """What a hostile briefing file could hold gets a message, never a TypeError or ValueError from deeper down."""
    from dashboard.problems import DataError

    record = json.loads(json.dumps(manifest.build(curated, FilterSpec(), curated.events, GENERATED)))
    change(record)
    with pytest.raises(DataError, match=re.escape(f"manifest key {key}")):
        manifest.check(record, "briefing.json")
