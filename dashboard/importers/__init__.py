"""Bring your own events: ACLED, UCDP GED, GeoJSON points or the project's CSV.

``import_file`` (a path) and ``import_bytes`` (an upload) read a file, tell its
format from its columns, translate it into the project's event schema, place
rows that only name a place from the offline gazetteer, check every row, and
join the good ones to the borders. The result holds the loaded events, ready to
concatenate with the curated ones (same columns, same types), and one line for
every problem of every rejected row: a row with several problems counts once
but lists each. Nothing is dropped without a line; ``loaded + rejected_count
== rows_read`` always holds (blank lines are not rows).

Rows are numbered as the analyst sees them: for CSV as in a spreadsheet (the
header is row 1), for GeoJSON by feature (the first feature is row 1).
Problems name the file's own column and cell (``time_precision``, ``'4'``).

A problem with the whole file (too big, empty, not UTF-8, malformed, no event
rows, columns of no known format) raises ``DataError`` with one message
naming the file.

Text is kept as it is: notes, actors and places containing HTML are not
stripped or altered (whatever renders them escapes them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard import config
from dashboard.borders import BorderGeometry, join_events
from dashboard.claims import annotate, empty_claims
from dashboard.gazetteer import Gazetteer
from dashboard.importers.checks import check_ids, check_outside, check_outside_unjoined, check_swapped
from dashboard.importers.detect import detect_format
from dashboard.importers.geojson_points import read_geojson_text
from dashboard.importers.placement import place_missing
from dashboard.importers.reading import SourceTable, check_size, decode, read_csv_text, read_limited, whole_file
from dashboard.importers.report import Report
from dashboard.problems import DataError, Problem, problems_frame, spreadsheet_row
from dashboard.schema import validate_events

__all__ = ["DataError", "ImportResult", "default_max_bytes", "import_bytes", "import_file"]

REJECTED_COLUMNS = ["row", "column", "value", "reason"]
# Rows joined to the borders at a time: the join is row by row, so chunks give the same result,
# and a progress report can say how far a big import has got.
JOIN_CHUNK = 100_000

# ``progress(stage, done, total)``: told as an import goes (stage "reading", "checking", "joining").
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportResult:
    """What came of one file.

    ``events``: the loaded rows, validated, typed and joined to the borders,
    with exactly the columns (and types) of ``load_curated().events``.
    ``rejected``: one line per problem: ``row``, ``column``, ``value``,
    ``reason`` (what was expected). ``format``: ``acled``, ``ucdp``,
    ``project_csv``, or ``geojson+<one of those>``. ``placed``: loaded events
    whose coordinates came from the gazetteer.
    """

    events: gpd.GeoDataFrame
    rejected: pd.DataFrame
    format: str
    rows_read: int
    file: str
    problems: tuple[Problem, ...]
    placed: int = 0

    @property
    def loaded(self) -> int:
        return len(self.events)

    @property
    def rejected_count(self) -> int:
        return int(self.rejected["row"].nunique())


def default_max_bytes() -> int:
    """The ``max_upload_mb`` setting, in bytes (``config.SettingError`` if it is not a positive number)."""
    return config.get_max_upload_bytes()


def import_file(
    path: Path,
    geometry: BorderGeometry,
    gazetteer: Gazetteer | None = None,
    max_bytes: int | None = None,
    existing_ids: Iterable[str] = (),
    progress: Progress | None = None,
) -> ImportResult:
    """Import the events file at ``path`` (see ``import_bytes``)."""
    path = Path(path)
    limit = default_max_bytes() if max_bytes is None else max_bytes
    if progress:
        progress("reading", 0, 0)
    return import_bytes(read_limited(path, limit), str(path), geometry, gazetteer, limit, existing_ids, progress)


def import_bytes(
    data: bytes,
    name: str,
    geometry: BorderGeometry,
    gazetteer: Gazetteer | None = None,
    max_bytes: int | None = None,
    existing_ids: Iterable[str] = (),
    progress: Progress | None = None,
) -> ImportResult:
    """Import an events file given as bytes (a Streamlit upload), ``name`` naming it.

    ``gazetteer`` places rows that give a place name but no coordinates
    (without one, such rows are rejected); ``max_bytes`` defaults to the
    ``max_upload_mb`` setting; ``existing_ids`` are ids already loaded (the
    curated events', say): a row repeating one is rejected; ``progress`` is
    told how far the import has got.
    """
    table = _read(data, name, default_max_bytes() if max_bytes is None else max_bytes)
    if progress:
        progress("checking", 0, len(table.frame))
    found = detect_format(table.frame.columns, name, table.container)
    if table.repeated_columns:
        names = ", ".join(map(repr, table.repeated_columns))
        raise whole_file(name, f"a header naming each column once ({names} given more than once)")
    if table.frame.empty:
        raise whole_file(name, "at least one event below the header (the file has only a header row)")
    report = Report(name, table.frame, table.row_numbers, dict(found.columns))
    for position, column, value, expected, covers in table.problems:
        report.add(position, column, value, expected, covers)
    frame = found.convert(table.frame, report, Path(name).name, table.container)
    unplaced = (frame["latitude"] == "") & (frame["longitude"] == "")
    frame = place_missing(frame, report, gazetteer)
    check_ids(frame, report, existing_ids)
    swapped = check_swapped(frame, report, geometry)
    events, positions = _validate_and_join(frame, report, geometry, swapped, progress)
    placed = int((unplaced.to_numpy() & (frame["latitude"] != "").to_numpy())[positions].sum())
    label = found.key if table.container == "csv" else f"geojson+{found.key}"
    return _result(events, report, label, placed)


def _read(data: bytes, name: str, limit: int) -> SourceTable:
    check_size(len(data), limit, name)
    text = decode(data, name)
    if text.lstrip().startswith("{"):
        return read_geojson_text(text, name)
    return read_csv_text(text, name)


def _validate_and_join(
    frame: pd.DataFrame, report: Report, geometry: BorderGeometry, swapped: np.ndarray, progress: Progress | None = None
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """The schema check, the join, and the outside-the-country check; the loaded rows and their positions."""
    result = validate_events(frame, report.file)
    report.add_schema_problems(result.problems)
    schema_bad = np.zeros(len(frame), dtype=bool)
    schema_bad[[p.row - spreadsheet_row(0) for p in result.problems if p.row is not None]] = True
    valid_positions = np.flatnonzero(~schema_bad)  # the order of result.events
    to_join = ~swapped[valid_positions]
    positions = valid_positions[to_join]
    joined = join_in_chunks(result.events[to_join].reset_index(drop=True), geometry, progress)
    check_outside(joined, positions, frame, report, geometry)
    check_outside_unjoined(frame, schema_bad & ~swapped, report, geometry)
    keep = ~report.flagged()[positions]
    # Imported rows carry no curated claims: the same columns as the curated events, empty.
    return annotate(joined[keep].reset_index(drop=True), empty_claims()), positions[keep]


def join_in_chunks(
    events: pd.DataFrame, geometry: BorderGeometry, progress: Progress | None = None, chunk: int = JOIN_CHUNK
) -> gpd.GeoDataFrame:
    """``join_events`` a chunk of rows at a time (the same result), telling ``progress`` after each."""
    total = len(events)
    if total <= chunk:
        joined = join_events(events, geometry)
        if progress:
            progress("joining", total, total)
        return joined
    pieces = []
    for start in range(0, total, chunk):
        pieces.append(join_events(events.iloc[start : start + chunk], geometry))
        if progress:
            progress("joining", min(start + chunk, total), total)
    return gpd.GeoDataFrame(pd.concat(pieces, ignore_index=True), geometry="geometry", crs=pieces[0].crs)


def _result(events: gpd.GeoDataFrame, report: Report, label: str, placed: int) -> ImportResult:
    problems = report.sorted_problems()
    rejected = problems_frame(problems).rename(columns={"expected": "reason"})[REJECTED_COLUMNS]
    result = ImportResult(
        events=events,
        rejected=rejected,
        format=label,
        rows_read=len(report.source),
        file=report.file,
        problems=tuple(problems),
        placed=placed,
    )
    if result.loaded + result.rejected_count != result.rows_read:
        raise AssertionError(
            f"{report.file}: {result.loaded} loaded + {result.rejected_count} rejected"
            f" != {result.rows_read} rows read (a row was lost without a reason: this is a bug)"
        )
    return result
