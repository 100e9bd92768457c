"""The events as an RFC 7946 GeoJSON FeatureCollection.

WGS84 longitude/latitude (RFC 7946 has no ``crs`` member and writes none),
one Point feature per event whose ``id`` is the event id, and every field as
a property: dates as ISO text, missing values as ``null``, booleans as
booleans. Written with the json module, fields in a fixed order, so the same
events always give the same bytes.
"""

from __future__ import annotations

import json

import pandas as pd

from dashboard.exporters.fields import EXPORT_COLUMNS, PlainValue, check_columns, records


def to_geojson(events: pd.DataFrame) -> bytes:
    """A FeatureCollection of Points, ``[lon, lat]``, UTF-8 encoded."""
    check_columns(events, EXPORT_COLUMNS, "GeoJSON")
    collection = {"type": "FeatureCollection", "features": [_feature(r) for r in records(events)]}
    text = json.dumps(collection, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def _feature(properties: dict[str, PlainValue]) -> dict:
    return {
        "type": "Feature",
        "id": properties["event_id"],
        "geometry": {"type": "Point", "coordinates": [properties["longitude"], properties["latitude"]]},
        "properties": properties,
    }


FORMAT = {
    "name": "geojson",
    "label": "GeoJSON",
    "extension": "geojson",
    "mime_type": "application/geo+json",
    "order": 5,
}


def write(view) -> bytes:
    return to_geojson(view.events)
