"""The page's ways to change the record, each guarded the same way: no valid editor session, no write.

Every function takes the session token the page got from ``auth.sign_in`` and
asks ``auth.editor_name`` before anything else, so a viewer, a forged or
expired token, or a name typed into the session state or a link never
writes. The editor's name in the history is the one the store knows for the
token, not one the page supplies. Nothing here imports Streamlit.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from dashboard.auth import editor_name
from dashboard.problems import Problem
from dashboard.store import Citation, Store


def correct(
    store: Store,
    token: str | None,
    event_id: str,
    changes: dict[str, str],
    citation: Citation,
    reason: str,
    expected_version: int,
) -> int:
    """Correct fields of one event made on ``expected_version``; returns the new version
    (``store.Conflict`` if someone else changed it first)."""
    by = editor_name(store, token)
    return store.edit(event_id, changes, citation, reason, by, expected_version)


def retract(store: Store, token: str | None, event_id: str, reason: str, expected_version: int) -> int:
    by = editor_name(store, token)
    return store.retract(event_id, reason, by, expected_version=expected_version)


@dataclass
class Added:
    loaded: int
    unchanged: int
    problems: list[Problem]


def add_file(store: Store, token: str | None, data: bytes, name: str, reason: str) -> Added:
    """Add the new events of an uploaded file (same importers and checks as ``db add``)."""
    from dashboard.db_cli import read_events_file, split_existing
    from dashboard.store import StoreError

    by = editor_name(store, token)
    if not reason.strip():
        raise StoreError("adding events needs a reason (it is empty)")
    suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in (".csv", ".geojson", ".json") else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        found = split_existing(store, read_events_file(path, set()), path)
    # The report names the file the analyst chose, not the temporary copy.
    problems = [replace(p, file=name) for p in found.problems]
    loaded = store.load(found.events, by=by, reason=reason, action="add") if len(found.events) else 0
    return Added(loaded, found.unchanged, problems)


def save_views(store: Store, token: str | None, body: bytes, expected_version: int | None) -> int:
    """Keep the team's saved views (the views file's bytes); returns the new version."""
    by = editor_name(store, token)
    return store.save_view_set(body, by, expected_version)
