"""A problem found in an input file, named precisely enough to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or one row, or the whole file).

    ``row`` counts as a spreadsheet does: the header is row 1, the first data
    row is row 2. ``row`` is ``None`` for a problem with the whole file and
    ``column`` is ``""`` for a problem with a whole row.
    """

    file: str
    row: int | None
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}: row {self.row}"
        if self.column:
            where += f", column {self.column}"
        if self.row is not None or self.column:
            where += f", value {self.value!r}"
        return f"{where}: {self.expected}"


class DataError(ValueError):
    """Raised when a file cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = "\n".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        if more > 0:
            shown += f"\n... and {more} more problems"
        super().__init__(shown)


def spreadsheet_row(index: int) -> int:
    """Spreadsheet row number of the data row at 0-based position ``index``."""
    return index + 2


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table (for display and CSV download)."""
    columns = ["file", "row", "column", "value", "expected"]
    frame = pd.DataFrame([asdict(p) for p in problems], columns=columns)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def read_table(path, columns) -> pd.DataFrame:
    """A small project CSV (registry, claims, actors) as text cells, stripped;
    ``DataError`` naming every column of ``columns`` its header lacks."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [Problem(str(path), None, name, "", f"the header has no column {name!r}") for name in columns]
    missing = [p for p in missing if p.column not in raw.columns]
    if missing:
        raise DataError(missing)
    return raw.apply(lambda column: column.str.strip())
