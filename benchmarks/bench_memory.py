"""Memory benchmark: the server's peak and the browser's JavaScript heap over 50 filter changes.

Starts the dashboard as ``bench_browser.py`` does (``streamlit run
dashboard/app.py`` on a free localhost port, network beyond localhost refused;
with ``--events N`` on N synthetic events saved as GeoParquet and loaded
through ``BORDERMAP_DATA_FILE``), has one analyst open the page in Chromium and
make ``--changes`` filter changes in turn: the crisis preset, all dates, an
actor chosen (or, next time round, removed again) and a date range typed into
the date widget. Each change waits until the rerun has ended and the map is
there (and for the rerun the map's report of its new view may start). The
server runs with Streamlit's file watcher off, so a file saved during the run
changes nothing. Reports, in MiB:

* ``server_peak_mb``: the streamlit server process's peak resident set size
  (``VmHWM`` in ``/proc/<pid>/status``), from its start (loading the events
  included) to the last change;
* ``js_heap_start_mb`` / ``js_heap_end_mb``: the JavaScript heap in use after a
  forced garbage collection (Chrome DevTools Protocol ``HeapProfiler.collectGarbage``
  then ``Runtime.getHeapUsage``), once the page has loaded and again after the
  last change. The map lives in streamlit-folium's iframe; a same-site iframe
  shares the page's renderer and heap, and any iframe Chromium runs out of
  process is measured through its own session and added;
* ``js_heap_growth_mb``: end minus start;
* also ``server_rss_end_mb``, the JS heap every 10 changes (``--trace``: every
  change), and what the map's iframe holds at the start and the end (Leaflet
  layers on the map; feature groups streamlit-folium keeps in
  ``window.feature_group``, its issue 247).

The synthetic GeoParquet file is cached (``--cache``, keyed on the code that
makes it), so a second run does not join a million events again. Run from the
repository root:

    .venv/bin/python benchmarks/bench_memory.py --json out.json
    .venv/bin/python benchmarks/bench_memory.py --events 1000000 --json out.json
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_browser import CHROMIUM, IDLE, MAP_FRAME, bundled_count, new_tab, synthetic_parquet
from playwright.sync_api import Error as PlaywrightError

from dashboard import launch

MB = 1024 * 1024
CHANGES = 50
ACTOR = "Jaish al-Adl"  # in the bundled events and among the synthetic ones
# Typed into the date widget (YYYYMMDD), in the bundled dates and the synthetic ones.
DATE_RANGES = ({"start": "20230601", "end": "20231231"}, {"start": "20220101", "end": "20221231"})
CACHE = Path(tempfile.gettempdir()) / "bordermap-bench"
# The server runs the code it started with: a source file saved meanwhile (by anyone) would
# otherwise stop the page at Streamlit's "source file changed" prompt, or load the data again.
FIXED_CODE = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
# The map's iframe has drawn its map (a filter may leave no event to draw, so no marker is waited for).
MAP_READY = f"""() => {{
    const f = Array.from(document.querySelectorAll('iframe')).find(i => i.src.includes('{MAP_FRAME}'));
    return f && f.contentWindow.map && f.contentWindow.L;
}}"""


# --- The server -----------------------------------------------------------------


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (``VmHWM``), in MiB."""
    return _status_kib(pid, "VmHWM") / 1024


def rss_mb(pid: int) -> float:
    return _status_kib(pid, "VmRSS") / 1024


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {field}")


