"""Several analysts at once: concurrent browser sessions changing filters on one server.

Starts the page on ``--events`` synthetic events (GeoParquet through
``BORDERMAP_DATA_FILE``, as ``bench_browser.py --events`` does), opens
``--sessions`` tabs in Chromium, each in its own browser context (its own
Streamlit session), and has every tab switch between the crisis preset and
all dates ``--changes`` times at once. A change is timed from the click until
the page says it shows the new dates, the map is drawn and no run is under
way. Prints each session's slowest change, the slowest of all, the median,
and any error. Run from the repository root:

    .venv/bin/python benchmarks/bench_sessions.py --events 100000 --sessions 5 --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_browser import CHROMIUM, IDLE, MAP_DRAWN, VIEWPORT, synthetic_parquet

from dashboard import launch

CRISIS = ("Crisis: 16–29 Jan", "from 16 Jan 2024 to 29 Jan 2024")
ALL_DATES = ("All dates", "events at any date")


async def change(tab, button: str, shown: str) -> float:
    start = time.perf_counter()
    await tab.get_by_role("button", name=button).click()
    await tab.get_by_text(shown).first.wait_for(timeout=120_000)
    await tab.wait_for_function(MAP_DRAWN, timeout=120_000)
    await tab.wait_for_timeout(150)
    await tab.wait_for_function(IDLE, timeout=120_000)
    return time.perf_counter() - start


async def session(browser, url: str, changes: int) -> dict:
    context = await browser.new_context(viewport=VIEWPORT)
    await context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    await tab.goto(url)
    await tab.wait_for_function(MAP_DRAWN, timeout=300_000)
    await tab.wait_for_function(IDLE, timeout=300_000)
    times = []
    for i in range(changes):
        button, shown = CRISIS if i % 2 == 0 else ALL_DATES
        times.append(await change(tab, button, shown))
    exceptions = await tab.get_by_test_id("stException").count()
    await context.close()
    return {"change_s": times, "page_errors": errors, "exceptions_shown": exceptions}


async def run(url: str, sessions: int, changes: int) -> list[dict]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
        results = await asyncio.gather(*(session(browser, url, changes) for _ in range(sessions)))
        await browser.close()
    return list(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="synthetic events on the page")
    parser.add_argument("--sessions", type=int, default=5, help="browser sessions at once")
    parser.add_argument("--changes", type=int, default=6, help="filter changes per session")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {"BORDERMAP_DATA_FILE": str(synthetic_parquet(args.events, Path(folder)))}
        server, url = launch.start(env, output=subprocess.DEVNULL)
        try:
            results = asyncio.run(run(url, args.sessions, args.changes))
        finally:
            launch.stop(server)
    every = [t for r in results for t in r["change_s"]]
    figures = {
        "events": args.events,
        "sessions": args.sessions,
        "changes_per_session": args.changes,
        "slowest_change_s": round(max(every), 3),
        "median_change_s": round(statistics.median(every), 3),
        "slowest_per_session_s": [round(max(r["change_s"]), 3) for r in results],
        "errors": sum(len(r["page_errors"]) + r["exceptions_shown"] for r in results),
    }
    for key, value in figures.items():
        print(f"{key:>22}: {value}")
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "sessions": results}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0 if figures["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
