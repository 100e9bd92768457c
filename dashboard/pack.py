"""The briefing pack: several saved views told as one PDF or one PowerPoint deck.

``build(data, viewset, fmt, ...)`` makes one ``Pack`` value and hands it to
the registry's pack format ``fmt`` (``exporters``: a module with
``FORMAT = {..., "kind": "pack"}`` and ``write(pack)``). Each view's snapshot
is drawn by the registry's PNG writer (framed on its extent, key events
labelled, its callout). The formats:

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
from dataclasses import dataclass, replace

import pandas as pd

from dashboard import filters, manifest, views
from dashboard.exporters import FORMATS, PACK_FORMATS
from dashboard.exporters import view as view_value
from dashboard.exporters.pdf_export import PLACEHOLDER  # sources are named alike in the briefing and the pack
from dashboard.summary import headline

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


@dataclass(frozen=True)
class Pack:
    """What every pack format writes from (the registry's ``kind: "pack"`` entries, ``write(pack)``)."""

    data: object  # the Dataset
    viewset: views.ViewSet
    shown: list[pd.DataFrame]  # each view's events
    title: str
    summary: str  # the cover's paragraph
    marking: str
    generated_at: dt.datetime
    since: object = None  # a previous briefing's manifest, or Changes (a format that takes it)

    def snapshots(self, scale: int, header: bool = True) -> list[bytes]:
        """Each view's picture, drawn by the registry's PNG writer from one view value per view: framed on
        the view's extent, key events labelled, its callout; no marking (the page or slide carries it)."""
        pictures = []
        for view, events in zip(self.viewset.views, self.shown, strict=True):
            value = view_value.build(
                self.data, view.spec, events, extent=view.extent, highlight=view.event, labels=True,
                annotation=view.annotation, header=header, scale=scale, generated_at=self.generated_at,
                title=view.title,
            )  # fmt: skip
            # The picture's caption is the view's filter sentence alone: the pack names its data once.
            value = replace(value, caption=filters.describe(view.spec, len(events)))
            pictures.append(FORMATS["png"].write(value))
        return pictures

    def manifest(self) -> dict:
        """A manifest of every event the pack shows; ``filter`` is empty and ``views`` holds each view's filter."""
        return pack_manifest(self.data, self.viewset, self.shown, self.generated_at)


def build(
    data,
    viewset: views.ViewSet,
    fmt: str,
    marking: str = "",
    title: str = "",
    generated_at: dt.datetime | None = None,
    since=None,
) -> bytes:
    """The pack's bytes in ``fmt`` (a pack format of the registry). ``since``: a previous briefing's
    manifest, for a format that takes it."""
    if fmt not in PACK_FORMATS:
        raise ValueError(f"unknown pack format {fmt!r}; choose one of {', '.join(PACK_FORMATS)}")
    if since is not None and not PACK_FORMATS[fmt].takes_since:
        raise ValueError(f"since: the {fmt} pack has no 'Since the last briefing' page")
    when = generated_at or dt.datetime.now(dt.UTC)
    shown = [view_events(data, view) for view in viewset.views]
    value = Pack(
        data, viewset, shown, title or viewset.title or "Briefing", summary(viewset, shown), marking, when, since
    )
    return PACK_FORMATS[fmt].write(value)


def pack_manifest(data, viewset: views.ViewSet, shown: list[pd.DataFrame], when: dt.datetime) -> dict:
    """A manifest of every event the pack shows; ``filter`` is empty and ``views`` holds each view's filter."""
    every = pd.concat(shown).drop_duplicates("event_id") if shown else data.events.iloc[0:0]
    record = manifest.build(data, filters.FilterSpec(), every, when)
    return {**record, "views": [filters.to_query(v.spec) for v in viewset.views]}
