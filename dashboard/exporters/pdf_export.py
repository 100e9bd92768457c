"""A briefing PDF: the map, the table of events, and every quoted passage with its source.

Landscape A4. Page 1 is the PNG snapshot under the title with the caption as
real text; then a table of the events whose header repeats on every page and
whose long cells wrap; then "Sources and quoted passages", one entry per
event (its note, the verbatim passage, the cited source and the source of
an exact date or place). Every string is real, selectable text in DejaVu Sans (the copy that
ships with matplotlib, so it is always there; it has the en dashes and curly
quotes the data uses). Every value is XML-escaped before it reaches
reportlab's Paragraph markup, so ``<script>`` in a note prints as itself.

Bounded whatever the data: a table cell shows at most ``CELL_MAX``
characters, a note or passage ``QUOTE_MAX`` (an ellipsis marks a cut; the CSV
and GeoJSON carry every character), and the table and the sources list stop
after ``PDF_TABLE_MAX`` events with a line saying so. No cell can grow taller
than a page, so the layout never fails.

The document information carries the real generation time and any extra
entries given (the export's manifest; ``pdf_document``). ``since`` adds a
"Since the last briefing" section after the map (``changes_export``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
import pandas as pd
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from dashboard import safe_text
from dashboard.borders import BorderGeometry
from dashboard.claims import SIDE_WORDS, claims_by_side
from dashboard.exporters.fields import EXPORT_COLUMNS, check_columns
from dashboard.exporters.pdf_document import canvas_maker
from dashboard.exporters.png_export import FIGURE_IN, Snapshot, generated_text, to_png
from dashboard.record import fatalities_text, range_text

# Image streams stay binary (Flate only): ASCII85 made them a quarter larger, and
# without reportlab's C accelerator encoding a print-size map took 1.4 s.
rl_config.useA85 = 0

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONTS = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
}
PAGE = landscape(A4)
MARGIN = 12 * mm
TABLE_COLUMNS = (  # heading, width in points (the page is 818 wide inside its margins)
    ("Event id", 128),
    ("Date", 62),
    ("Type", 120),
    ("Actors", 190),
    ("Location", 174),
    ("Fatalities", 62),
    ("Km to border (range)", 66),
)
CELL_MAX = 300
QUOTE_MAX = 2000
CAPTION_MAX = 600
TITLE_MAX = 300
PDF_TABLE_MAX = 200
RULE = colors.HexColor("#adb5bd")
STRIPE = colors.HexColor("#f1f3f5")


def to_pdf(
    events: pd.DataFrame,
    sources: pd.DataFrame,
    geometry: BorderGeometry,
    title: str,
    caption: str,
    generated_at: dt.datetime | None = None,
    show_areas: bool = True,
    drawn_area: tuple = (),
    info: Mapping[str, str] | None = None,
    since=None,
    marking: str = "",
    colours: Mapping[str, str] | None = None,
) -> bytes:
    """Map, table and quoted sources of ``events`` as PDF bytes (``marking`` on every page).

    ``sources`` is the registry indexed by ``source_id`` (``Dataset.sources``).
    ``generated_at`` (default now) is also the file's creation date. ``info``:
    extra document information entries (key: text). ``since``: a
    ``dashboard.changes.Changes``, listed under "Since the last briefing". ``colours``: as ``to_png``'s.
    """
    check_columns(events, [*EXPORT_COLUMNS, "origin_lat", "origin_lon"], "PDF")
    when = generated_at or dt.datetime.now(dt.UTC)
    stamp = generated_text(when)
    picture = Snapshot(header=False)  # the page sets the title and caption once, as real text
    png = to_png(
        events,
        geometry,
        title,
        caption,
        2,
        when,
        show_areas=show_areas,
        drawn_area=drawn_area,
        snapshot=picture,
        colours=colours,
    )
    # The page carries the marking; the map picture inside it does not repeat it.
    title, caption = safe_text.for_picture(title, TITLE_MAX), safe_text.for_picture(caption, CAPTION_MAX)
    styles = paragraph_styles()
    story = [*_map_page(png, title, caption, stamp, styles), PageBreak()]
    if since is not None:
        from dashboard.exporters.changes_export import since_section  # it draws with this module's styles

        story += [*since_section(since, styles), PageBreak()]
    story += [*_event_table(events, styles), *_quoted_sources(events, sources, styles)]
    return build_document(story, title, caption, when, info, marking)


def build_document(
    story: list,
    title: str,
    caption: str,
    when: dt.datetime,
    info: Mapping[str, str] | None = None,
    marking: str = "",
) -> bytes:
    """The briefing's pages (layout, footer) and document information around ``story``; ``title`` and
    ``caption`` as ``safe_text.for_picture`` gives them."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        subject=caption,
        keywords=safe_text.for_picture(marking, 60) if marking else "",  # the handling marking, in the metadata too
        author="Iran–Pakistan border map",
        creator=__name__,
        invariant=True,  # no random document id: the same input gives the same bytes
        initialFontName="DejaVuSans",  # else an unused, unembedded Helvetica is referenced
    )
    footer = _footer(title, generated_text(when), marking)
    document.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=canvas_maker(when, info))
    return buffer.getvalue()


