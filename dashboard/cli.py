"""Command line: ``python -m dashboard validate [FILE]``.

Prints one line per problem (file, row, column, value, what was expected) and
exits 1 if there is any, 0 if none, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard import config
from dashboard.curated import check_file, load_registry
from dashboard.problems import DataError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check an events file (default: the curated events)")
    validate.add_argument("file", nargs="?", type=Path, help="events CSV in the project's schema")
    return parser


def run_validate(path: Path | None) -> int:
    path = path or config.events_path()
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    try:
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return run_validate(args.file)
    return 2
