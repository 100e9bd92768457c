"""Find a manifest's JSON in the bytes of an export, without a PDF, PNG or HTML library.

- PDF: the document information entry ``/BordermapManifest``, a hex string of
  ASCII JSON. The trailer names the information object and the cross-reference
  table says where it starts and where the next object starts; the export
  writes the entry last in that object, and hex digits cannot spell a key, so
  no text of the data (the title and caption share the object) can stand in
  for it. A PDF without a classic cross-reference table (rewritten by another
  tool) is searched whole, last occurrence first.
- PNG: the ``tEXt``, ``zTXt`` or ``iTXt`` chunk with keyword
  ``bordermap-manifest``.
- HTML: the last ``<script type="application/json" id="bordermap-manifest">``
  element (data in the page has ``<`` escaped, so cannot open or close one).
- JSON: a file whose top-level object has ``manifest_version``.

``extract`` returns the parsed JSON (unchecked; ``manifest.check`` checks it),
``None`` when the bytes hold no manifest, and raises ``DataError`` naming the
file when one is there but cannot be read.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib

from dashboard.problems import DataError, Problem

ELEMENT_ID = "bordermap-manifest"  # the HTML element's id and the PNG text chunk's keyword
PDF_KEY = "BordermapManifest"  # the PDF document information entry
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT_BYTES = 1 << 30  # a compressed PNG chunk is never inflated beyond this
_PDF_VALUE = re.compile(rb"\s*<([0-9A-Fa-f\s]*)>")
_HTML_ELEMENT = re.compile(
    r"<script\b[^>]*\bid\s*=\s*[\"']" + ELEMENT_ID + r"[\"'][^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_XREF_SECTION = re.compile(rb"\s*(\d+) (\d+)\s*?\r?\n")
_TRAILER_INFO = re.compile(rb"trailer\s*<<.*?/Info\s+(\d+)\s+\d+\s+R", re.DOTALL)
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html)", re.IGNORECASE)


def extract(content: bytes, name: str) -> object | None:
    """The manifest's parsed JSON in ``content`` (an export named ``name``), or ``None`` if it holds none."""
    if b"%PDF-" in content[:1024]:
        return _parse(_pdf_value(content, name), name, "PDF")
    if content.startswith(PNG_SIGNATURE):
        return _parse(_png_text(content, name), name, "PNG")
    text_start = content.removeprefix(codecs.BOM_UTF8).lstrip()
    if text_start.startswith(b"{"):
        found = _parse(_utf8(content, name), name, "JSON file")
        return found if isinstance(found, dict) and "manifest_version" in found else None
    if _HTML_START.match(text_start[:1024]):
        elements = _HTML_ELEMENT.findall(_utf8(content, name))
        return _parse(elements[-1], name, "HTML") if elements else None
    return None


def _parse(text: str | None, name: str, where: str) -> object | None:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise _malformed(name, f"a manifest in this {where} that is valid JSON ({err})") from None


def _utf8(content: bytes, name: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _malformed(name, f"UTF-8 text (byte {err.start} is not)") from None


def _pdf_value(content: bytes, name: str) -> str | None:
    key = b"/" + PDF_KEY.encode("ascii")
    start, end = _pdf_info_object(content) or (0, len(content))
    at = content.rfind(key, start, end)
    if at < 0:
        return None
    match = _PDF_VALUE.match(content, at + len(key))
    if not match:
        raise _malformed(name, f"a /{PDF_KEY} entry written as a hex string <...>")
    digits = re.sub(rb"\s", b"", match[1])
    raw = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))  # PDF: a missing last digit is 0
    if raw.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
        return raw.decode("utf-16")
    return _utf8(raw, name)


def _pdf_info_object(content: bytes) -> tuple[int, int] | None:
    """Where the trailer's ``/Info`` object starts and the next object (or the table) starts, if the PDF says."""
    found = _STARTXREF.findall(content[-2048:])
    if not found:
        return None
    table_at = int(found[-1])
    offsets: dict[int, int] = {}
    at = table_at + len(b"xref")
    if content[table_at:at] != b"xref":
        return None
    for section in _XREF_SECTION.finditer(content, at):
        first, count, body = int(section[1]), int(section[2]), section.end()
        for number in range(first, first + count):
            entry = content[body + 20 * (number - first) : body + 20 * (number - first + 1)]
            if entry[17:18] == b"n":
                offsets[number] = int(entry[:10])
        at = body + 20 * count
        if not _XREF_SECTION.match(content, at):
            break
    info = _TRAILER_INFO.search(content, at)
    start = offsets.get(int(info[1])) if info else None
    if start is None:
        return None
    later = [offset for offset in offsets.values() if offset > start]
    return start, min(later, default=table_at)


def _png_text(content: bytes, name: str) -> str | None:
    """The text of the chunk named ``ELEMENT_ID``, walking the chunks (length, type, data, CRC)."""
    at, keyword = len(PNG_SIGNATURE), ELEMENT_ID.encode("latin-1")
    while at + 8 <= len(content):
        length = int.from_bytes(content[at : at + 4], "big")
        kind, data = content[at + 4 : at + 8], content[at + 8 : at + 8 + length]
        if len(data) < length:
            raise _malformed(name, f"a whole PNG file (its {kind.decode('latin-1')!r} chunk is cut short)")
        found, _, rest = data.partition(b"\0")
        if kind in (b"tEXt", b"zTXt", b"iTXt") and found == keyword:
            return _chunk_text(kind, rest, name)
        if kind == b"IEND":
            break
        at += 12 + length
    return None


def _chunk_text(kind: bytes, rest: bytes, name: str) -> str:
    if kind == b"tEXt":
        return rest.decode("latin-1")
    if kind == b"zTXt":
        return _inflate(rest[1:], name).decode("latin-1")
    compressed, text = rest[0:1] == b"\1", rest[2:].split(b"\0", 2)  # iTXt: flag, method, language, keyword
    body = text[2] if len(text) == 3 else b""
    return _utf8(_inflate(body, name) if compressed else body, name)


def _inflate(data: bytes, name: str) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_TEXT_BYTES)
    except zlib.error as err:
        raise _malformed(name, f"a PNG text chunk that inflates ({err})") from None
    if inflater.unconsumed_tail:
        raise _malformed(name, f"a PNG text chunk of at most {MAX_TEXT_BYTES:,} bytes inflated")
    return out


def _malformed(name: str, expected: str) -> DataError:
    return DataError([Problem(name, None, "", "", expected)])
