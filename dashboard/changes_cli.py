"""``python -m dashboard changes --since DATE_OR_TIME|BRIEFING_FILE --format csv|pdf --out FILE``.

Compares the events in view now (the same data as ``export``) with a previous
briefing: new, changed (field by field) and retracted events. A briefing file
(PDF, PNG, HTML, or a CSV/GeoJSON/KML export's ``.manifest.json``) works on
files; a date or time needs the event store, which keeps every revision.
Exits 0 on success, 2 with a one-line message for input that cannot be used;
the output is replaced whole or not at all. A one-line summary goes to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from dashboard import changes, config, manifest
from dashboard.problems import DataError, Problem

FORMATS = ("csv", "pdf")


def add_command(commands) -> None:
    """The ``changes`` subcommand on the top-level parser's subparsers."""
    parser = commands.add_parser("changes", help="what is new, changed and retracted since a briefing")
    parser.add_argument(
        "--since",
        required=True,
        help="a previous briefing file (PDF, PNG, HTML, or the .manifest.json beside a CSV, GeoJSON or KML "
        "export), or with an event store a date YYYY-MM-DD or time YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm] "
        "(a file named like a date: write ./2024-01-20)",
    )
    parser.add_argument("--format", required=True, choices=FORMATS, help="csv: one row per change; pdf: a list")
    parser.add_argument("--out", required=True, help="the file to write (a regular file in a writable folder)")
    parser.add_argument("--data", type=Path, help="events file to compare with (default: the data in view)")
    parser.add_argument("--merge", action="store_true", help="with --data: add to the curated events")


def run(args: argparse.Namespace) -> int:
    from dashboard.cli import out_problem

    problem = out_problem(args.out)
    if problem:
        return _usage(problem)
    try:
        since = changes.parse_since(args.since)
    except ValueError as err:
        return _usage(str(err))
    if isinstance(since, dt.datetime) and not config.get_database_url():
        return _usage(changes.needs_store(args.since))
    if isinstance(since, dt.datetime) and args.data:
        return _usage(f"--since {args.since} with --data: only the event store can answer a date; drop --data")
    try:
        found = _at_time(since, args) if isinstance(since, dt.datetime) else _against_file(since, args)
    except DataError as err:
        return _usage(str(err))
    except Exception as err:  # the event store (BORDERMAP_DATABASE_URL) refused or cannot be reached
        from dashboard.store import store_failure

        message = store_failure(err)
        if message is None:
            raise
        return _usage(message)
    return _write(found, args)


def _against_file(path: Path, args: argparse.Namespace) -> changes.Changes:
    from dashboard.cli import import_summary
    from dashboard.datasets import load_configured

    if not path.exists() and not manifest.sidecar_path(path).exists():
        expected = f"a briefing file (there is no file at this path), or {changes.TIME_FORMS}"
        raise DataError([Problem(f"--since {args.since}", None, "", "", expected)])
    record = manifest.read(path)
    data, imported = load_configured(args.data, "merge" if args.merge else None)
    if imported is not None:
        print(import_summary(imported), file=sys.stderr)
    return changes.against_manifest(record, data)


def _at_time(when: dt.datetime, args: argparse.Namespace) -> changes.Changes:
    """From the event store: its record at ``when`` against its record now."""
    from dashboard.store import open_store

    store = open_store(config.get_database_url())
    before, reasons = store.snapshot_at(when)
    now = store.dataset()
    baseline = f"the record at {when:%Y-%m-%d %H:%M} UTC"
    return changes.compare(before, now.events, retracted_reasons=reasons, baseline=baseline)


def _write(found: changes.Changes, args: argparse.Namespace) -> int:
    from dashboard.exporters.atomic import write_problem
    from dashboard.exporters.changes_export import changes_csv, changes_pdf

    content = changes_csv(found) if args.format == "csv" else changes_pdf(found)
    problem = write_problem(Path(args.out), content)
    if problem:
        return _usage(problem)
    print(f"{args.out}: {found.summary()} since {found.baseline}", file=sys.stderr)
    return 0


def _usage(message: str) -> int:
    print(f"changes: {message}", file=sys.stderr)
    return 2
