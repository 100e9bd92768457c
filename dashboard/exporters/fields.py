"""Which columns every export carries, and their values as plain Python.

The table exports (CSV, GeoJSON, KML) all write the same fields in the same
order: the schema's columns, then what the join to the borders added, then
any extra columns an importer kept. The arrow tails (``origin_lat``,
``origin_lon``) are left out: they are drawing aids recomputed on every load,
not facts about the event.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from dashboard.borders import JOIN_COLUMNS
from dashboard.schema import COLUMN_NAMES

# What loading adds to each record: the actors as written and their side and kind
# (dashboard.actors), and the attributed claims (dashboard.claims). Exported when present.
RECORD_COLUMNS = (
    "actor1_original",
    "actor1_side",
    "actor1_kind",
    "actor2_original",
    "actor2_side",
    "actor2_kind",
    "claims",
    "disputed",
    "target_claimed_by",
)
DRAWING_COLUMNS = ("origin_lat", "origin_lon", "geometry")
EXPORT_COLUMNS = COLUMN_NAMES + JOIN_COLUMNS

PlainValue = str | int | float | bool | None


def check_columns(events: pd.DataFrame, needed: Iterable[str], export: str) -> None:
    """Refuse events that lack a column ``export`` needs, naming every one missing."""
    missing = [name for name in needed if name not in events.columns]
    if missing:
        names = ", ".join(repr(name) for name in missing)
        raise ValueError(
            f"{export} export: the events have no column {names}; "
            "pass events joined to the borders (dashboard.borders.join_events, as load_curated does)"
        )


def export_columns(events: pd.DataFrame) -> list[str]:
    """Schema columns, join columns, the record's added columns, then extra columns in the order given."""
    added = [c for c in RECORD_COLUMNS if c in events.columns]
    extra = [c for c in events.columns if c not in (*EXPORT_COLUMNS, *RECORD_COLUMNS, *DRAWING_COLUMNS)]
    return [*EXPORT_COLUMNS, *added, *extra]


def plain_value(value: object) -> PlainValue:
    """A cell as JSON-ready Python: dates as ISO text, missing values as ``None``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        is_midnight = value.hour == value.minute == value.second == value.microsecond == 0
        return value.date().isoformat() if is_midnight and value.tzinfo is None else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def records(events: pd.DataFrame) -> list[dict[str, PlainValue]]:
    """One dict per event, fields in export order, values plain."""
    columns = export_columns(events)
    table = events[columns]
    return [
        dict(zip(columns, (plain_value(v) for v in row), strict=True))
        for row in table.itertuples(index=False, name=None)
    ]
