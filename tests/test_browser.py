"""The running page in a real browser, with every request off this machine refused.

Starts ``streamlit run dashboard/app.py`` on a free localhost port and drives
Debian's Chromium through Playwright. Each step leaves a screenshot under
``test-output/browser/``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from conftest import output_dir
from curated_counts import CRISIS_EVENTS, CURATED_EVENTS

from dashboard.config import REPO_ROOT

pytestmark = pytest.mark.browser


def test_page_loads_without_errors_or_network(page):
    page.shot("01-loaded")
    assert page.errors == []
    assert page.blocked == []
    assert page.map.evaluate("typeof L") == "object"


def test_one_marker_per_listed_event(page):
    assert page.marker_count() == page.list_count() == CURATED_EVENTS


def test_date_range_changes_marker_count(page, app_url):
    page.page.get_by_role("button", name="Crisis: 16–29 Jan").click()
    page.settle()
    page.shot("02-crisis-preset")
    crisis = page.marker_count()
    assert crisis == page.list_count() == CRISIS_EVENTS
    page.page.get_by_role("button", name="All dates").click()
    page.settle()
    assert page.marker_count() == CURATED_EVENTS


def test_marker_click_shows_detail(page):
    page.marker("IRPK-2024-0116-STRIKE").click()
    page.settle()
    page.shot("03-marker-clicked")
    assert page.page.get_by_text("Event id: IRPK-2024-0116-STRIKE").count() == 1
    assert page.page.get_by_text("Quoted passage").count() == 1
    assert "event=IRPK-2024-0116-STRIKE" in page.page.url


def test_list_row_centres_map(page):
    grid = page.page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # Row 4 (0-based 3) is the Chabahar attack: events are listed by date.
    row_height = 35
    page.page.mouse.click(box["x"] + 15, box["y"] + row_height * 4 + row_height / 2)
    page.settle()
    page.shot("04-row-selected")
    lat, lon = page.map_center()
    assert (round(lat, 2), round(lon, 2)) == (25.29, 60.64)
    assert "event=IRPK-2018-1206-CHABAHAR" in page.page.url


def test_download_delivers_a_file(page):
    page.page.get_by_text("Export this view for a briefing").click()
    button = page.page.get_by_role("button", name="Table (CSV)")
    with page.page.expect_download(timeout=60_000) as download:
        button.click()
    assert download.value.suggested_filename == "iran-pakistan-events_all-dates.csv"
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert len(rows) == CURATED_EVENTS and all(row["event_id"].startswith("IRPK-") for row in rows)
    page.shot("05-downloaded")


def test_html_export_draws_every_event_with_network_blocked(chromium, curated, tmp_path):
    from dashboard.briefing import make_export
    from dashboard.filters import FilterSpec

    path = tmp_path / "map.html"
    path.write_bytes(make_export("html", curated, FilterSpec()))
    tab = chromium.new_page(viewport={"width": 1200, "height": 800})
    requested: list[str] = []
    tab.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(("file:", "data:"))
            else (requested.append(r.request.url), r.abort())
        ),
    )
    tab.goto(path.as_uri())
    tab.wait_for_selector(".event-marker")
    markers = tab.locator(".event-marker").count()
    tab.screenshot(path=str(output_dir("browser/html_export") / "standalone-map.png"))
    tab.close()
    assert markers == len(curated.events)
    assert requested == []


def test_upload_merges_and_reports_rejections(page):
    mixed = REPO_ROOT / "tests" / "fixtures" / "imports" / "acled_mixed.csv"
    page.events_upload().set_input_files(str(mixed))
    page.page.get_by_text("Rejected rows (13)").wait_for(timeout=60_000)
    page.settle()
    page.shot("06-upload-merged")
    assert page.page.get_by_text("17 rows read (acled): 4 loaded").count() == 1
    assert page.list_count() == CURATED_EVENTS + 4
    assert page.marker_count() == CURATED_EVENTS + 4
    assert page.errors == []


def test_crisis_is_framed_and_the_legend_covers_nothing(page):
    page.page.get_by_role("button", name="Crisis: 16–29 Jan").click()
    page.settle()
    page.shot("07-crisis-framed")
    frame_box = page.page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
    legend_box = page.page.locator(".page-legend").first.bounding_box()
    # The legend is under the map, not on it.
    assert legend_box["y"] >= frame_box["y"] + frame_box["height"] - 1
    # Every marker of an event near the border lies inside the visible map.
    inside = page.map.evaluate(
        """() => Array.from(document.querySelectorAll('.event-marker')).map(e => {
               const r = e.getBoundingClientRect();
               return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; })"""
    )
    assert sum(inside) >= 3  # the two strikes and the killings in Saravan, at least
    assert page.page.get_by_text("Far from the border, not framed").count() == 1


def test_town_names_are_drawn_offline(page):
    page.shot("08-town-labels")
    for town in ("Saravan", "Panjgur", "Turbat", "Chabahar"):
        assert page.map.locator(".town-label", has_text=town).count() >= 1, town
    assert page.blocked == []  # drawn with every request off the machine refused


def test_play_steps_through_the_days(page):
    page.page.goto(page.page.url.split("?")[0] + "?from=2024-01-16&to=2024-01-16")
    page.wait_for_markers()
    page.page.get_by_text("Play", exact=True).click()
    page.page.get_by_text("on 18 Jan 2024").first.wait_for(timeout=30_000)  # two steps on, by itself
    page.page.get_by_text("Play", exact=True).click()  # pause
    page.settle()
    page.shot("09-played")
    heading = page.page.get_by_text("events on ").first.inner_text()
    assert "18 Jan 2024" in heading or "19 Jan 2024" in heading
    assert page.errors == []


def test_map_tools_work_offline(page):
    frame = page.map
    box = frame.locator(".leaflet-container").bounding_box()
    frame.locator(".leaflet-container").hover(position={"x": box["width"] / 2, "y": box["height"] / 2})
    readout = frame.locator(".coordinate-readout").inner_text()
    assert re.fullmatch(r"-?\d+\.\d{4}, -?\d+\.\d{4}", readout), readout
    search = frame.locator(".place-search-input")
    search.fill("Panjgur")
    search.press("Enter")
    page.page.wait_for_timeout(800)
    lat, lon = page.map_center()
    assert (round(lat, 1), round(lon, 1)) == (27.0, 64.1)
    page.shot("10-map-tools")
    assert page.blocked == []


def test_measure_tool_in_the_standalone_map(chromium, curated, tmp_path):
    from dashboard.briefing import make_export
    from dashboard.filters import FilterSpec

    path = tmp_path / "map.html"
    path.write_bytes(make_export("html", curated, FilterSpec()))
    tab = chromium.new_page(viewport={"width": 1200, "height": 800})
    tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    tab.goto(path.as_uri())
    tab.wait_for_selector(".event-marker")
    tab.locator(".measure-button").click()
    # Two points on the sea south of the coast, clear of every marker.
    tab.mouse.click(700, 760)
    tab.wait_for_timeout(600)  # not a double click
    tab.mouse.click(900, 760)
    measured = tab.locator(".measure-result").inner_text()
    # Leaflet's own great-circle distance between the two clicked points, for comparison.
    expected = tab.evaluate(
        """() => { for (const k in window) { const v = window[k];
               if (v instanceof L.Map) { const r = v.getContainer().getBoundingClientRect();
                 const a = v.containerPointToLatLng([700 - r.left, 760 - r.top]);
                 const b = v.containerPointToLatLng([900 - r.left, 760 - r.top]);
                 return v.distance(a, b) / 1000; } } }"""
    )
    tab.screenshot(path=str(output_dir("browser/html_export") / "measure.png"))
    tab.close()
    kilometres = float(re.search(r"([\d.]+) km", measured).group(1))
    assert kilometres == pytest.approx(expected, rel=0.01), measured
