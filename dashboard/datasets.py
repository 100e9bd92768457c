"""Which events are in view: the curated set, an imported file, or both.

The page (an upload), the export command (``--data``) and the
``BORDERMAP_DATA_FILE`` setting all come through here, so each says the same
thing about what is in view and what was left out.
"""

from __future__ import annotations

import stat
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard import config
from dashboard.actors import canonicalise
from dashboard.columnar import compact_text, read_events_parquet
from dashboard.curated import Dataset, load_curated
from dashboard.gazetteer import Gazetteer
from dashboard.importers import ImportResult, import_bytes, import_file
from dashboard.importers.reading import whole_file

MODES = ("merge", "replace")


def combine(curated: Dataset, imported: ImportResult, mode: str) -> Dataset:
    """The curated events with the imported ones added (``merge``) or instead (``replace``)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose merge or replace")
    name = Path(imported.file).name
    theirs = imported.events  # the importer gives them the claim columns (empty)
    if mode == "replace":
        return Dataset(theirs, curated.sources, curated.geometry, f"{name} ({imported.loaded})", curated.claims)
    if "geometry" not in curated.events.columns:  # a big file's events, held without their points
        events = compact_text(
            pd.concat([curated.events, pd.DataFrame(theirs.drop(columns="geometry"))], ignore_index=True)
        )
    else:
        events = pd.concat([curated.events, theirs], ignore_index=True)
        events = gpd.GeoDataFrame(events, geometry="geometry", crs=curated.events.crs, copy=False)
    label = f"Curated events ({len(curated.events)}) + {name} ({imported.loaded})"
    return Dataset(events, curated.sources, curated.geometry, label, curated.claims)


def with_claim_columns(events: pd.DataFrame) -> pd.DataFrame:
    """Events saved without claim columns (a GeoParquet file): the claim columns, empty, as
    ``claims.annotate`` makes them when there is no claim, but without its copy of every column."""
    if "claims" in events.columns:
        return events
    return events.assign(claims="", disputed=False, target_claimed_by="")


@cache
def gazetteer() -> Gazetteer:
    """The offline gazetteer, read once per process."""
    return Gazetteer.load()


def import_into(curated: Dataset, path: Path | None = None, data: bytes | None = None, name: str = "") -> ImportResult:
    """Import a file (by path, or its bytes and name) against the curated ids and borders."""
    ids = set(curated.events["event_id"])
    if data is not None:
        return import_bytes(data, name, curated.geometry, gazetteer(), existing_ids=ids)
    return import_file(Path(path), curated.geometry, gazetteer(), existing_ids=ids)


def load_configured(
    data_file: Path | None = None, mode: str | None = None, spec=None
) -> tuple[Dataset, ImportResult | None]:
    """The data in view by default: the event store when ``database_url`` is set, else the curated
    events, or the ``data_file`` setting's (a ``data_file`` given here wins over the store). With a
    ``FilterSpec`` a store reads only the events it may keep (files are read whole)."""
    path = data_file or (Path(config.get("data_file")) if config.get("data_file") else None)
    url = config.get_database_url()
    if path is None and url:  # a store is set: it is the record (a file named outright still wins)
        from dashboard.store import open_store

        return open_store(url).dataset(spec), None
    curated = load_curated()
    if path is None:
        return curated, None
    if path.suffix.lower() == ".parquet":
        # Joined once and saved (columnar.write_events_parquet): loads in seconds at 1e6 events. Held
        # compact: no point geometry (latitude/longitude hold the points) and the repeated text as
        # categoricals, a third of the memory (``columnar.read_events_parquet``).
        events = compact_text(with_claim_columns(_read_parquet(path)))
        label = f"{path.name} ({len(events)})"
        return Dataset(events, curated.sources, curated.geometry, label, curated.claims), None
    imported = import_into(curated, path=path)
    return combine(curated, imported, mode or config.get_data_mode()), imported


def _read_parquet(path: Path):
    """A saved events file, or a ``DataError`` naming it: only a regular file is opened."""
    try:
        info = path.stat()
    except OSError:
        raise whole_file(str(path), "an events file (there is no file at this path)") from None
    if not stat.S_ISREG(info.st_mode):
        raise whole_file(str(path), "a regular GeoParquet file (this is not a regular file)")
    try:
        events = read_events_parquet(path, compact=True, points=False)
    except (ValueError, OSError) as err:
        reason = str(err).removeprefix(f"{path}: ")
        raise whole_file(str(path), f"a GeoParquet events file written by the project ({reason})") from None
    return events if "actor1_original" in events.columns else canonicalise(events)
