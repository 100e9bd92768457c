"""Event store benchmark: ``db load`` of a synthetic ACLED export into PostGIS, then filter queries.

Starts a throwaway PostgreSQL/PostGIS cluster (``dashboard.pgcluster``: Debian's
binaries, a Unix socket, started as the ``postgres`` user when run as root),
writes ``--events`` synthetic events as an ACLED CSV (``bench_import.acled_csv``),
each declaring the country its point lies in, so every row loads (``bench_scale``'s
events declare a country by longitude and a third of them would be rejected),
and times ``python -m dashboard db load FILE`` as a user runs it (reading,
checks, the Python join, COPY, the PostGIS join at write time, one revision
per event, one transaction). Then it times each filter in ``FILTERS`` pushed
down to SQL (``store_query.event_ids``: the ids of every event that passes),
median of ``--repeat`` runs after one warm-up, and reports the slowest median
as ``filter_s``.

    .venv/bin/python benchmarks/bench_store.py --events 1000000 --json out.json

Keys: ``events`` (rows in the file), ``loaded`` (rows the importer kept),
``load_s``, ``filter_s``, and ``filters`` (each filter's median and count).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_import import acled_csv  # noqa: E402
from bench_scale import synthetic_events  # noqa: E402

from dashboard import filters, pgcluster, store_query  # noqa: E402
from dashboard.store import Store  # noqa: E402

FILTERS = {
    "crisis dates, Iran's state actors": filters.FilterSpec(
        start=dt.date(2024, 1, 16), end=dt.date(2024, 1, 29), actors=("Iran",)
    ),
    "one actor, within 25 km of the border": filters.FilterSpec(actors=("Jaish al-Adl",), within_km=25),
    "a month, battles, 2+ fatalities, Balochistan": filters.FilterSpec(
        start=dt.date(2023, 6, 1),
        end=dt.date(2023, 6, 30),
        event_types=("Battles",),
        min_fatalities=2,
        provinces=("Balochistan",),
    ),
    "a drawn area round Saravan, one year": filters.FilterSpec(
        start=dt.date(2023, 1, 1),
        end=dt.date(2023, 12, 31),
        area=((27.0, 61.8), (27.8, 62.2), (27.6, 63.0), (26.9, 62.9)),
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="synthetic events in the file")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each filter (median)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    problem = pgcluster.missing()
    if problem:
        print(f"bench_store: {problem}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder, pgcluster.throwaway_cluster(durable=True) as cluster:
        source = Path(folder) / "acled_synthetic.csv"
        acled_csv(args.events, source, valid_events(args.events))
        url = cluster.create_database("bench")
        env = {"BORDERMAP_DATABASE_URL": url, "BORDERMAP_MAX_UPLOAD_MB": "8192", "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "dashboard", "db"]
        run([*command, "init"], env, folder)
        start = time.perf_counter()
        done = run([*command, "load", str(source)], env, folder)
        load_s = time.perf_counter() - start
        loaded = int(re.search(r"([\d,]+) loaded", done.stderr).group(1).replace(",", ""))
        store = Store(url)
        timings = {}
        for name, spec in FILTERS.items():
            ids = store_query.event_ids(store, spec)  # warm-up
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                store_query.event_ids(store, spec)
                times.append(time.perf_counter() - started)
            timings[name] = {"median_s": round(statistics.median(times), 3), "events": len(ids)}
        store.engine.dispose()
    figures = {
        "events": args.events,
        "loaded": loaded,
        "load_s": round(load_s, 1),
        "filter_s": max(t["median_s"] for t in timings.values()),
        "filters": timings,
    }
    print(f"{'events':>10}: {figures['events']:,} in the file, {loaded:,} loaded")
    print(f"{'load_s':>10}: {figures['load_s']}")
    for name, timing in timings.items():
        print(f"{timing['median_s']:>10.3f} s  {timing['events']:>9,} events  {name}")
    print(f"{'filter_s':>10}: {figures['filter_s']} (the slowest median)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


def valid_events(n: int):
    """``n`` synthetic events inside Iran, Pakistan or Afghanistan, each declaring the country its
    point lies in (drawn from more events, keeping those, in order)."""
    import numpy as np
    import shapely

    from dashboard.borders import load_geometry
    from dashboard.config import get_path

    countries = load_geometry(get_path("geometry_dir")).countries
    events = synthetic_events(int(n * 1.6) + 1000)
    country = np.full(len(events), "", dtype=object)
    for name, shape in zip(countries["name"], countries.geometry, strict=True):
        shapely.prepare(shape)
        inside = shapely.contains_xy(shape, events["longitude"].to_numpy(), events["latitude"].to_numpy())
        country[inside & (country == "")] = name
    events = events.assign(country=country.astype(str))[country != ""].head(n).reset_index(drop=True)
    if len(events) < n:
        raise SystemExit(f"only {len(events)} synthetic events fell inside the mapped countries")
    return events.assign(event_id=[f"SYN-{i}" for i in range(n)])


def run(command: list[str], env: dict, cwd: str) -> subprocess.CompletedProcess:
    import os

    done = subprocess.run(command, env={**os.environ, **env}, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return done


if __name__ == "__main__":
    sys.exit(main())
