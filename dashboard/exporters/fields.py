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

from dashboard.schema import COLUMN_NAMES

JOIN_COLUMNS = ("country_geo", "admin1_geo", "distance_to_border_km", "cross_border", "location_mismatch")
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
    """Schema columns, join columns, then extra columns in the order given."""
    extra = [c for c in events.columns if c not in EXPORT_COLUMNS and c not in DRAWING_COLUMNS]
    return [*EXPORT_COLUMNS, *extra]


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
