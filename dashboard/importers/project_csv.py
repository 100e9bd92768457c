"""The project's own events CSV (``data/events.csv``'s columns), imported as is.

Its columns are the schema's (``dashboard.schema``), so nothing is translated:
the schema check does the work. A row without a ``source_id`` gets
``csv:<file name>`` (or ``geojson:<file name>``) so it can be traced to the file.
"""

from __future__ import annotations

import pandas as pd

from dashboard.importers.fields import cell, project_frame
from dashboard.importers.report import Report
from dashboard.schema import COLUMN_NAMES, REQUIRED  # noqa: F401 (re-exported: the columns this format needs)

KEY = "project_csv"
LABEL = "the project's events CSV"
COLUMNS: dict[str, str] = {}


def convert(source: pd.DataFrame, report: Report, file_name: str, container: str = "csv") -> pd.DataFrame:
    """The rows as project-schema text (the schema check reports their problems)."""
    columns = {name: cell(source, name) for name in COLUMN_NAMES}
    source_id = columns["source_id"]
    columns["source_id"] = source_id.where(source_id != "", f"{container}:{file_name}")
    return project_frame(columns, source.index)
