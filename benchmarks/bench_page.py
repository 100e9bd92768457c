"""Server-side time of the page on the bundled data: first load and a filter change.

Runs the real page through Streamlit's AppTest (no browser) and prints the
median of several reruns, so the number is the script's own work: filtering,
building the map layer, the list, the timeline and the headline figures.

    python benchmarks/bench_page.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
DAYS = [(dt.date(2024, 1, 16), dt.date(2024, 1, 29)), (dt.date(2024, 1, 18), dt.date(2024, 1, 18))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    at = AppTest.from_file(APP, default_timeout=120)
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    if at.exception:
        print(at.exception, file=sys.stderr)
        return 1
    changes = []
    for i in range(args.repeats):
        start = time.perf_counter()
        at.sidebar.date_input(key="f_dates").set_value(DAYS[i % 2]).run()
        changes.append(time.perf_counter() - start)
    print(f"first load (data load, join, page):  {first * 1000:8.0f} ms")
    print(f"filter change, median of {args.repeats}:        {statistics.median(changes) * 1000:8.0f} ms")
    print(f"filter change, slowest:               {max(changes) * 1000:8.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