def paragraph_styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    base = ParagraphStyle("body", fontName="DejaVuSans", fontSize=9, leading=11.5)
    return {
        "title": ParagraphStyle("title", base, fontName="DejaVuSans-Bold", fontSize=16, leading=20, spaceAfter=4),
        "heading": ParagraphStyle("heading", base, fontName="DejaVuSans-Bold", fontSize=13, leading=16, spaceAfter=6),
        "caption": ParagraphStyle("caption", base, fontSize=10, leading=13),
        "body": base,
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "claim": ParagraphStyle("claim", base, fontSize=8, leading=10, spaceAfter=4),
        "cell_small": ParagraphStyle("cell_small", base, fontSize=7, leading=9, textColor=colors.HexColor("#495057")),
        "cell_head": ParagraphStyle("cell_head", base, fontName="DejaVuSans-Bold", fontSize=8, leading=10),
        "number": ParagraphStyle("number", base, fontSize=8, leading=10, alignment=TA_RIGHT),
        "entry": ParagraphStyle("entry", base, fontName="DejaVuSans-Bold", fontSize=9, leading=12, spaceBefore=6),
        "quote": ParagraphStyle("quote", base, fontName="DejaVuSans-Oblique", leftIndent=12, spaceBefore=2),  # verbatim
        "source": ParagraphStyle("source", base, fontSize=8, leading=10.5, leftIndent=12, spaceBefore=2),
    }


def _register_fonts() -> None:
    for name, file in FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        "DejaVuSans",
        normal="DejaVuSans",
        bold="DejaVuSans-Bold",
        italic="DejaVuSans-Oblique",
        boldItalic="DejaVuSans-Bold",
    )


