"""The source registry, and the check that every event cites it faithfully.

Every curated event names a ``source_id`` from ``data/sources.csv`` and quotes
a passage from it. For a seed document the quote must stand in the document
word for word (white space may differ: the seeds wrap lines), so each dot on
the map can be traced to the sentence that supports it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from dashboard.problems import DataError, Problem, spreadsheet_row

SOURCE_COLUMNS = (
    "source_id",
    "kind",
    "file_or_url",
    "title",
    "publisher",
    "author",
    "publication_date",
    "note",
)
SOURCE_KINDS = ("seed document", "public report")


def read_sources(path: Path, repo_root: Path) -> pd.DataFrame:
    """Read and check the registry; raise ``DataError`` naming every problem."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    file = str(path)
    problems = [
        Problem(file, None, name, "", f"the header has no column {name!r}")
        for name in SOURCE_COLUMNS
        if name not in raw.columns
    ]
    if problems:
        raise DataError(problems)
    for i, row in raw.iterrows():
        problems += _check_source_row(file, spreadsheet_row(int(i)), row, repo_root)
    duplicated = raw["source_id"].duplicated()
    problems += [
        Problem(file, spreadsheet_row(int(i)), "source_id", raw.at[i, "source_id"], "a unique id")
        for i in raw.index[duplicated.to_numpy()]
    ]
    if problems:
        raise DataError(problems)
    return raw.set_index("source_id", drop=False)


def _check_source_row(file: str, row: int, values: pd.Series, repo_root: Path) -> list[Problem]:
    problems = []
    for name in ("source_id", "title", "file_or_url"):
        if not values[name].strip():
            problems.append(Problem(file, row, name, values[name], "a value (this column may not be empty)"))
    if values["kind"] not in SOURCE_KINDS:
        problems.append(Problem(file, row, "kind", values["kind"], "one of " + ", ".join(SOURCE_KINDS)))
    elif values["kind"] == "seed document" and not (repo_root / values["file_or_url"]).is_file():
        problems.append(Problem(file, row, "file_or_url", values["file_or_url"], "a file in the repository"))
    return problems


def _normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def load_seed_texts(sources: pd.DataFrame, repo_root: Path) -> dict[str, str]:
    """Text of every seed document, keyed by source_id, white space folded."""
    seeds = sources[sources["kind"] == "seed document"]
    return {
        source_id: _normalise_space((repo_root / path).read_text(encoding="utf-8"))
        for source_id, path in zip(seeds["source_id"], seeds["file_or_url"], strict=True)
    }


def check_citations(
    events: pd.DataFrame, sources: pd.DataFrame, seed_texts: dict[str, str], file: str, require: bool = True
) -> list[Problem]:
    """One problem per event whose citation is missing, unknown or not verbatim.

    ``events`` keeps its original row order (position ``i`` is spreadsheet row
    ``i + 2``). With ``require=False`` (imported data) an empty citation is
    allowed, but one that is given must still be right.
    """
    problems: list[Problem] = []
    for i, (source_id, quote, detail_id) in enumerate(
        zip(events["source_id"], events["source_quote"], events.get("detail_source_id", ""), strict=False)
    ):
        row = spreadsheet_row(i)
        if not source_id:
            if require:
                problems.append(Problem(file, row, "source_id", "", "the id of a source in the registry"))
            continue
        if source_id not in sources.index:
            problems.append(Problem(file, row, "source_id", source_id, "the id of a source in the registry"))
            continue
        if detail_id and detail_id not in sources.index:
            problems.append(Problem(file, row, "detail_source_id", detail_id, "the id of a source in the registry"))
        if not quote:
            if require:
                problems.append(Problem(file, row, "source_quote", "", "a passage quoted from the cited source"))
        elif source_id in seed_texts and _normalise_space(quote) not in seed_texts[source_id]:
            problems.append(
                Problem(file, row, "source_quote", quote, f"a passage that appears word for word in {source_id}")
            )
    return problems
