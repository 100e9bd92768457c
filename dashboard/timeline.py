"""The timeline: events per day, coloured by actor, with an interval to brush."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from dashboard import style

BRUSH = "date_brush"


def daily_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per day and actor1 (the bars of the timeline)."""
    if events.empty:
        return pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"), "actor": [], "events": []})
    counts = events.groupby([events["event_date"].dt.normalize(), "actor1"]).size()
    frame = counts.rename("events").reset_index()
    return frame.rename(columns={"event_date": "day", "actor1": "actor"})


def timeline_chart(events: pd.DataFrame, colours: dict[str, str]) -> alt.Chart:
    """A bar per day and actor; dragging across it selects a date interval."""
    data = daily_counts(events)
    actors = [a for a in colours if a in set(data["actor"])]
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    return (
        alt.Chart(data)
        .mark_bar(size=6)
        .encode(
            x=alt.X("day:T", title=None),
            y=alt.Y("sum(events):Q", title="Events", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "actor:N",
                scale=alt.Scale(domain=actors, range=[colours[a] for a in actors] or [style.OTHER_COLOUR]),
                legend=alt.Legend(title="Actor (actor1)", orient="right"),
            ),
            tooltip=[alt.Tooltip("day:T", format="%d %b %Y"), "actor:N", "events:Q"],
        )
        .add_params(brush)
        .properties(height=230, width="container")
    )


def brushed_dates(selection: dict | None) -> tuple[dt.date, dt.date] | None:
    """The (start, end) dates of a brushed interval, from Streamlit's selection state.

    Altair reports the interval as epoch milliseconds (UTC) under the brush's
    name and the field ``day``; anything else means no interval.
    """
    try:
        low, high = selection["selection"][BRUSH]["day"][:2]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    start = dt.datetime.fromtimestamp(min(low, high) / 1000, tz=dt.UTC).date()
    end = dt.datetime.fromtimestamp(max(low, high) / 1000, tz=dt.UTC).date()
    return start, end
