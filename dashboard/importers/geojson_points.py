"""GeoJSON FeatureCollection of points (RFC 7946) into a table of strings.

Each feature is one row, numbered from 1 in the order of ``features``. Its
properties are the columns, named as in one of the table formats (the
project's own columns, as our GeoJSON export writes them, or ACLED's, or
UCDP's); ``latitude`` and ``longitude`` come from the Point geometry
(``[longitude, latitude]``), never from properties of that name. A feature
with no geometry can still be placed from the gazetteer by its location name.
A feature's ``id`` member is its ``event_id`` when the properties give none.
A feature with another geometry type, or unusable coordinates, is rejected
with the reason.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd

from dashboard.importers.reading import SourceTable, whole_file

CONTAINER = "geojson"
SHOWN_GEOMETRY_CHARS = 120
# A FeatureCollection of points nests 5 deep; properties may hold a little more.
# Anything deeper is refused before parsing (a parser would recurse once per level).
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not count)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if not brackets:
        return 0
    steps = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    change = np.where((steps == ord("[")) | (steps == ord("{")), 1, -1).astype(np.int32)
    return int(np.cumsum(change).max())


def read_geojson_text(text: str, file: str) -> SourceTable:
    """One row per feature: its properties as text, and its point as latitude/longitude."""
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise whole_file(file, f"GeoJSON nested at most {MAX_JSON_DEPTH} levels deep (this file nests {depth:,})")
    try:
        document = json.loads(text)
    except RecursionError:
        raise whole_file(file, f"GeoJSON nested at most {MAX_JSON_DEPTH} levels deep") from None
    except json.JSONDecodeError as err:
        raise whole_file(
            file, f"a GeoJSON FeatureCollection (the JSON is not valid: {err.msg} at line {err.lineno})"
        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        kind = document.get("type") if isinstance(document, dict) else type(document).__name__
        raise whole_file(file, f"a GeoJSON FeatureCollection (this JSON is a {kind!r})")
    features = document.get("features")
    if not isinstance(features, list):
        raise whole_file(file, "a GeoJSON FeatureCollection with a 'features' list")
    if not features:
        raise whole_file(file, "at least one feature (the FeatureCollection is empty)")
    rows, problems = [], []
    for position, feature in enumerate(features):
        properties, problem = _feature_row(feature)
        rows.append(properties)
        if problem:
            problems.append((position, *problem))
    frame = pd.DataFrame(rows).fillna("").astype(str)
    frame.columns = [str(c).strip() for c in frame.columns]
    return SourceTable(
        frame=frame,
        row_numbers=np.arange(1, len(frame) + 1, dtype=np.int64),
        container=CONTAINER,
        problems=problems,
    )


def _feature_row(feature: object) -> tuple[dict[str, str], tuple | None]:
    """Properties as text with the point's coordinates, and a problem if any."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        shown = json.dumps(feature, ensure_ascii=False)[:SHOWN_GEOMETRY_CHARS]
        return {}, ("feature", shown, "a GeoJSON Feature object", ("latitude", "longitude"))
    raw_properties = feature.get("properties")
    properties = {str(k): _text(v) for k, v in raw_properties.items()} if isinstance(raw_properties, dict) else {}
    feature_id = _text(feature.get("id"))
    if feature_id and not properties.get("event_id"):
        properties["event_id"] = feature_id  # RFC 7946's own id member stands in for a missing id property
    geometry = feature.get("geometry")
    shown = json.dumps(geometry, ensure_ascii=False)[:SHOWN_GEOMETRY_CHARS]
    properties["latitude"], properties["longitude"] = "", ""
    if geometry is None:
        return properties, None
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        problem = ("geometry", shown, f"a Point geometry (this feature has {kind!r})", ("latitude", "longitude"))
        return properties, problem
    coordinates = geometry.get("coordinates")
    if not _is_position(coordinates):
        problem = (
            "geometry",
            shown,
            "Point coordinates [longitude, latitude] as two numbers",
            ("latitude", "longitude"),
        )
        return properties, problem
    properties["longitude"], properties["latitude"] = repr(float(coordinates[0])), repr(float(coordinates[1]))
    return properties, None


def _is_position(coordinates: object) -> bool:
    return (
        isinstance(coordinates, list)
        and len(coordinates) in (2, 3)
        and all(isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c) for c in coordinates)
    )


def _text(value: object) -> str:
    """A JSON value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return json.dumps(value, ensure_ascii=False)
