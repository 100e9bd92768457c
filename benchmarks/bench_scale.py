"""Scale benchmark: load, filter, join and map up to a million events.

Makes reproducible synthetic ACLED-like events in the border region (seeded
numpy RNG: lat 24-33, lon 57-70, dates 2018-2024, 30 actors, the event types
of ``style.EVENT_TYPE_SHAPES``) and, for each size, runs three fresh
subprocesses so each peak-memory figure belongs to one size and one path:

* prep: generate, join to the borders (``borders.join_events``), write
  GeoParquet (``columnar.write_events_parquet``);
* fast: load the GeoParquet, filter (``filters.apply``: a date range plus an
  actor), build the map (``mapview.build_base_map`` + ``aggregate.layer_for_view``
  at the region view) and render it to HTML (``m.get_root().render()``);
  then the briefing exports of every event in the file (no filter) through
  ``briefing.make_export``: the standalone HTML map (``export_html_s``,
  ``export_html_bytes``) and the PDF (``export_pdf_s``, ``export_pdf_bytes``);
* obvious: the same load and filter, then one ``folium.CircleMarker`` with a
  tooltip per filtered event, rendered -- only up to ``--obvious-max`` events
  in the file (default 100000; it takes ~45 s per 100k markers).

``--prep-only`` runs the prep stage alone (the join's figure, ``prep.join_s``,
without the minutes the exports take); ``--repeat N`` runs it N times, each in
a fresh subprocess, keeps the run with the median ``join_s`` as ``prep`` and
lists every run's in ``prep_join_s_runs`` (the machine is shared: one run is
noise).

Payload is the rendered HTML in UTF-8 bytes. Peak memory is the process's peak
resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), so it
includes the interpreter and imported libraries (~250 MB). Timings are wall
clock (``time.perf_counter``), one run each.

Measured on the 2-core build machine. Run from the repository root:

    .venv/bin/python benchmarks/bench_scale.py                       # 1e3 .. 1e6
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000,100000,1000000 --json /tmp/scale.json
    .venv/bin/python benchmarks/bench_scale.py --sizes 100000,1000000 --prep-only --repeat 5 --json /tmp/join.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import aggregate, briefing, columnar, config, filters, mapview, style  # noqa: E402
from dashboard.borders import join_events, load_geometry  # noqa: E402
from dashboard.curated import Dataset, load_curated  # noqa: E402

SEED = 20240118
FILTER = filters.FilterSpec(
    start=dt.date(2020, 1, 1), end=dt.date(2023, 12, 31), actors=("Military Forces of Pakistan",)
)
VIEW_PX = (1000, 600)  # the page's map, width x height


def synthetic_events(n: int, seed: int = SEED) -> pd.DataFrame:
    """``n`` ACLED-like events with the columns and dtypes of validated events."""
    rng = np.random.default_rng(seed)
    # The filtered actor is the most active one, as an analyst's first choice would be.
    known = [
        "Military Forces of Pakistan",
        "Military Forces of Iran",
        "Government of Iran",
        "Government of Pakistan",
        "Jaish al-Adl",
        "Ansar al-Furqan",
        "Police Forces of Iran",
    ]  # canonical actors of data/actors.csv; the filtered one first, as the most active
    actors = known + [f"Militia group {i:02d}" for i in range(23)]
    weights = 1.0 / np.arange(1, len(actors) + 1)  # Zipf-like: a few actors do most
    weights /= weights.sum()
    types = list(style.EVENT_TYPE_SHAPES)
    a1 = rng.choice(len(actors), n, p=weights)
    a2 = rng.choice(len(actors) + 1, n)  # the last code means "no second actor"
    names = np.array([*actors, ""], dtype=object)
    start = np.datetime64("2018-01-01")
    days = (np.datetime64("2024-12-31") - start).astype(int) + 1
    lat = np.round(rng.uniform(24.0, 33.0, n), 5)
    lon = np.round(rng.uniform(57.0, 70.0, n), 5)
    country = np.where(lon < 61.5, "Iran", "Pakistan")
    fatalities = rng.poisson(0.8, n)
    cross = rng.random(n) < 0.01
    ids = np.char.add("SYN-", np.arange(n).astype(str))
    precision = pd.array(rng.integers(1, 4, n), dtype="Int64")
    events = pd.DataFrame(
        {
            "event_id": ids.astype(object),
            "event_date": (start + rng.integers(0, days, n).astype("timedelta64[D]")).astype("datetime64[us]"),
            "date_precision": "day",
            "event_type": np.array(types, dtype=object)[rng.integers(0, len(types), n)],
            "sub_event_type": "Synthetic",
            "actor1": names[a1],
            "actor2": names[a2],
            "country": country.astype(object),
            "admin1": "",
            "location": "Synthetic place",
            "latitude": lat,
            "longitude": lon,
            "geo_precision": precision,
            "place_radius_km": np.where(precision.to_numpy() == 2, rng.uniform(5, 60, n).round(), np.nan),
            "fatalities": pd.array(fatalities, dtype="Int64"),
            "fatalities_low": pd.array(fatalities, dtype="Int64"),
            "fatalities_high": pd.array(fatalities, dtype="Int64"),
            "origin_country": np.where(cross, np.where(country == "Iran", "Pakistan", "Iran"), "").astype(object),
            "notes": "Synthetic event for the scale benchmark.",
            "source_id": "synthetic",
            "source_quote": "",
            "detail_source_id": "",
        }
    )
    text = [c for c in events.columns if events[c].dtype == object or pd.api.types.is_string_dtype(events[c])]
    return events.astype(dict.fromkeys(text, "str"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def stage_prep(n: int, path: Path) -> dict:
    raw, generate_s = _timed(lambda: synthetic_events(n))
    geometry = load_geometry(config.get_path("geometry_dir"))
    joined, join_s = _timed(lambda: join_events(raw, geometry))
    _, write_s = _timed(lambda: columnar.write_events_parquet(joined, path))
    return {
        "generate_s": generate_s,
        "join_s": join_s,
        "write_s": write_s,
        "file_mb": path.stat().st_size / 1e6,
        "peak_rss_mb": peak_rss_mb(),
    }


def _load_filter(path: Path) -> tuple[pd.DataFrame, dict]:
    shown, _, out = _load_all_filter(path)
    return shown, out


def _load_all_filter(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    events, load_s = _timed(lambda: columnar.read_events_parquet(path))
    shown, filter_s = _timed(lambda: filters.apply(events, FILTER))
    return shown, events, {"rows": len(events), "filtered": len(shown), "load_s": load_s, "filter_s": filter_s}


def stage_fast(path: Path) -> dict:
    geometry = load_geometry(config.get_path("geometry_dir"))
    shown, everything, out = _load_all_filter(path)
    bounds = aggregate.bounds_for_view(mapview.REGION_CENTER, mapview.REGION_ZOOM, *VIEW_PX)

    def build() -> str:
        colours = style.actor_colours(shown["actor1"])
        m = mapview.build_base_map(geometry, "none", colours)
        start = time.perf_counter()
        layer = aggregate.layer_for_view(shown, colours, bounds, mapview.REGION_ZOOM, None, mapview.build_event_layer)
        out["layer_s"] = time.perf_counter() - start
        layer.add_to(m)
        out["aggregated"] = layer.layer_name != "Events"
        return m.get_root().render()

    page, out["map_s"] = _timed(build)
    out["payload_bytes"] = len(page.encode("utf-8"))
    data = _dataset(everything)
    for fmt in ("html", "pdf"):
        exported, out[f"export_{fmt}_s"] = _timed(lambda fmt=fmt: briefing.make_export(fmt, data, filters.FilterSpec()))
        out[f"export_{fmt}_bytes"] = len(exported)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _dataset(events: pd.DataFrame) -> Dataset:
    """The filtered synthetic events with the project's source registry, as the exports take them."""
    curated = load_curated()
    return replace(curated, events=events, label="synthetic benchmark events")


