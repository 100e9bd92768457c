"""Vectorised helpers the format modules share: codes, dates, notes."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.importers.report import Report
from dashboard.schema import COLUMN_NAMES

ISO_DATE = "%Y-%m-%d"


def cell(source: pd.DataFrame, column: str) -> pd.Series:
    """The column's cells, stripped, or empty strings when the file lacks it."""
    if column not in source:
        return pd.Series("", index=source.index, dtype=str)
    return source[column].astype(str).str.strip()


def map_codes(codes: pd.Series, mapping: dict[str, str], report: Report, column: str, expected: str) -> pd.Series:
    """Codes translated through ``mapping``; any other code is reported with ``expected``."""
    out = codes.map(mapping)
    report.flag(out.isna(), column, expected)
    return out.fillna("").astype(str)


def parse_dates(cells: pd.Series, formats: Iterable[str]) -> pd.Series:
    """Dates as ``datetime64``, trying each format in turn; NaT where none fits."""
    dates = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[us]")
    for fmt in formats:
        todo = dates.isna() & (cells != "")
        if not todo.any():
            break
        dates[todo] = pd.to_datetime(cells[todo], format=fmt, errors="coerce")
    return dates


def iso(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime(ISO_DATE).fillna("").astype(str)


def with_note(notes: pd.Series, extra: pd.Series) -> pd.Series:
    """``notes`` with ``[extra]`` appended where ``extra`` is not empty; the notes themselves unchanged."""
    space = pd.Series(" ", index=notes.index, dtype=str).where(notes != "", "")
    return (notes + space + "[" + extra + "]").where(extra != "", notes)


def project_frame(columns: dict[str, pd.Series | str], index: pd.Index) -> pd.DataFrame:
    """A frame with exactly the schema's columns, in order, every cell a string."""
    out = pd.DataFrame(index=index)
    for name in COLUMN_NAMES:
        value = columns.get(name, "")
        out[name] = value if isinstance(value, pd.Series) else pd.Series(value, index=index, dtype=str)
    return out.astype(str)
