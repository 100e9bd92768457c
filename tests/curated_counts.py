"""Counts of the curated data, read from the data: correcting the data never means editing tests."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.config import events_path
from dashboard.filters import CRISIS_END, CRISIS_START

RAW = pd.read_csv(events_path(), dtype=str, keep_default_na=False)  # the curated file as text
_DATES = pd.to_datetime(RAW["event_date"]).dt.date

CURATED_EVENTS = len(RAW)
CRISIS_EVENTS = int(((_DATES >= CRISIS_START) & (_DATES <= CRISIS_END)).sum())


def events_between(start: dt.date, end: dt.date) -> int:
    return int(((_DATES >= start) & (_DATES <= end)).sum())
