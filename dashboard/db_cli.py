"""``python -m dashboard db ...``: create, fill, correct, retract, inspect and export the event store.

The store is the one ``BORDERMAP_DATABASE_URL`` names (or ``--database``);
commands that write use ``BORDERMAP_EDITOR_DATABASE_URL`` when it is set (on
PostgreSQL the page's own role cannot write). Files go through the same
importers, checks and rejection report as ``import``. Every failure is one
line naming the event, field and value, with exit code 2; nothing is half
written (each command is one transaction).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import config, schema
from dashboard.problems import DataError, Problem, problems_frame

PASSWORD_ENV = "BORDERMAP_NEW_PASSWORD"


def add_commands(commands) -> None:
    db = commands.add_parser("db", help="the event store: init, load, add, edit, retract, history, export, users")
    db.add_argument("--database", help="store address (default: the BORDERMAP_DATABASE_URL setting)")
    sub = db.add_subparsers(dest="db_command", required=True)
    sub.add_parser("init", help="create the store's tables, or upgrade them (harmless to repeat)")
    load = sub.add_parser("load", help="load an events file (curated CSV, ACLED, UCDP, GeoJSON) into the store")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--merge", action="store_true", help="add to the events already stored (else the store must be empty)"
    )
    _who(load, required=False)
    _report(load)
    add = sub.add_parser("add", help="add the new events of a file, one revision each")
    add.add_argument("file", type=Path)
    _who(add, required=True)
    _report(add)
    edit = sub.add_parser("edit", help="correct fields of one event (a revision with its source and quote)")
    edit.add_argument("event_id")
    edit.add_argument("--set", dest="changes", action="append", default=[], metavar="FIELD=VALUE", required=True)
    edit.add_argument("--source-id", required=True, help="the registered source that supports the correction")
    edit.add_argument("--quote", required=True, help="the passage of that source, word for word")
    edit.add_argument("--expect-version", type=int, help="refuse if the event is no longer at this version")
    _who(edit, required=True)
    retract = sub.add_parser("retract", help="retract one event (it is kept, flagged, with its history)")
    retract.add_argument("event_id")
    retract.add_argument("--source-id", default="")
    retract.add_argument("--quote", default="")
    retract.add_argument("--expect-version", type=int)
    _who(retract, required=True)
    history = sub.add_parser("history", help="print every revision of one event")
    history.add_argument("event_id")
    export = sub.add_parser("export", help="write the store's current events as the project's CSV")
    export.add_argument("--out", required=True)
    export.add_argument("--include-retracted", action="store_true")
    user = sub.add_parser("user", help=f"create or update a user (password from {PASSWORD_ENV} or a prompt)")
    user.add_argument("name")
    user.add_argument("--role", required=True, choices=["viewer", "editor"])
    grant = sub.add_parser("grant", help="PostgreSQL: give a read-only role and an editing role their rights")
    grant.add_argument("--reader", required=True)
    grant.add_argument("--editor", required=True)


def _who(parser, required: bool) -> None:
    parser.add_argument("--reason", required=required, default="initial load", help="why (kept in the history)")
    parser.add_argument("--by", required=required, default=getpass.getuser(), help="who (kept in the history)")


def _report(parser) -> None:
    parser.add_argument(
        "--report", type=Path, help="where to write the rejection report (default: <file stem>_rejected.csv here)"
    )


def run(args: argparse.Namespace) -> int:
    from dashboard.store import Store, store_failure

    # Only the changes an editor makes go through the editing role; init, load, user and grant are the
    # owner's (the editing role can neither create tables nor keep users).
    writes = args.db_command in ("add", "edit", "retract")
    try:
        url = args.database or (config.get_editor_database_url() if writes else "") or config.get_database_url()
    except config.SettingError as err:
        print(err, file=sys.stderr)
        return 2
    if not url:
        print(f"db: no store: set {config.SETTINGS['database_url'].env_var} or give --database", file=sys.stderr)
        return 2
    try:
        store = Store(url)
        if args.db_command == "init":
            applied = store.init()
            print("\n".join(f"applied migration {a}" for a in applied) or "the store is up to date", file=sys.stderr)
            return 0
        store.check_ready()
        return COMMANDS[args.db_command](store, args)
    except DataError as err:
        print(f"db {args.db_command}: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # the store refused, or its database cannot be reached: one line, no traceback
        message = store_failure(err)
        if message is None:
            raise
        print(f"db {args.db_command}: {message}", file=sys.stderr)
        return 2


@dataclass
class FileEvents:
    events: pd.DataFrame  # validated and joined
    problems: list[Problem]
    rows_read: int
    format: str
    unchanged: int = 0


def read_events_file(path: Path, existing_ids: set[str]) -> FileEvents:
    """A file's events through the importers' checks: the project's cited CSV gets the curated check
    (sources and quotes), other formats the importer (ids already stored are rejected there)."""
    from dashboard.cli import _is_project_csv
    from dashboard.curated import check_file, load_curated, load_registry
    from dashboard.datasets import gazetteer
    from dashboard.importers import import_file, join_in_chunks

    geometry = load_curated().geometry
    if path.is_file() and _is_project_csv(path):
        sources, texts = load_registry()
        result = check_file(path, sources, texts)
        events = join_in_chunks(result.events, geometry) if len(result.events) else result.events
        return FileEvents(events, list(result.problems), result.rows_read, "project_csv")
    imported = import_file(path, geometry, gazetteer(), existing_ids=existing_ids)
    return FileEvents(imported.events, list(imported.problems), imported.rows_read, imported.format)


def split_existing(store, found: FileEvents, path: Path) -> FileEvents:
    """Rows whose id is stored already: the same values are skipped, other values are rejected."""
    from dashboard.store import fields_of

    if not len(found.events):
        return found
    stored = store.ids()
    repeat = found.events["event_id"].isin(stored).to_numpy()
    if not repeat.any():
        return found
    text = store.text_frame(include_retracted=True).set_index("event_id")
    keep = ~repeat
    unchanged = 0
    for position in repeat.nonzero()[0]:
        event = found.events.iloc[position]
        now = fields_of(_as_written(event))
        was = fields_of(_typed_text(text.loc[event["event_id"]], event["event_id"]))
        if now == was:
            unchanged += 1
            continue
        found.problems.append(
            Problem(
                str(path),
                None,
                "event_id",
                event["event_id"],
                "an id not in the store yet (it is stored with other values: correct it with db edit)",
            )
        )
    return FileEvents(
        found.events[keep].reset_index(drop=True), found.problems, found.rows_read, found.format, unchanged
    )


def _as_written(event: pd.Series) -> dict:
    row = event.to_dict()
    for side in ("actor1", "actor2"):
        if row.get(f"{side}_original"):
            row[side] = row[f"{side}_original"]
    return row


def _typed_text(cells: pd.Series, event_id: str) -> dict:
    raw = pd.DataFrame([{**cells.to_dict(), "event_id": event_id}])
    typed = schema.validate_events(raw, "store").events
    return typed.iloc[0].to_dict() if len(typed) else {}


def cmd_load(store, args, action: str = "load") -> int:
    from dashboard.exporters import report_filename
    from dashboard.exporters.atomic import atomic_write
    from dashboard.exporters.csv_export import table_to_csv

    stored = store.count(include_retracted=True)
    if action == "load" and stored and not args.merge:
        print(
            f"db load: the store already holds {stored:,} events: give --merge to add these to them "
            "(ids already stored are skipped when equal, rejected when different)",
            file=sys.stderr,
        )
        return 2
    found = split_existing(store, read_events_file(args.file, set()), args.file)
    loaded = store.load(found.events, by=args.by, reason=args.reason, action=action) if len(found.events) else 0
    report = args.report or Path(report_filename(args.file.name))
    rejected = problems_frame(found.problems).rename(columns={"expected": "reason"})
    atomic_write(report, table_to_csv(rejected))
    bad = len({(p.row, p.value) for p in found.problems})
    print(
        f"{args.file}: {found.rows_read:,} rows ({found.format}), {loaded:,} loaded, {found.unchanged:,} unchanged, "
        f"{bad:,} rejected; rejection report: {report}",
        file=sys.stderr,
    )
    for problem in found.problems[:20]:
        print(problem, file=sys.stderr)
    return 0


def cmd_add(store, args) -> int:
    args.merge = True
    return cmd_load(store, args, action="add")


def cmd_edit(store, args) -> int:
    from dashboard.store import Citation, StoreError

    changes = {}
    for item in args.changes:
        name, sep, value = item.partition("=")
        if not sep:
            raise StoreError(f"--set {item!r}: write FIELD=VALUE, e.g. --set fatalities=10")
        changes[name.strip()] = value
    version = store.edit(
        args.event_id, changes, Citation(args.source_id, args.quote), args.reason, args.by, args.expect_version
    )
    print(f"{args.event_id}: now version {version}", file=sys.stderr)
    return 0


def cmd_retract(store, args) -> int:
    from dashboard.store import Citation

    version = store.retract(
        args.event_id, args.reason, args.by, Citation(args.source_id, args.quote), args.expect_version
    )
    print(f"{args.event_id}: retracted (version {version}); it stays in the store and its history", file=sys.stderr)
    return 0


def cmd_history(store, args) -> int:
    from dashboard.store import describe_revision

    for revision in store.history(args.event_id):
        print(describe_revision(revision))
    return 0


def cmd_export(store, args) -> int:
    from dashboard.cli import out_problem
    from dashboard.exporters.atomic import write_problem
    from dashboard.store import project_csv

    problem = out_problem(args.out)
    if problem:
        print(f"db export: {problem}", file=sys.stderr)
        return 2
    frame = store.text_frame(include_retracted=args.include_retracted)
    # The project's own CSV as data/events.csv is written (sorted by id): no spreadsheet guards here,
    # they would change the data.
    problem = write_problem(Path(args.out), project_csv(frame))
    if problem:
        print(f"db export: {problem}", file=sys.stderr)
        return 2
    print(f"{args.out}: {len(frame):,} events (store revision {store.data_version()})", file=sys.stderr)
    return 0


def cmd_user(store, args) -> int:
    from dashboard.auth import add_user

    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            print("db user: the two passwords differ; nothing was changed", file=sys.stderr)
            return 2
    add_user(store, args.name, password, args.role)
    print(f"{args.name}: {args.role}", file=sys.stderr)
    return 0


def cmd_grant(store, args) -> int:
    from dashboard.store_schema import grant_roles

    try:
        grant_roles(store.engine, args.reader, args.editor)
    except ValueError as err:
        print(f"db grant: {err}", file=sys.stderr)
        return 2
    print(f"{args.reader}: may read; {args.editor}: may read, add, correct and retract", file=sys.stderr)
    return 0


COMMANDS = {
    "load": cmd_load,
    "add": cmd_add,
    "edit": cmd_edit,
    "retract": cmd_retract,
    "history": cmd_history,
    "export": cmd_export,
    "user": cmd_user,
    "grant": cmd_grant,
}
