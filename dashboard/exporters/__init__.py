"""Exports of the filtered events: one module per format, each a pure function to bytes.

The registry: each format is one module here with a literal ``FORMAT = {...}``
(name, label, extension, MIME type, order) and ``write(view) -> bytes``, the
view being ``view.ExportView`` (built once per export). ``FORMATS`` is found by
reading the modules, not importing them, so naming a download does not load
matplotlib or reportlab; the page, the command line and ``briefing`` iterate it.
``atomic.atomic_write`` puts bytes on disk safely. Nothing here imports Streamlit.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import importlib
import json
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

from dashboard import drawn_area
from dashboard.filters import FilterSpec, to_query


class Format(NamedTuple):
    """One export format: its name, the button's label, file extension and MIME type, and the module
    (in this package) whose ``write(value) -> bytes`` makes it, imported only when a file is made.

    ``kind`` is what it writes from: ``"view"`` (one ``view.ExportView``: the page's export buttons and
    ``export --format``) or ``"pack"`` (a ``pack.Pack`` of saved views: the page's pack buttons and
    ``brief --format``). ``embeds_manifest``: the file carries its manifest inside (else a sidecar
    file beside it); ``takes_since``: it can hold a "Since the last briefing" section."""

    extension: str
    mime_type: str
    label: str = ""
    module: str = ""
    order: int = 99
    kind: str = "view"
    embeds_manifest: bool = False
    takes_since: bool = False

    def write(self, value) -> bytes:
        return importlib.import_module(f"{__name__}.{self.module}").write(value)


def discover(kind: str = "view") -> dict[str, Format]:
    """Every format module of this package of ``kind``: a module with a literal ``FORMAT = {...}`` and a
    ``write``. The modules are read, not imported (``ast``), so listing formats loads no drawing
    library. Adding a format is one new file."""
    found = []
    for folder in __path__:
        for path in sorted(Path(folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in tree.body:
                if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["FORMAT"]:
                    spec = ast.literal_eval(node.value)
                    if spec.get("kind", "view") != kind:
                        continue
                    found.append((spec["order"], spec["name"], Format(
                        spec["extension"], spec["mime_type"], spec["label"], path.stem, spec["order"], kind,
                        bool(spec.get("embeds_manifest")), bool(spec.get("takes_since")),
                    )))  # fmt: skip
    return {name: fmt for _, name, fmt in sorted(found)}


FORMATS: dict[str, Format] = discover("view")
PACK_FORMATS: dict[str, Format] = discover("pack")


def refresh() -> None:
    """Look for format modules again (the same dicts, so every importer of them sees it)."""
    for registry, kind in ((FORMATS, "view"), (PACK_FORMATS, "pack")):
        registry.clear()
        registry.update(discover(kind))


FILENAME_PREFIX = "iran-pakistan-events"
MAX_STEM_CHARS = 100  # short enough for any file system and a download header


def export_filename(fmt: str, spec: FilterSpec) -> str:
    """A file name that says what is inside, in safe characters only.

    ``iran-pakistan-events_2024-01-16_to_2024-01-29_actor-pakistan.csv``: the
    prefix, the dates (``all-dates`` when none), then one part per filter set.
    When the parts would make the name too long they give way to a short hash
    of the whole filter, so two different filters never share a name.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    parts = [FILENAME_PREFIX, _dates_part(spec), *_filter_parts(spec)]
    stem = "_".join(parts)
    if len(stem) > MAX_STEM_CHARS:
        digest = hashlib.sha256(json.dumps(to_query(spec), sort_keys=True).encode()).hexdigest()[:8]
        stem = "_".join([FILENAME_PREFIX, _dates_part(spec), f"filtered-{digest}"])
    return f"{stem}.{FORMATS[fmt].extension}"


def _dates_part(spec: FilterSpec) -> str:
    def day(value: dt.date) -> str:
        return value.isoformat()

    if spec.start and spec.end:
        return day(spec.start) if spec.start == spec.end else f"{day(spec.start)}_to_{day(spec.end)}"
    if spec.start:
        return f"from_{day(spec.start)}"
    if spec.end:
        return f"to_{day(spec.end)}"
    return "all-dates"


def _filter_parts(spec: FilterSpec) -> list[str]:
    parts = []
    for label, values in (
        ("actor", spec.actors),
        ("type", spec.event_types),
        ("country", spec.countries),
        ("province", spec.provinces),
    ):
        if values:
            parts.append(f"{label}-" + "-or-".join(_slug(v) or "other" for v in values))
    if spec.min_fatalities:
        parts.append(f"min-{spec.min_fatalities}-fatalities")
    if spec.text:
        parts.append("text-" + (_slug(spec.text) or hashlib.sha256(spec.text.encode()).hexdigest()[:6]))
    if spec.precise_only:
        parts.append("precise")
    if spec.within_km is not None:
        parts.append(f"within-{_slug(f'{spec.within_km:g}')}-km")
    if spec.area:  # the corners are in the caption and the link; the name tells areas apart
        digest = hashlib.sha256(drawn_area.to_text(spec.area).encode()).hexdigest()[:6]
        parts.append(f"drawn-area-{digest}")
    return parts


def report_filename(uploaded_name: str, kind: str = "rejected") -> str:
    """``<slug of the uploaded file's stem>_<kind>.csv``: an upload's name never reaches a download header raw."""
    stem = uploaded_name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    slug = _slug(stem)[:MAX_STEM_CHARS] or "events"
    return f"{slug}_{kind}.csv"


def _slug(text: str) -> str:
    """Lower-case ASCII letters, digits and single hyphens (accents folded)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
