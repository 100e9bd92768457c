"""Browser benchmark: how long the live page takes, measured in Debian's Chromium.

Starts the dashboard on the bundled data (``streamlit run dashboard/app.py`` on
a free localhost port, network beyond localhost refused), drives it with
Playwright and times, each ``--runs`` times (median reported):

* ``first_load_s``: a fresh tab opens the page until its markers are drawn and
  the page is idle;
* ``shared_link_s``: a fresh tab opens a shared link (crisis dates and a
  selected event) until that event's record fills the detail panel;
* ``preset_s``: a click on the crisis preset until the page is idle again with
  the crisis's events listed;
* ``marker_click_s``: a click on a marker until the detail panel shows its
  event;
* ``row_click_s``: a click on a list row until the map is centred on it.

"Idle" is Streamlit's own status widget gone and no rerun pending. Clicks are
timed from the mouse event itself (``mouse.click`` at the target's centre,
found before the clock starts), so Playwright's own checks before a click are
not counted as the page's time. Run from the repository root:

    .venv/bin/python benchmarks/bench_browser.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dashboard import launch

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1500, "height": 1000}
SHARED_EVENT = "IRPK-2024-0118-STRIKE"
SHARED_LINK = f"/?from=2024-01-16&to=2024-01-29&event={SHARED_EVENT}"
CLICKED_EVENT = "IRPK-2024-0116-STRIKE"
MAP_FRAME = "streamlit_folium"
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
MARKERS_DRAWN = f"""() => {{
    const f = Array.from(document.querySelectorAll('iframe')).find(i => i.src.includes('{MAP_FRAME}'));
    return f && f.contentWindow.L && f.contentDocument.querySelector('.event-marker');
}}"""


def new_tab(browser, url: str):
    tab = browser.new_page(viewport=VIEWPORT)
    tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    return tab


def idle(tab) -> None:
    """Streamlit has finished the rerun (give the status widget a moment to appear first)."""
    tab.wait_for_timeout(150)
    tab.wait_for_function(IDLE, timeout=60_000)


def click_at(tab, locator) -> Callable[[], None]:
    """A click on ``locator``'s centre as one mouse event; where it lands is found now, not when timed."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return lambda: tab.mouse.click(x, y)


def map_frame(tab):
    return next(f for f in tab.frames if MAP_FRAME in f.url)


def timed(action: Callable[[], None], done: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    done()
    return time.perf_counter() - start


def detail_shows(tab, event_id: str) -> None:
    tab.get_by_text(f"Event id: {event_id}").first.wait_for(timeout=60_000)


def marker_of(tab, event_id: str):
    frame = map_frame(tab)
    markers = frame.locator(".event-marker")
    for i in range(markers.count()):
        if not markers.nth(i).is_visible() or not _in_view(markers.nth(i)):
            continue  # framed out of view (a capital far from the border)
        markers.nth(i).hover(force=True)
        tip = frame.locator(".leaflet-tooltip").last
        if tip.count() and tip.inner_text().startswith(event_id):
            return markers.nth(i)
    raise SystemExit(f"no marker for {event_id}")


def _in_view(marker) -> bool:
    """Whether the marker lies inside its map's visible area (it can be hovered)."""
    return marker.evaluate(
        """e => { const r = e.getBoundingClientRect(), m = e.closest('.leaflet-container').getBoundingClientRect();
                 return r.right > m.left && r.left < m.right && r.bottom > m.top && r.top < m.bottom; }"""
    )


def map_centre(tab) -> tuple[float, float]:
    return tuple(
        map_frame(tab).evaluate(
            """() => { for (const k in window) { const v = window[k];
                   if (v instanceof L.Map) { const c = v.getCenter(); return [c.lat, c.lng]; } } }"""
        )
    )


def run_once(browser, url: str) -> dict[str, float]:
    figures = {}
    tab = new_tab(browser, url)
    # Loaded: the markers are drawn and no run is under way (no pause: the page has had its run).
    figures["first_load_s"] = timed(
        lambda: tab.goto(url),
        lambda: (tab.wait_for_function(MARKERS_DRAWN), tab.wait_for_function(IDLE, timeout=60_000)),
    )
    idle(tab)

    figures["preset_s"] = timed(
        click_at(tab, tab.get_by_role("button", name="Crisis: 16–29 Jan")),
        lambda: (idle(tab), tab.wait_for_function(MARKERS_DRAWN)),
    )

    figures["marker_click_s"] = timed(
        click_at(tab, marker_of(tab, CLICKED_EVENT)), lambda: detail_shows(tab, CLICKED_EVENT)
    )
    idle(tab)

    grid = tab.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    before = map_centre(tab)

    def centred() -> None:
        deadline = time.monotonic() + 60
        while map_centre(tab) == before and time.monotonic() < deadline:
            tab.wait_for_timeout(25)

    figures["row_click_s"] = timed(lambda: tab.mouse.click(box["x"] + 15, box["y"] + 35 * 1.5), centred)
    tab.close()

    link = new_tab(browser, url)
    figures["shared_link_s"] = timed(lambda: link.goto(url + SHARED_LINK), lambda: detail_shows(link, SHARED_EVENT))
    link.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions; the median is reported")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    server, url = launch.start(output=subprocess.DEVNULL)
    runs = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
            new_tab(browser, url).goto(url)  # the server's first run warms its caches, as any deployment's has
            time.sleep(5)
            for _ in range(args.runs):
                runs.append(run_once(browser, url))
            browser.close()
    finally:
        launch.stop(server)
    result = {key: round(statistics.median(run[key] for run in runs), 3) for key in runs[0]}
    result["runs"] = args.runs
    for key, value in result.items():
        print(f"{key:>16}: {value}")
    if args.json:
        args.json.write_text(json.dumps({"median": result, "all": runs}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
