"""Saved views: the pictures of a briefing, each a filter, a frame, a selected event and a judgement.

The views file (what the page downloads and ``brief`` reads) is JSON::

    {"title": "…", "views": [{"title": "…", "note": "…",
      "query": {"from": "2024-01-16", "to": "2024-01-17", "actor": ["Iran"]},
      "extent": [south, west, north, east], "event": "IRPK-2024-0116-STRIKE", "annotation": "…"}]}

``query`` takes exactly the shareable URL's keys (``filters.QUERY_KEYS``);
``extent``, ``event`` and ``annotation`` are optional. ``parse`` is strict
where a link is lenient: every problem is reported, naming the view (number
and title) and the key, and nothing is returned unless all is well, so a bad
file never half-loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from dashboard import filters, safe_text

MAX_BYTES = 1024 * 1024
MAX_VIEWS = 50
TEXT_LIMITS = {"title": 200, "note": 2000, "annotation": 300}
LIST_KEYS = {filters.QUERY_KEYS[name] for name in filters.LIST_FIELDS}
VIEW_KEYS = ("title", "note", "query", "extent", "event", "annotation", "basemap")

Extent = tuple[float, float, float, float]  # south, west, north, east


class ViewsError(ValueError):
    """A views file that cannot be used; carries one message per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class View:
    title: str
    spec: filters.FilterSpec = field(default_factory=filters.FilterSpec)
    note: str = ""
    extent: Extent | None = None
    event: str | None = None
    annotation: str = ""
    basemap: str = ""  # the page's basemap when saved ("" : the page's own choice)

    def to_dict(self) -> dict:
        found: dict = {"title": self.title, "note": self.note, "query": filters.to_query(self.spec)}
        if self.extent is not None:
            found["extent"] = list(self.extent)
        if self.event:
            found["event"] = self.event
        if self.annotation:
            found["annotation"] = self.annotation
        if self.basemap:
            found["basemap"] = self.basemap
        return found


@dataclass(frozen=True)
class ViewSet:
    title: str
    views: tuple[View, ...] = ()

    def to_json(self) -> bytes:
        body = {"title": self.title, "views": [v.to_dict() for v in self.views]}
        return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def parse(data: bytes, name: str) -> ViewSet:
    """The views file's views, or ``ViewsError`` naming every problem (file, view, key, value)."""
    if len(data) > MAX_BYTES:
        raise ViewsError([f"{name}: {len(data):,} bytes; a views file is at most {MAX_BYTES:,}"])
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ViewsError([f"{name}: not JSON in UTF-8 ({err})"]) from None
    if not isinstance(body, dict):
        raise ViewsError([f"{name}: expected a JSON object with 'title' and 'views'"])
    problems: list[str] = []
    unknown = sorted(set(body) - {"title", "views"})
    if unknown:
        problems.append(f"{name}: unknown key {unknown[0]!r} (the file has 'title' and 'views')")
    title = _text(body.get("title", ""), f"{name}: title", TEXT_LIMITS["title"], problems)
    raw_views = body.get("views")
    if not isinstance(raw_views, list) or not raw_views:
        problems.append(f"{name}: views: expected a list of at least one view")
        raise ViewsError(problems)
    if len(raw_views) > MAX_VIEWS:
        problems.append(f"{name}: {len(raw_views)} views; at most {MAX_VIEWS}")
    views = []
    for number, raw in enumerate(raw_views[:MAX_VIEWS], start=1):
        view = _view(raw, f"{name}: view {number}", problems)
        if view is not None:
            views.append(view)
    if problems:
        raise ViewsError(problems)
    return ViewSet(title, tuple(views))


