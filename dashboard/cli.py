"""Command line: ``python -m dashboard validate [FILE]``, ``export``, ``import`` and ``changes``.

``validate`` prints one line per problem (file, row, column, value, what was
expected) and exits 1 if there is any, 0 if none, 2 for a usage error.
``export`` writes a briefing file of the filtered events, through the same
filter code as the page; an existing file is replaced whole or not at all.
A CSV, GeoJSON or KML export gets its manifest beside it in
``<out>.manifest.json`` (the PDF, PNG and HTML carry theirs inside);
``changes`` (``changes_cli``) compares a briefing with the data now; ``brief``
(``brief_cli``) makes a pack of saved views.
Both exit 2 with a one-line message, never a traceback, for a setting that
cannot be used, a file that is not a regular file, or an ``--out`` that is not
a regular file path in a writable folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import stat
import sys
import time
from pathlib import Path

from dashboard import config, drawn_area, mapview
from dashboard.curated import check_file, load_claims, load_registry
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
    export.add_argument("--out", required=True, help="the file to write (a regular file in a writable folder)")
    export.add_argument("--start", type=iso_date, help="first day, YYYY-MM-DD")
    export.add_argument("--end", type=iso_date, help="last day, YYYY-MM-DD")
    export.add_argument("--actor", action="append", default=[], help="actor on either side (repeatable)")
    export.add_argument("--event-type", action="append", default=[], help="event type (repeatable)")
    export.add_argument("--country", action="append", default=[], help="country it lies in (repeatable)")
    export.add_argument("--province", action="append", default=[], help="province it lies in (repeatable)")
    export.add_argument("--min-fatalities", type=int, default=0, help="at least this many fatalities")
    export.add_argument("--search", default="", help="text to find in location or notes")
    export.add_argument("--precise-only", action="store_true", help="only precise dates and places")
    export.add_argument("--within-km", type=float, help="only events within this many km of the border")
    export.add_argument(
        "--area", type=drawn_area_arg, help="only events inside this polygon: 'lat,lon;lat,lon;lat,lon' (a link's area)"
    )
    export.add_argument("--basemap", default="none", choices=list(mapview.BASEMAP_LABELS), help="map tiles")
    export.add_argument("--scale", type=int, default=1, choices=[1, 2], help="PNG size: 1 (1600 px) or 2 (print)")
    export.add_argument(
        "--no-areas", action="store_true", help="do not draw where imprecise places may lie (PNG, PDF, HTML)"
    )
    export.add_argument("--data", type=Path, help="events file to use (ACLED, UCDP GED, GeoJSON, project CSV)")
    export.add_argument("--merge", action="store_true", help="with --data: add to the curated events")
    export.add_argument(
        "--since",
        type=Path,
        help="PDF: add a 'Since the last briefing' section against this earlier briefing file "
        "(PDF, PNG, HTML or a .manifest.json)",
    )
    load = commands.add_parser(
        "import", help="read, check and join an events file once, and save it as GeoParquet for the page to load"
    )
    load.add_argument("file", type=Path, help="ACLED or UCDP export, GeoJSON points, or the project's CSV")
    load.add_argument("--out", required=True, help="the GeoParquet file to write (ending .parquet)")
    load.add_argument(
        "--max-mb",
        type=float,
        default=IMPORT_MAX_MB,
        help=f"refuse a file bigger than this many MiB (default {IMPORT_MAX_MB:,}; the page's upload limit "
        "is for uploads only)",
    )
    from dashboard import brief_cli, changes_cli, db_cli

    changes_cli.add_command(commands)
    brief_cli.add_command(commands)
    db_cli.add_commands(commands)
    return parser


IMPORT_MAX_MB = 4096


def drawn_area_arg(text: str) -> tuple:
    try:
        return drawn_area.parse(text)
    except drawn_area.AreaError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def out_problem(out: str) -> str:
    """Why ``--out`` cannot be written to, or "" if it can."""
    if not out.strip():
        return "--out: give a file name (it is empty)"
    path = Path(out)
    try:
        info = path.stat()  # through a link: what would be replaced is what it points at
    except FileNotFoundError:
        info = None
    except OSError as err:
        return f"--out {out}: cannot be examined ({err.strerror or err})"
    if info is not None and stat.S_ISDIR(info.st_mode):
        return f"--out {out}: is a folder; give a file name inside it"
    if info is not None and not stat.S_ISREG(info.st_mode):
        return f"--out {out}: is not a regular file (a device, FIFO or socket); it will not be replaced"
    folder = path.parent
    if not folder.is_dir():
        return f"--out {out}: no such folder {folder}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"--out {out}: the folder {folder} is not writable"
    return ""


def run_export(args: argparse.Namespace) -> int:
    from dashboard import manifest
    from dashboard.briefing import make_export_with_manifest, since_formats
    from dashboard.exporters.atomic import atomic_write, write_problem

    out = Path(args.out)
    sidecar = None if FORMATS[args.format].embeds_manifest else manifest.sidecar_path(out)
    problem = out_problem(args.out) or (out_problem(str(sidecar)) if sidecar and args.out.strip() else "")
    if args.since and not FORMATS[args.format].takes_since:
        problem = f"--since: only {since_formats()} has a 'Since the last briefing' section, not the {args.format}"
    if problem:
        print(f"export: {problem}", file=sys.stderr)
        return 2
    if args.basemap == "own" and not config.get_tile_url():
        print(f"export: --basemap own needs the {config.SETTINGS['tile_url'].env_var} setting", file=sys.stderr)
        return 2
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
            within_km=args.within_km,
            area=args.area or (),
        )
    except ValueError as err:
        print(f"export: {err}", file=sys.stderr)
        return 2
    try:
        # From an event store only the events the filter may keep are read (the filter runs as SQL), except
        # for --since: what changed is judged against the whole record, or every event outside the filter
        # would read as retracted.
        pushed = None if args.since else spec
        data, imported = load_configured(args.data, "merge" if args.merge else None, spec=pushed)
        if imported is not None:
            print(import_summary(imported), file=sys.stderr)
        unknown = _unknown_choices(spec, data.events if args.data or not config.get_database_url() else None)
        if unknown:
            print(f"export: {unknown}", file=sys.stderr)
            return 2
        since = manifest.read(args.since) if args.since else None
        content, record = make_export_with_manifest(
            args.format, data, spec, args.basemap, args.scale, show_areas=not args.no_areas, since=since
        )
    except DataError as err:  # the --data or --since file (or the curated data) cannot be used: bad input
        print(err, file=sys.stderr)
        return 2
    except Exception as err:  # the event store (BORDERMAP_DATABASE_URL) refused or cannot be reached
        from dashboard.store import store_failure

        message = store_failure(err)
        if message is None:
            raise
        print(f"export: {message}", file=sys.stderr)
        return 2
    problem = write_problem(out, content)
    if problem:
        print(f"export: {problem}", file=sys.stderr)
        return 2
    try:
        if sidecar:
            atomic_write(sidecar, manifest.to_json(record))
    except OSError as err:
        print(f"export: {out} was written, but not its manifest {sidecar}: {err.strerror or err}", file=sys.stderr)
        return 2
    print(f"{out}: {args.format}" + (f"; manifest: {sidecar}" if sidecar else ""), file=sys.stderr)
    return 0


def _unknown_choices(spec: FilterSpec, events) -> str:
    """A flag value the data does not offer (``events`` None: the event store's whole record)."""
    from dashboard.filters import options

    if events is None:
        from dashboard import store_query
        from dashboard.store import open_store

        offered = store_query.options(open_store(config.get_database_url()))
    else:
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
    from dashboard.importers import default_max_bytes
    from dashboard.importers.reading import read_limited

    path = path or config.events_path()
    try:
        read_limited(path, default_max_bytes())  # only a regular file, and not more than the upload limit
    except DataError as err:
        print(err, file=sys.stderr)
        return 2
    try:
        if not _is_project_csv(path):
            return run_import_check(path)
        sources, seed_texts = load_registry()
        result = check_file(path, sources, seed_texts)
        if not result.problems and path.resolve() == config.events_path().resolve():
            load_claims(result, sources, seed_texts, path)  # the curated events: their claims too
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
    unusable = config.problems()
    if unusable:
        for message in unusable:
            print(message, file=sys.stderr)
        return 2
    if args.command == "validate":
        return run_validate(args.file)
    if args.command == "import":
        return run_import(args)
    if args.command == "db":
        from dashboard import db_cli

        return db_cli.run(args)
    if args.command == "changes":
        from dashboard import changes_cli

        return changes_cli.run(args)
    if args.command == "brief":
        from dashboard import brief_cli

        return brief_cli.run(args)
    return run_export(args)


def run_import(args: argparse.Namespace) -> int:
    """``import FILE --out events.parquet``: the importer's checks and join, then one atomic write of
    the events and, beside them, the rejection report (its header only when nothing was rejected)."""
    from dashboard.columnar import write_events_parquet
    from dashboard.curated import load_curated
    from dashboard.datasets import gazetteer
    from dashboard.exporters import report_filename
    from dashboard.exporters.atomic import atomic_write
    from dashboard.exporters.csv_export import table_to_csv
    from dashboard.importers import import_file
    from dashboard.progress import TerminalProgress

    out = Path(args.out)
    problem = out_problem(args.out) or ("" if out.suffix.lower() == ".parquet" else f"--out {out}: end it .parquet")
    if not args.max_mb > 0:
        problem = f"--max-mb {args.max_mb:g}: give a size above 0"
    if problem:
        print(f"import: {problem}", file=sys.stderr)
        return 2
    report_path = out.with_name(report_filename(out.stem))
    progress = TerminalProgress(sys.stderr)
    started = time.monotonic()
    try:
        curated = load_curated()
        result = import_file(
            args.file,
            curated.geometry,
            gazetteer(),
            max_bytes=int(args.max_mb * 1024 * 1024),
            existing_ids=set(curated.events["event_id"]),
            progress=progress,
        )
        progress("writing", 0, 0)
        write_events_parquet(result.events, out)
        atomic_write(report_path, table_to_csv(result.rejected))
    except DataError as err:
        progress.finish()
        print(err, file=sys.stderr)
        return 2
    except OSError as err:
        progress.finish()
        print(f"import: cannot write {out}: {err.strerror or err}; nothing was changed there", file=sys.stderr)
        return 2
    progress.finish()
    seconds = time.monotonic() - started
    print(import_summary(result) + f" in {seconds:.1f} s", file=sys.stderr)
    print(f"{out}: {result.loaded:,} events; rejection report: {report_path}", file=sys.stderr)
    return 0
