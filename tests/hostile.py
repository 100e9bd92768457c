"""Hostile text: one corpus, crossed with every text field, for every surface's tests.

``PAYLOADS`` are strings an attacker would put in an events file, a link, a
search box or a file name. ``hostile_events`` makes one event per (payload,
text field): that field holds the payload, every other field is ordinary, so a
surface that mishandles one field cannot hide behind another. The ids and
counts come from here, never from a hand-written number.

A payload is "literal" on a surface when it comes out as the same characters:
whole in data exports (CSV neutralises formulas with a leading apostrophe),
escaped in markup, cut with an ellipsis in pictures.
"""

from __future__ import annotations

import json

from dashboard.schema import TEXT_COLUMNS

# Evaluated, each of these would leave a mark that is never in the payload itself.
EVALUATED_MARKS = ("pwned", "PWNED", "1111113")

PAYLOADS: dict[str, str] = {
    "jinja_expression": "{{ 'pw' ~ 'ned' }}",
    "jinja_statement": "{% if 1 %}PW{{ 'NED' }}{% endif %}",
    "jinja_comment": "a{# c #}b",
    "jinja_arith": "{{ 123457 * 9 }}",
    "js_template": "${alert('tpl')}",
    "backtick": "`);alert('bt');(`",
    "backslash": "C:\\users\\xfile \\u0041 \\",
    "script_close": "</script><script>alert('sc')</script>",
    "img_onerror": "<img src=x onerror=alert('img')>",
    "javascript_url": "javascript:alert('js')",
    "markdown_link": "[click me](http://evil.example/)",
    "markdown_image": "![x](http://evil.example/x.png)",
    "formula_equals": "=cmd|' /C calc'!A0",
    "formula_at": "@SUM(1+1)",
    "formula_plus": "+1+1",
    "formula_fullwidth": "\uff1dSUM(1,1)",
    "formula_tab": "\t=1+1",
    "formula_cr": "\r=1+1",
    "nul": "a\x00b",
    "rtl_override": "abc\u202edef",
    "quotes": 'it\'s "quoted" & <b>bold</b>',
    "long": "L" + "x" * 99_998 + "L",
}
FORMULA_KEYS = {k for k in PAYLOADS if k.startswith("formula_")}

BASE_EVENT = {
    "event_date": "2024-01-20",
    "date_precision": "day",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "actor1": "Test Actor",
    "actor2": "",
    "country": "Pakistan",
    "admin1": "Balochistan",
    "location": "Panjgur",
    "geo_precision": "2",
    "fatalities": "1",
    "fatalities_low": "",
    "fatalities_high": "",
    "origin_country": "",
    "notes": "ordinary note",
    "source_id": "",
    "source_quote": "",
    "detail_source_id": "",
}
BASE_POINT = (64.09459, 26.97186)  # Panjgur (lon, lat), inside Pakistan
FIELDS = TEXT_COLUMNS


def stored(payload: str) -> str:
    """The payload as the schema keeps it (cells are stripped of surrounding white space)."""
    return payload.strip()


def event_id(key: str, field: str) -> str:
    return f"H-{key}-{field}"


def hostile_events(fields=FIELDS, payloads=PAYLOADS) -> list[dict[str, str]]:
    """One event per (payload, field), in the project's columns (all text)."""
    rows = []
    for key, payload in payloads.items():
        for field in fields:
            row = {"event_id": event_id(key, field), **BASE_EVENT}
            row[field] = payload + ("#" + key if field == "event_id" else "")
            rows.append(row)
    return rows


def row_id(row: dict[str, str]) -> str:
    return row["event_id"]


def hostile_geojson(rows: list[dict[str, str]]) -> bytes:
    """The rows as a GeoJSON FeatureCollection of points (every character survives JSON)."""
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(BASE_POINT)}, "properties": row}
        for row in rows
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")