def text(value: object, limit: int | None = CELL_MAX) -> str:
    """Any value as Paragraph-safe text: controls made visible, cut to ``limit``, XML-escaped; missing values empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return escape(safe_text.for_picture(value, limit))


def _map_page(png: bytes, title: str, caption: str, stamp: str, styles: dict) -> list:
    """The title and caption as real text, once, then the map."""
    width = PAGE[0] - 2 * MARGIN
    height = width * FIGURE_IN[1] / FIGURE_IN[0]
    room = PAGE[1] - 2 * MARGIN - 4 * mm - 80  # leave the title and the caption their lines above
    if height > room:
        width, height = room * FIGURE_IN[0] / FIGURE_IN[1], room
    image = Image(io.BytesIO(png), width=width, height=height)
    image.hAlign = "CENTER"
    words = f"{text(caption)} <font color='#495057'>Map generated {text(stamp)}.</font>"
    return [Paragraph(text(title), styles["title"]), Paragraph(words, styles["caption"]), Spacer(1, 4), image]


def _event_table(events: pd.DataFrame, styles: dict) -> list:
    header = [Paragraph(text(name), styles["cell_head"]) for name, _ in TABLE_COLUMNS]
    rows = [_event_row(event, styles) for _, event in events.head(PDF_TABLE_MAX).iterrows()]
    table = LongTable([header, *rows], colWidths=[w for _, w in TABLE_COLUMNS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),  # else Table references Helvetica
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    intro = f"{len(events)} event{'s' if len(events) != 1 else ''}, in date order as filtered."
    if len(events) > PDF_TABLE_MAX:
        intro += f" The table lists the first {PDF_TABLE_MAX} of {len(events)}; the full list is in the CSV export."
    story = [Paragraph("Events", styles["heading"]), Paragraph(intro, styles["body"]), Spacer(1, 6), table]
    if events.empty:
        story.append(Paragraph("No events match the filters.", styles["body"]))
    return story


def _event_row(event: pd.Series, styles: dict) -> list:
    date = f"{event['event_date']:%Y-%m-%d}"
    if event["date_precision"] != "day":
        date += f"<br/><font size=7>({text(event['date_precision'])})</font>"
    actors = text(event["actor1"]) + (f"<br/><font size=7>vs</font> {text(event['actor2'])}" if event["actor2"] else "")
    place = ", ".join(x for x in (event["admin1"], event["country"]) if x)
    return [
        Paragraph(text(event["event_id"]), styles["cell"]),
        Paragraph(date, styles["cell"]),
        [
            Paragraph(text(event["event_type"]), styles["cell"]),
            Paragraph(text(event["sub_event_type"]), styles["cell_small"]),
        ],
        Paragraph(actors, styles["cell"]),
        [Paragraph(text(event["location"]), styles["cell"]), Paragraph(text(place), styles["cell_small"])],
        Paragraph(fatalities_text(event, short=True), styles["number"]),
        Paragraph(_distance_cell(event), styles["number"]),
    ]


def _distance_cell(event: pd.Series) -> str:
    """The point's distance, and under it the range over the area the place may lie in, and a crossing."""
    cell = f"{event['distance_to_border_km']:.1f}"
    span = range_text(event)
    if span:
        cell += f"<br/><font size=7>{text(span)}</font>"
    if str(event.get("crossed", "")) in ("yes", "possibly"):
        cell += f"<br/><font size=7>crossed: {text(event['crossed'])}</font>"
    return cell


def _quoted_sources(events: pd.DataFrame, sources: pd.DataFrame, styles: dict) -> list:
    """Per event: its note, the verbatim passage, the cited source and the detail source."""
    heading = [Spacer(1, 14), Paragraph("Sources and quoted passages", styles["heading"])]
    if events.empty:
        return [*heading, Paragraph("No events, so no sources.", styles["body"])]
    story = []
    for position, (_, event) in enumerate(events.head(PDF_TABLE_MAX).iterrows()):
        entry = [] if position else list(heading)  # the heading never ends a page alone
        title = f"{text(event['event_id'])} · {event['event_date']:%Y-%m-%d} · {text(event['location'])}"
        entry.append(Paragraph(title, styles["entry"]))
        if event["notes"]:
            entry.append(Paragraph("Note: " + text(event["notes"], QUOTE_MAX), styles["source"]))
        if event["source_quote"]:
            entry.append(Paragraph(text(event["source_quote"], QUOTE_MAX), styles["quote"]))
        grouped = claims_by_side(event.get("claims", ""))
        if grouped:
            entry.append(_claims_table(grouped, styles))
        entry.append(Paragraph("Source: " + _source_text(event["source_id"], sources), styles["source"]))
        if event["detail_source_id"]:
            detail = _source_text(event["detail_source_id"], sources)
            entry.append(Paragraph("Date or place from: " + detail, styles["source"]))
        story.append(KeepTogether(entry))
    if len(events) > PDF_TABLE_MAX:
        rest = f"Sources of the other {len(events) - PDF_TABLE_MAX} events: see the CSV or GeoJSON export."
        story.append(Paragraph(rest, styles["body"]))
    return story


