"""The timeline (``dashboard/timeline.py``): day bars, and spans for events not known to the day."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.timeline import (
    MAX_BARS,
    OTHER_ACTORS,
    TOP_ACTORS,
    bar_counts,
    daily_counts,
    date_spans,
    span_rows,
    timeline_chart,
)


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


def _many(n: int, days: int, actors: int) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame(
        {
            "event_date": pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D"),
            "date_precision": "day",
            "actor1": [f"Actor {i:02d}" for i in rng.integers(0, actors, n)],
        }
    )


def test_few_events_keep_a_bar_per_day(curated):
    frame, name = bar_counts(curated.events)
    assert name == "day"
    day_precise = curated.events[curated.events["date_precision"] == "day"]
    assert frame["events"].sum() == len(day_precise)


def test_many_events_widen_the_bars_and_keep_every_event():
    events = _many(200_000, 2500, 30)
    frame, name = bar_counts(events)
    assert name in ("week from", "month from")
    assert len(frame) <= MAX_BARS
    assert frame["events"].sum() == len(events)
    assert frame["actor"].nunique() == TOP_ACTORS + 1
    assert OTHER_ACTORS in set(frame["actor"])
    # Each bar starts its bin: a Monday for weeks, the 1st for months.
    starts = pd.to_datetime(frame["day"])
    assert (starts.dt.dayofweek == 0).all() if name == "week from" else (starts.dt.day == 1).all()


def test_the_chart_colours_the_other_actors():
    events = _many(50_000, 2500, 30).assign(event_id="E", event_type="Battles")
    spec = timeline_chart(events, {f"Actor {i:02d}": "#123456" for i in range(30)}).to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"][-1] == OTHER_ACTORS and len(scale["domain"]) == TOP_ACTORS + 1
