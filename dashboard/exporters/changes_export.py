"""What changed since a briefing, as a CSV (one row per change) or a PDF, and as the briefing PDF's section.

The CSV has ``changes.CSV_COLUMNS``: ``change`` (new, changed, retracted),
``event_id``, ``field``, ``before``, ``after``, the event's date and place for
reading, and the ``reason`` of a retraction when the record gives one; it is
formula-safe like every CSV export (``csv_export.table_to_csv``). The PDF lists
new events, each changed field as "before → after", and retracted events;
every value is escaped (``pdf_export.text``) and cut, and each list stops after
``pdf_export.PDF_TABLE_MAX`` events with a line saying where the rest are.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from reportlab.platypus import KeepTogether, LongTable, Paragraph, Spacer, TableStyle

from dashboard import safe_text
from dashboard.changes import CSV_COLUMNS, Changes, change_rows
from dashboard.exporters.csv_export import table_to_csv
from dashboard.exporters.pdf_export import (
    MARGIN,
    PAGE,
    PDF_TABLE_MAX,
    QUOTE_MAX,
    RULE,
    build_document,
    paragraph_styles,
    text,
)
from dashboard.exporters.png_export import generated_text

SINCE_HEADING = "Since the last briefing"
VALUE_MAX = QUOTE_MAX // 2  # a changed note or passage, cut so its row fits a page
FIELD_WIDTH = 110
REST = "the full list is in the changes CSV (python -m dashboard changes --format csv)"


def changes_csv(changes: Changes) -> bytes:
    """One formula-safe row per change; numbers stay numbers, a missing value is an empty cell."""
    return table_to_csv(pd.DataFrame(change_rows(changes), columns=list(CSV_COLUMNS), dtype=object))


def changes_pdf(
    changes: Changes, title: str = "Changes since the last briefing", generated_at: dt.datetime | None = None
) -> bytes:
    """The changes alone, as a PDF in the briefing's layout."""
    when = generated_at or dt.datetime.now(dt.UTC)
    title = safe_text.for_picture(title, 300)
    caption = safe_text.for_picture(f"Compared with {changes.baseline or 'the earlier record'}.", 600)
    styles = paragraph_styles()
    story = [Paragraph(text(title), styles["title"]), *since_section(changes, styles, heading="")]
    story.append(Paragraph(f"Generated {text(generated_text(when))}.", styles["cell_small"]))
    return build_document(story, title, caption, when)


def since_section(changes: Changes, styles: dict, heading: str = SINCE_HEADING) -> list:
    """Flowables: the heading, a summary line, then new, changed and retracted events."""
    against = text(changes.baseline or "the earlier record", None)
    story = [Paragraph(text(heading), styles["heading"])] if heading else []
    story.append(Paragraph(f"Compared with {against}: {text(changes.summary())}.", styles["body"]))
    if not (changes.new or changes.changed or changes.retracted):
        return [*story, Paragraph("Nothing changed.", styles["body"])]
    if changes.new:
        story += _group("New (not in the last briefing)", changes.new, changes, styles)
    if changes.changed:
        story.append(Paragraph("Changed", styles["entry"]))
        for event_id in list(changes.changed)[:PDF_TABLE_MAX]:
            entry = [_event_line(event_id, changes, styles), _field_table(event_id, changes, styles)]
            story.append(KeepTogether(entry))
        story += _rest(len(changes.changed), styles)
    if changes.retracted:
        story += _group("Retracted (no longer in the data)", changes.retracted, changes, styles)
    return story


def _group(title: str, ids: list[str], changes: Changes, styles: dict) -> list:
    lines = [_event_line(event_id, changes, styles) for event_id in ids[:PDF_TABLE_MAX]]
    return [Paragraph(text(title), styles["entry"]), *lines, *_rest(len(ids), styles)]


def _event_line(event_id: str, changes: Changes, styles: dict) -> Paragraph:
    record = changes.records.get(event_id, {})
    parts = [text(event_id), text(record.get("event_date")), text(record.get("location"))]
    line = " · ".join(part for part in parts if part)
    reason = changes.retracted_reasons.get(event_id)
    if reason:
        line += f" — retracted: {text(reason)}"
    return Paragraph(line, styles["source"])


def _field_table(event_id: str, changes: Changes, styles: dict) -> LongTable:
    value_width = (PAGE[0] - 2 * MARGIN - 12 - FIELD_WIDTH) / 2
    header = [Paragraph(name, styles["cell_head"]) for name in ("Field", "Before", "After")]
    rows = [
        [Paragraph(text(name), styles["cell"]), _value(before, styles), _value(after, styles)]
        for name, before, after in changes.changed[event_id]
    ]
    table = LongTable([header, *rows], colWidths=[FIELD_WIDTH, value_width, value_width], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _value(value: object, styles: dict) -> Paragraph:
    if value is None or value == "":
        return Paragraph("<font color='#868e96'>(none)</font>", styles["cell"])
    return Paragraph(text(value, VALUE_MAX), styles["cell"])


def _rest(count: int, styles: dict) -> list:
    if count <= PDF_TABLE_MAX:
        return [Spacer(1, 4)]
    return [Paragraph(f"The first {PDF_TABLE_MAX} of {count} are listed; {text(REST)}.", styles["body"])]
