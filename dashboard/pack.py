"""The briefing pack: several saved views told as one PDF or one PowerPoint deck.

``build(data, viewset, fmt, ...)`` draws each view's snapshot (framed on its
extent, key events labelled, its callout, the marking) and assembles:

- PDF: a cover (title, date, marking, a paragraph saying what is shown), one
  page per view (snapshot, title, note, a short table of its events), the
  sources with their quoted passages, and "Since the last briefing" when a
  previous briefing is given;
- PPTX: a cover slide and one slide per view (``exporters.pptx_pack``).

Sources are named by publisher, title and date: no file path, internal id or
placeholder reaches the pack. The PDF records a manifest of every event the
pack shows, with each view's filter (``views``), so "Changes since…" works
against a pack too.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from dashboard import filters, manifest, views
from dashboard.exporters.png_export import Snapshot, to_png
from dashboard.summary import headline

FORMATS = ("pdf", "pptx")
PLACEHOLDER = re.compile(r"\s*\((no headline|not stated)[^)]*\)", re.IGNORECASE)
NOT_STATED = ("not stated", "")


def view_events(data, view: views.View) -> pd.DataFrame:
    return filters.apply(data.events, view.spec)


def source_names(events: pd.DataFrame, sources: pd.DataFrame) -> list[str]:
    """``Publisher, "Title", date`` for each source the events cite, in order of first citation."""
    names = []
    for source_id in dict.fromkeys(events["source_id"].dropna().astype(str)):
        if source_id not in sources.index:
            continue
        row = sources.loc[source_id]
        publisher = str(row.get("publisher", "") or "")
        title = PLACEHOLDER.sub("", str(row.get("title", "") or "")).strip()
        parts = [p for p in (publisher, f"“{title}”" if title else "", str(row.get("publication_date", "") or ""))]
        parts = [p for p in parts if p.strip().lower() not in NOT_STATED and not p.lower().startswith("not stated")]
        if parts:
            names.append(", ".join(parts))
    return names


def deaths_text(events: pd.DataFrame) -> str:
    """The deaths the events record, as the page's headline counts them (a range where sources differ),
    and how many events give no figure."""
    found = headline(events)
    words = f"{found.fatalities_text} deaths reported"
    if found.fatalities_unknown:
        words += f" ({found.fatalities_unknown} event{'s' if found.fatalities_unknown != 1 else ''} without a figure)"
    return words


def count_line(events: pd.DataFrame) -> str:
    return f"{len(events)} event{'s' if len(events) != 1 else ''}, {deaths_text(events)}"


def summary(viewset: views.ViewSet, shown: list[pd.DataFrame]) -> str:
    """One paragraph: how many views, what they cover, the span of dates and the deaths."""
    every = pd.concat(shown).drop_duplicates("event_id") if shown else pd.DataFrame()
    if every.empty:
        return f"{len(viewset.views)} views; no event is shown."
    first, last = every["event_date"].min(), every["event_date"].max()
    titles = "; ".join(v.title for v in viewset.views)
    return (
        f"{len(viewset.views)} views of {len(every)} events from {first:%-d %B %Y} to {last:%-d %B %Y} "
        f"({deaths_text(every)}): {titles}. Each view's note is the analyst's judgement; every event cites the "
        "passage of the source that supports it (listed at the end)."
    )


def snapshots(
    data, viewset: views.ViewSet, marking: str, when: dt.datetime, scale: int, header: bool = True
) -> list[bytes]:
    pictures = []
    for view in viewset.views:
        events = view_events(data, view)
        snapshot = Snapshot(view.extent, True, view.event, view.annotation, marking, header)
        caption = filters.describe(view.spec, len(events))
        pictures.append(to_png(events, data.geometry, view.title, caption, scale, when, snapshot=snapshot))
    return pictures


def build(
    data,
    viewset: views.ViewSet,
    fmt: str,
    marking: str = "",
    title: str = "",
    generated_at: dt.datetime | None = None,
    since=None,
) -> bytes:
    """The pack's bytes. ``since``: a previous briefing's manifest (PDF only)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown pack format {fmt!r}; choose one of {', '.join(FORMATS)}")
    when = generated_at or dt.datetime.now(dt.UTC)
    title = title or viewset.title or "Briefing"
    shown = [view_events(data, view) for view in viewset.views]
    text = summary(viewset, shown)
    if fmt == "pptx":
        from dashboard.exporters.pptx_pack import Slide, to_pptx

        pictures = snapshots(data, viewset, "", when, 1)  # the slide carries the marking, not the picture again
        slides = [
            Slide(v.title, png, v.note, "; ".join(source_names(events, data.sources)) or "none", count_line(events))
            for v, png, events in zip(viewset.views, pictures, shown, strict=True)
        ]
        return to_pptx(title, text, slides, marking, when)
    from dashboard.exporters.pdf_pack import to_pdf_pack

    pictures = snapshots(data, viewset, "", when, 2, header=False)  # the page sets the marking, title, caption
    record = pack_manifest(data, viewset, shown, when)
    return to_pdf_pack(data, viewset, shown, pictures, title, text, marking, when, record, since)


def pack_manifest(data, viewset: views.ViewSet, shown: list[pd.DataFrame], when: dt.datetime) -> dict:
    """A manifest of every event the pack shows; ``filter`` is empty and ``views`` holds each view's filter."""
    every = pd.concat(shown).drop_duplicates("event_id") if shown else data.events.iloc[0:0]
    record = manifest.build(data, filters.FilterSpec(), every, when)
    return {**record, "views": [filters.to_query(v.spec) for v in viewset.views]}
