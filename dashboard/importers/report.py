"""The problems of one import, named in the terms of the file as the analyst has it.

Every stage (reading, conversion, placement, id and coordinate checks, the
schema check) reports here. A problem names the file's own column and cell
(``time_precision`` and ``'4'``, not the project's ``date_precision``), and
the row as the analyst counts it (spreadsheet rows for CSV, feature numbers
for GeoJSON). A cell explained by an earlier, more specific stage is not
reported again by a later, generic one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from dashboard.problems import Problem, spreadsheet_row


@dataclass
class Report:
    file: str
    source: pd.DataFrame  # the file's cells as read, every one a string
    row_numbers: np.ndarray  # row number to report for each position in ``source``
    columns: dict[str, str] = field(default_factory=dict)  # project column -> file column
    problems: list[Problem] = field(default_factory=list)
    covered: set[tuple[int, str]] = field(default_factory=set)  # (position, project column) explained
    positions: list[int] = field(default_factory=list)  # position of each problem's row

    def source_column(self, column: str) -> str:
        return self.columns.get(column, column)

    def flag(
        self,
        mask: pd.Series | np.ndarray,
        column: str,
        expected: str | pd.Series,
        values: pd.Series | None = None,
        covers: tuple[str, ...] = (),
    ) -> None:
        """Report the rows where ``mask`` holds.

        ``column`` is the project column at fault (reported under the file's
        name for it); ``expected`` is one text or one per row; ``values``
        defaults to the file's own cells; ``covers`` names further project
        columns this problem explains.
        """
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(positions) == 0:
            return
        name = self.source_column(column)
        if values is None:
            values = self.source[name] if name in self.source else pd.Series("", index=self.source.index)
        cells = np.asarray(values, dtype=object)[positions]
        texts = (
            np.asarray(expected, dtype=object)[positions]
            if isinstance(expected, pd.Series | np.ndarray)
            else [expected] * len(positions)
        )
        for position, cell, text in zip(positions, cells, texts, strict=True):
            self.problems.append(Problem(self.file, int(self.row_numbers[position]), name, str(cell), str(text)))
            self.positions.append(int(position))
            self.covered.update((int(position), c) for c in (column, *covers))

    def add(self, position: int, file_column: str, value: str, expected: str, covers: tuple[str, ...] = ()) -> None:
        """Report one cell found wrong while reading (a column the file has, or "geometry")."""
        self.problems.append(Problem(self.file, int(self.row_numbers[position]), file_column, value, expected))
        self.positions.append(position)
        self.covered.update((position, c) for c in covers)

    def covered_mask(self, column: str) -> np.ndarray:
        """Boolean mask of the positions where ``column`` is already explained by a problem."""
        mask = np.zeros(len(self.source), dtype=bool)
        mask[[position for position, name in self.covered if name == column]] = True
        return mask

    def flagged(self) -> np.ndarray:
        """Boolean mask of the positions with at least one problem."""
        mask = np.zeros(len(self.source), dtype=bool)
        mask[self.positions] = True
        return mask

    def add_schema_problems(self, problems: list[Problem]) -> None:
        """Take ``validate_events`` problems (positional rows, project columns)."""
        for problem in problems:
            if problem.row is None:
                raise ValueError(f"unexpected whole-file problem from the schema check: {problem}")
            position = problem.row - spreadsheet_row(0)
            if (position, problem.column) in self.covered:
                continue
            name = self.source_column(problem.column)
            value = self.source[name].iat[position] if name in self.source else problem.value
            self.problems.append(
                replace(
                    problem,
                    row=int(self.row_numbers[position]),
                    column=name,
                    value=str(value),
                    expected=self._in_file_terms(problem.expected),
                )
            )
            self.positions.append(position)

    def _in_file_terms(self, text: str) -> str:
        """A schema message with the project's column names replaced by the file's ("no more than best")."""
        for project, own in self.columns.items():
            text = re.sub(rf"\b{re.escape(project)}\b", own, text)
        return text

    def sorted_problems(self) -> list[Problem]:
        """Problems in row order; within a row, in the order of the file's columns."""
        order = {name: i for i, name in enumerate(self.source.columns)}
        return sorted(self.problems, key=lambda p: (p.row or 0, order.get(p.column, len(order))))
