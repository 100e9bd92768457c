"""The events as a spreadsheet-safe CSV.

Written as UTF-8 with a byte-order mark and CRLF line ends (RFC 4180): Excel
only reads a CSV as UTF-8 when the mark is there, and the data speaks of the
Iran–Pakistan border with en dashes and curly quotes. pandas and the
project's own reader (``dashboard.curated.read_raw``) skip the mark.

Formula-safe, after the OWASP CSV injection guidance: a text cell that a
spreadsheet would run (``=``, ``+``, ``-``, ``@``, their full-width forms, a
tab, CR or LF, also after leading blanks; ``safe_text.is_formula``) gets a
leading apostrophe, so it shows as text. Numeric, boolean and date columns are
never touched (``-12.5`` stays a number). ``table_to_csv`` writes any table
(the import rejection report too) the same way.
"""

from __future__ import annotations

import pandas as pd

from dashboard import safe_text
from dashboard.exporters.fields import EXPORT_COLUMNS, check_columns, export_columns

ENCODING = "utf-8-sig"


def to_csv(events: pd.DataFrame) -> bytes:
    """Schema columns, then the join columns; dates as YYYY-MM-DD; no geometry."""
    check_columns(events, EXPORT_COLUMNS, "CSV")
    table = pd.DataFrame(events[export_columns(events)]).reset_index(drop=True)
    table["event_date"] = pd.to_datetime(table["event_date"]).dt.strftime("%Y-%m-%d")
    return table_to_csv(table)


def table_to_csv(table: pd.DataFrame) -> bytes:
    """Any table as UTF-8 (with BOM), CRLF, formula-safe CSV: headers and text cells neutralised."""
    table = pd.DataFrame(table).reset_index(drop=True)
    table.columns = [safe_text.csv_cell(str(name)) for name in table.columns]
    for position in range(table.shape[1]):
        cells = table.iloc[:, position]
        if _is_text(cells):
            table.isetitem(position, neutralise_formulas(cells))
    return table.to_csv(index=False, lineterminator="\r\n").encode(ENCODING)


def neutralise_formulas(cells: pd.Series) -> pd.Series:
    """Prefix an apostrophe to each text cell a spreadsheet would read as a formula."""
    risky = cells.map(safe_text.is_formula).astype(bool)
    if not risky.any():
        return cells
    cells = cells.astype(object)
    cells[risky] = "'" + cells[risky].astype(str)
    return cells


def _is_text(cells: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(cells) or pd.api.types.is_object_dtype(cells)


FORMAT = {"name": "csv", "label": "Table (CSV)", "extension": "csv", "mime_type": "text/csv", "order": 4}


def write(view) -> bytes:
    return to_csv(view.events)
