"""The briefing pack as a PDF: cover, one page per view, sources, and what changed since the last briefing.

Built with the briefing PDF's own layout (``pdf_export``: fonts, styles,
footer, marking on every page, creation date and manifest in the document
information). Every value is XML-escaped before it reaches reportlab's markup.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from dashboard import manifest, safe_text
from dashboard.exporters.pdf_export import RULE, STRIPE, _quoted_sources, build_document, paragraph_styles, text
from dashboard.exporters.png_export import FIGURE_IN, generated_text
from dashboard.record import fatalities_range_text

TABLE_ROWS = 6
PICTURE_HEIGHT = 100 * mm


FORMAT = {
    "name": "pdf",
    "label": "Briefing pack (PDF)",
    "extension": "pdf",
    "mime_type": "application/pdf",
    "order": 1,
    "kind": "pack",
    "embeds_manifest": True,
    "takes_since": True,
}


def write(pack) -> bytes:
    """The PDF of a ``pack.Pack``: print-size pictures without a header (the page sets title and caption)."""
    pictures = pack.snapshots(scale=2, header=False)
    return to_pdf_pack(
        pack.data, pack.viewset, pack.shown, pictures, pack.title, pack.summary, pack.marking,
        pack.generated_at, pack.manifest(), pack.since,
    )  # fmt: skip


def to_pdf_pack(
    data, viewset, shown: list[pd.DataFrame], pictures: list[bytes], title: str, summary: str, marking: str,
    when: dt.datetime, record: dict, since=None,
) -> bytes:  # fmt: skip
    styles = paragraph_styles()
    story = _cover(title, summary, marking, when, len(viewset.views), styles)
    for number, (view, events, png) in enumerate(zip(viewset.views, shown, pictures, strict=True), start=1):
        story += [PageBreak(), *_view_page(number, view, events, png, styles)]
    if since is not None:
        from dashboard.changes import Changes, against_manifest
        from dashboard.exporters.changes_export import since_section

        found = since if isinstance(since, Changes) else against_manifest(manifest.check(since, "since"), data)
        story += [PageBreak(), *since_section(found, styles)]
    every = pd.concat(shown).drop_duplicates("event_id") if shown else data.events.iloc[0:0]
    if len(every):
        story += [PageBreak(), *_quoted_sources(every, data.sources, styles)]
    safe_title = safe_text.for_picture(title, 300)
    return build_document(
        story, safe_title, safe_text.for_picture(summary, 600), when, manifest.pdf_info(record), marking
    )


def _cover(title: str, summary: str, marking: str, when: dt.datetime, views: int, styles) -> list:
    big = styles["title"].clone("cover", fontSize=26, leading=32, spaceAfter=14)
    parts = [Spacer(1, 40 * mm), Paragraph(text(title), big)]
    if marking:
        parts.append(Paragraph(f"<font color='#c92a2a'><b>{text(marking)}</b></font>", styles["heading"]))
    parts += [
        Paragraph(f"Briefing pack · {views} views · {generated_text(when)}", styles["caption"]),
        Spacer(1, 8 * mm),
        Paragraph(text(summary), styles["caption"].clone("summary", fontSize=12, leading=16)),
    ]
    return parts


def _view_page(number: int, view, events: pd.DataFrame, png: bytes, styles) -> list:
    width = PICTURE_HEIGHT * FIGURE_IN[0] / FIGURE_IN[1]
    from dashboard import filters

    parts = [
        Paragraph(f"{number}. {text(view.title)}", styles["heading"]),
        Paragraph(text(filters.describe(view.spec, len(events))), styles["caption"]),
        Image(io.BytesIO(png), width=width, height=PICTURE_HEIGHT),
        Spacer(1, 3 * mm),
    ]
    if view.note:
        parts.append(Paragraph(f"<b>Judgement.</b> {text(view.note)}", styles["caption"]))
        parts.append(Spacer(1, 2 * mm))
    parts.append(KeepTogether(_table(events, styles)))
    return parts


def _table(events: pd.DataFrame, styles) -> list:
    if events.empty:
        return [Paragraph("No event is shown in this view.", styles["body"])]
    rows = [[Paragraph(f"<b>{h}</b>", styles["cell_head"]) for h in ("Date", "What", "Where", "Deaths")]]
    ordered = events.sort_values("event_date")
    for _, event in ordered.head(TABLE_ROWS).iterrows():
        what = " / ".join(x for x in (event["event_type"], event["sub_event_type"]) if x)
        cells = (f"{event['event_date']:%-d %b %Y}", what, event["location"], fatalities_range_text(event))
        rows.append([Paragraph(text(c), styles["cell"]) for c in cells])
    table = Table(rows, colWidths=[70, 230, 400, 70], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),  # else an unembedded Helvetica is referenced
            ]
        )
    )
    more = len(events) - TABLE_ROWS
    tail = [Paragraph(f"… and {more} more events (the CSV export lists them all).", styles["cell_small"])]
    return [table, *(tail if more > 0 else [])]