def stop(server: subprocess.Popen) -> None:
    """Stop the server; kill it if it does not stop when asked."""
    try:
        launch.stop(server)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def cached_parquet(n: int, folder: Path = CACHE) -> Path:
    """``n`` synthetic events as GeoParquet (``bench_browser.synthetic_parquet``), made once and kept in
    ``folder`` under a name that changes with the code that makes and joins them."""
    from bench_scale import synthetic_events

    from dashboard import actors, borders, columnar, nearest_segment, uncertainty

    digest = hashlib.sha256()
    for module in (borders, nearest_segment, uncertainty, actors):  # the join, every module of it
        digest.update(Path(module.__file__).read_bytes())
    digest.update((Path(borders.__file__).parent.parent / "data" / "actors.csv").read_bytes())
    for function in (synthetic_events, columnar.write_events_parquet):
        digest.update(inspect.getsource(function).encode())
    path = folder / f"events_{n}_{digest.hexdigest()[:12]}.parquet"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder) as work:
            # Made by a child process: joining a million events takes 1.5 GB this process need not keep.
            command = [sys.executable, __file__, "--make-parquet", str(n), work]
            subprocess.run(command, check=True, cwd=Path(__file__).resolve().parent.parent)
            (Path(work) / f"events_{n}.parquet").replace(path)
    return path


# --- The browser ----------------------------------------------------------------


def js_heap_mb(tab, cdp=None) -> float:
    """JavaScript heap in use (MiB) after a full garbage collection: the page's, which holds its
    same-site iframes (the map's), plus that of any iframe Chromium runs in a process of its own."""
    sessions = [cdp or tab.context.new_cdp_session(tab)]
    for frame in tab.frames[1:]:
        try:
            sessions.append(tab.context.new_cdp_session(frame))
        except PlaywrightError:  # "part of the parent frame's session": the page's heap holds it
            continue
    used = 0
    for session in sessions:
        session.send("HeapProfiler.enable")
        session.send("HeapProfiler.collectGarbage")
        session.send("HeapProfiler.collectGarbage")  # a second pass frees what the first's finalizers let go
        used += session.send("Runtime.getHeapUsage")["usedSize"]
    for session in sessions[1:]:
        session.detach()
    return used / MB


def settled(tab, timeout_ms: int = 300_000) -> None:
    """The rerun has ended and the map is there; then once more, for the run the map's own report of
    its new view may start (streamlit-folium waits 250 ms before it reports)."""
    for pause in (150, 800):
        tab.wait_for_timeout(pause)
        tab.wait_for_function(IDLE, timeout=timeout_ms)
        tab.wait_for_function(MAP_READY, timeout=timeout_ms)


def _press(tab, name: str) -> None:
    tab.get_by_role("button", name=name).click()


def _actor(tab) -> None:
    """Choose ``ACTOR`` in the actor filter, or remove it if it is chosen."""
    box = tab.get_by_test_id("stMultiSelect").filter(has_text="Actor (either side)")
    field = box.locator("input")
    field.click()
    if box.get_by_text(ACTOR).count():
        field.press("Backspace")  # removes the last chosen value
    else:
        field.fill(ACTOR)
        tab.get_by_role("option", name=ACTOR, exact=True).click()
    tab.keyboard.press("Escape")  # close the list so it does not cover the next control


def _date_range(tab, start: str, end: str) -> None:
    """Type ``start`` and ``end`` (YYYYMMDD) into the date widget; it applies them when it loses focus."""
    for field, digits in (("start", start), ("end", end)):
        tab.get_by_role("spinbutton", name=f"year, Date range {field} date").click()
        tab.keyboard.type(digits, delay=10)
    tab.get_by_role("heading", name="Filters").click()


def filter_changes(count: int = CHANGES) -> list[Callable]:
    """``count`` filter changes, each a function of the tab, in turn: the crisis preset, all dates,
    an actor chosen (removed again next time round), a date range (one of ``DATE_RANGES`` in turn).
    A date range comes after all dates (and the actor): the start typed first is never past the end."""
    kinds = [partial(_press, name="Crisis: 16–29 Jan"), partial(_press, name="All dates"), _actor]
    changes = []
    for i in range(count):
        turn, kind = divmod(i, len(kinds) + 1)
        changes.append(kinds[kind] if kind < len(kinds) else partial(_date_range, **DATE_RANGES[turn % 2]))
    return changes


