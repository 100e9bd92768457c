"""UCDP Georeferenced Event Dataset (GED) CSV into the project's columns.

Per the GED codebook: ``date_prec`` 1 exact day, 2 a 2–6 day period, 3 within
a week, 4 within a month, 5 within a year, read as day/week/week/month/year;
``where_prec`` 1 exact place, 2 within 25 km, 3 second-order administrative
division, 4 first-order division, 5 a linear feature or larger region, 6 only
the country, 7 international waters or airspace: read as 1/2/2/3/3, and 6 and
7 rejected as too imprecise to map. ``event_date`` is ``date_start`` (GED
writes it as ``2024-01-16`` or ``2024-01-16 00:00:00.000``); a different
``date_end`` is kept in the notes. ``best``/``low``/``high`` are the
fatalities and their range; ``side_a``/``side_b`` the actors; the event type
comes from ``type_of_violence``; the notes are an excerpt of
``source_article``. ``source_id`` is ``ucdp:<file name>``; ``event_id`` is
GED's ``id``.
"""

from __future__ import annotations

import pandas as pd

from dashboard.importers.fields import cell, iso, map_codes, parse_dates, project_frame, with_note
from dashboard.importers.report import Report

KEY = "ucdp"
LABEL = "UCDP GED"
REQUIRED = (
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "country",
    "where_coordinates",
    "where_description",
    "latitude",
    "longitude",
    "where_prec",
    "date_prec",
    "date_start",
    "best",
    "low",
    "high",
)
COLUMNS = {
    "event_id": "id",
    "event_date": "date_start",
    "date_precision": "date_prec",
    "event_type": "type_of_violence",
    "actor1": "side_a",
    "actor2": "side_b",
    "admin1": "adm_1",
    "location": "where_description",
    "geo_precision": "where_prec",
    "fatalities": "best",
    "fatalities_low": "low",
    "fatalities_high": "high",
    "notes": "source_article",
}
DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
WHERE_PRECISION = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3"}
UNMAPPABLE = ("6", "7")
TYPE_OF_VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}
# GED dates may carry a midnight time; only the day counts.
DATE_PATTERN = r"^(\d{4}-\d{1,2}-\d{1,2})(?:[ T][0-9:.]*)?$"
EXCERPT_CHARS = 500
EXPECTED_DATE = "a date written YYYY-MM-DD (a time after it is allowed)"
EXPECTED_DATE_PREC = (
    "a UCDP date_prec code: 1 (exact day), 2 (a 2–6 day period), 3 (within a week), 4 (within a month),"
    " 5 (within a year)"
)
EXPECTED_WHERE_PREC = "a UCDP where_prec code from 1 (exact place) to 5 (a larger region)"
EXPECTED_MAPPABLE = (
    "a where_prec from 1 to 5: 6 (only the country is known) and 7 (international waters or airspace)"
    " are too imprecise to map"
)
EXPECTED_TYPE = "a UCDP type_of_violence: 1 (state-based), 2 (non-state) or 3 (one-sided violence)"


def convert(source: pd.DataFrame, report: Report, file_name: str, container: str = "csv") -> pd.DataFrame:
    """The rows of a GED file as project-schema text, problems reported."""
    start = _dates(cell(source, "date_start"))
    end = _dates(cell(source, "date_end"))
    report.flag(start.isna(), "event_date", EXPECTED_DATE)
    where_prec = cell(source, "where_prec")
    report.flag(where_prec.isin(UNMAPPABLE), "geo_precision", EXPECTED_MAPPABLE)
    geo_precision = where_prec.map(WHERE_PRECISION)
    report.flag(geo_precision.isna() & ~where_prec.isin(UNMAPPABLE), "geo_precision", EXPECTED_WHERE_PREC)
    range_note = ("UCDP date range: " + iso(start) + " to " + iso(end)).where(end.notna() & (end != start), "")
    location = cell(source, "where_description")
    columns = {
        "event_id": cell(source, "id"),
        "event_date": iso(start),
        "date_precision": map_codes(
            cell(source, "date_prec"), DATE_PRECISION, report, "date_precision", EXPECTED_DATE_PREC
        ),
        "event_type": map_codes(
            cell(source, "type_of_violence"), TYPE_OF_VIOLENCE, report, "event_type", EXPECTED_TYPE
        ),
        "actor1": cell(source, "side_a"),
        "actor2": cell(source, "side_b"),
        "country": cell(source, "country"),
        "admin1": cell(source, "adm_1"),
        "location": location.where(location != "", cell(source, "where_coordinates")),
        "latitude": cell(source, "latitude"),
        "longitude": cell(source, "longitude"),
        "geo_precision": geo_precision.fillna("").astype(str),
        "fatalities": cell(source, "best"),
        "fatalities_low": cell(source, "low"),
        "fatalities_high": cell(source, "high"),
        "notes": with_note(_excerpt(cell(source, "source_article")), range_note),
        "source_id": pd.Series(f"{KEY}:{file_name}", index=source.index, dtype=str),
    }
    return project_frame(columns, source.index)


def _dates(cells: pd.Series) -> pd.Series:
    day = cells.str.extract(DATE_PATTERN, expand=False).fillna("")
    return parse_dates(day, ("%Y-%m-%d",))


def _excerpt(text: pd.Series) -> pd.Series:
    long = text.str.len() > EXCERPT_CHARS
    return text.where(~long, text.str.slice(0, EXCERPT_CHARS - 1).str.rstrip() + "…")
