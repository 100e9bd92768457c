"""The pack's view pages as a reader sees them: the PDF rendered to PNG by poppler (``pdftoppm``), then
checked by pixels.

While the pack is built, the test records each label the snapshot placed (``label_key_events``) and
the view's callout, and where matplotlib drew their boxes (figure fraction). The PDF says where each
picture sits on its page (the image's transformation matrix), so every box has a place in the
rendered page. There, each label must show: a white box (its clear margin, between the box's edge
and its text, is label-white: no other box's edge or text crosses it) with dark text inside; and no
two label boxes may overlap. A missing, hidden or covered label, or two labels on top of each other,
fails.
"""

import datetime as dt
import io
import os
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image
from pypdf import PdfReader

from dashboard import pack, safe_text, views
from dashboard.config import REPO_ROOT
from dashboard.exporters import snapshot_labels

STORY = REPO_ROOT / "data" / "views" / "crisis-2024.json"
OUT = REPO_ROOT / "test-output" / "pack"
MARKING = "OFFICIAL-SENSITIVE"
WHEN = dt.datetime(2024, 2, 1, 12, 0, tzinfo=dt.UTC)
PICTURE_DPI = 200  # the PDF pack draws its pictures at scale 2
RESOLUTION = 500  # pixels per inch: about one page pixel per pixel of the embedded picture
EDGE_PX = 1  # pixels beyond a box's outline, and around its text's extent, left out of its clear margin
DARK_TEXT = 110  # a pixel of text: every channel below this
CROSSED = 200  # a pixel in a clear margin with any channel below this is something else's edge or text
INK_SHARE = 0.04  # at least this share of a label's text box is ink


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Label:
    text: str
    box: Box  # the drawn box, padding included, figure fraction (y up)
    text_box: Box  # the text alone
    background: int  # the lowest channel of the box's fill: white for labels, pale yellow for the callout
    edge: float  # the box's outline, and the radius of its rounded corners, as shares of the figure's width
    corner: float


@dataclass(frozen=True)
class ViewPage:
    number: int
    image: np.ndarray  # the picture's area of the page, RGB
    labels: list[Label]


def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:  # as the browser and LibreOffice: a skip here, a failure in CI
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm (poppler-utils) is missing in CI: apt-get install poppler-utils")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    return found


def fraction(bbox, figure) -> Box:
    return (bbox.x0 / figure.bbox.width, bbox.y0 / figure.bbox.height,
            bbox.x1 / figure.bbox.width, bbox.y1 / figure.bbox.height)  # fmt: skip


def drawn_labels(ax, placed: list, annotation: str) -> list[Label]:
    """The boxes of the placed labels and of the callout, as drawn at the picture's resolution."""
    figure = ax.figure
    figure.set_dpi(PICTURE_DPI)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    callout = [t for t in ax.texts if annotation and t.get_text() == safe_text.for_picture(annotation, 300)]
    found = []
    for artist in [*placed, *callout]:
        patch = artist.get_bbox_patch()
        text_box = fraction(Text.get_window_extent(artist, renderer), figure)  # an annotation's text, no arrow
        fill = min(round(c * 255) for c in patch.get_facecolor()[:3])
        width_pt = figure.get_figwidth() * 72
        corner_pt = patch.get_boxstyle().pad * artist.get_fontsize()  # "round" rounds by its padding
        box = fraction(patch.get_window_extent(renderer), figure)
        found.append(
            Label(artist.get_text(), box, text_box, fill, patch.get_linewidth() / width_pt, corner_pt / width_pt)
        )
    return found


def picture_placement(page) -> tuple[float, float, float, float]:
    """Where the page draws its one picture: x, y (bottom left) and width, height, in points."""
    shown = []

    def visit(operator, operands, cm, tm):
        if operator == b"Do":
            shown.append(cm)

    page.extract_text(visitor_operand_before=visit)
    assert len(shown) == 1, f"a view page draws one picture, not {len(shown)}"
    width, _, _, height, x, y = shown[0]
    return x, y, width, height


def render_picture(pdf: str, page_number: int, page_height: float, placement: tuple, out) -> np.ndarray:
    """The picture's area of one page, rendered by poppler at ``RESOLUTION``."""
    x, y, width, height = placement
    scale = RESOLUTION / 72
    left, top = round(x * scale), round((page_height - y - height) * scale)
    size = (round(width * scale), round(height * scale))
    subprocess.run(
        [pdftoppm(), "-r", str(RESOLUTION), "-f", str(page_number), "-l", str(page_number), "-x", str(left),
         "-y", str(top), "-W", str(size[0]), "-H", str(size[1]), "-png", "-singlefile", pdf, str(out)],
        check=True, timeout=180,
    )  # fmt: skip
    return np.asarray(Image.open(f"{out}.png").convert("RGB")).astype(int)


