"""The timeline: events per day, coloured by actor, with an interval to brush.

A day-precise event is a bar on its day. An event known only to the week,
month or year is drawn as a faint span over the whole period it may fall in
(``date_spans``), low and translucent over the bars, never as a bar on the
one day its date column holds.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from dashboard import style

BRUSH = "date_brush"


SPAN_HEIGHT = 0.6  # in events: a span sits low, under the day bars


def date_spans(events: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """First day and the day after the last of the period each event may fall in.

    day: that day; week: three days either side of the date (``event_date``
    is the middle of the week); month: the calendar month of the date; year:
    the calendar year.
    """
    day = events["event_date"].dt.normalize()
    precision = events["date_precision"].astype(str)
    start = day.copy()
    end = day + pd.Timedelta(days=1)
    week = precision == "week"
    start[week], end[week] = day[week] - pd.Timedelta(days=3), day[week] + pd.Timedelta(days=4)
    month = precision == "month"
    start[month] = day[month].dt.to_period("M").dt.start_time
    end[month] = (day[month].dt.to_period("M") + 1).dt.start_time
    year = precision == "year"
    start[year] = day[year].dt.to_period("Y").dt.start_time
    end[year] = (day[year].dt.to_period("Y") + 1).dt.start_time
    return start, end


def span_rows(events: pd.DataFrame) -> pd.DataFrame:
    """One row per event not known to the day: its period, actor, id and precision."""
    vague = events[events["date_precision"].astype(str) != "day"]
    start, end = date_spans(vague)
    return pd.DataFrame(
        {
            "start": start,
            "end": end,
            "actor": vague["actor1"],
            "event": vague["event_id"],
            "precision": vague["date_precision"].astype(str),
            "low": 0.0,
            "high": SPAN_HEIGHT,
        }
    )


# At most this many bars (bin x actor) go to the browser: a million events over seven years made
# 77,000 daily bars, more to send and draw than a person can read. Days widen to weeks, then months.
MAX_BARS = 4000
BINS = (("D", "day"), ("W", "week from"), ("M", "month from"))
TOP_ACTORS = 8  # actors coloured one by one; the rest are counted together
OTHER_ACTORS = "Other actors"


def daily_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Day-precise events per day and actor1 (the bars of the timeline); see ``bar_counts``."""
    return bar_counts(events)[0]


def bar_counts(events: pd.DataFrame, max_bars: int = MAX_BARS) -> tuple[pd.DataFrame, str]:
    """Day-precise events per bin and actor1, and the bin's name (``day``, ``week from``, ``month from``).

    The bin is the finest of day, week and month that gives at most ``max_bars``
    bars; beyond ``TOP_ACTORS`` actors the rest are counted as ``Other actors``.
    """
    if len(events):  # the two columns counted only: a million rows of every column is 250 MB more
        events = events[["event_date", "actor1"]][(events["date_precision"] == "day").to_numpy()]
    if events.empty:
        empty = pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"), "actor": [], "events": []})
        return empty, "day"
    actor = events["actor1"].astype("str")  # counted as Arrow text, not a million Python strings
    ranked = actor.value_counts()
    if len(ranked) > TOP_ACTORS + 1:
        actor = actor.where(actor.isin(ranked.index[:TOP_ACTORS]), OTHER_ACTORS)
    day = events["event_date"].dt.normalize()
    for code, name in BINS:
        start = day if code == "D" else day.dt.to_period(code).dt.start_time
        counts = actor.groupby([start, actor]).size()
        if len(counts) <= max_bars or code == BINS[-1][0]:
            frame = counts.rename("events").reset_index()
            frame.columns = ["day", "actor", "events"]
            return frame, name
    raise AssertionError("unreachable: the last bin always returns")


DAY_MS = 86_400_000


def chart_counts(events: pd.DataFrame) -> tuple[pd.DataFrame, str, pd.DataFrame]:
    """What the chart draws from ``events``: ``bar_counts`` (the bars and their bin) and ``span_rows``."""
    return (*bar_counts(events), span_rows(events))


def timeline_chart(
    events: pd.DataFrame,
    colours: dict[str, str],
    chosen: tuple[dt.date, dt.date] | None = None,
    whole: tuple[dt.date, dt.date] | None = None,
    counts: tuple[pd.DataFrame, str, pd.DataFrame] | None = None,
) -> alt.Chart:
    """A bar per day and actor; dragging across it selects a date interval.

    The x axis always spans ``whole`` (the data's full date range), so a brush
    can widen the range as well as narrow it; ``chosen`` (the filter's dates)
    is shaded. Ticks are days, never hours. ``counts``: ``chart_counts(events)``,
    when already worked out (the page keeps them per filter without dates).
    """
    data, bin_name, spans = counts if counts is not None else chart_counts(events)
    present = set(data["actor"]) | set(spans["actor"])
    actors = [a for a in colours if a in present]
    palette = [colours[a] for a in actors]
    if OTHER_ACTORS in present:
        actors, palette = [*actors, OTHER_ACTORS], [*palette, style.OTHER_COLOUR]
    colour = alt.Color(
        "actor:N",
        scale=alt.Scale(domain=actors, range=palette or [style.OTHER_COLOUR]),
        legend=alt.Legend(title="Actor (actor1)", orient="right"),
    )
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    domain = None
    if whole is not None:
        domain = [_epoch_ms(whole[0]), _epoch_ms(whole[1] + dt.timedelta(days=1))]
    x_axis = alt.Axis(format="%-d %b %Y", tickMinStep=DAY_MS, labelOverlap=True)
    bars = (
        alt.Chart(data)
        .mark_bar(size=6)
        .encode(
            x=alt.X("day:T", title=None, axis=x_axis, scale=alt.Scale(domain=domain) if domain else alt.Undefined),
            y=alt.Y("sum(events):Q", title="Events", axis=alt.Axis(tickMinStep=1)),
            color=colour,
            tooltip=[alt.Tooltip("day:T", format="%d %b %Y", title=bin_name), "actor:N", "events:Q"],
        )
        .add_params(brush)
    )
    periods = (
        alt.Chart(spans)
        .mark_rect(opacity=0.35, stroke="#495057", strokeDash=[3, 2], strokeWidth=0.6)
        .encode(
            x="start:T",
            x2="end:T",
            y="low:Q",
            y2="high:Q",
            color=colour,
            tooltip=[
                "event:N",
                "actor:N",
                alt.Tooltip("precision:N", title="known to the"),
                alt.Tooltip("start:T", format="%d %b %Y", title="from"),
                alt.Tooltip("end:T", format="%d %b %Y", title="until before"),
            ],
        )
    )
    layers = [bars, periods]
    if chosen is not None and whole is not None and tuple(chosen) != tuple(whole):
        start, end = pd.Timestamp(chosen[0]), pd.Timestamp(chosen[1]) + pd.Timedelta(days=1)
        band = pd.DataFrame({"start": [start], "end": [end]})
        layers.append(
            alt.Chart(band)
            .mark_rect(color="#ffd60a", opacity=0.18)
            .encode(x="start:T", x2="end:T", tooltip=[alt.Tooltip("start:T", format="%d %b %Y", title="chosen from")])
        )
    # Bars first: the legend takes its swatches from them (the spans and the band are faint).
    return alt.layer(*layers).properties(height=230, width="container")


def _epoch_ms(day: dt.date) -> int:
    return int(pd.Timestamp(day).tz_localize("UTC").timestamp() * 1000)


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
