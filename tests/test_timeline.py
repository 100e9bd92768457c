"""The timeline (``dashboard/timeline.py``): day bars, and spans for events not known to the day."""

from __future__ import annotations

import pandas as pd

from dashboard.timeline import daily_counts, date_spans, span_rows, timeline_chart


def frame(*rows):
    events = pd.DataFrame(rows, columns=["event_id", "event_date", "date_precision", "actor1"])
    events["event_date"] = pd.to_datetime(events["event_date"])
    return events


EVENTS = frame(
    ("D", "2024-01-16", "day", "A"),
    ("W", "2024-01-26", "week", "A"),
    ("M", "2018-12-01", "month", "B"),
    ("Y", "2018-01-01", "year", "B"),
)


def test_each_precision_is_its_whole_period():
    start, end = date_spans(EVENTS)
    spans = dict(
        zip(EVENTS["event_id"], zip(start.dt.date.astype(str), end.dt.date.astype(str), strict=True), strict=True)
    )
    assert spans == {
        "D": ("2024-01-16", "2024-01-17"),
        "W": ("2024-01-23", "2024-01-30"),
        "M": ("2018-12-01", "2019-01-01"),
        "Y": ("2018-01-01", "2019-01-01"),
    }


def test_only_day_precise_events_are_day_bars():
    assert list(daily_counts(EVENTS)["day"].dt.date.astype(str)) == ["2024-01-16"]
    assert list(span_rows(EVENTS)["event"]) == ["W", "M", "Y"]


def test_the_chart_draws_spans_beside_the_bars():
    spec = timeline_chart(EVENTS, {"A": "#d62828", "B": "#2a9d8f"}).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "rect"]
    assert spec["layer"][1]["encoding"]["x2"]["field"] == "end"