@pytest.fixture(scope="module")
def view_pages(curated, tmp_path_factory) -> list[ViewPage]:
    pdftoppm()
    story = views.parse(STORY.read_bytes(), STORY.name)
    recorded = []
    place = snapshot_labels.label_key_events

    def spy(ax, events, highlight=None):
        placed = place(ax, events, highlight)
        recorded.append((ax, placed))
        return placed

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snapshot_labels, "label_key_events", spy)
        content = pack.build(curated, story, "pdf", MARKING, generated_at=WHEN)
    assert len(recorded) == len(story.views), "the pack no longer labels its pictures with label_key_events"
    pdf = tmp_path_factory.mktemp("pack") / "pack.pdf"
    pdf.write_bytes(content)
    reader = PdfReader(io.BytesIO(content))
    OUT.mkdir(parents=True, exist_ok=True)
    pages = []
    for number, (view, (ax, placed)) in enumerate(zip(story.views, recorded, strict=True), start=1):
        index = next(i for i, p in enumerate(reader.pages) if f"{number}. {view.title}" in p.extract_text())
        page = reader.pages[index]
        placement = picture_placement(page)
        image = render_picture(str(pdf), index + 1, float(page.mediabox.height), placement, OUT / f"view-{number}")
        pages.append(ViewPage(number, image, drawn_labels(ax, placed, view.annotation)))
    return pages


def in_pixels(box: Box, image: np.ndarray) -> tuple[int, int, int, int]:
    """A figure-fraction box as rows and columns of the rendered picture: left, top, right, bottom."""
    height, width = image.shape[:2]
    return (round(box[0] * width), round((1 - box[3]) * height), round(box[2] * width), round((1 - box[1]) * height))


def clear_margin(label: Label, image: np.ndarray) -> np.ndarray:
    """The pixels between the label's outline and its text (each kept ``EDGE_PX`` away), its rounded
    corners left out."""
    left, top, right, bottom = in_pixels(label.box, image)
    text_left, text_top, text_right, text_bottom = in_pixels(label.text_box, image)
    inset = EDGE_PX + round(label.edge * image.shape[1])
    corner = round(label.corner * image.shape[1])
    inside = np.zeros(image.shape[:2], dtype=bool)
    inside[top + inset : bottom - inset, left + inset : right - inset] = True
    inside[text_top - EDGE_PX : text_bottom + EDGE_PX, text_left - EDGE_PX : text_right + EDGE_PX] = False
    for rows in (slice(top, top + corner), slice(bottom - corner, bottom)):
        for columns in (slice(left, left + corner), slice(right - corner, right)):
            inside[rows, columns] = False
    return image[inside]


def test_every_view_page_shows_its_labels(view_pages):
    """Each label the snapshot placed is on the page where it was placed: its box's clear margin is the
    box's own fill (white, or the callout's yellow), and dark text fills part of its text box."""
    assert [len(p.labels) for p in view_pages][:2] == [2, 1]  # the strike's label and the callout; the answer
    assert len(view_pages[2].labels) >= 2  # the diplomacy: groups in Islamabad and Tehran
    for page in view_pages:
        for label in page.labels:
            margin = clear_margin(label, page.image)
            assert margin.size, f"view {page.number}, {label.text!r}: no margin to look at"
            fill = np.median(margin.min(axis=1))
            assert fill >= label.background - 20, f"view {page.number}, {label.text!r}: no label box there ({fill})"
            left, top, right, bottom = in_pixels(label.text_box, page.image)
            text = page.image[top:bottom, left:right]
            ink = (text.max(axis=2) < DARK_TEXT).mean()
            assert ink >= INK_SHARE, f"view {page.number}, {label.text!r}: no text in its box ({ink:.3f})"


def test_no_two_label_boxes_overlap_on_the_page(view_pages):
    """No two boxes share a pixel, and nothing crosses a label's clear margin (a box on top of another
    shows there as its edge or its text)."""
    for page in view_pages:
        boxes = [in_pixels(label.box, page.image) for label in page.labels]
        for i, a in enumerate(boxes):
            for j, b in enumerate(boxes[i + 1 :], start=i + 1):
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, f"view {page.number}: {page.labels[i].text!r} overlaps {page.labels[j].text!r}"
        for label in page.labels:
            crossed = int((clear_margin(label, page.image).min(axis=1) < CROSSED).sum())
            assert crossed <= 2, f"view {page.number}, {label.text!r}: {crossed} pixels cross its clear margin"
