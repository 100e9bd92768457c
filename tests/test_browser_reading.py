"""Reading the live page as an analyst does: selection that never drifts, a list that keeps the
selected row in sight, a drawn-area filter, and what must be visible at laptop and desktop sizes.

Screenshots go under ``test-output/browser/``.
"""

from __future__ import annotations

import urllib.parse

import pandas as pd
import pytest
from browser_page import Page
from curated_counts import CURATED_EVENTS, RAW

from dashboard import drawn_area, listing

pytestmark = pytest.mark.browser

STRIKE = "IRPK-2024-0116-STRIKE"


def selected_in_url(page: Page) -> str | None:
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.page.url).query)
    return query.get("event", [None])[-1]


def click_row(page: Page, row: int) -> None:
    """Click row ``row`` (0-based) of the list's page."""
    grid = page.page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.page.mouse.click(box["x"] + 15, box["y"] + 35 * (row + 1) + 17)
    page.settle()


def list_order() -> pd.Series:
    """Event ids in the list's default order (date, oldest first; ties in file order)."""
    days = pd.to_datetime(RAW["event_date"])
    return RAW["event_id"].iloc[listing.sort_order(pd.DataFrame({"event_date": days}), "date")].reset_index(drop=True)


def test_reclicking_a_marker_after_a_list_choice_selects_it_again(page):
    page.marker(STRIKE).click()
    page.settle()
    assert selected_in_url(page) == STRIKE
    other_row = next(i for i, event_id in enumerate(list_order()) if event_id != STRIKE)
    click_row(page, other_row)
    assert selected_in_url(page) == list_order()[other_row]
    # The map went to the chosen event; the analyst pans back to the strike and clicks it again.
    strike = RAW.set_index("event_id").loc[STRIKE]
    page.map.evaluate(
        """at => { for (const k in window) { const v = window[k];
               if (v instanceof L.Map) { v.setView(at, 7, {animate: false}); return; } } }""",
        [float(strike["latitude"]), float(strike["longitude"])],
    )
    page.page.wait_for_timeout(500)
    page.marker(STRIKE).click()  # the same marker as the last map click
    page.settle()
    page.shot("01-reclicked")
    assert selected_in_url(page) == STRIKE
    assert page.page.get_by_text(f"Event id: {STRIKE}").count() == 1


