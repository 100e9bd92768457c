"""Untrusted text, made safe for the exact place it goes.

Every string that comes from an events file, an upload (its name included), a
link or the search box is data. It never becomes part of a template, a script
or Markdown; where it must be shown inside one of those, it passes through the
function for that context here. Each function is small and total: it accepts
any ``str`` (NUL, right-to-left overrides, 100,000 characters) and never raises.

- ``markdown_literal``: inside Streamlit Markdown (notices, captions, headings).
- ``for_picture``: a label or table cell drawn in a PNG or PDF (controls made
  visible, long text cut with an ellipsis).
- ``xml_text``: an XML text node or attribute (KML); characters XML 1.0 cannot
  hold become U+FFFD.
- ``csv_cell``: a spreadsheet cell that would run as a formula gets a leading
  apostrophe (OWASP CSV injection guidance, full-width and white-space-led
  forms included).

HTML and JavaScript contexts are not here on purpose: the maps put data into
the page as one JSON document (``json_for_script``) and build the DOM from it
with ``textContent``, so no data string is ever parsed as markup or code.
"""

from __future__ import annotations

import html
import json
import re

ELLIPSIS = "…"
REPLACEMENT = "\ufffd"

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaped,
# none of them can open a link, an image, emphasis, code, HTML, a heading or a list.
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_AUTOLINK_TRIGGER = re.compile(r"(?i)\b(?:https?|ftp|mailto|xmpp):|\bwww(?=\.)|@")
WORD_JOINER = "\u2060"
# C0 and C1 controls (but tab and newline), DEL, and the bidirectional controls that
# reorder what is drawn (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C).
_PICTURE_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# What XML 1.0 cannot carry at all (section 2.2), and the surrogate halves Python may hold.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Formula triggers: the ASCII ones, their full-width forms, and a tab, CR or LF.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r", "\n")
_LEADING_BLANKS = re.compile(r"^[\s\u00a0\u2000-\u200b\u3000\ufeff]+")


def markdown_literal(text: object) -> str:
    """``text`` as Markdown that renders as exactly that text.

    Backslash-escapes every ASCII punctuation character (so ``[a](b)``,
    ``![x](http://…)``, ``**``, ``<b>``, ``$x$``, ``:red[…]`` stay literal) and
    turns line breaks into spaces (so a value cannot start a new block).
    GitHub-flavoured Markdown also links bare ``http://…``, ``www.…`` and
    e-mail addresses after parsing, escapes or not, so a word joiner (U+2060,
    invisible) is put after their ``:``, ``www`` and ``@``.
    """
    flat = re.sub(r"[\r\n\u2028\u2029]+", " ", str(text))
    flat = _AUTOLINK_TRIGGER.sub(lambda m: m.group(0) + WORD_JOINER, flat)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def cut(text: object, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, an ellipsis marking a cut."""
    text = str(text)
    if limit < 1:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def for_picture(text: object, limit: int | None = None) -> str:
    """``text`` for a PNG or PDF: controls and direction overrides shown as U+FFFD, cut to ``limit``."""
    shown = _PICTURE_UNSAFE.sub(REPLACEMENT, str(text))
    return shown if limit is None else cut(shown, limit)


def xml_text(text: object) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD (escaping is the writer's job)."""
    return _XML_INVALID.sub(REPLACEMENT, str(text))


def is_formula(value: object) -> bool:
    """Would a spreadsheet read this cell as a formula (or a command)?"""
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(FORMULA_TRIGGERS):
        return True
    return _LEADING_BLANKS.sub("", value).startswith(FORMULA_TRIGGERS)


def csv_cell(value: object) -> object:
    """A cell as a spreadsheet should show it: a formula-like text gets a leading apostrophe."""
    return "'" + value if is_formula(value) else value


def html_text(text: object) -> str:
    """``text`` for HTML text or a quoted attribute, also inert as Jinja source.

    ``html.escape`` (``& < > " '``) plus the braces as character references,
    so the markup stays literal even if a library compiles it as a template.
    """
    return html.escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "{": "\\u007b",
    "}": "\\u007d",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE = re.compile("[<>&'{}\u2028\u2029]")


def json_for_script(value: object) -> str:
    """``value`` as JSON safe inside an HTML ``<script>`` element and a JavaScript expression.

    Inside every string, ``<``, ``>``, ``&``, ``'``, the braces and the line
    separators U+2028/2029 are written as ``\\u`` escapes: no data can close the
    script element, start markup, or open a Jinja ``{{``/``{%``/``{#`` (the
    structural braces of JSON never form one). The result is a JSON literal,
    never code. NaN and infinities are refused (``ValueError``): JSON has none.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_STRING.sub(lambda m: _SCRIPT_UNSAFE.sub(lambda c: _SCRIPT_ESCAPES[c.group(0)], m.group(0)), text)
