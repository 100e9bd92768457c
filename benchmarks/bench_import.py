"""Import benchmark: ``python -m dashboard import`` on a synthetic ACLED export.

Writes ``--rows`` synthetic events (``bench_scale.synthetic_events``, the same
seeded set) as an ACLED-format CSV, runs the import command on it in a child
process (as an analyst would), and prints the wall time, rows per second, the
child's peak memory and the sizes of the CSV and of the GeoParquet written.
Run from the repository root:

    .venv/bin/python benchmarks/bench_import.py --rows 1000000 --json out.json
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_scale import synthetic_events  # noqa: E402

from dashboard.columnar import read_events_parquet  # noqa: E402


def acled_csv(n: int, path: Path, events=None) -> None:
    """``n`` synthetic events in ACLED's export columns (or ``events``, made by ``synthetic_events``)."""
    events = synthetic_events(n) if events is None else events
    frame = {
        "event_id_cnty": events["event_id"],
        "event_date": events["event_date"].dt.strftime("%Y-%m-%d"),
        "year": events["event_date"].dt.year,
        "time_precision": 1,
        "event_type": events["event_type"],
        "sub_event_type": events["sub_event_type"],
        "actor1": events["actor1"],
        "actor2": events["actor2"],
        "country": events["country"],
        "admin1": "",
        "location": events["location"],
        "latitude": events["latitude"],
        "longitude": events["longitude"],
        "geo_precision": events["geo_precision"],
        "source": "Synthetic",
        "notes": events["notes"],
        "fatalities": events["fatalities"],
    }
    import pandas as pd

    pd.DataFrame(frame).to_csv(path, index=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic events in the CSV")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "acled_synthetic.csv", Path(folder) / "events.parquet"
        acled_csv(args.rows, source)
        command = [sys.executable, "-m", "dashboard", "import", str(source), "--out", str(out)]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        loaded = len(read_events_parquet(out))
        figures = {
            "rows": args.rows,
            "loaded": loaded,
            "import_s": round(seconds, 2),
            "rows_per_s": round(args.rows / seconds),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
            "csv_mb": round(source.stat().st_size / 1e6, 1),
            "parquet_mb": round(out.stat().st_size / 1e6, 1),
        }
    for key, value in figures.items():
        print(f"{key:>12}: {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