def test_a_marker_click_brings_its_row_into_the_list(page, curated):
    size = 10
    page.page.get_by_role("combobox", name="Rows per page").click()
    page.page.get_by_role("option", name=str(size), exact=True).click()
    page.settle()
    # An event near the border (so framed in view) listed beyond the first page.
    ordered = curated.events.iloc[listing.sort_order(curated.events, "date")].reset_index(drop=True)
    position = int(ordered.index[(ordered.index >= size) & (ordered["distance_to_border_km"] < 100)][0])
    page.marker(ordered["event_id"][position]).click()
    page.settle()
    page.shot("02-row-in-view")
    # The map reports a clicked marker as its last "drawing" too: that is not an area.
    assert page.page.get_by_text("cannot be used as an area").count() == 0
    assert "area=" not in page.page.url
    number = page.page.get_by_test_id("stNumberInput").filter(has_text="Page").locator("input")
    assert int(number.input_value()) == position // size + 1
    first = (position // size) * size + 1
    last = min(first + size - 1, CURATED_EVENTS)
    assert page.page.get_by_text(f"Rows {first}–{last} of {CURATED_EVENTS}").count() == 1
    # The list never scrolls inside: its whole page is in its box.
    grid = page.page.get_by_test_id("stDataFrame").first.bounding_box()
    assert grid["height"] >= 35 * (last - first + 2)


def test_a_drawn_area_filters_the_map_the_list_and_the_link(page):
    frame = page.map
    corners = [(24.8, 61.4), (24.8, 65.2), (28.4, 65.2), (28.4, 61.4)]  # the border strip round Panjgur
    points = frame.evaluate(
        """corners => { for (const k in window) { const v = window[k];
               if (v instanceof L.Map) { v.setView([26.6, 63.3], 6, {animate: false});
                 return corners.map(c => { const p = v.latLngToContainerPoint(c); return [p.x, p.y]; }); } } }""",
        corners,
    )
    page.page.wait_for_timeout(500)
    container = frame.locator(".leaflet-container")
    frame.locator(".draw-button").click()
    for x, y in points:
        container.click(position={"x": x, "y": y}, force=True)
        page.page.wait_for_timeout(350)  # apart, so no two clicks make a double click
    page.shot("03-area-drawn")
    frame.locator(".draw-finish").click()
    page.settle()
    page.shot("04-area-applied")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.page.url).query)
    area = drawn_area.parse(query["area"][-1])
    assert len(area) == 4
    for (lat, lon), (want_lat, want_lon) in zip(area, corners, strict=True):
        assert abs(lat - want_lat) < 0.1 and abs(lon - want_lon) < 0.1
    days = RAW.assign(latitude=RAW["latitude"].astype(float), longitude=RAW["longitude"].astype(float))
    inside = int(drawn_area.contains(area, days["latitude"], days["longitude"]).sum())
    assert 0 < inside < CURATED_EVENTS
    assert page.list_count() == page.marker_count() == inside
    assert page.page.get_by_text("inside a drawn area (4 corners").count() >= 1
    assert page.map.locator("path.drawn-area").count() == 1
    page.page.get_by_role("button", name="Clear the drawn area").click()
    page.settle()
    assert page.list_count() == CURATED_EVENTS
    assert "area=" not in page.page.url
    assert page.errors == []


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)], ids=["1280x800", "1920x1080"])
def test_what_an_analyst_reads_first_is_in_sight(chromium, app_url, size):
    width, height = size
    tab = Page(chromium, f"{app_url}/?event={STRIKE}", f"reading_{width}x{height}")
    try:
        tab.page.set_viewport_size({"width": width, "height": height})
        tab.settle()
        tab.page.evaluate("window.scrollTo(0, 0)")
        tab.page.screenshot(path=str(tab.folder / "first-screen.png"))
        tab.shot("whole-page")
        # The detail panel's lead (what, when, where, and the quoted passage) lies within the first screen.
        detail = tab.page.locator(".event-detail")
        for label in ("Type:", "Date:", "Location:", "Place precision:", "Quoted passage"):
            box = detail.locator("b", has_text=label).first.bounding_box()
            assert box and box["y"] + box["height"] <= height, f"{label!r} is below the fold at {width}x{height}"
        passage = detail.locator("blockquote").bounding_box()
        assert passage["y"] + 60 <= height, f"the quoted passage starts below the fold at {width}x{height}"
        # The list shows its key columns without scrolling sideways.
        grid = tab.page.get_by_test_id("stDataFrame").first
        grid.scroll_into_view_if_needed()
        headers = grid.evaluate(
            """g => { const canvas = g.querySelector('canvas'); const right = g.getBoundingClientRect().right;
                   return Array.from(g.querySelectorAll('th, [role=columnheader]')).map(h => [h.textContent.trim(),
                     h.getBoundingClientRect().right <= right + 1]); }"""
        )
        visible = {name for name, inside in headers if inside}
        for column in ("Date", "Type", "Location", "Fatalities", "Km to border"):
            assert column in visible, f"{column} is cut off at {width} px: {headers}"
        # No export label is cut.
        tab.page.get_by_text("Export this view for a briefing").click()
        tab.page.wait_for_timeout(500)
        cut = tab.page.evaluate(
            """() => Array.from(document.querySelectorAll('[data-testid=stDownloadButton] p')).filter(
                   p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent)"""
        )
        assert cut == []
        assert tab.errors == []
    finally:
        tab.page.close()
