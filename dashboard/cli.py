"""Command line: ``python -m dashboard validate [FILE]`` and ``python -m dashboard export``.

``validate`` prints one line per problem (file, row, column, value, what was
expected) and exits 1 if there is any, 0 if none, 2 for a usage error.
``export`` writes a briefing file of the filtered events, through the same
filter code as the page; an existing file is replaced whole or not at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from dashboard import config, mapview
from dashboard.curated import check_file, load_registry
from dashboard.datasets import load_configured
from dashboard.exporters import FORMATS
from dashboard.filters import FilterSpec
from dashboard.problems import DataError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check an events file (default: the curated events)")
    validate.add_argument("file", nargs="?", type=Path, help="events CSV in the project's schema")
    export = commands.add_parser("export", help="write a briefing file of the filtered events")
    export.add_argument("--format", required=True, choices=list(FORMATS), help="what to write")
    export.add_argument("--out", required=True, type=Path, help="the file to write")
    export.add_argument("--start", type=iso_date, help="first day, YYYY-MM-DD")
    export.add_argument("--end", type=iso_date, help="last day, YYYY-MM-DD")
    export.add_argument("--actor", action="append", default=[], help="actor on either side (repeatable)")
    export.add_argument("--event-type", action="append", default=[], help="event type (repeatable)")
    export.add_argument("--country", action="append", default=[], help="country it lies in (repeatable)")
    export.add_argument("--province", action="append", default=[], help="province it lies in (repeatable)")
    export.add_argument("--min-fatalities", type=int, default=0, help="at least this many fatalities")
    export.add_argument("--search", default="", help="text to find in location or notes")
    export.add_argument("--precise-only", action="store_true", help="only precise dates and places")
    export.add_argument("--basemap", default="none", choices=list(mapview.BASEMAP_LABELS), help="map tiles")
    export.add_argument("--scale", type=int, default=1, choices=[1, 2], help="PNG size: 1 (1600 px) or 2 (print)")
    export.add_argument("--data", type=Path, help="events file to use (ACLED, UCDP GED, GeoJSON, project CSV)")
    export.add_argument("--merge", action="store_true", help="with --data: add to the curated events")
    return parser


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def run_export(args: argparse.Namespace) -> int:
    from dashboard.briefing import make_export
    from dashboard.exporters.atomic import atomic_write

    try:
        spec = FilterSpec(
            start=args.start,
            end=args.end,
            actors=tuple(args.actor),
            event_types=tuple(args.event_type),
            countries=tuple(args.country),
            provinces=tuple(args.province),
            min_fatalities=args.min_fatalities,
            text=args.search,
            precise_only=args.precise_only,
        )
    except ValueError as err:
        print(f"export: {err}", file=sys.stderr)
        return 2
    if not args.out.parent.is_dir():
        print(f"export: {args.out.parent}: no such folder", file=sys.stderr)
        return 2
    try:
        data, imported = load_configured(args.data, "merge" if args.merge else None)
        if imported is not None:
            print(import_summary(imported), file=sys.stderr)
        unknown = _unknown_choices(spec, data.events)
        if unknown:
            print(f"export: {unknown}", file=sys.stderr)
            return 2
        atomic_write(args.out, make_export(args.format, data, spec, args.basemap, args.scale))
    except DataError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"{args.out}: {args.format}", file=sys.stderr)
    return 0


def _unknown_choices(spec: FilterSpec, events) -> str:
    from dashboard.filters import options

    offered = options(events)
    for name, flag in (
        ("actors", "--actor"),
        ("event_types", "--event-type"),
        ("countries", "--country"),
        ("provinces", "--province"),
    ):
        unknown = [v for v in getattr(spec, name) if v not in offered[name]]
        if unknown:
            return f"{flag} {', '.join(unknown)}: not in the data; choose from {', '.join(offered[name])}"
    return ""


def run_validate(path: Path | None) -> int:
    path = path or config.events_path()
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    try:
        if not _is_project_csv(path):
            return run_import_check(path)
        sources, seed_texts = load_registry()
        result = check_file(path, sources, seed_texts)
    except DataError as err:
        for problem in err.problems:
            print(problem)
        return 1
    for problem in result.problems:
        print(problem)
    bad = result.rejected_rows
    print(f"{path}: {result.rows_read} rows, {result.rows_read - bad} valid, {bad} with problems", file=sys.stderr)
    return 1 if result.problems else 0


def _is_project_csv(path: Path) -> bool:
    """The project's own CSV with citations gets the strict curated check."""
    if path.suffix.lower() != ".csv":
        return False
    with path.open(encoding="utf-8", errors="replace") as f:
        header = f.readline()
    return "source_quote" in header and "event_date" in header


def run_import_check(path: Path) -> int:
    """Validate an ACLED, UCDP GED, GeoJSON or uncited project file as the importer sees it."""
    from dashboard.curated import load_curated
    from dashboard.datasets import import_into

    result = import_into(load_curated(), path=path)
    for problem in result.problems:
        print(problem)
    print(import_summary(result), file=sys.stderr)
    return 1 if result.rejected_count else 0


def import_summary(result) -> str:
    return (
        f"{result.file}: {result.rows_read} rows ({result.format}), {result.loaded} loaded, "
        f"{result.rejected_count} rejected"
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return run_validate(args.file)
    return run_export(args)