def make_changes(tab, count: int = CHANGES, every: Callable[[int], None] | None = None) -> None:
    """Make ``count`` filter changes, each settled before the next; ``every(i)`` after each."""
    for i, change in enumerate(filter_changes(count), start=1):
        change(tab)
        settled(tab)
        if every is not None:
            every(i)


def map_layers(tab) -> dict[str, int]:
    """What the map's iframe holds: Leaflet layers on the map, and feature groups streamlit-folium keeps."""
    frame = next(f for f in tab.frames if MAP_FRAME in f.url)
    return frame.evaluate(
        """() => ({ on_map: Object.keys(window.map._layers).length,
                    kept_groups: (window.feature_group || []).length })"""
    )


# --- The run ------------------------------------------------------------------


def measure(env: dict[str, str], changes: int, trace: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    server, url = launch.start(env | FIXED_CODE, output=subprocess.DEVNULL)
    figures: dict = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
            try:
                tab = new_tab(browser, url)
                errors: list[str] = []
                tab.on("pageerror", lambda exc: errors.append(str(exc)))
                tab.goto(url)
                settled(tab)
                cdp = tab.context.new_cdp_session(tab)
                figures["js_heap_start_mb"] = js_heap_mb(tab, cdp)
                figures["layers_start"] = map_layers(tab)
                trail = []

                def note(i: int) -> None:
                    if trace or i % 10 == 0:
                        trail.append({"change": i, "js_heap_mb": round(js_heap_mb(tab, cdp), 1)})
                        print(f"  after {i:>2} changes: JS heap {trail[-1]['js_heap_mb']} MB", flush=True)

                make_changes(tab, changes, note)
                figures["js_heap_end_mb"] = js_heap_mb(tab, cdp)
                figures["layers_end"] = map_layers(tab)
                figures["js_heap_trail"] = trail
                figures["page_errors"] = errors
                figures["exceptions_shown"] = tab.get_by_test_id("stException").count()
            finally:
                browser.close()
    finally:
        figures["server_peak_mb"] = peak_rss_mb(server.pid)
        figures["server_rss_end_mb"] = rss_mb(server.pid)
        print(f"server peak so far: {figures['server_peak_mb']:.1f} MB", flush=True)
        stop(server)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, help="synthetic events to load instead of the bundled ones")
    parser.add_argument("--changes", type=int, default=CHANGES, help="filter changes to make")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the synthetic GeoParquet files are kept")
    parser.add_argument("--trace", action="store_true", help="measure the JS heap after every change")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--make-parquet", nargs=2, metavar=("N", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_parquet:
        synthetic_parquet(int(args.make_parquet[0]), Path(args.make_parquet[1]))
        return 0
    env = {}
    if args.events:
        started = time.perf_counter()
        env["BORDERMAP_DATA_FILE"] = str(cached_parquet(args.events, args.cache))
        print(f"{args.events:,} synthetic events ready in {time.perf_counter() - started:.1f} s")
    figures = measure(env, args.changes, args.trace)
    result = {
        "events": args.events or bundled_count(),
        "changes": args.changes,
        "server_peak_mb": round(figures.pop("server_peak_mb"), 1),
        "js_heap_start_mb": round(figures.pop("js_heap_start_mb"), 1),
        "js_heap_end_mb": round(figures.pop("js_heap_end_mb"), 1),
    }
    result["js_heap_growth_mb"] = round(result["js_heap_end_mb"] - result["js_heap_start_mb"], 1)
    result["server_rss_end_mb"] = round(figures.pop("server_rss_end_mb"), 1)
    result |= figures
    for key, value in result.items():
        if key != "js_heap_trail":
            print(f"{key:>18}: {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0 if not figures["page_errors"] and not figures["exceptions_shown"] else 1


if __name__ == "__main__":
    sys.exit(main())
