"""The view value the live map and every export format draw from: built once, so no two disagree.

``build`` makes it from the data, the filter in sight and the events that pass
it; the page draws its live map from it (events, colours, basemap, frame) and
hands the same value to the registry's writers, and ``briefing`` and the pack
build theirs the same way. Each format module's ``write(view) -> bytes``
reads only what it needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

TITLE = "Iran–Pakistan border crisis"


@dataclass(frozen=True)
class ExportView:
    data: object  # the Dataset: sources, borders, label
    spec: object  # the FilterSpec in sight
    events: pd.DataFrame  # the events that pass it
    caption: str  # the filter sentence and the data it was drawn from
    colours: Mapping[str, str]  # each canonical actor's colour (style.actor_colours)
    basemap: str = "none"
    scale: int = 1
    show_areas: bool = True
    generated_at: dt.datetime | None = None
    record: dict | None = None  # the export's manifest
    since: object = None  # changes since the last briefing (the PDF's section)
    marking: str = ""  # the handling marking ("" for none)
    title: str = TITLE
    extent: tuple[float, float, float, float] | None = None  # (south, west, north, east); None: fit the events
    highlight: str | None = None  # the selected event (a snapshot labels it first, its callout points at it)
    labels: bool = False  # label key events (date, deaths) on a picture
    annotation: str = ""  # a callout drawn on a picture
    header: bool = True  # False: a picture without title and caption (a pack page sets them as text)


def caption(spec, events: pd.DataFrame, data) -> str:
    """The filter sentence, and which data it was drawn from."""
    from dashboard import filters

    return f"{filters.describe(spec, len(events))} Data: {data.label}."


def build(data, spec, events: pd.DataFrame, colours: Mapping[str, str] | None = None, **options) -> ExportView:
    """The view of ``events`` (those of ``data`` that pass ``spec``); ``colours`` defaults to the
    events' canonical colours, ``options`` are the other fields of ``ExportView``."""
    from dashboard import style

    if colours is None:
        colours = style.actor_colours(events["actor1"])
    return ExportView(data, spec, events, caption(spec, events, data), colours, **options)


def colours_in_view(view: ExportView) -> dict[str, str]:
    """The colours of the actors among the view's events (most frequent first: a legend's order), each
    as the view gives it: the live map and every picture colour an actor alike."""
    from dashboard import style

    canonical = style.actor_colours(view.events["actor1"])
    return {actor: view.colours.get(actor, colour) for actor, colour in canonical.items()}
