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
* ``row_click_s``: a click on a list row until the map is centred on it;
* with ``--events N`` also ``actor_s`` (an actor chosen in the filter) and
  ``date_s`` (a date range typed in), each until the page says so, the map
  is drawn and no run is under way.

With ``--events N`` the page runs on N synthetic events instead
(``bench_scale.synthetic_events``, joined and saved as GeoParquet, loaded
through ``BORDERMAP_DATA_FILE`` as a deployment would), and the timings
that need the bundled events (a shared link to one of them, a list row that
recentres the map) are left out; ``marker_click_s`` then clicks what the
crisis preset left on the map: a marker (until its record is shown), or a
grid cell when there are too many events to draw one by one (until the cell's
summary is shown).

"Idle" is Streamlit's own status widget gone and no rerun pending. Clicks are
timed from the mouse event itself (``mouse.click`` at the target's centre,
found before the clock starts), so Playwright's own checks before a click are
not counted as the page's time. Run from the repository root:

    .venv/bin/python benchmarks/bench_browser.py --json out.json
    .venv/bin/python benchmarks/bench_browser.py --events 1000000 --json out.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard import launch

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1500, "height": 1000}
SHARED_EVENT = "IRPK-2024-0118-STRIKE"
SHARED_LINK = f"/?from=2024-01-16&to=2024-01-29&event={SHARED_EVENT}"
CLICKED_EVENT = "IRPK-2024-0116-STRIKE"
MAP_FRAME = "streamlit_folium"
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
MAP_DRAWN = f"""() => {{
    const f = Array.from(document.querySelectorAll('iframe')).find(i => i.src.includes('{MAP_FRAME}'));
    return f && f.contentWindow.L && f.contentDocument.querySelector('.event-marker, .leaflet-overlay-pane canvas');
}}"""
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


CRISIS_HEADING = "from 16 Jan 2024 to 29 Jan 2024"


def crisis_shown(tab) -> None:
    """The page says it shows the crisis dates (the rerun has reached the page), the map is drawn and
    no run is under way: the status widget alone can be missed before it first appears."""
    tab.get_by_text(CRISIS_HEADING).first.wait_for(timeout=120_000)
    tab.wait_for_function(MAP_DRAWN, timeout=120_000)
    tab.wait_for_function(IDLE, timeout=120_000)


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


def synthetic_parquet(n: int, folder: Path) -> Path:
    """``n`` synthetic events joined to the borders and saved as GeoParquet."""
    from bench_scale import synthetic_events

    from dashboard import columnar, config
    from dashboard.borders import join_events, load_geometry

    geometry = load_geometry(config.get_path("geometry_dir"))
    return columnar.write_events_parquet(join_events(synthetic_events(n), geometry), folder / f"events_{n}.parquet")


def first_marker(tab):
    """The first event marker in view, or None when the map draws grid cells (too many events)."""
    items = map_frame(tab).locator(".event-marker")
    for i in range(min(items.count(), 50)):
        if items.nth(i).is_visible() and _in_view(items.nth(i)):
            return items.nth(i)
    return None


def first_cell(tab) -> Callable[[], None]:
    """A click on the grid cell drawn nearest the map's centre (cells are drawn on a canvas, so the
    click goes to the pixel Leaflet puts the cell at)."""
    point = map_frame(tab).evaluate(
        """() => { for (const k in window) { const m = window[k]; if (!(m instanceof L.Map)) continue;
               const size = m.getSize(), mid = L.point(size.x / 2, size.y / 2); let best = null;
               m.eachLayer(l => { if (l instanceof L.CircleMarker && l.getTooltip()) {
                 const p = m.latLngToContainerPoint(l.getLatLng());
                 if (p.x > 20 && p.y > 20 && p.x < size.x - 20 && p.y < size.y - 20
                     && (!best || p.distanceTo(mid) < best.distanceTo(mid))) best = p; } });
               return best && [best.x, best.y]; } }"""
    )
    if point is None:
        raise SystemExit("no grid cell in view to click")
    frame = tab.locator(f"iframe[src*='{MAP_FRAME}']").first.bounding_box()
    return lambda: tab.mouse.click(frame["x"] + point[0], frame["y"] + point[1])


def detail_filled(tab, kind: str = ".event-detail") -> None:
    tab.locator(kind).first.wait_for(timeout=60_000)


