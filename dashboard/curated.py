"""The project's own events CSV: read it, check it, cite it, join it.

``check_file`` is what ``python -m dashboard validate`` runs; ``load_curated``
is what the page and the exports use, and refuses data with any problem.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from dashboard import config
from dashboard.borders import BorderGeometry, join_events, load_geometry
from dashboard.claims import annotate, check_against_events, empty_claims, read_claims
from dashboard.problems import DataError, Problem
from dashboard.schema import ValidationResult, validate_events
from dashboard.sources import check_citations, load_seed_texts, read_sources


@dataclass(frozen=True)
class Dataset:
    # Validated, typed, joined to the borders: a GeoDataFrame, except events loaded from a saved GeoParquet
    # file (datasets.load_configured), held without point geometry and with repeated text as categoricals.
    events: pd.DataFrame
    sources: pd.DataFrame  # the registry, indexed by source_id
    geometry: BorderGeometry
    label: str  # what is in view, for the page's badge and export captions
    claims: pd.DataFrame = field(default_factory=empty_claims)  # attributed claims of the curated events
    store_version: str = ""  # from an event store: its latest revision ("" for files)

    @cached_property
    def fingerprint(self) -> str:
        """A digest of the events' content (every column but the geometry) and the claims: equal data,
        equal digest. Caches key on it, so a corrected file with the same name and row count is new data."""
        events = pd.DataFrame(self.events.drop(columns="geometry", errors="ignore"))
        digest = hashlib.sha256(pd.util.hash_pandas_object(events, index=False).to_numpy().tobytes())
        digest.update(pd.util.hash_pandas_object(self.claims, index=False).to_numpy().tobytes())
        return digest.hexdigest()[:20]

    @property
    def version(self) -> str:
        """What a manifest records as the data version: the store's latest revision
        (``store:<n>``), or for files the content digest (``sha256:<fingerprint>``)."""
        return self.store_version or f"sha256:{self.fingerprint}"


def read_raw(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as the text it holds (for exact messages)."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataError([Problem(str(path), None, "", "", f"UTF-8 text (byte {err.start} is not)")]) from None
    except pd.errors.EmptyDataError:
        raise DataError([Problem(str(path), None, "", "", "a header row and at least one event")]) from None
    except pd.errors.ParserError as err:
        raise DataError([Problem(str(path), None, "", "", f"well-formed CSV ({err})")]) from None


def check_file(path: Path, sources: pd.DataFrame, seed_texts: dict[str, str]) -> ValidationResult:
    """Schema and citation problems of an events file, with its valid rows."""
    raw = read_raw(path)
    result = validate_events(raw, str(path))
    if all(c in raw.columns for c in ("source_id", "source_quote")) and not any(p.row is None for p in result.problems):
        text = raw.fillna("").astype(str).apply(lambda s: s.str.strip())
        result.problems += check_citations(text, sources, seed_texts, str(path), require=True)
        result.problems.sort(key=lambda p: p.row or 0)
    return result


def load_registry(repo_root: Path | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    root = repo_root or config.REPO_ROOT
    sources = read_sources(config.sources_path(), root)
    return sources, load_seed_texts(sources, root)


def load_curated(events_path: Path | None = None) -> Dataset:
    """The curated events, validated and joined; ``DataError`` if any problem."""
    path = events_path or config.events_path()
    sources, seed_texts = load_registry()
    result = check_file(path, sources, seed_texts)
    if result.problems:
        raise DataError(result.problems)
    claims = load_claims(result, sources, seed_texts, path)
    geometry = load_geometry(config.get_path("geometry_dir"))
    events = annotate(join_events(result.events, geometry), claims)
    return Dataset(events, sources, geometry, label=f"Curated events ({len(events)})", claims=claims)


def load_claims(result: ValidationResult, sources: pd.DataFrame, texts: dict[str, str], path: Path) -> pd.DataFrame:
    """The curated claims, checked against their sources and against the events; ``DataError`` if any problem."""
    claims = read_claims(config.claims_path(), sources, texts, set(result.events["event_id"]))
    problems = check_against_events(result.events, claims, str(path))
    if problems:
        raise DataError(problems)
    return claims
