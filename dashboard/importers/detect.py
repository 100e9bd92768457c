"""Which format a table is in, judged from its column names.

A format is recognised when the header has every column it requires (extra
columns are fine). The project's own CSV is tried first, then ACLED, then
UCDP GED: their required columns do not overlap enough to confuse them. When
none fits, the message names, for each format, the columns it needs and the
ones this file lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from dashboard.importers import acled, project_csv, ucdp
from dashboard.importers.reading import whole_file
from dashboard.importers.report import Report

# A header cell that looks like a value: a number, or a date.
LOOKS_LIKE_DATA = re.compile(r"^-?\d+([.,]\d+)?$|^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2} [A-Za-z]+ \d{4}$")
SHOWN_HEADER_CELLS = 8


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    required: tuple[str, ...]
    columns: dict[str, str]  # project column -> this format's column
    convert: Callable[[pd.DataFrame, Report, str, str], pd.DataFrame]


FORMATS: tuple[Format, ...] = tuple(
    Format(module.KEY, module.LABEL, tuple(module.REQUIRED), dict(module.COLUMNS), module.convert)
    for module in (project_csv, acled, ucdp)
)


def detect_format(columns: Iterable[str], file: str, container: str = "csv") -> Format:
    """The first format whose required columns are all present; ``DataError`` if none."""
    present = set(columns)
    for candidate in FORMATS:
        if all(name in present for name in candidate.required):
            return candidate
    raise whole_file(file, _no_format_message(list(columns), present, container))


def _no_format_message(header: list[str], present: set[str], container: str) -> str:
    # GeoJSON's latitude and longitude always come from the geometry, so never name them.
    implied = {"latitude", "longitude"} if container == "geojson" else set()
    needs = []
    for candidate in FORMATS:
        required = [name for name in candidate.required if name not in implied]
        missing = [name for name in required if name not in present]
        lacking = "" if len(missing) == len(required) else f" (missing here: {', '.join(missing)})"
        needs.append(f"{candidate.label} needs {', '.join(required)}{lacking}")
    shown = ", ".join(repr(h) for h in header[:SHOWN_HEADER_CELLS] if h not in implied)
    if len(header) > SHOWN_HEADER_CELLS:
        shown += ", ..."
    if container == "geojson":
        opening = f"feature properties named as in a known format; these properties ({shown}) match none. "
    elif any(LOOKS_LIKE_DATA.match(h.strip()) for h in header):
        opening = f"a header row naming the columns; the first line looks like data ({shown}). "
    else:
        opening = f"the columns of a known format; this header ({shown}) matches none. "
    return opening + "; ".join(needs)