def _view(raw, where: str, problems: list[str]) -> View | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected an object with a title and a query")
        return None
    label = raw.get("title") if isinstance(raw.get("title"), str) else ""
    where = f"{where} ({label[:60]!r})" if label else where
    before = len(problems)
    for key in sorted(set(raw) - set(VIEW_KEYS)):
        problems.append(f"{where}: unknown key {key!r}; a view has {', '.join(VIEW_KEYS)}")
    title = _text(raw.get("title"), f"{where}: title", TEXT_LIMITS["title"], problems, required=True)
    note = _text(raw.get("note", ""), f"{where}: note", TEXT_LIMITS["note"], problems)
    annotation = _text(raw.get("annotation", ""), f"{where}: annotation", TEXT_LIMITS["annotation"], problems)
    spec = _query(raw.get("query", {}), where, problems)
    extent = _extent(raw.get("extent"), where, problems)
    event = raw.get("event")
    if event is not None and (not isinstance(event, str) or not event.strip()):
        problems.append(f"{where}: event {event!r}: expected an event id")
    basemap = raw.get("basemap", "")
    from dashboard.mapview import BASEMAP_LABELS

    if basemap and basemap not in BASEMAP_LABELS:
        problems.append(f"{where}: basemap {basemap!r}: expected one of {', '.join(BASEMAP_LABELS)}")
    if len(problems) > before:
        return None
    return View(title, spec, note, extent, event.strip() if event else None, annotation, basemap)


def _text(value, where: str, limit: int, problems: list[str], required: bool = False) -> str:
    if value is None or value == "":
        if required:
            problems.append(f"{where}: give a text (it is empty)")
        return ""
    if not isinstance(value, str):
        problems.append(f"{where}: {value!r}: expected text")
        return ""
    if len(value) > limit:
        problems.append(f"{where}: {len(value)} characters; at most {limit}")
    if safe_text.xml_text(value) != value:  # a control character or lone surrogate no file can write back
        problems.append(f"{where}: holds a control character or an unpaired surrogate; expected plain text")
    return value.strip()


def _query(raw, where: str, problems: list[str]) -> filters.FilterSpec:
    if not isinstance(raw, dict):
        problems.append(f"{where}: query {raw!r}: expected an object of the shareable link's keys")
        return filters.FilterSpec()
    known = set(filters.QUERY_KEYS.values())
    cleaned: dict[str, str | list[str]] = {}
    for key, value in raw.items():
        if key not in known:
            problems.append(f"{where}: query key {key!r}: not a link key; use {', '.join(sorted(known))}")
        elif key in LIST_KEYS:
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                problems.append(f"{where}: query key {key!r} = {value!r}: expected text or a list of texts")
            else:
                cleaned[key] = values
        elif isinstance(value, bool) and key == "precise":
            cleaned[key] = "1" if value else "0"
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            cleaned[key] = str(value)
        else:
            problems.append(f"{where}: query key {key!r} = {value!r}: expected one value")
    spec, notices = filters.from_query(cleaned)
    for notice in notices:  # the link's own words, e.g. "Ignored from='2024-13-01': not a date ..."
        problems.append(f"{where}: query: {notice.removeprefix('Ignored ').rstrip('.')}")
    return spec


def _extent(raw, where: str, problems: list[str]) -> Extent | None:
    if raw is None:
        return None
    ok = (
        isinstance(raw, list)
        and len(raw) == 4
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw)
    )
    if ok:
        south, west, north, east = (float(v) for v in raw)
        ok = -90 <= south < north <= 90 and -180 <= west < east <= 180
    if not ok:
        problems.append(
            f"{where}: extent {raw!r}: expected [south, west, north, east] in degrees, south below north "
            "and west of east"
        )
        return None
    return south, west, north, east


def check_against(viewset: ViewSet, events, options: dict[str, list[str]]) -> list[str]:
    """Problems of views that name what the data lacks (an event id, an actor, a type, a place)."""
    problems = []
    ids = set(events["event_id"].astype(str)) if any(v.event for v in viewset.views) else set()
    for number, view in enumerate(viewset.views, start=1):
        where = f"view {number} ({view.title[:60]!r})"
        if view.event and view.event not in ids:
            problems.append(f"{where}: event {view.event!r}: no such event in the data")
        for name in filters.LIST_FIELDS:
            missing = [v for v in getattr(view.spec, name) if v not in options[name]]
            if missing:
                problems.append(
                    f"{where}: query key {filters.QUERY_KEYS[name]!r}: {', '.join(missing)} not in the data"
                )
    return problems
