"""What changed since a briefing: new, changed (field by field) and retracted events.

``compare`` takes the events a briefing showed (a manifest's ``events``, or an
event store's record at a time: the same list of dicts) and the events now,
and says which are new, which changed and how, and which are gone. Values are
compared as JSON values, so ``2`` and ``2.0`` are equal, and so are a missing
value, NaN and an empty text. ``against_manifest`` does this for a briefing
file; ``parse_since`` reads the command line's ``--since``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import filters
from dashboard.exporters.fields import PlainValue
from dashboard.manifest import digest, event_records
from dashboard.schema import COLUMN_NAMES

FieldChange = tuple[str, PlainValue, PlainValue]  # (field, before, after)
CONTEXT_FIELDS = ("event_date", "location")  # shown beside every change, for reading
DIGEST_FIELD = "(fields: the briefing kept a digest only)"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")
TIME_FORMS = "a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm]"


@dataclass(frozen=True)
class Changes:
    new: list[str]  # ids shown now that the briefing did not show
    changed: dict[str, list[FieldChange]]  # id -> its fields that differ, in schema order
    retracted: list[str]  # ids the briefing showed that are no longer in the data
    retracted_reasons: dict[str, str] = field(default_factory=dict)  # id -> why (an event store knows)
    records: dict[str, dict[str, PlainValue]] = field(default_factory=dict)  # id -> its fields (now; before if gone)
    baseline: str = ""  # what was compared with, in words: "the briefing generated 2024-02-01 12:00 UTC"

    def summary(self) -> str:
        """``2 new, 1 changed, 1 retracted``."""
        return f"{len(self.new)} new, {len(self.changed)} changed, {len(self.retracted)} retracted"


def compare(
    before_events: list[dict],
    now: pd.DataFrame,
    retracted_reasons: Mapping[str, str] | None = None,
    in_view: pd.DataFrame | None = None,
    baseline: str = "",
) -> Changes:
    """Compare the events of a briefing (``before_events``) with the data ``now``.

    ``now`` is the whole data set: an event of the briefing that is still in it
    is compared field by field (also when it no longer passes the briefing's
    filter; the changed field says why), one that is not is retracted.
    ``in_view`` (default: ``now``) is what the briefing's filter shows now: only
    those events can be new.
    """
    before = {event["event_id"]: event for event in before_events}
    ids = list(before)
    kept = now.loc[now["event_id"].isin(ids).to_numpy()].drop_duplicates("event_id")
    view = now if in_view is None else in_view
    fresh = view.loc[~view["event_id"].isin(ids).to_numpy()].drop_duplicates("event_id")
    records = {r["event_id"]: r for r in event_records(kept)}
    records |= {r["event_id"]: r for r in event_records(fresh)}
    changed = {}
    for event_id, after in records.items():
        if event_id in before:
            differences = field_changes(before[event_id], after)
            if "digest" in before[event_id] and before[event_id]["digest"] != digest(after):
                # A briefing of many events keeps a digest, not the fields: changed, but not which field.
                differences = [(DIGEST_FIELD, before[event_id]["digest"], digest(after))]
            if differences:
                changed[event_id] = differences
    retracted = [event_id for event_id in before if event_id not in records]
    reasons = {k: v for k, v in (retracted_reasons or {}).items() if k in retracted}
    shown = {k: records[k] for k in (*fresh["event_id"], *changed)} | {k: before[k] for k in retracted}
    return Changes(list(fresh["event_id"]), changed, retracted, reasons, shown, baseline)


CSV_COLUMNS = ("change", "event_id", "field", "before", "after", *CONTEXT_FIELDS, "reason")


def change_rows(changes: Changes) -> list[dict[str, PlainValue]]:
    """One row per change (``CSV_COLUMNS``): each new event, each changed field, each retracted event."""
    rows = []

    def row(change: str, event_id: str, name: str = "", before=None, after=None, reason: str = "") -> None:
        context = [changes.records.get(event_id, {}).get(key) for key in CONTEXT_FIELDS]
        values = (change, event_id, name, before, after, *context, reason)
        rows.append(dict(zip(CSV_COLUMNS, values, strict=True)))

    for event_id in changes.new:
        row("new", event_id)
    for event_id, differences in changes.changed.items():
        for name, before, after in differences:
            row("changed", event_id, name, before, after)
    for event_id in changes.retracted:
        row("retracted", event_id, reason=changes.retracted_reasons.get(event_id, ""))
    return rows


def field_changes(before: Mapping[str, PlainValue], after: Mapping[str, PlainValue]) -> list[FieldChange]:
    """(field, before, after) for each schema field both records have and whose JSON values differ."""
    names = [name for name in COLUMN_NAMES if name != "event_id" and name in before and name in after]
    return [(name, before[name], after[name]) for name in names if not same_value(before[name], after[name])]


def same_value(a: PlainValue, b: PlainValue) -> bool:
    """Equal as JSON values: numbers by value (2 == 2.0), and None, NaN and "" all mean "no value"."""
    a, b = _blank_is_none(a), _blank_is_none(b)
    if _is_number(a) and _is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _blank_is_none(value: object) -> object:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    return value


def against_manifest(manifest: dict, data, spec: filters.FilterSpec | None = None) -> Changes:
    """Changes in ``data`` (a ``Dataset``) since the briefing of ``manifest``.

    ``spec`` says what can be new: the events it shows now that the briefing did
    not show (default: the briefing's own filter, so an event outside it is
    never reported)."""
    if manifest.get("events_omitted"):
        from dashboard.problems import DataError, Problem

        raise DataError([Problem(
            describe_baseline(manifest), None, "", "",
            f"a briefing whose manifest lists its events; this one showed {manifest.get('event_count', 'many'):,} "
            "events, more than a manifest lists one by one: compare a narrower briefing, or a time on the event store",
        )])  # fmt: skip
    if spec is None and isinstance(manifest.get("views"), list) and manifest["views"]:
        # A briefing pack: what its views' filters show now can be new.
        specs = [filters.from_query(query)[0] for query in manifest["views"] if isinstance(query, dict)]
        in_view = pd.concat([filters.apply(data.events, s) for s in specs]).drop_duplicates("event_id")
        return compare(manifest["events"], data.events, in_view=in_view, baseline=describe_baseline(manifest))
    if spec is None:
        spec, _ = filters.from_query(manifest["filter"])  # manifest.check refused a filter it cannot read
    in_view = filters.apply(data.events, spec)
    return compare(manifest["events"], data.events, in_view=in_view, baseline=describe_baseline(manifest))


def describe_baseline(manifest: dict) -> str:
    """``the briefing generated 2024-02-01 12:00 UTC (data sha256:…)``."""
    when = dt.datetime.fromisoformat(manifest["generated_at"].replace("Z", "+00:00")).astimezone(dt.UTC)
    return f"the briefing generated {when:%Y-%m-%d %H:%M} UTC (data {manifest['data_version']})"


def parse_since(text: str) -> dt.datetime | Path:
    """``--since``: a date (midnight UTC) or time (no zone: UTC) as an aware datetime, anything else a file path.

    ``ValueError`` for something shaped like a date or time that is not a real one."""
    text = text.strip()
    if _DATE.fullmatch(text) or _TIME.fullmatch(text):
        try:
            when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"--since {text}: not a real date or time; expected {TIME_FORMS}") from None
        return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return Path(text)


def needs_store(since: str) -> str:
    """The message for a date or time (``since`` as given) on files, which keep no history."""
    return (
        f"--since {since}: a date or time needs an event store (set BORDERMAP_DATABASE_URL), "
        "which keeps every revision; on files, give a previous briefing file instead "
        "(a PDF, PNG or HTML export, or the .manifest.json beside a CSV, GeoJSON or KML export)"
    )
