"""What an export showed, recorded in the export itself and read back from any of them.

A manifest says when the export was made, from which data (``Dataset.version``), how many events,
with which filter (the shareable link's keys, ``filters.to_query``) and every
event it showed with its own fields (``schema.COLUMN_NAMES``) as JSON values.
The PDF keeps it in its document information (``/BordermapManifest``), the PNG
in a text chunk (``bordermap-manifest``), the HTML in a
``<script type="application/json" id="bordermap-manifest">`` element, and the
data formats (CSV, GeoJSON, KML) in a sidecar ``<file>.manifest.json``.
``read`` finds it in any of these; ``dashboard.changes`` compares it with the
data now.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import stat
from pathlib import Path

import pandas as pd

from dashboard import filters, safe_text
from dashboard.exporters.fields import PlainValue, plain_value
from dashboard.manifest_reading import ELEMENT_ID, PDF_KEY, extract
from dashboard.problems import DataError, Problem
from dashboard.schema import COLUMN_NAMES

MANIFEST_VERSION = 1
SIDECAR_SUFFIX = ".manifest.json"
# A manifest stays a fraction of its export: every field of up to FULL_MAX events (about 1 KB each);
# beyond that each event's id and a digest of its fields (changes found, not field by field); beyond
# DIGEST_MAX only the count (a briefing of a quarter of a million dots is compared on the store instead).
FULL_MAX = 20_000
DIGEST_MAX = 250_000


def build(data, spec: filters.FilterSpec, events: pd.DataFrame, generated_at: dt.datetime) -> dict:
    """The manifest of an export of ``events`` (those of the ``Dataset`` ``data`` that pass ``spec``),
    made at ``generated_at`` (a naive time is taken as UTC)."""
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "generated_at": utc_text(generated_at),
        "data_version": data.version,
        "data_label": data.label,
        "filter": filters.to_query(spec),
        "event_count": len(events),
    }
    if len(events) <= FULL_MAX:
        return {**manifest, "events": event_records(events)}
    if len(events) <= DIGEST_MAX:
        digests = [{"event_id": r["event_id"], "digest": digest(r)} for r in event_records(events)]
        return {**manifest, "events": digests, "fields_omitted": True}
    return {**manifest, "events": [], "events_omitted": True}


def digest(record: dict) -> str:
    """A short digest of an event's fields (as ``event_records`` gives them): equal fields, equal digest."""
    import hashlib

    text = json.dumps({k: record.get(k) for k in COLUMN_NAMES}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def utc_text(when: dt.datetime) -> str:
    """``2024-01-20T12:00:00Z``: ISO 8601 in UTC, to the second."""
    when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def event_records(events: pd.DataFrame) -> list[dict[str, PlainValue]]:
    """One dict per event: the schema fields the frame has, as JSON values (dates ``YYYY-MM-DD``, missing None).

    Actors are as written (``actor1_original``), as the event store keeps them: a new canonical name in
    the actor table is not a change to the event."""
    if "event_id" not in events.columns:
        raise ValueError("manifest: the events have no column 'event_id'")
    names = [name for name in COLUMN_NAMES if name in events.columns]
    columns = [[json_value(v) for v in _as_written(events, name).astype(object).tolist()] for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _as_written(events: pd.DataFrame, name: str) -> pd.Series:
    original = events.get(f"{name}_original")
    if name not in ("actor1", "actor2") or original is None:
        return events[name]
    return original.where(original.fillna("") != "", events[name])


def json_value(value: object) -> PlainValue:
    """A cell as JSON: a date or time as its day ``YYYY-MM-DD`` (the schema's dates are days), NaN/NA as None."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return None if pd.isna(value) else value.date().isoformat()
    plain = plain_value(value)
    return None if isinstance(plain, float) and math.isinf(plain) else plain


def to_json(manifest: dict) -> bytes:
    """The manifest as UTF-8 JSON, keys sorted (a sidecar file's bytes)."""
    return (json.dumps(manifest, sort_keys=True, ensure_ascii=False, allow_nan=False, indent=1) + "\n").encode()


def to_ascii_json(manifest: dict) -> str:
    """The manifest as one line of ASCII JSON, for a PDF string or a PNG text chunk (no encoding questions)."""
    return json.dumps(manifest, sort_keys=True, ensure_ascii=True, allow_nan=False, separators=(",", ":"))


def pdf_info(manifest: dict) -> dict[str, str]:
    """The PDF document information entry that holds the manifest."""
    return {PDF_KEY: to_ascii_json(manifest)}


def png_text(manifest: dict) -> dict[str, str]:
    """The PNG text chunk (keyword: text) that holds the manifest: ASCII, so a plain ``tEXt``."""
    return {ELEMENT_ID: to_ascii_json(manifest)}


def html_element(manifest: dict) -> str:
    """The ``<script type="application/json">`` element: ``<``, ``>``, ``&`` in data written as ``\\u003c`` etc."""
    return f'<script type="application/json" id="{ELEMENT_ID}">{safe_text.json_for_script(manifest)}</script>'


def embed_in_html(html: str, manifest: dict) -> str:
    """``html`` with the manifest element at the end of its body (after the page's own markup)."""
    at = html.rfind("</body>")
    at = len(html) if at < 0 else at
    return html[:at] + html_element(manifest) + "\n" + html[at:]


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """``events.csv`` -> ``events.csv.manifest.json``."""
    path = Path(path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read(source: str | os.PathLike[str] | bytes, name: str = "") -> dict:
    """The manifest in an export: a PDF, PNG, HTML, a ``.manifest.json`` (or any JSON that is one), or a data
    file with its sidecar beside it. ``name`` names bytes in messages. ``DataError`` naming the file and what is
    wrong when there is none or it is malformed."""
    if isinstance(source, bytes | bytearray):
        name = name or "the briefing file"
        found = extract(bytes(source), name)
    else:
        path = Path(source)
        name = name or str(path)
        found = extract(_read_file(path, name), name)
        sidecar = sidecar_path(path)
        if found is None and sidecar.is_file():
            name = str(sidecar)
            found = extract(_read_file(sidecar, name), name)
    if found is None:
        raise _problem(name, "", "", NO_MANIFEST)
    return check(found, name)


NO_MANIFEST = (
    "a manifest (none found: a PDF, PNG or HTML export carries one inside; a CSV, GeoJSON or KML export "
    "has it in <file>.manifest.json beside it)"
)


def _read_file(path: Path, name: str) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _problem(name, "", "", "a briefing file (there is no file at this path)") from None
    except OSError as err:
        raise _problem(name, "", "", f"a readable briefing file ({err.strerror or err})") from None
    if not stat.S_ISREG(info.st_mode):
        raise _problem(name, "", "", "a regular file (this is a folder, device, FIFO or socket)")
    try:
        return path.read_bytes()
    except OSError as err:
        raise _problem(name, "", "", f"a readable briefing file ({err.strerror or err})") from None


def check(manifest: object, name: str) -> dict:
    """``manifest`` if it has the shape ``build`` gives, else ``DataError`` naming the key and value."""
    if not isinstance(manifest, dict):
        raise _problem(name, "", "", f"a manifest: a JSON object (this is a JSON {type(manifest).__name__})")
    if manifest.get("manifest_version") != MANIFEST_VERSION:
        found = manifest.get("manifest_version", "(missing)")
        raise _problem(name, "manifest_version", found, f"{MANIFEST_VERSION} (the version this program reads)")
    for key, kind, what in (
        ("generated_at", str, "a time written YYYY-MM-DDTHH:MM:SSZ"),
        ("data_version", str, "text"),
        ("data_label", str, "text"),
        ("filter", dict, "an object of the link's filter keys"),
        ("events", list, "a list of events"),
    ):
        if not isinstance(manifest.get(key), kind):
            raise _problem(name, key, manifest.get(key, "(missing)"), what)
    try:
        dt.datetime.fromisoformat(manifest["generated_at"].replace("Z", "+00:00"))
    except ValueError:
        raise _problem(name, "generated_at", manifest["generated_at"], "a time written YYYY-MM-DDTHH:MM:SSZ") from None
    _check_events(manifest["events"], name)
    queries = [("filter", manifest["filter"])]
    if "views" in manifest:  # a briefing pack: each view's filter
        if not isinstance(manifest["views"], list) or not manifest["views"]:
            raise _problem(name, "views", manifest["views"], "a list of the views' filters")
        queries += [(f"views[{i}]", query) for i, query in enumerate(manifest["views"])]
    for key, query in queries:
        _check_query(query, name, key)
    return manifest


def _check_query(query: object, name: str, key: str) -> None:
    """A link's keys with text (or lists of text) values, that ``filters.from_query`` reads without a notice."""
    shaped = isinstance(query, dict) and all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)) for v in query.values()
    )
    if not shaped:
        raise _problem(name, key, query, "an object of the link's filter keys, each text or a list of texts")
    _, notices = filters.from_query(query)
    if notices:
        raise _problem(name, key, query, "a filter this program reads: " + " ".join(notices))


def _check_events(events: list, name: str) -> None:
    seen: set[str] = set()
    for position, event in enumerate(events):
        where = f"events[{position}]"
        if not isinstance(event, dict):
            raise _problem(name, where, event, "an object of the event's fields")
        event_id = event.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            raise _problem(name, f"{where}.event_id", event_id, "the event's id (text)")
        if event_id in seen:
            raise _problem(name, f"{where}.event_id", event_id, "an id listed once")
        seen.add(event_id)
        for field, value in event.items():  # a field is one JSON value (text, number, true/false or null)
            if isinstance(value, dict | list):
                raise _problem(name, f"{where}.{field}", value, "one value (text, a number or null)")


def _problem(name: str, key: str, value: object, expected: str) -> DataError:
    """``<file>: <expected>``, or ``<file>: manifest key <key>, value <value>: <expected>``."""
    if key:
        shown = value if isinstance(value, str) else json.dumps(value, default=str)
        expected = f"manifest key {key}, value {safe_text.cut(shown, 80)!r}: {expected}"
    return DataError([Problem(name, None, "", "", expected)])