def _claims_table(grouped: dict[str, list[str]], styles: dict) -> LongTable:
    """Each side's claims in its own column, so neither reads as the fact."""
    width = (PAGE[0] - 2 * MARGIN - 12) / len(grouped)
    header = [Paragraph(text(SIDE_WORDS.get(side, side)), styles["cell_head"]) for side in grouped]
    # A claim line ends in its source's registry id ("[dawn-…]"): the entry names the source for a reader.
    cells = [
        [Paragraph(text(SOURCE_TAG.sub("", line), QUOTE_MAX // 4), styles["claim"]) for line in lines]
        for lines in grouped.values()
    ]
    table = LongTable([header, cells], colWidths=[width] * len(grouped), hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


SOURCE_TAG = re.compile(r"\s*\[[^\[\]]+\]\s*$")
PLACEHOLDER = re.compile(r"\s*\((no headline|not stated)[^)]*\)", re.IGNORECASE)


def _source_text(source_id: str, sources: pd.DataFrame) -> str:
    """A registry entry named as a reader names it: title, publisher, author, date, and its address when it
    is on the web. No local file path, no internal id, no placeholder ("not stated in the seed")."""
    if not source_id:
        return "none cited"
    if source_id not in sources.index:
        return "a source missing from the registry"
    source = sources.loc[source_id]
    who = [
        source[k] for k in ("publisher", "author", "publication_date") if source[k] and not source[k].startswith("Not ")
    ]
    title = PLACEHOLDER.sub("", str(source["title"])).strip()
    where = str(source["file_or_url"])
    where_markup = ""
    if where.startswith(("http://", "https://")):
        where_markup = f' <link href="{escape(where, {chr(34): "&quot;"})}" color="#1c5d99">{text(where)}</link>'
    return f"<b>{text(title)}</b> — {text(', '.join(who))}.{where_markup}"


MARKING_RED = colors.HexColor("#c92a2a")


def _footer(title: str, stamp: str, marking: str = ""):
    def draw(canvas, document) -> None:
        canvas.saveState()
        if marking:  # the handling marking, centred at the top and the bottom of every page
            canvas.setFont("DejaVuSans-Bold", 10)
            canvas.setFillColor(MARKING_RED)
            text = safe_text.for_picture(marking, 60)
            canvas.drawCentredString(PAGE[0] / 2, PAGE[1] - MARGIN / 2 - 3, text)
            canvas.drawCentredString(PAGE[0] / 2, MARGIN / 2 - 6, text)
        canvas.setFont("DejaVuSans", 7.5)
        canvas.setFillColor(colors.HexColor("#495057"))
        canvas.drawString(MARGIN, MARGIN - 2, f"{safe_text.cut(title, 120)} · generated {stamp}")
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN - 2, f"Page {document.page}")
        canvas.restoreState()

    return draw


FORMAT = {
    "name": "pdf",
    "label": "Briefing (PDF)",
    "extension": "pdf",
    "mime_type": "application/pdf",
    "order": 2,
    "embeds_manifest": True,
    "takes_since": True,
}


def write(view) -> bytes:
    from dashboard import manifest
    from dashboard.exporters.view import colours_in_view

    return to_pdf(
        view.events,
        view.data.sources,
        view.data.geometry,
        view.title,
        view.caption,
        view.generated_at,
        show_areas=view.show_areas,
        drawn_area=view.spec.area,
        info=manifest.pdf_info(view.record) if view.record else None,
        since=view.since,
        marking=view.marking,
        colours=colours_in_view(view),
    )
