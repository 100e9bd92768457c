"""Saved views in Chromium: "Save this view" keeps the frame the analyst moved the map to.

The map reports its frame only for the analyst's own moves (``js/frame_report.js``):
a frame the page sets (a preset, a selection) costs no report and no extra run.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

# The map's reports as the page receives them (a message from the map's frame), not attempts to send.
COUNT_REPORTS = """() => {
    window.__reports = 0;
    window.addEventListener("message", (e) => {
        if (e.data && e.data.type === "streamlit:setComponentValue") { window.__reports += 1; }
    });
}"""
REPORTS = "() => window.__reports"
MAP_BOUNDS = """() => { for (const k in window) { const v = window[k]; if (v instanceof L.Map) {
    const b = v.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; } } }"""


def drag_map(page, dx: int, dy: int) -> None:
    box = page.page.locator("iframe[title*='streamlit_folium']").bounding_box()
    x, y = box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7
    page.page.mouse.move(x, y)
    page.page.mouse.down()
    for step in range(1, 11):
        page.page.mouse.move(x + dx * step / 10, y + dy * step / 10)
    page.page.mouse.up()


def saved_views(page) -> dict:
    button = page.page.get_by_role("button", name="Download the views (JSON)")
    if not button.is_visible():
        page.page.get_by_text("Saved views").first.click()
    with page.page.expect_download() as download:
        button.click()
    return json.loads(download.value.path().read_text(encoding="utf-8"))


def save_view(page, title: str) -> None:
    expander = page.page.get_by_text("Saved views").first
    if not page.page.get_by_label("Title", exact=True).is_visible():
        expander.click()
    page.page.get_by_label("Title", exact=True).fill(title)
    page.page.get_by_role("button", name="Save this view").click()
    page.settle()


def test_the_page_own_frames_send_no_report(page):
    page.page.evaluate(COUNT_REPORTS)
    page.page.get_by_role("button", name="Crisis: 16–29 Jan").click()
    page.settle()
    page.page.get_by_role("button", name="All dates").click()
    page.settle()
    assert page.page.evaluate(REPORTS) == 0


def test_save_this_view_keeps_the_frame_the_analyst_moved_to(page):
    page.page.evaluate(COUNT_REPORTS)
    before = page.map.evaluate(MAP_BOUNDS)
    drag_map(page, -220, -140)
    page.settle()
    moved = page.map.evaluate(MAP_BOUNDS)
    assert moved != pytest.approx(before, abs=0.05), "the drag did not move the map"
    assert page.page.evaluate(REPORTS) == 1  # the analyst's move is reported, once
    save_view(page, "Moved by hand")
    page.shot("saved-hand-frame")
    extent = saved_views(page)["views"][-1]["extent"]
    assert extent == pytest.approx(moved, abs=1e-3)


def test_a_filter_change_after_a_move_frames_the_events_again(page):
    drag_map(page, -220, -140)
    page.settle()
    moved = page.map.evaluate(MAP_BOUNDS)
    page.page.get_by_role("button", name="Crisis: 16–29 Jan").click()
    page.settle()
    save_view(page, "Crisis")
    extent = saved_views(page)["views"][-1]["extent"]
    assert extent != pytest.approx(moved, abs=0.05)  # the moved frame is forgotten with the filter


def test_a_marker_click_is_reported_once(page):
    from browser_page import in_view

    markers = page.map.locator(".event-marker")
    marker = next(markers.nth(i) for i in range(markers.count()) if in_view(markers.nth(i)))
    page.page.evaluate(COUNT_REPORTS)
    marker.click(force=True)
    page.settle()
    # Sent at once by the map's script; streamlit-folium's own report after its pause found nothing new,
    # and the page's recentring on the event and the popup fitting itself in were not reported.
    assert page.page.evaluate(REPORTS) == 1
    assert "Click a marker" not in page.page.get_by_text("Selected event").locator("..").inner_text()


def test_after_another_basemap_the_analyst_s_moves_are_still_reported(page):
    """A map drawn anew (another basemap) brings its own report gate, and the analyst's moves are
    reported as before."""
    basemap = page.page.get_by_role("combobox", name="Basemap")
    basemap.scroll_into_view_if_needed()
    basemap.click()
    page.page.keyboard.type("Light map")
    page.page.keyboard.press("Enter")
    page.settle()
    page.wait_for_markers()
    page.page.evaluate(COUNT_REPORTS)
    drag_map(page, -220, -140)
    page.settle()
    assert page.page.evaluate(REPORTS) == 1
