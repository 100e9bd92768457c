"""The event list as the analyst reads it: every filtered event sorted, one page at a time.

The page never sends more rows than a person can read: the list shows one
page of ``page_size`` rows (no scrolling inside it, so a selected row is
always in sight) and says how many there are in all. Sorting works on every
filtered event, not just the page. Pure pandas/numpy: no Streamlit here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

# key -> (label, column, ascending). Ties keep the data's own order (a stable sort).
SORTS: dict[str, tuple[str, str, bool]] = {
    "date": ("Date, oldest first", "event_date", True),
    "date_desc": ("Date, newest first", "event_date", False),
    "fatalities": ("Fatalities, most first", "fatalities", False),
    "distance": ("Km to border, nearest first", "distance_to_border_km", True),
}
PAGE_SIZES = (25, 10, 50, 100)  # the first is the default


@dataclass(frozen=True)
class Page:
    """One page of the sorted list: its rows, and where it sits in the whole."""

    rows: pd.DataFrame
    number: int  # 1-based
    pages: int
    first: int  # 1-based position of the first row among all listed events (0 when none)
    total: int

    @property
    def caption(self) -> str:
        if not self.total:
            return "No events match the filter."
        last = self.first + len(self.rows) - 1
        return f"Rows {self.first:,}–{last:,} of {self.total:,} (page {self.number:,} of {self.pages:,})"


def sort_order(events: pd.DataFrame, sort: str) -> np.ndarray:
    """Positions of ``events`` in list order; unknown values (no fatality figure) go last either way."""
    if sort not in SORTS:
        raise ValueError(f"Unknown sort {sort!r}; expected one of {', '.join(SORTS)}.")
    _, column, ascending = SORTS[sort]
    values = events[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        keys = values.to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64")
        keys[values.isna().to_numpy()] = np.nan
    else:
        keys = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    if not ascending:
        keys = -keys
    keys = np.where(np.isnan(keys), np.inf, keys)  # unknown last, in either direction
    return np.argsort(keys, kind="stable")


def page_count(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))


def page_of(events: pd.DataFrame, order: np.ndarray, event_id: str | None, page_size: int) -> int | None:
    """The 1-based page on which ``event_id`` is listed, or None when it is not among ``events``."""
    if not event_id:
        return None
    positions = np.flatnonzero(events["event_id"].to_numpy() == event_id)
    if not len(positions):
        return None
    rank = int(np.flatnonzero(order == positions[0])[0])
    return rank // page_size + 1


def page(events: pd.DataFrame, order: np.ndarray, number: int, page_size: int) -> Page:
    """Page ``number`` (clamped to the pages there are) of ``events`` in ``order``."""
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, got {page_size}")
    total = len(events)
    pages = page_count(total, page_size)
    number = min(max(int(number), 1), pages)
    start = (number - 1) * page_size
    rows = events.iloc[order[start : start + page_size]]
    return Page(rows=rows, number=number, pages=pages, first=start + 1 if total else 0, total=total)
