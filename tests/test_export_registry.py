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


@pytest.fixture
def one_more_format(tmp_path, monkeypatch):
    """A format module in a folder of the package's search path: nothing else is edited."""
    (tmp_path / "txt_export.py").write_text(NEW_FORMAT, encoding="utf-8")
    monkeypatch.setattr(exporters, "__path__", [*exporters.__path__, str(tmp_path)])
    exporters.refresh()
    yield "txt"
    monkeypatch.undo()
    exporters.refresh()


def test_each_format_is_a_module_with_a_writer():
    assert set(exporters.FORMATS) == {"csv", "geojson", "kml", "png", "pdf", "html"}
    for fmt in exporters.FORMATS.values():
        assert fmt.label and fmt.module.endswith("_export")


def test_a_new_format_module_is_written_by_the_command_line_and_offered_by_the_page(one_more_format, tmp_path, curated):
    out = tmp_path / "events.txt"
    assert main(["export", "--format", "txt", "--out", str(out)]) == 0
    assert set(out.read_text().split()) == set(curated.events["event_id"])
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=90).run()
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Plain list (TXT)" in labels
