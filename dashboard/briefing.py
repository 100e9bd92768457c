"""One call makes any export of the filtered view: the page and the command line share it.

``make_export`` takes exactly the filter the analyst is looking at, so what is
seen is what is exported, and builds the title and caption (the filter
sentence) that every format carries. ``make_export_with_manifest`` also
returns the export's manifest (``dashboard.manifest``), for the sidecar file
of a CSV, GeoJSON or KML export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from dashboard import config, filters, manifest
from dashboard.changes import Changes, against_manifest
from dashboard.curated import Dataset
from dashboard.exporters import FORMATS
from dashboard.exporters import view as view_value
from dashboard.exporters.view import ExportView, caption  # noqa: F401  (caption: the sentence every export carries)


def make_export(
    fmt: str,
    data: Dataset,
    spec: filters.FilterSpec,
    basemap: str = "none",
    scale: int = 1,
    generated_at: dt.datetime | None = None,
    show_areas: bool = True,
    since: dict | Changes | None = None,
) -> bytes:
    """The bytes of ``fmt`` for the events of ``data`` that pass ``spec``.

    The PNG and PDF draw no tiles, so their footer says "Basemap: none"
    whatever ``basemap`` is (it applies to the HTML map only).
    ``show_areas`` draws, on the HTML, PNG and PDF maps, the area each
    imprecise event may lie in (the page's switch of the same name).
    The PDF, PNG and HTML carry their manifest inside (``dashboard.manifest``).
    ``since`` (a previous briefing's manifest, or ``Changes`` already worked out,
    PDF only) adds a "Since the last briefing" section."""
    return make_export_with_manifest(fmt, data, spec, basemap, scale, generated_at, show_areas, since)[0]


def make_export_with_manifest(
    fmt: str,
    data: Dataset,
    spec: filters.FilterSpec,
    basemap: str = "none",
    scale: int = 1,
    generated_at: dt.datetime | None = None,
    show_areas: bool = True,
    since: dict | Changes | None = None,
) -> tuple[bytes, dict]:
    """``make_export``'s bytes and the export's manifest.

    For CSV, GeoJSON and KML the manifest goes beside the file:
    ``manifest.to_json(record)`` named ``manifest.sidecar_path(filename)``."""
    events = filters.apply(data.events, spec)
    view = view_value.build(data, spec, events, basemap=basemap, scale=scale, show_areas=show_areas)
    return export(view, fmt, generated_at, since)


def export(
    view: ExportView, fmt: str, generated_at: dt.datetime | None = None, since: dict | Changes | None = None
) -> tuple[bytes, dict]:
    """The bytes of ``fmt`` written from ``view`` (``exporters.view.build``: the page hands over the
    value its live map was drawn from), and the export's manifest. The time, the manifest, the
    changes since a previous briefing and the handling marking are added here, for every format alike."""
    _check(fmt, since)
    when = generated_at or dt.datetime.now(dt.UTC)
    record = manifest.build(view.data, view.spec, view.events, when)
    if since is None or isinstance(since, Changes):  # Changes: already worked out (e.g. from a store's history)
        changes = since
    else:
        changes = against_manifest(manifest.check(since, "since"), view.data, view.spec)
    view = replace(view, generated_at=when, record=record, since=changes, marking=config.get_marking())
    return FORMATS[fmt].write(view), record


def _check(fmt: str, since) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if since is not None and not FORMATS[fmt].takes_since:
        raise ValueError(f"since: only {since_formats()} has a 'Since the last briefing' section, not the {fmt}")


def since_formats() -> str:
    """The formats that hold a "Since the last briefing" section, as words ("the PDF")."""
    return " or ".join(f"the {name.upper()}" for name, fmt in FORMATS.items() if fmt.takes_since) or "no format"
