"""The events as KML 2.2 for Google Earth.

One ``<Style>`` per actor colour (the live map's colours, written aabbggrr as
KML wants them), one Placemark per event: its name is the date and place, its
description the full record as a small HTML table, its ExtendedData every
field, and a TimeStamp so Google Earth's time slider works.

Built with ElementTree, which escapes every text node: a note reading
``<script>alert(1)</script>`` is HTML-escaped into the description table and
then XML-escaped again, so neither Google Earth's HTML balloon nor an XML
reader ever sees it as markup.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pandas as pd

from dashboard import safe_text, style
from dashboard.exporters.fields import EXPORT_COLUMNS, check_columns, plain_value, records
from dashboard.record import record_rows

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
DOCUMENT_NAME = "Iran–Pakistan border events"
# Google Earth's own white dot: it takes the IconStyle colour as a tint.
ICON_HREF = "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"


def to_kml(
    events: pd.DataFrame,
    sources: pd.DataFrame | None = None,
    document_name: str = DOCUMENT_NAME,
    colours: dict[str, str] | None = None,
) -> bytes:
    """KML 2.2 with one Placemark per event, UTF-8 encoded.

    With ``sources`` (the registry, ``Dataset.sources``) the description names
    each cited source by title, publisher and link instead of its id. ``colours``: each actor's colour
    (the view's); by default the events' canonical colours.
    """
    check_columns(events, EXPORT_COLUMNS, "KML")
    colours = style.actor_colours(events["actor1"]) if colours is None else colours
    root = ET.Element("kml", xmlns=KML_NAMESPACE)
    document = ET.SubElement(root, "Document")
    _text(document, "name", document_name)
    for colour in dict.fromkeys(colours.values()):
        document.append(_style(colour))
    for (_, event), fields in zip(events.iterrows(), records(events), strict=True):
        document.append(_placemark(event, fields, colours.get(event["actor1"], style.OTHER_COLOUR), sources))
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def kml_colour(hex_colour: str, alpha: int = 255) -> str:
    """``#rrggbb`` as KML's ``aabbggrr``."""
    rgb = hex_colour.lstrip("#").lower()
    if not re.fullmatch(r"[0-9a-f]{6}", rgb):
        raise ValueError(f"colour {hex_colour!r}: expected #rrggbb")
    return f"{alpha:02x}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"


def placemark_name(event: pd.Series) -> str:
    return f"{event['event_date']:%Y-%m-%d} — {event['location']}"


def _style(colour: str) -> ET.Element:
    element = ET.Element("Style", id=_style_id(colour))
    icon_style = ET.SubElement(element, "IconStyle")
    _text(icon_style, "color", kml_colour(colour))
    _text(icon_style, "scale", "1.1")
    icon = ET.SubElement(icon_style, "Icon")
    _text(icon, "href", ICON_HREF)
    label_style = ET.SubElement(element, "LabelStyle")
    _text(label_style, "scale", "0.8")
    return element


def _style_id(colour: str) -> str:
    return "actor-" + colour.lstrip("#").lower()


def _placemark(event: pd.Series, fields: dict, colour: str, sources: pd.DataFrame | None) -> ET.Element:
    placemark = ET.Element("Placemark")
    _text(placemark, "name", placemark_name(event))
    _text(placemark, "description", _description(event, sources))
    when = ET.SubElement(placemark, "TimeStamp")
    _text(when, "when", f"{event['event_date']:%Y-%m-%d}")
    _text(placemark, "styleUrl", "#" + _style_id(colour))
    extended = ET.SubElement(placemark, "ExtendedData")
    for name, value in fields.items():
        data = ET.SubElement(extended, "Data", name=name)
        _text(data, "value", _field_text(value))
    point = ET.SubElement(placemark, "Point")
    _text(point, "coordinates", f"{float(event['longitude'])!r},{float(event['latitude'])!r}")
    return placemark


def _description(event: pd.Series, sources: pd.DataFrame | None) -> str:
    cells = "".join(
        f'<tr><th align="left" valign="top">{html.escape(label)}</th><td>{html.escape(value)}</td></tr>'
        for label, value in record_rows(event, sources)
    )
    return f"<table>{cells}</table>"


def _field_text(value: object) -> str:
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    # A character XML 1.0 cannot hold would make the file unreadable: shown as U+FFFD, never dropped.
    child.text = safe_text.xml_text(text)
    return child


FORMAT = {
    "name": "kml",
    "label": "KML (Google Earth)",
    "extension": "kml",
    "mime_type": "application/vnd.google-earth.kml+xml",
    "order": 6,
}


def write(view) -> bytes:
    from dashboard.exporters.view import colours_in_view

    return to_kml(view.events, view.data.sources, f"{view.title}: {view.caption}", colours_in_view(view))
