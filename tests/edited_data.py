"""A copy of the curated data folder, and the edits an analyst makes between two briefings.

``copy_data_dir`` copies ``data/`` (events, sources, claims, actors, the
gazetteer) so a test can point ``BORDERMAP_DATA_DIR`` at it and edit it.
``edit`` then changes one fatality figure (to another figure its claims give,
so the data still validates), removes one event (and its claims) and adds one
(a copy of another, with its claims): each edit is chosen from the data and
returned, so tests never hard-code ids or counts.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.config import REPO_ROOT

ADDED_ID = "TEST-ADDED-EVENT"


@dataclass(frozen=True)
class Edits:
    changed_id: str
    before: int  # its fatality figure before, and after
    after: int
    removed_id: str
    added_id: str


def copy_data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for path in (REPO_ROOT / "data").glob("*.csv"):
        shutil.copy(path, folder / path.name)
    shutil.copytree(REPO_ROOT / "data" / "gazetteer", folder / "gazetteer")
    return folder


def edit(folder: Path) -> Edits:
    events, claims = _read(folder / "events.csv"), _read(folder / "claims.csv")
    figures = claims[claims["topic"] == "fatalities"].groupby("event_id")["fatalities"].agg(lambda s: set(map(int, s)))
    changed_id = next(event_id for event_id, found in figures.items() if len(found) > 1)
    row = events["event_id"] == changed_id
    before = int(events.loc[row, "fatalities"].iloc[0])
    after = min(figures[changed_id] - {before})
    events.loc[row, "fatalities"] = str(after)
    ids = list(events["event_id"])
    removed_id = next(event_id for event_id in reversed(ids) if event_id != changed_id)
    source_id = next(event_id for event_id in ids if event_id not in (changed_id, removed_id))
    added = events[events["event_id"] == source_id].assign(event_id=ADDED_ID)
    added_claims = claims[claims["event_id"] == source_id].assign(event_id=ADDED_ID)
    added_claims["claim_id"] = added_claims["claim_id"].str.replace(source_id, ADDED_ID, regex=False)
    events = pd.concat([events[events["event_id"] != removed_id], added], ignore_index=True)
    claims = pd.concat([claims[claims["event_id"] != removed_id], added_claims], ignore_index=True)
    events.to_csv(folder / "events.csv", index=False)
    claims.to_csv(folder / "claims.csv", index=False)
    return Edits(changed_id, before, after, removed_id, ADDED_ID)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
