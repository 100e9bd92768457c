"""``python -m dashboard brief VIEWS.json --format pdf|pptx [--marking TEXT] [--title TEXT] --out FILE``.

Reads the views file (``dashboard.views``: refused whole, every problem named
by view and key), checks the views against the data in view (the same data as
``export``: the files or the event store), and writes the pack (``dashboard.pack``)
whole or not at all. ``--marking`` defaults to ``BORDERMAP_MARKING``.
Exit 0 on success, 2 with the problems for input that cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard import config
from dashboard.exporters import PACK_FORMATS


def add_command(commands) -> None:
    parser = commands.add_parser("brief", help="a briefing pack of saved views: one PDF or one PowerPoint deck")
    parser.add_argument("views", type=Path, help="the views file (JSON, as the page downloads it)")
    parser.add_argument("--format", required=True, choices=list(PACK_FORMATS), help="the registry's pack formats")
    parser.add_argument("--out", required=True, help="the file to write (a regular file in a writable folder)")
    parser.add_argument("--marking", help="handling marking on every page (default: BORDERMAP_MARKING)")
    parser.add_argument("--title", help="the pack's title (default: the views file's)")
    parser.add_argument("--since", type=Path, help="a previous briefing file: adds 'Since the last briefing' (PDF)")


def run(args: argparse.Namespace) -> int:
    from dashboard import filters, pack, views
    from dashboard.cli import out_problem
    from dashboard.datasets import load_configured
    from dashboard.exporters.atomic import write_problem
    from dashboard.problems import DataError

    problem = out_problem(args.out)
    if problem:
        return _fail(problem)
    try:
        marking = config.check_marking(args.marking, "--marking") if args.marking is not None else config.get_marking()
    except config.SettingError as err:
        return _fail(str(err))
    if args.since is not None and not PACK_FORMATS[args.format].takes_since:
        return _fail(f"--since: the {args.format} pack has no 'Since the last briefing' page")
    try:
        raw = args.views.read_bytes()
    except OSError as err:
        return _fail(f"{args.views}: cannot be read ({err.strerror or err})")
    try:
        viewset = views.parse(raw, str(args.views))
        data, _ = load_configured()
        problems = views.check_against(viewset, data.events, filters.options(data.events))
        if problems:
            return _fail("\n".join(f"{args.views}: {p}" for p in problems))
        since = None
        if args.since is not None:
            from dashboard import manifest

            since = manifest.read(args.since)
        content = pack.build(data, viewset, args.format, marking, args.title or "", since=since)
    except (views.ViewsError, DataError) as err:
        return _fail(str(err))
    problem = write_problem(Path(args.out), content)
    if problem:
        return _fail(problem)
    print(f"{args.out}: {args.format} pack of {len(viewset.views)} views", file=sys.stderr)
    return 0


def _fail(message: str) -> int:
    print(f"brief: {message}", file=sys.stderr)
    return 2
