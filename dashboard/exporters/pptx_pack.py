"""The briefing pack as a PowerPoint deck (python-pptx): a cover, then one slide per saved view.

Each view's slide has its title, the map snapshot (the PNG the PDF pack uses),
the analyst's note as bullets (one per sentence), the sources line, and the
handling marking at the top and bottom when one is set. Every text is data
placed in a text frame (never a field, a link or a macro); control characters
are dropped, since the XML underneath cannot hold them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from dashboard import safe_text

WIDE = (Inches(13.333), Inches(7.5))  # 16:9
MARKING_RED = RGBColor(0xC9, 0x2A, 0x2A)
INK = RGBColor(0x21, 0x25, 0x29)
MUTED = RGBColor(0x49, 0x50, 0x57)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Slide:
    title: str
    picture: bytes  # PNG
    note: str
    sources: str  # one line naming the sources (publisher, title, date)
    count_line: str  # e.g. "2 events, 2 deaths"


FORMAT = {
    "name": "pptx",
    "label": "Briefing pack (PowerPoint)",
    "extension": "pptx",
    "mime_type": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "order": 2,
    "kind": "pack",
}


def write(pack) -> bytes:
    """The deck of a ``pack.Pack``: its pictures at screen size, with title and caption (a slide has room)."""
    from dashboard.pack import count_line, source_names

    pictures = pack.snapshots(scale=1)
    slides = [
        Slide(v.title, png, v.note, "; ".join(source_names(events, pack.data.sources)) or "none", count_line(events))
        for v, png, events in zip(pack.viewset.views, pictures, pack.shown, strict=True)
    ]
    return to_pptx(pack.title, pack.summary, slides, pack.marking, pack.generated_at)


def clean(text: str, limit: int) -> str:
    return safe_text.cut(_CONTROL.sub("", str(text)), limit)


def sentences(note: str) -> list[str]:
    """The note as bullets: one per sentence."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'])", clean(note, 2000).strip())
    return [p for p in parts if p]


def to_pptx(
    title: str, summary: str, slides: list[Slide], marking: str = "", generated_at: dt.datetime | None = None
) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDE
    blank = deck.slide_layouts[6]
    when = generated_at or dt.datetime.now(dt.UTC)
    cover = deck.slides.add_slide(blank)
    _marking(cover, marking, deck)
    _text(cover, Inches(0.8), Inches(2.2), Inches(11.7), Inches(1.4), clean(title, 200), 36, bold=True)
    _text(cover, Inches(0.8), Inches(3.6), Inches(11.7), Inches(2.2), clean(summary, 1200), 16, colour=MUTED)
    _text(
        cover, Inches(0.8), Inches(6.0), Inches(11.7), Inches(0.4),
        f"Briefing pack · {len(slides)} views · generated {when.astimezone(dt.UTC):%d %B %Y %H:%M} UTC", 12,
        colour=MUTED,
    )  # fmt: skip
    for number, item in enumerate(slides, start=1):
        slide = deck.slides.add_slide(blank)
        _marking(slide, marking, deck)
        _text(
            slide,
            Inches(0.5),
            Inches(0.45),
            Inches(12.3),
            Inches(0.7),
            f"{number}. {clean(item.title, 200)}",
            26,
            bold=True,
        )
        picture = slide.shapes.add_picture(io.BytesIO(item.picture), Inches(0.5), Inches(1.2), height=Inches(5.5))
        if picture.width > Inches(8.2):  # keep room for the note
            scale = Inches(8.2) / picture.width
            picture.width, picture.height = Inches(8.2), Emu(int(picture.height * scale))
        left = picture.left + picture.width + Inches(0.3)
        width = deck.slide_width - left - Inches(0.4)
        box = slide.shapes.add_textbox(left, Inches(1.2), width, Inches(4.6)).text_frame
        box.word_wrap = True
        first = True
        for line in [clean(item.count_line, 200), *sentences(item.note)]:
            paragraph = box.paragraphs[0] if first else box.add_paragraph()
            paragraph.text = ("• " if not first else "") + line
            paragraph.font.size = Pt(16 if not first else 14)
            paragraph.font.bold = first
            paragraph.font.color.rgb = INK
            paragraph.space_after = Pt(8)
            first = False
        _text(
            slide,
            Inches(0.5),
            Inches(6.75),
            Inches(12.3),
            Inches(0.35),
            "Sources: " + clean(item.sources, 400),
            10,
            colour=MUTED,
        )
    out = io.BytesIO()
    deck.core_properties.title = clean(title, 200)
    deck.core_properties.subject = clean(marking, 60) if marking else "Briefing pack"
    deck.core_properties.created = when.replace(tzinfo=None)
    deck.save(out)
    return out.getvalue()


def _text(slide, left, top, width, height, text: str, size: int, bold: bool = False, colour=INK, align=None):
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.text = text
    paragraph.font.size = Pt(size)
    paragraph.font.bold = bold
    paragraph.font.color.rgb = colour
    if align is not None:
        paragraph.alignment = align
    return frame


def _marking(slide, marking: str, deck) -> None:
    if not marking:
        return
    text = clean(marking, 60)
    for top in (Inches(0.05), deck.slide_height - Inches(0.4)):
        _text(
            slide,
            Inches(0.5),
            top,
            deck.slide_width - Inches(1.0),
            Inches(0.35),
            text,
            12,
            True,
            MARKING_RED,
            PP_ALIGN.CENTER,
        )
