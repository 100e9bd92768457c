"""A PDF's document information: its real creation time, and extra entries such as the manifest.

reportlab's ``invariant`` mode (same input, same bytes) dates every file
1 January 2000; here the creation and modification dates are the export's
own generation time instead, so the bytes still depend only on the input.
Extra entries are written as hex strings, after the standard ones: hex digits
cannot spell a key, so ``dashboard.manifest_reading`` finds the real entry by
its name even when the title or the data's text names it too.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Callable, Mapping
from functools import partial

from reportlab.pdfbase.pdfdoc import PDFInfo
from reportlab.pdfgen.canvas import Canvas


def canvas_maker(created: dt.datetime, entries: Mapping[str, str] | None = None) -> Callable[..., Canvas]:
    """A ``canvasmaker`` for ``SimpleDocTemplate.build``: dated ``created``, with ``entries`` in its information."""
    return partial(_BriefingCanvas, created=created, entries=dict(entries or {}))


def pdf_date(when: dt.datetime) -> str:
    """``D:20240201120000+00'00'``: a PDF date in UTC (a naive time is taken as UTC)."""
    when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


class _BriefingCanvas(Canvas):
    def __init__(self, *args, created: dt.datetime, entries: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self._doc.info = _Info(entries)
        stamp = pdf_date(created)
        self.setDateFormatter(lambda *_: stamp)  # reportlab passes its own (invariant) time; ours wins


class _Info(PDFInfo):
    """The standard entries (title, author, dates...), then ``entries`` as hex strings."""

    def __init__(self, entries: dict[str, str]):
        super().__init__()
        for key in entries:
            if not key.isascii() or not key.isalnum():
                raise ValueError(f"PDF information key {key!r}: expected ASCII letters and digits")
        self.entries = entries

    def format(self, document) -> bytes:
        standard = super().format(document)
        end = standard.rindex(b">>")
        extra = b"".join(
            b"/%s <%s>\n" % (key.encode("ascii"), _text_bytes(value).hex().encode())
            for key, value in self.entries.items()
        )
        return standard[:end] + extra + standard[end:]


def _text_bytes(text: str) -> bytes:
    """A PDF text string's bytes: ASCII as itself, anything else as UTF-16BE with its byte-order mark."""
    return text.encode("ascii") if text.isascii() else codecs.BOM_UTF16_BE + text.encode("utf-16-be")
