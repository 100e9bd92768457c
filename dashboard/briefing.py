"""One call makes any export of the filtered view: the page and the command line share it.

``make_export`` takes exactly the filter the analyst is looking at, so what is
seen is what is exported, and builds the title and caption (the filter
sentence) that every format carries. ``make_export_with_manifest`` also
returns the export's manifest (``dashboard.manifest``), for the sidecar file
of a CSV, GeoJSON or KML export.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd

from dashboard import aggregate, config, filters, manifest, mapview, offline, style
from dashboard.changes import Changes, against_manifest
from dashboard.curated import Dataset
from dashboard.exporters import FORMATS

TITLE = "Iran–Pakistan border crisis"
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
    text = caption(spec, events, data)
    if fmt == "csv":
        from dashboard.exporters.csv_export import to_csv

        return to_csv(events)
    if fmt == "geojson":
        from dashboard.exporters.geojson_export import to_geojson

        return to_geojson(events)
    if fmt == "kml":
        from dashboard.exporters.kml_export import to_kml

        return to_kml(events, data.sources, document_name=f"{TITLE}: {text}")
    if fmt == "html":
        return standalone_map_html(events, data, basemap, text, show_areas, spec.area, record, config.get_marking())
    if fmt == "png":
        from dashboard.exporters.png_export import Snapshot, to_png

        return to_png(
            events,
            data.geometry,
            TITLE,
            text,
            scale,
            generated_at,
            basemap_note="none",
            show_areas=show_areas,
            drawn_area=spec.area,
            text_chunks=manifest.png_text(record),
            snapshot=Snapshot(marking=config.get_marking()),
        )
    from dashboard.exporters.pdf_export import to_pdf

    return to_pdf(
        events,
        data.sources,
        data.geometry,
        TITLE,
        text,
        generated_at,
        show_areas=show_areas,
        drawn_area=spec.area,
        info=manifest.pdf_info(record),
        since=since,
        marking=config.get_marking(),
    )


def standalone_map_html(
    events: pd.DataFrame,
    data: Dataset,
    basemap: str,
    text: str,
    show_areas: bool = True,
    drawn_area: tuple = (),
    record: dict | None = None,
    marking: str = "",
) -> bytes:
    """The interactive map as one file that opens from disk with no network.

    Above the page's aggregation threshold it draws the grid cells the page
    draws for the whole region (at the region's zoom), not one marker each.
    ``record`` (the export's manifest) is put in as a JSON script element.
    """
    colours = style.actor_colours(events["actor1"])
    m = mapview.build_base_map(data.geometry, basemap, colours)
    builder = partial(mapview.build_event_layer, geometry=data.geometry, show_areas=show_areas)
    layer = aggregate.layer_for_view(events, colours, None, mapview.REGION_ZOOM, None, builder)
    mapview.add_drawn_area(layer, drawn_area)
    layer.add_to(m)
    m.get_root().header.add_child(mapview.title_element(TITLE, text))
    if marking:  # the handling marking, top and bottom of the page, escaped (it is a setting, still text)
        m.get_root().html.add_child(mapview.marking_element(marking))
    html = offline.standalone_html(m)
    return (html if record is None else manifest.embed_in_html(html, record)).encode("utf-8")
