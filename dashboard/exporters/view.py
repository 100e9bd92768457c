"""The view value every export format writes from: built once per export, so no two formats disagree.

``briefing`` builds it from the data and the filter in sight; each format
module's ``write(view) -> bytes`` reads only what it needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

TITLE = "Iran–Pakistan border crisis"


@dataclass(frozen=True)
class ExportView:
    data: object  # the Dataset: sources, borders, label
    spec: object  # the FilterSpec in sight
    events: pd.DataFrame  # the events that pass it
    caption: str  # the filter sentence and the data it was drawn from
    basemap: str = "none"
    scale: int = 1
    show_areas: bool = True
    generated_at: dt.datetime | None = None
    record: dict | None = None  # the export's manifest
    since: object = None  # changes since the last briefing (the PDF's section)
    marking: str = ""  # the handling marking ("" for none)
    title: str = TITLE