def stage_obvious(path: Path) -> dict:
    import folium

    geometry = load_geometry(config.get_path("geometry_dir"))
    shown, out = _load_filter(path)

    def build() -> str:
        colours = style.actor_colours(shown["actor1"])
        m = mapview.build_base_map(geometry, "none", colours)
        layer = folium.FeatureGroup(name="Events")
        for event_id, lat, lon, actor, kind in zip(
            shown["event_id"], shown["latitude"], shown["longitude"], shown["actor1"], shown["event_type"], strict=True
        ):
            folium.CircleMarker(
                [lat, lon],
                radius=6,
                color=colours.get(actor, style.OTHER_COLOUR),
                fill=True,
                tooltip=f"{event_id} · {kind} · {actor}",
            ).add_to(layer)
        layer.add_to(m)
        return m.get_root().render()

    page, out["map_s"] = _timed(build)
    out["payload_bytes"] = len(page.encode("utf-8"))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _run_stage(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--stage", *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if done.returncode != 0:
        raise RuntimeError(f"stage {args} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--obvious-max", type=int, default=100_000, help="largest size to run the obvious way")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--prep-only", action="store_true", help="run only the prep stage (generate, join, write)")
    parser.add_argument("--repeat", type=int, default=1, help="run the prep stage this many times; keep the median")
    parser.add_argument("--stage", nargs=2, metavar=("NAME", "ARG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        name, arg = args.stage
        if name == "prep":
            n, path = arg.split(":", 1)
            result = stage_prep(int(n), Path(path))
        else:
            result = {"fast": stage_fast, "obvious": stage_obvious}[name](Path(arg))
        print(json.dumps(result))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp:
        for n in sizes:
            path = Path(tmp) / f"events_{n}.parquet"
            row = {"size": n, **_run_prep(n, path, args.repeat)}
            if args.prep_only:
                results.append(row)
                _print_prep_row(row, header=len(results) == 1)
                continue
            row["fast"] = _run_stage("fast", str(path))
            row["obvious"] = _run_stage("obvious", str(path)) if n <= args.obvious_max else None
            if row["obvious"]:
                fast, slow = row["fast"], row["obvious"]
                row["speedup_map"] = slow["map_s"] / fast["map_s"]
                row["speedup_filter_map"] = (slow["filter_s"] + slow["map_s"]) / (fast["filter_s"] + fast["map_s"])
                row["payload_ratio"] = slow["payload_bytes"] / fast["payload_bytes"]
            results.append(row)
            _print_row(row, header=len(results) == 1)
    if args.json:
        args.json.write_text(json.dumps({"filter": filters.describe(FILTER), "sizes": results}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


def _run_prep(n: int, path: Path, repeat: int) -> dict:
    """The prep stage ``repeat`` times: the run with the median join time, and every run's join time."""
    runs = sorted((_run_stage("prep", f"{n}:{path}") for _ in range(max(1, repeat))), key=lambda run: run["join_s"])
    return {"prep": runs[(len(runs) - 1) // 2], "prep_join_s_runs": [run["join_s"] for run in runs]}


def _print_prep_row(row: dict, header: bool) -> None:
    if header:
        print(f"{'events':>9} {'join s':>7} {'runs (join s)':<40} {'write s':>7} {'peak MB':>8}")
    p = row["prep"]
    runs = " ".join(f"{s:.2f}" for s in row["prep_join_s_runs"])
    print(f"{row['size']:>9} {p['join_s']:>7.2f} {runs:<40} {p['write_s']:>7.2f} {p['peak_rss_mb']:>8.0f}", flush=True)


def _print_row(row: dict, header: bool) -> None:
    if header:
        print(f"filter: {filters.describe(FILTER)}  view: region, zoom {mapview.REGION_ZOOM}; peak = max RSS")
        print(
            f"{'events':>9} {'shown':>7} {'join s':>7} {'load s':>7} {'filt s':>7} {'map s':>7} "
            f"{'f+map s':>7} {'payload':>9} {'peak MB':>8} | {'obv map s':>9} {'obv payload':>11} "
            f"{'obv MB':>7} | {'speedup':>7} {'smaller':>7} | {'html s':>6} {'html':>8} {'pdf s':>6} {'pdf':>8}"
        )
    p, f, o = row["prep"], row["fast"], row["obvious"]
    line = (
        f"{row['size']:>9} {f['filtered']:>7} {p['join_s']:>7.2f} {f['load_s']:>7.3f} {f['filter_s']:>7.3f} "
        f"{f['map_s']:>7.3f} {f['filter_s'] + f['map_s']:>7.3f} {f['payload_bytes'] / 1e6:>7.2f}MB "
        f"{f['peak_rss_mb']:>8.0f} | "
    )
    if o:
        line += (
            f"{o['map_s']:>9.2f} {o['payload_bytes'] / 1e6:>9.2f}MB {o['peak_rss_mb']:>7.0f} | "
            f"{row['speedup_filter_map']:>6.1f}x {row['payload_ratio']:>6.1f}x"
        )
    else:
        line += f"{'skipped':>9} {'':>11} {'':>7} | {'':>7} {'':>7}"
    line += (
        f" | {f['export_html_s']:>6.2f} {f['export_html_bytes'] / 1e6:>6.2f}MB "
        f"{f['export_pdf_s']:>6.2f} {f['export_pdf_bytes'] / 1e6:>6.2f}MB"
    )
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
