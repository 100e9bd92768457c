"""Read back the JSON documents that ``map_elements.DataScript`` put into a rendered map."""

from __future__ import annotations

import json
import re

from dashboard.map_elements import script_source


def payloads(html: str, script_file: str) -> list[dict]:
    """Every data document handed to ``dashboard/js/<script_file>`` in ``html``, in order."""
    code = script_source(script_file)
    found, start = [], 0
    decoder = json.JSONDecoder()
    while (at := html.find(code, start)) >= 0:
        call = re.compile(r"\(\s*[\w$]+\s*,\s*").match(html, at + len(code))
        assert call, f"{script_file}: no call after the script"
        document, end = decoder.raw_decode(html, call.end())
        found.append(document)
        start = end
    return found


def events_drawn(html: str) -> list[dict]:
    """The events of every per-event layer in ``html``."""
    return [event for doc in payloads(html, "event_layer.js") for event in doc["events"]]


def cells_drawn(html: str) -> list[list]:
    """The grid cells of every aggregate layer in ``html``."""
    return [cell for doc in payloads(html, "aggregate_layer.js") for cell in doc["cells"]]