def run_synthetic(browser, url: str) -> dict[str, float]:
    figures = {}
    tab = new_tab(browser, url)
    figures["first_load_s"] = timed(
        lambda: tab.goto(url),
        lambda: (tab.wait_for_function(MAP_DRAWN, timeout=120_000), tab.wait_for_function(IDLE, timeout=120_000)),
    )
    # The grid's map reports its view once drawn (after a 250 ms debounce), which reruns the page:
    # let that run end before the next click (not timed).
    tab.wait_for_timeout(1000)
    idle(tab)
    figures["preset_s"] = timed(
        click_at(tab, tab.get_by_role("button", name="Crisis: 16–29 Jan")), lambda: crisis_shown(tab)
    )
    marker = first_marker(tab)
    if marker is not None:
        figures["marker_click_s"] = timed(click_at(tab, marker), lambda: detail_filled(tab))
    else:  # too many events for single markers: a grid cell's click sums it up beside the map
        figures["marker_click_s"] = timed(first_cell(tab), lambda: detail_filled(tab, ".cell-detail"))
    idle(tab)
    figures["actor_s"] = actor_change(tab)
    figures["date_s"] = date_change(tab)
    tab.close()
    return figures


ACTOR = "Jaish al-Adl"  # among the synthetic actors
DATES = (("20230601", "20231231"), "from 1 Jun 2023 to 31 Dec 2023")  # typed (YYYYMMDD), then as the page says


def shown(tab, words: str) -> None:
    """The page's heading says ``words`` (the rerun has reached the page), the map is drawn, no run is on."""
    tab.locator("h4", has_text=words).first.wait_for(timeout=120_000)
    tab.wait_for_function(MAP_DRAWN, timeout=120_000)
    tab.wait_for_function(IDLE, timeout=120_000)


def actor_change(tab) -> float:
    """An actor chosen in the filter: timed from the click on its name in the list."""
    box = tab.get_by_test_id("stMultiSelect").filter(has_text="Actor (either side)")
    field = box.locator("input")
    field.click()
    field.fill(ACTOR)
    option = tab.get_by_role("option", name=ACTOR, exact=True)
    option.wait_for()
    seconds = timed(click_at(tab, option), lambda: shown(tab, f"involving {ACTOR}"))
    tab.keyboard.press("Escape")
    idle(tab)
    return seconds


def date_change(tab) -> float:
    """A date range typed into the date widget: it applies when it loses focus, so that click is timed."""
    (start, end), words = DATES
    for field, digits in (("start", start), ("end", end)):
        tab.get_by_role("spinbutton", name=f"year, Date range {field} date").click()
        tab.keyboard.type(digits, delay=10)
    return timed(click_at(tab, tab.get_by_role("heading", name="Filters")), lambda: shown(tab, words))


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
        click_at(tab, tab.get_by_role("button", name="Crisis: 16–29 Jan")), lambda: crisis_shown(tab)
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
    parser.add_argument("--events", type=int, help="synthetic events to load instead of the bundled ones")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {}
        if args.events:
            started = time.perf_counter()
            env["BORDERMAP_DATA_FILE"] = str(synthetic_parquet(args.events, Path(folder)))
            print(f"{args.events:,} synthetic events joined and saved in {time.perf_counter() - started:.1f} s")
        runs = measure(env, args.runs, run_synthetic if args.events else run_once)
    result = {"events": args.events or bundled_count()}
    keys = dict.fromkeys(key for run in runs for key in run)
    result |= {key: round(statistics.median(run[key] for run in runs if key in run), 3) for key in keys}
    result["runs"] = args.runs
    for key, value in result.items():
        print(f"{key:>16}: {value}")
    if args.json:
        args.json.write_text(json.dumps({"median": result, "all": runs}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


def measure(env: dict[str, str], runs: int, run: Callable) -> list[dict[str, float]]:
    server, url = launch.start(env, output=subprocess.DEVNULL)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
            warm = new_tab(browser, url)  # the server's first run warms its caches, as any deployment's has
            warm.goto(url)
            warm.wait_for_function(MAP_DRAWN, timeout=300_000)
            warm.close()
            figures = [run(browser, url) for _ in range(runs)]
            browser.close()
    finally:
        launch.stop(server)
    return figures


def bundled_count() -> int:
    from dashboard.curated import load_curated

    return len(load_curated().events)


if __name__ == "__main__":
    sys.exit(main())
