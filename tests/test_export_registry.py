"""The export registry: every format is one module; a new module is a new button and a new --format."""

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import exporters
from dashboard.cli import main
from dashboard.config import REPO_ROOT

NEW_FORMAT = """
FORMAT = {"name": "txt", "label": "Plain list (TXT)", "extension": "txt", "mime_type": "text/plain", "order": 9}


def write(view) -> bytes:
    return "\\n".join(view.events["event_id"]).encode() + b"\\n"
"""


def added_module(tmp_path, monkeypatch, file_name: str, source: str):
    """A format module in a folder of the package's search path: nothing else is edited."""
    (tmp_path / file_name).write_text(source, encoding="utf-8")
    monkeypatch.setattr(exporters, "__path__", [*exporters.__path__, str(tmp_path)])
    exporters.refresh()
    yield
    monkeypatch.undo()
    exporters.refresh()


@pytest.fixture
def one_more_format(tmp_path, monkeypatch):
    yield from added_module(tmp_path, monkeypatch, "txt_export.py", NEW_FORMAT)


NEW_PACK_FORMAT = """
FORMAT = {"name": "md", "label": "Briefing pack (Markdown)", "extension": "md", "mime_type": "text/markdown",
          "order": 9, "kind": "pack"}


def write(pack) -> bytes:
    lines = [f"# {pack.title}", pack.summary]
    for view, events in zip(pack.viewset.views, pack.shown):
        lines += [f"## {view.title}", view.note, *events["event_id"]]
    return "\\n".join(lines).encode()
"""


@pytest.fixture
def one_more_pack_format(tmp_path, monkeypatch):
    yield from added_module(tmp_path, monkeypatch, "md_pack.py", NEW_PACK_FORMAT)


def test_each_format_is_a_module_with_a_writer():
    import importlib

    for fmt in [*exporters.FORMATS.values(), *exporters.PACK_FORMATS.values()]:
        assert callable(importlib.import_module(f"dashboard.exporters.{fmt.module}").write), fmt.module
    assert set(exporters.FORMATS) == {"csv", "geojson", "kml", "png", "pdf", "html"}
    for fmt in exporters.FORMATS.values():
        assert fmt.label and fmt.module.endswith("_export") and fmt.kind == "view"
    assert set(exporters.PACK_FORMATS) == {"pdf", "pptx"}
    for fmt in exporters.PACK_FORMATS.values():
        assert fmt.label and fmt.module.endswith("_pack") and fmt.kind == "pack"


def test_where_the_manifest_and_the_since_section_go_is_the_registry_s_word():
    embedded = {name for name, fmt in exporters.FORMATS.items() if fmt.embeds_manifest}
    assert embedded == {"pdf", "png", "html"}
    assert [name for name, fmt in exporters.FORMATS.items() if fmt.takes_since] == ["pdf"]


def test_a_new_format_module_is_written_by_the_command_line_and_offered_by_the_page(one_more_format, tmp_path, curated):
    out = tmp_path / "events.txt"
    assert main(["export", "--format", "txt", "--out", str(out)]) == 0
    assert set(out.read_text().split()) == set(curated.events["event_id"])
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=90).run()
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Plain list (TXT)" in labels


def test_a_new_pack_format_module_is_written_by_brief_and_offered_by_the_page(one_more_pack_format, tmp_path):
    from dashboard import views

    views_file = REPO_ROOT / "data" / "views" / "crisis-2024.json"
    viewset = views.parse(views_file.read_bytes(), str(views_file))
    out = tmp_path / "pack.md"
    assert main(["brief", str(views_file), "--format", "md", "--out", str(out)]) == 0
    text = out.read_text()
    assert all(f"## {view.title}" in text for view in viewset.views)
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.session_state["saved_views"] = list(viewset.views)
    at.run()
    labels = [d.proto.label for d in at.get("download_button")]
    assert {"Briefing pack (PDF)", "Briefing pack (PowerPoint)", "Briefing pack (Markdown)"} <= set(labels)


def test_the_view_value_s_colours_reach_every_map_and_picture(curated):
    """One view value: the live map is drawn from it and every writer takes its colours, so a colour
    the view gives an actor is the colour in the HTML map, the KML and the PNG."""
    import io

    import numpy as np
    from PIL import Image

    from dashboard.exporters import view as view_value
    from dashboard.exporters.kml_export import kml_colour
    from dashboard.filters import FilterSpec

    events = curated.events
    actor = events["actor1"].value_counts().index[0]
    marked = "#12d4a8"  # no actor's colour in data/actors.csv
    view = view_value.build(curated, FilterSpec(), events, {actor: marked})
    assert view_value.colours_in_view(view)[actor] == marked
    assert marked in exporters.FORMATS["html"].write(view).decode()
    assert kml_colour(marked) in exporters.FORMATS["kml"].write(view).decode()
    pixels = np.asarray(Image.open(io.BytesIO(exporters.FORMATS["png"].write(view))).convert("RGB"))
    target = np.array([0x12, 0xD4, 0xA8])
    assert (np.abs(pixels.astype(int) - target).sum(axis=2) < 6).sum() > 50
