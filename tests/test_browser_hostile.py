"""The hostile corpus in a real browser: the live page and the HTML export, network refused.

For each case: no JavaScript dialog fires (text never runs as code), no request
leaves this machine (an image or a link in a notice would try), every listed
event has its marker, and no notice holds a link or an image.
"""

from __future__ import annotations

import urllib.parse

import pytest
from browser_page import Page, running_app
from conftest import output_dir
from curated_counts import CURATED_EVENTS
from hostile import PAYLOADS, hostile_events, hostile_geojson, stored

pytestmark = pytest.mark.browser

# Everything but the 100,000-character payload, which the page gets in its own test.
SHORT = {k: v for k, v in PAYLOADS.items() if k != "long"}
FILE_NAME = "[x](http:evil.example) {{ 'pw' ~ 'ned' }} ${alert(1)} img.geojson"
# Opens every marker's popup and tooltip (their DOM is built then); returns how many.
OPEN_ALL = """() => {
    const maps = new Set(Object.values(window).filter(v => v instanceof L.Map));
    let opened = 0;
    maps.forEach(map => map.eachLayer(layer => {
        if (layer.getPopup && layer.getPopup() && layer.options.icon) {
            layer.openPopup(); layer.openTooltip(); opened += 1;
        }
    }));
    return opened;
}"""
NOTICE_LINKS = "[data-testid='stAlert'] a, [data-testid='stAlert'] img, [data-testid='stCaptionContainer'] a"


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / FILE_NAME
    path.write_bytes(hostile_geojson(hostile_events(payloads=SHORT)))
    return path


@pytest.fixture(scope="module")
def hostile_app(chromium, hostile_file):
    """The page serving the hostile file (merged with the curated events) from the start."""
    with running_app({"BORDERMAP_DATA_FILE": str(hostile_file), "BORDERMAP_DATA_MODE": "merge"}) as url:
        yield url


def assert_clean(tab: Page) -> None:
    assert tab.dialogs == [], "text ran as code"
    assert tab.blocked == [], "a request left this machine"
    assert [e for e in tab.errors if "Invalid" in e or "SyntaxError" in e] == []
    assert tab.page.locator(NOTICE_LINKS).count() == 0
    assert tab.map.locator("img[src='x']").count() == 0
    assert tab.page.locator("img[src='x']").count() == 0
    assert tab.marker_count() == tab.list_count()


def test_hostile_file_every_marker_drawn_nothing_runs(chromium, hostile_app, request):
    tab = Page(chromium, hostile_app, request.node.name)
    try:
        tab.shot("01-hostile-loaded")
        assert tab.list_count() == CURATED_EVENTS + len(hostile_events(payloads=SHORT))
        assert_clean(tab)
        # Open every popup and tooltip: still nothing runs.
        assert tab.map.evaluate(OPEN_ALL) == tab.list_count()
        tab.settle()
        tab.shot("02-hostile-clicked")
        assert_clean(tab)
        # The actor filter offers the hostile names as plain options.
        tab.page.locator("[data-testid='stMultiSelect']").first.locator("input").click()
        options = tab.page.get_by_role("option")
        options.first.wait_for(timeout=10_000)
        names = options.all_inner_texts()
        tab.shot("03-actor-options")
        # The list is windowed: of the options drawn, the hostile ones read as they are written.
        assert stored(SHORT["markdown_image"]) in names
        assert tab.page.locator("[role='listbox'] a, [role='listbox'] img").count() == 0
        assert_clean(tab)
    finally:
        tab.page.close()


@pytest.mark.parametrize("key", ["jinja_expression", "markdown_image", "img_onerror", "js_template", "backslash"])
def test_hostile_link_values(chromium, hostile_app, request, key):
    value = SHORT[key]
    query = urllib.parse.urlencode({"q": value[:200], "event": value, "actor": value})
    tab = Page(chromium, f"{hostile_app}/?{query}", request.node.name, wait_for_markers=False)
    try:
        tab.settle()
        tab.shot("01-link")
        assert_clean(tab)
    finally:
        tab.page.close()


def test_uploaded_hostile_file_with_long_text(chromium, app_url_plain, tmp_path, request):
    path = tmp_path / FILE_NAME
    path.write_bytes(hostile_geojson(hostile_events(fields=("notes", "location", "actor1"), payloads=PAYLOADS)))
    tab = Page(chromium, app_url_plain, request.node.name)
    try:
        tab.events_upload().set_input_files(str(path))
        tab.page.get_by_text("rows read").first.wait_for(timeout=60_000)
        tab.settle()
        tab.shot("01-uploaded")
        assert tab.list_count() == CURATED_EVENTS + 3 * len(PAYLOADS)
        assert_clean(tab)
    finally:
        tab.page.close()


@pytest.fixture(scope="module")
def app_url_plain(chromium):
    with running_app() as url:
        yield url


def test_html_export_of_the_corpus(chromium, curated, tmp_path):
    from dashboard.briefing import make_export
    from dashboard.datasets import combine, import_into
    from dashboard.filters import FilterSpec

    rows = hostile_events(payloads=PAYLOADS)
    data = combine(curated, import_into(curated, data=hostile_geojson(rows), name=FILE_NAME), "replace")
    path = tmp_path / "hostile.html"
    path.write_bytes(make_export("html", data, FilterSpec()))
    tab = chromium.new_page(viewport={"width": 1200, "height": 800})
    dialogs, requested, errors = [], [], []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(("file:", "data:"))
            else (requested.append(r.request.url), r.abort())
        ),
    )
    try:
        tab.goto(path.as_uri())
        tab.wait_for_selector(".event-marker")
        assert tab.locator(".event-marker").count() == len(rows)
        assert tab.evaluate(OPEN_ALL) == len(rows)
        tab.screenshot(path=str(output_dir("browser/hostile_export") / "standalone-map.png"))
        assert dialogs == [] and requested == [] and errors == []
        assert tab.locator("img[src='x']").count() == 0
    finally:
        tab.close()
