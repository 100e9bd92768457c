"""The events as a spreadsheet-safe CSV.

Written as UTF-8 with a byte-order mark and CRLF line ends (RFC 4180): Excel
only reads a CSV as UTF-8 when the mark is there, and the data speaks of the
Iran–Pakistan border with en dashes and curly quotes. pandas and the
project's own reader (``dashboard.curated.read_raw``) skip the mark.

Formula-safe, after the OWASP CSV injection guidance: a text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, so a spreadsheet shows it as text instead of running it. Numeric,
boolean and date columns are never touched (``-12.5`` stays a number).
"""

from __future__ import annotations

import pandas as pd

from dashboard.exporters.fields import EXPORT_COLUMNS, check_columns, export_columns

ENCODING = "utf-8-sig"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def to_csv(events: pd.DataFrame) -> bytes:
    """Schema columns, then the join columns; dates as YYYY-MM-DD; no geometry."""
    check_columns(events, EXPORT_COLUMNS, "CSV")
    table = pd.DataFrame(events[export_columns(events)]).reset_index(drop=True)
    table["event_date"] = pd.to_datetime(table["event_date"]).dt.strftime("%Y-%m-%d")
    for column in table.columns:
        if _is_text(table[column]):
            table[column] = neutralise_formulas(table[column])
    return table.to_csv(index=False, lineterminator="\r\n").encode(ENCODING)


def neutralise_formulas(cells: pd.Series) -> pd.Series:
    """Prefix an apostrophe to each text cell a spreadsheet would read as a formula."""
    risky = cells.map(lambda value: isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)).astype(bool)
    if not risky.any():
        return cells
    cells = cells.astype(object)
    cells[risky] = "'" + cells[risky].astype(str)
    return cells


def _is_text(cells: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(cells) or pd.api.types.is_object_dtype(cells)
