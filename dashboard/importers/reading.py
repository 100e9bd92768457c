"""Read an uploaded file into a table of strings, or say why it cannot be read.

Whole-file problems (too big, empty, not UTF-8, malformed, no rows) raise
``DataError`` with one message naming the file. A file whose text starts with
``{`` is read as GeoJSON, anything else as CSV (comma, semicolon or tab
separated, judged from the header line).
"""

from __future__ import annotations

import csv
import io
import os
import stat
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.problems import DataError, Problem, spreadsheet_row

DELIMITERS = (",", ";", "\t")


@dataclass
class SourceTable:
    frame: pd.DataFrame  # one row per record, every cell a string, blank rows left out
    row_numbers: np.ndarray  # how the analyst numbers each row (spreadsheet row or feature number)
    container: str  # "csv" or "geojson"
    # Problems found while reading single records: (position, file column, value, expected, project columns)
    problems: list[tuple[int, str, str, str, tuple[str, ...]]] = field(default_factory=list)
    repeated_columns: tuple[str, ...] = ()  # header names given more than once


def whole_file(file: str, expected: str) -> DataError:
    return DataError([Problem(file, None, "", "", expected)])


def check_size(size: int, limit: int, file: str) -> None:
    if size > limit:
        raise whole_file(
            file,
            f"a file of at most {_megabytes(limit)} ({limit:,} bytes); this one has {size:,} bytes"
            " (split it, or raise the max_upload_mb setting)",
        )


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at ``path``, refusing anything else before reading.

    Opened without blocking (a FIFO cannot hang the page), checked with
    ``fstat`` on the open file (a device, folder or socket is refused by kind,
    not by its ``st_size``, which is 0 for ``/dev/zero``), and read at most
    ``limit + 1`` bytes, so a file that grows while read is still refused.
    """
    name = str(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise whole_file(name, "an events file (there is no file at this path)") from None
    except PermissionError:
        raise whole_file(name, "a file this user may read (permission denied)") from None
    except OSError as err:
        raise whole_file(name, f"a readable file ({err.strerror or err})") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise whole_file(name, f"a regular file (this is {_kind(info.st_mode)})")
    with os.fdopen(descriptor, "rb") as handle:
        check_size(info.st_size, limit, name)
        try:
            data = handle.read(limit + 1)
        except OSError as err:
            raise whole_file(name, f"a readable file ({err.strerror or err})") from None
    check_size(len(data), limit, name)
    return data


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((label for test, label in kinds if test(mode)), "not a regular file")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.3g} MiB"


def decode(data: bytes, file: str) -> str:
    """UTF-8 text of ``data`` (a byte-order mark is dropped)."""
    if not data or data.isspace():
        raise whole_file(file, "a header row and at least one event (the file is empty)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise whole_file(
            file,
            f"UTF-8 text (byte {err.start} is {data[err.start : err.start + 1]!r}, which is not;"
            " save the file as UTF-8, e.g. 'CSV UTF-8' in Excel)",
        ) from None


def read_csv_text(text: str, file: str) -> SourceTable:
    """Every cell as the text it holds; rows numbered as a spreadsheet numbers them."""
    header_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = _delimiter(header_line)
    try:
        header = next(csv.reader(io.StringIO(header_line), delimiter=delimiter))
    except (csv.Error, StopIteration):
        header = []
    if not any(h.strip() for h in header):
        raise whole_file(file, "a header row naming the columns (the first line is blank)")
    try:
        with warnings.catch_warnings():
            # pandas only warns when the first data row is longer than the header, and drops cells.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                sep=delimiter,
                index_col=False,
            )
    except pd.errors.EmptyDataError:
        raise whole_file(file, "a header row and at least one event (the file is empty)") from None
    except pd.errors.ParserError as err:
        raise whole_file(file, f"well-formed CSV ({str(err).strip()})") from None
    except pd.errors.ParserWarning:
        raise whole_file(file, "well-formed CSV (a row has more cells than the header has columns)") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.fillna("").astype(str)
    blank = (frame == "").all(axis=1).to_numpy()
    row_numbers = (np.arange(len(frame), dtype=np.int64) + spreadsheet_row(0))[~blank]
    repeated = tuple(name for name, n in Counter(h.strip() for h in header).items() if n > 1 and name)
    return SourceTable(frame[~blank].reset_index(drop=True), row_numbers, "csv", repeated_columns=repeated)


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","
