"""The interactive map as one HTML file that opens from disk with no network.

Above the page's aggregation threshold it draws the grid cells the page draws
for the whole region (at the region's zoom), not one marker each. It carries
the export's manifest as a JSON element and the handling marking, escaped.
"""

from __future__ import annotations

from functools import partial

FORMAT = {
    "name": "html",
    "label": "Interactive map (HTML)",
    "extension": "html",
    "mime_type": "text/html",
    "order": 3,
    "embeds_manifest": True,
}


def write(view) -> bytes:
    from dashboard import aggregate, manifest, mapview, offline
    from dashboard.exporters.view import colours_in_view

    events, data = view.events, view.data
    colours = colours_in_view(view)
    m = mapview.build_base_map(data.geometry, view.basemap, colours)
    builder = partial(mapview.build_event_layer, geometry=data.geometry, show_areas=view.show_areas)
    layer = aggregate.layer_for_view(events, colours, None, mapview.REGION_ZOOM, None, builder)
    mapview.add_drawn_area(layer, view.spec.area)
    layer.add_to(m)
    m.get_root().header.add_child(mapview.title_element(view.title, view.caption))
    if view.marking:  # the handling marking, top and bottom of the page, escaped (a setting, still text)
        m.get_root().html.add_child(mapview.marking_element(view.marking))
    html = offline.standalone_html(m)
    return (html if view.record is None else manifest.embed_in_html(html, view.record)).encode("utf-8")
