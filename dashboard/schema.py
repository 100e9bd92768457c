"""The project's event schema, declared once, and the check of a raw table against it.

The column set is a superset of ACLED's core (event_date, event_type,
sub_event_type, actor1, actor2, country, admin1, location, latitude,
longitude, geo_precision, fatalities, notes) so analysts recognise it, plus
what a traceable briefing needs: the cited source and its verbatim passage,
date precision in words, a fatality range where sources disagree, and the
origin country of a cross-border action.

``validate_events`` takes the file as read (every cell a string) and returns
the rows that pass, typed, with one ``Problem`` for every cell that does not.
A row with any problem is left out of the typed result, never half-loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.problems import Problem, spreadsheet_row

DATE_PRECISIONS = ("day", "week", "month", "year")
GEO_PRECISIONS = (1, 2, 3)
GEO_PRECISION_WORDS = {
    1: "the place itself (within 2 km)",
    2: "within the stated radius of the point (25 km if none is stated)",
    3: "only the province or region is known (anywhere in it)",
}
DATE_PRECISION_WORDS = {
    "day": "the exact day is known",
    "week": "known to within about a week (see the notes for the range)",
    "month": "only the month is known (first of the month shown)",
    "year": "only the year is known (1 January shown)",
}
DIPLOMATIC = "Diplomatic action"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "text", "date", "float", "int", "choice"
    required: bool
    help: str
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    extra: tuple[Callable[[pd.Series], pd.Series], ...] = field(default=())

    def expected(self) -> str:
        if self.kind == "date":
            return "a date written YYYY-MM-DD"
        if self.kind == "choice":
            return "one of " + ", ".join(str(c) for c in self.choices)
        if self.kind in ("float", "int") and self.low is not None and self.high is not None:
            noun = "a whole number" if self.kind == "int" else "a number"
            return f"{noun} from {self.low:g} to {self.high:g}"
        if self.kind == "int":
            return "a whole number of 0 or more"
        return "a value (this column may not be empty)"


COLUMNS: tuple[Column, ...] = (
    Column("event_id", "text", True, "Unique id of the event."),
    Column("event_date", "date", True, "Date of the event (YYYY-MM-DD)."),
    Column("date_precision", "choice", True, "How well the date is known.", DATE_PRECISIONS),
    Column("event_type", "text", True, "ACLED event type, or 'Diplomatic action'."),
    Column("sub_event_type", "text", False, "ACLED sub-event type or diplomatic step."),
    Column("actor1", "text", True, "The actor who acted."),
    Column("actor2", "text", False, "The actor acted upon, if any."),
    Column("country", "text", True, "Country where the event took place, as declared."),
    Column("admin1", "text", False, "Province (first-level division), as declared."),
    Column("location", "text", True, "Place name."),
    Column("latitude", "float", True, "WGS84 latitude.", low=-90, high=90),
    Column("longitude", "float", True, "WGS84 longitude.", low=-180, high=180),
    Column("geo_precision", "choice", True, "1 place, 2 near it/district, 3 province.", GEO_PRECISIONS),
    Column(
        "place_radius_km",
        "float",
        False,
        "With geo_precision 2: the place lies within this many km of the point (empty: 25 km).",
        low=0,
        high=1000,
    ),
    Column("fatalities", "int", False, "Best fatality figure; empty if unknown.", low=0, high=1e7),
    Column("fatalities_low", "int", False, "Lowest reported figure.", low=0, high=1e7),
    Column("fatalities_high", "int", False, "Highest reported figure.", low=0, high=1e7),
    Column("origin_country", "text", False, "For a cross-border action, where it came from."),
    Column("notes", "text", False, "What happened, in a sentence or two."),
    Column("source_id", "text", False, "Id of the cited source in sources.csv."),
    Column("source_quote", "text", False, "Passage of the source, verbatim."),
    Column(
        "detail_source_id", "text", False, "Source for coordinates or exact date where the cited passage lacks them."
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED = tuple(c.name for c in COLUMNS if c.required)
TEXT_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "text")


@dataclass
class ValidationResult:
    events: pd.DataFrame
    problems: list[Problem]
    rows_read: int

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


def missing_columns(raw: pd.DataFrame, file: str) -> list[Problem]:
    """One problem per required column the header lacks."""
    return [
        Problem(file, None, name, "", f"the header has no column {name!r} (required)")
        for name in REQUIRED
        if name not in raw.columns
    ]


def validate_events(raw: pd.DataFrame, file: str) -> ValidationResult:
    """Check ``raw`` (all cells strings) against ``COLUMNS``.

    Returns the valid rows with typed columns (dates as ``datetime64``,
    coordinates as floats, counts as nullable ints) and a problem for each bad
    cell, duplicate id or inconsistent fatality range.
    """
    problems = missing_columns(raw, file)
    if problems:
        return ValidationResult(_empty_typed(), problems, len(raw))
    raw = raw.reset_index(drop=True)
    for name in COLUMN_NAMES:
        if name not in raw.columns:
            raw[name] = ""
    text = raw.fillna("").astype(str)
    text = text.apply(lambda s: s.str.strip()) if len(text) else text  # apply drops the columns of no rows
    typed = pd.DataFrame(index=text.index)
    bad = pd.Series(False, index=text.index)
    for column in COLUMNS:
        values, invalid = _parse(column, text[column.name])
        typed[column.name] = values
        problems += _problems_for(file, column, text[column.name], invalid, column.expected())
        bad |= invalid
    problems += _row_checks(file, text, typed, bad)
    bad_rows = {p.row for p in problems if p.row is not None}
    keep = ~pd.Series([spreadsheet_row(i) in bad_rows for i in text.index], index=text.index, dtype=bool)
    extra = [c for c in raw.columns if c not in COLUMN_NAMES]
    result = typed[keep].join(text.loc[keep, extra]) if extra else typed[keep]
    problems.sort(key=lambda p: (p.row or 0, COLUMN_NAMES.index(p.column) if p.column in COLUMN_NAMES else 99))
    return ValidationResult(result.reset_index(drop=True), problems, len(raw))


def _parse(column: Column, cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = cells == ""
    if column.kind == "text":
        return cells.where(~empty, ""), empty & column.required
    if column.kind == "date":
        values = pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce")
        return values, values.isna() & (~empty | column.required)
    if column.kind == "choice":
        as_text = tuple(str(c) for c in column.choices)
        ok = cells.isin(as_text)
        values = cells.map(dict(zip(as_text, column.choices, strict=True)))
        if all(isinstance(c, int) for c in column.choices):
            values = values.astype("Int64")
        return values, ~ok & (~empty | column.required)
    numbers = pd.to_numeric(cells.where(~empty, None), errors="coerce")
    out_of_range = (numbers < column.low) | (numbers > column.high)
    invalid = (numbers.isna() & (~empty | column.required)) | out_of_range.fillna(False)
    if column.kind == "int":
        invalid |= (numbers.notna() & (numbers != np.floor(numbers))).fillna(False)
        values = numbers.where(~invalid).round().astype("Int64")
    else:
        values = numbers.where(~invalid).astype("float64")
    return values, invalid


def _problems_for(file: str, column: Column, cells: pd.Series, invalid: pd.Series, expected: str) -> list[Problem]:
    return [Problem(file, spreadsheet_row(i), column.name, cells[i], expected) for i in cells.index[invalid.to_numpy()]]


def _row_checks(file: str, text: pd.DataFrame, typed: pd.DataFrame, bad: pd.Series) -> list[Problem]:
    problems: list[Problem] = []
    ids = text["event_id"]
    duplicated = ids.duplicated(keep="first") & (ids != "")
    for i in ids.index[duplicated.to_numpy()]:
        first = spreadsheet_row(int(ids.index[(ids == ids[i]).to_numpy()][0]))
        problems.append(Problem(file, spreadsheet_row(i), "event_id", ids[i], f"a unique id (row {first} has it too)"))
    low, best, high = typed["fatalities_low"], typed["fatalities"], typed["fatalities_high"]
    for name, lo, hi, what in (
        ("fatalities_low", low, best, "no more than fatalities"),
        ("fatalities_high", best, high, "no less than fatalities"),
        ("fatalities_high", low, high, "no less than fatalities_low"),
    ):
        wrong = (lo > hi).fillna(False) & ~bad
        for i in text.index[wrong.to_numpy()]:
            problems.append(Problem(file, spreadsheet_row(i), name, text.at[i, name], what))
    return problems


def _empty_typed() -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=object) for c in COLUMNS})


def fatality_range(events: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Low and high fatality figures per event, falling back to the best figure."""
    best = events["fatalities"]
    return events["fatalities_low"].fillna(best), events["fatalities_high"].fillna(best)
