"""The filter state as a value: apply it, put it in a URL, say it in a sentence.

``FilterSpec`` is frozen; the page builds one from its widgets, the export
command from its arguments, and a shared URL from its query string. The same
value filters the map, the list, the timeline and every export, so what an
analyst sees is what they export.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

import pandas as pd

from dashboard import drawn_area

MAX_WITHIN_KM = 2000.0
CRISIS_START = dt.date(2024, 1, 16)
CRISIS_END = dt.date(2024, 1, 29)
LIST_FIELDS = ("actors", "event_types", "countries", "provinces")
# An actor filter value may name a state: it then matches every actor of that
# state (its military, government, police, committees): the canonical actors
# whose side is that state and whose kind is a state force or a government
# (data/actors.csv); for frames without those columns, ACLED's "... of Pakistan".
STATE_ACTORS = {"Iran": r"\bof Iran\b", "Pakistan": r"\bof Pakistan\b"}
STATE_KINDS = ("state force", "government")


@dataclass(frozen=True)
class FilterSpec:
    start: dt.date | None = None
    end: dt.date | None = None
    actors: tuple[str, ...] = ()  # match actor1 or actor2
    event_types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # where the point lies (country_geo)
    provinces: tuple[str, ...] = ()  # where the point lies (admin1_geo)
    min_fatalities: int = 0
    text: str = ""  # searched in location and notes
    precise_only: bool = False  # day-precise dates and place-precise (1, 2) locations
    within_km: float | None = None  # the point lies within this many km of the border, either side
    area: drawn_area.Corners = ()  # the point lies in this drawn polygon of (lat, lon) corners

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start date {self.start} is after end date {self.end}")
        if self.min_fatalities < 0:
            raise ValueError(f"minimum fatalities {self.min_fatalities} is below 0")
        if self.within_km is not None and not (0 <= self.within_km <= MAX_WITHIN_KM):
            raise ValueError(f"distance to the border {self.within_km:g} km: expected 0 to {MAX_WITHIN_KM:g} km")
        for name in LIST_FIELDS:
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name)))))
        if self.area:
            object.__setattr__(self, "area", drawn_area.normalise(self.area))
        object.__setattr__(self, "text", self.text.strip())

    @property
    def is_default(self) -> bool:
        return self == FilterSpec()


def apply(events: pd.DataFrame, spec: FilterSpec) -> pd.DataFrame:
    """The events that pass every part of ``spec`` (never more rows than given)."""
    keep = pd.Series(True, index=events.index)
    if spec.start:
        keep &= events["event_date"] >= pd.Timestamp(spec.start)
    if spec.end:
        keep &= events["event_date"] <= pd.Timestamp(spec.end)
    if spec.actors:
        keep &= _actor_mask(events, spec.actors)
    if spec.event_types:
        keep &= events["event_type"].isin(spec.event_types)
    if spec.countries:
        keep &= events["country_geo"].isin(spec.countries)
    if spec.provinces:
        keep &= events["admin1_geo"].isin(spec.provinces)
    if spec.min_fatalities:
        keep &= events["fatalities"].fillna(0) >= spec.min_fatalities
    if spec.text:
        needle = spec.text.casefold()
        haystack = events["location"].str.casefold() + " " + events["notes"].str.casefold()
        keep &= haystack.str.contains(needle, regex=False)
    if spec.precise_only:
        keep &= (events["date_precision"] == "day") & (events["geo_precision"] <= 2)
    if spec.within_km is not None:
        keep &= events["distance_to_border_km"] <= spec.within_km
    if spec.area:
        keep &= drawn_area.contains(spec.area, events["latitude"].to_numpy(), events["longitude"].to_numpy())
    kept = keep.to_numpy()
    # Everything passes (no filter, say): the frame itself, not a copy of a million rows. Callers
    # never change what they are given (they assign to new frames).
    return events if kept.all() else events[kept]


def _actor_mask(events: pd.DataFrame, actors: Sequence[str]) -> pd.Series:
    names = [a for a in actors if a not in STATE_ACTORS]
    mask = events["actor1"].isin(names) | events["actor2"].isin(names)
    for state in (a for a in actors if a in STATE_ACTORS):
        for column in ("actor1", "actor2"):
            side, kind = f"{column}_side", f"{column}_kind"
            if side in events.columns and kind in events.columns:
                mask |= (events[side] == state) & events[kind].isin(STATE_KINDS)
            else:
                mask |= events[column].str.contains(STATE_ACTORS[state], regex=True)
    return mask


def actor_label(actor: str) -> str:
    """How an actor filter value reads in a widget and in the sentence."""
    return f"{actor} (any state actor)" if actor in STATE_ACTORS else actor


def describe(spec: FilterSpec, count: int | None = None) -> str:
    """The filter in one plain sentence (also the caption of every export)."""
    subject = "All events" if count is None else f"{count} event{'s' if count != 1 else ''}"
    parts = [_date_phrase(spec)]
    if spec.actors:
        parts.append("involving " + _or_list([actor_label(a) for a in spec.actors]))
    if spec.event_types:
        parts.append("of type " + _or_list(spec.event_types))
    if spec.provinces:
        parts.append("in " + _or_list(spec.provinces))
    elif spec.countries:
        parts.append("in " + _or_list(spec.countries))
    if spec.min_fatalities:
        parts.append(f"with at least {spec.min_fatalities} fatalit{'y' if spec.min_fatalities == 1 else 'ies'}")
    if spec.text:
        parts.append(f'mentioning "{spec.text}"')
    if spec.precise_only:
        parts.append("with a precise date and place")
    if spec.within_km is not None:
        parts.append(f"within {spec.within_km:g} km of the Iran–Pakistan border")
    if spec.area:
        parts.append(drawn_area.describe(spec.area))
    return " ".join([subject, *[p for p in parts if p]]) + "."


def _date_phrase(spec: FilterSpec) -> str:
    fmt = "%-d %b %Y"
    if spec.start and spec.end:
        if spec.start == spec.end:
            return f"on {spec.start.strftime(fmt)}"
        return f"from {spec.start.strftime(fmt)} to {spec.end.strftime(fmt)}"
    if spec.start:
        return f"from {spec.start.strftime(fmt)}"
    if spec.end:
        return f"up to {spec.end.strftime(fmt)}"
    return "at any date"


def _or_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# --- URL query string --------------------------------------------------------

QUERY_KEYS = {
    "start": "from",
    "end": "to",
    "actors": "actor",
    "event_types": "type",
    "countries": "country",
    "provinces": "province",
    "min_fatalities": "min_fat",
    "text": "q",
    "precise_only": "precise",
    "within_km": "near",
    "area": "area",
}


def to_query(spec: FilterSpec) -> dict[str, str | list[str]]:
    """Query parameters for ``spec``; defaults are left out to keep URLs short."""
    query: dict[str, str | list[str]] = {}
    default = FilterSpec()
    for f in fields(FilterSpec):
        if f.name not in QUERY_KEYS or getattr(spec, f.name) == getattr(default, f.name):
            continue
        value = getattr(spec, f.name)
        key = QUERY_KEYS[f.name]
        if f.name == "area":
            query[key] = drawn_area.to_text(value)
        elif isinstance(value, tuple):
            query[key] = list(value)
        elif isinstance(value, bool):
            query[key] = "1"
        elif isinstance(value, float):
            query[key] = f"{value:g}"
        else:
            query[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return query


def from_query(query: Mapping[str, str | Sequence[str]]) -> tuple[FilterSpec, list[str]]:
    """Rebuild a spec from query parameters.

    Never raises: a value that cannot be read is dropped (its default is used)
    and a notice says which parameter and why, for the page to show.
    """
    values: dict[str, object] = {}
    notices: list[str] = []

    def all_of(key: str) -> list[str]:
        raw = query.get(key, [])
        return [raw] if isinstance(raw, str) else list(raw)

    def last(key: str) -> str | None:
        got = all_of(key)
        return got[-1] if got else None

    for name in ("start", "end"):
        raw = last(QUERY_KEYS[name])
        if raw is not None:
            try:
                values[name] = dt.date.fromisoformat(raw)
            except ValueError:
                notices.append(f"Ignored {QUERY_KEYS[name]}={raw!r}: not a date written YYYY-MM-DD.")
    for name in LIST_FIELDS:
        values[name] = tuple(v for v in all_of(QUERY_KEYS[name]) if v.strip())
    raw = last("min_fat")
    if raw is not None:
        if raw.isdigit():
            values["min_fatalities"] = int(raw)
        else:
            notices.append(f"Ignored min_fat={raw!r}: not a whole number of 0 or more.")
    values["text"] = (last("q") or "")[:200]
    raw = last("precise")
    if raw is not None:
        if raw in ("1", "0", "true", "false"):
            values["precise_only"] = raw in ("1", "true")
        else:
            notices.append(f"Ignored precise={raw!r}: expected 1 or 0.")
    raw = last("near")
    if raw is not None:
        try:
            km = float(raw)
        except ValueError:
            km = math.nan
        if math.isfinite(km) and 0 <= km <= MAX_WITHIN_KM:
            values["within_km"] = km
        else:
            notices.append(f"Ignored near={raw!r}: expected a distance from 0 to {MAX_WITHIN_KM:g} km.")
    raw = last("area")
    if raw:
        try:
            values["area"] = drawn_area.parse(raw)
        except drawn_area.AreaError as err:
            notices.append(f"Ignored area={raw[:80]!r}: {err}.")
    if values.get("start") and values.get("end") and values["start"] > values["end"]:
        notices.append(f"Ignored the dates {values['start']} to {values['end']}: the start is after the end.")
        values.pop("start"), values.pop("end")
    return FilterSpec(**values), notices


STEPS = {"day": 1, "week": 7}


def step_window(
    start: dt.date, end: dt.date, step: str, direction: int, first: dt.date, last: dt.date
) -> tuple[dt.date, dt.date]:
    """The next (``direction`` 1) or previous (-1) day or week to show, for stepping through time.

    A range already one step wide moves by one step; any other range first
    becomes the step that starts it (forward) or ends it (back). The window
    stays within ``first``..``last``.
    """
    width = dt.timedelta(days=STEPS[step])
    one_day = dt.timedelta(days=1)
    if end - start + one_day == width:
        new_start = start + direction * width
    else:
        new_start = start if direction > 0 else end - width + one_day
    new_start = min(max(new_start, first), max(first, last - width + one_day))
    return new_start, min(new_start + width - one_day, last)


def clamp_dates(spec: FilterSpec, first: dt.date, last: dt.date) -> tuple[FilterSpec, list[str]]:
    """``spec`` with its dates moved into ``first``..``last`` (the data's range), and a notice per move.

    A link or a brushed interval may name any date; the page's date widget
    only takes dates it offers. Clamping keeps start <= end.
    """
    moved: dict[str, dt.date] = {}
    notices = []
    for name in ("start", "end"):
        value = getattr(spec, name)
        if value is None:
            continue
        clamped = min(max(value, first), last)
        if clamped != value:
            moved[name] = clamped
            notices.append(
                f"Moved {QUERY_KEYS[name]}={value.isoformat()} to {clamped.isoformat()}: "
                f"the data runs from {first.isoformat()} to {last.isoformat()}."
            )
    return (replace(spec, **moved) if moved else spec), notices


def options(events: pd.DataFrame) -> dict[str, list[str]]:
    """The choices each list filter offers, from the data at hand."""
    actors = pd.concat([events["actor1"], events["actor2"]])
    return {
        "actors": list(STATE_ACTORS) + sorted(a for a in actors.unique() if a),
        "event_types": sorted(events["event_type"].unique()),
        "countries": sorted(c for c in events["country_geo"].unique() if c),
        "provinces": sorted(p for p in events["admin1_geo"].unique() if p),
    }
