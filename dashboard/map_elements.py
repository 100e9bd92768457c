"""The only two ways this project puts anything into a folium page.

branca treats text as template source in two places: ``Element(text)``
compiles ``text`` as a Jinja template, and ``MacroElement.render`` compiles
what each macro printed once more before the page is written. Any string from
the data that reaches either is evaluated (``{{ 7*7 }}`` prints 49; worse runs
code on the server). So:

- ``Markup`` puts finished HTML in the page through a fixed template. Build
  its markup only from trusted pieces and ``safe_text.html_text`` of the rest.
- ``DataScript`` runs a trusted script file from ``dashboard/js/`` on one JSON
  document (``safe_text.json_for_script``) with the parent layer, and renders
  without branca's second template pass.

No other folium element is given text from the data.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from branca.element import Element, MacroElement, Template

from dashboard import safe_text

JS_DIR = Path(__file__).parent / "js"


class Markup(Element):
    """Finished HTML, put into the page as a value (never compiled as a template)."""

    _template = Template("{{ this.markup }}")

    def __init__(self, markup: str):
        super().__init__()
        self._name = "Markup"
        self.markup = markup


@cache
def script_source(name: str) -> str:
    """The text of ``dashboard/js/<name>`` (trusted code, read once)."""
    return (JS_DIR / name).read_text(encoding="utf-8")


class DataScript(MacroElement):
    """``<script file>(<parent layer>, <data as JSON>);`` in the parent's script.

    streamlit-folium reads the ``script`` macro directly (one pass); a full
    page render goes through ``render`` below, which adds the printed script as
    ``Markup`` instead of branca's ``Element(printed)``.
    """

    _template = Template(
        "{% macro script(this, kwargs) %};"
        "{{ this.code }}({{ this._parent.get_name() }}, {{ this.data_json }});"
        "{% endmacro %}"
    )

    def __init__(self, script_file: str, data: object):
        super().__init__()
        self._name = "DataScript"
        self.code = script_source(script_file)
        self.data_json = safe_text.json_for_script(data)

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        printed = self._template.module.script(self, kwargs)
        figure.script.add_child(Markup(printed), name=self.get_name())
