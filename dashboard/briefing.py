"""One call makes any export of the filtered view: the page and the command line share it.

``make_export`` takes exactly the filter the analyst is looking at, so what is
seen is what is exported, and builds the title and caption (the filter
sentence) that every format carries. ``make_export_with_manifest`` also
returns the export's manifest (``dashboard.manifest``), for the sidecar file
of a CSV, GeoJSON or KML export.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import config, filters, manifest
from dashboard.changes import Changes, against_manifest
from dashboard.curated import Dataset
from dashboard.exporters import FORMATS
from dashboard.exporters.view import TITLE, ExportView

EMBEDS_MANIFEST = ("pdf", "png", "html")  # the others keep it in a sidecar file


def caption(spec: filters.FilterSpec, events: pd.DataFrame, data: Dataset) -> str:
    """The filter sentence, and which data it was drawn from."""
    return f"{filters.describe(spec, len(events))} Data: {data.label}."


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
    if fmt in EMBEDS_MANIFEST:
        return make_export_with_manifest(fmt, data, spec, basemap, scale, generated_at, show_areas, since)[0]
    _check(fmt, since)
    return _render(fmt, data, spec, filters.apply(data.events, spec), basemap, scale, generated_at, show_areas)


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
    _check(fmt, since)
    when = generated_at or dt.datetime.now(dt.UTC)
    events = filters.apply(data.events, spec)
    record = manifest.build(data, spec, events, when)
    if since is None or isinstance(since, Changes):  # Changes: already worked out (e.g. from a store's history)
        changes = since
    else:
        changes = against_manifest(manifest.check(since, "since"), data, spec)
    content = _render(fmt, data, spec, events, basemap, scale, when, show_areas, record, changes)
    return content, record


def _check(fmt: str, since) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if since is not None and fmt != "pdf":
        raise ValueError(f"since: only the PDF has a 'Since the last briefing' section, not the {fmt}")


def _render(
    fmt: str,
    data: Dataset,
    spec: filters.FilterSpec,
    events: pd.DataFrame,
    basemap: str,
    scale: int,
    generated_at: dt.datetime | None,
    show_areas: bool,
    record: dict | None = None,
    since: Changes | None = None,
) -> bytes:
    """The one view value every format writes from, then the registry's writer of ``fmt``."""
    view = ExportView(
        data=data,
        spec=spec,
        events=events,
        caption=caption(spec, events, data),
        basemap=basemap,
        scale=scale,
        show_areas=show_areas,
        generated_at=generated_at,
        record=record,
        since=since,
        marking=config.get_marking(),
        title=TITLE,
    )
    return FORMATS[fmt].write(view)
