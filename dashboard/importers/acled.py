"""ACLED export CSV into the project's columns.

ACLED's own columns map one to one except: ``event_id_cnty`` is the event id;
``time_precision`` 1/2/3 is day/week/month; ``geo_precision`` 1/2/3 keeps its
meaning (ours was modelled on it); ``event_date`` is read as ``2024-01-16`` or
as ``16 January 2024`` (both occur in exports); ACLED's ``source`` (the
outlets) is added to the notes in brackets, the notes themselves unchanged.
``source_id`` is ``acled:<file name>``, so every row can be traced to the file
and, by ``event_id``, to ACLED.
"""

from __future__ import annotations

import pandas as pd

from dashboard.importers.fields import cell, iso, map_codes, parse_dates, project_frame, with_note
from dashboard.importers.report import Report

KEY = "acled"
LABEL = "ACLED export"
REQUIRED = (
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "actor1",
    "country",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
)
COLUMNS = {"event_id": "event_id_cnty", "date_precision": "time_precision"}
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": "1", "2": "2", "3": "3"}
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y")
EXPECTED_DATE = "a date written YYYY-MM-DD or as in '16 January 2024'"
EXPECTED_TIME_PRECISION = "an ACLED time_precision code: 1 (the day is known), 2 (the week), 3 (only the month)"
EXPECTED_GEO_PRECISION = (
    "an ACLED geo_precision code: 1 (the place itself), 2 (near it, or part of a district), 3 (only a larger region)"
)


def convert(source: pd.DataFrame, report: Report, file_name: str, container: str = "csv") -> pd.DataFrame:
    """The rows of an ACLED export as project-schema text, problems reported."""
    dates = parse_dates(cell(source, "event_date"), DATE_FORMATS)
    report.flag(dates.isna(), "event_date", EXPECTED_DATE)
    outlets = cell(source, "source")
    columns = {
        "event_id": cell(source, "event_id_cnty"),
        "event_date": iso(dates),
        "date_precision": map_codes(
            cell(source, "time_precision"), TIME_PRECISION, report, "date_precision", EXPECTED_TIME_PRECISION
        ),
        "geo_precision": map_codes(
            cell(source, "geo_precision"), GEO_PRECISION, report, "geo_precision", EXPECTED_GEO_PRECISION
        ),
        "notes": with_note(cell(source, "notes"), ("ACLED sources: " + outlets).where(outlets != "", "")),
        "source_id": pd.Series(f"{KEY}:{file_name}", index=source.index, dtype=str),
    }
    for name in (
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "country",
        "admin1",
        "location",
        "latitude",
        "longitude",
        "fatalities",
    ):
        columns[name] = cell(source, name)
    return project_frame(columns, source.index)
