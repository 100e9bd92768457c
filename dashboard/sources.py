"""The source registry, and the check that every event cites it faithfully.

Every curated event names a ``source_id`` from ``data/sources.csv`` and quotes
a passage from it. Every source an event or a claim cites has its text in the
repository: a seed document whole, or for a public report a short verbatim
excerpt (``excerpt_file``, kept with its URL, publisher and date). The quote
must stand in that text word for word (white space may differ: the seeds wrap
lines), so each dot on the map can be traced to the sentence that supports it.
A ``dataset`` (the gazetteer) is registered for attribution and is not quoted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from dashboard.problems import DataError, Problem, read_table, spreadsheet_row

SOURCE_COLUMNS = (
    "source_id",
    "kind",
    "file_or_url",
    "title",
    "publisher",
    "author",
    "publication_date",
    "note",
    "excerpt_file",
)
SOURCE_KINDS = ("seed document", "public report", "dataset")


def read_sources(path: Path, repo_root: Path) -> pd.DataFrame:
    """Read and check the registry; raise ``DataError`` naming every problem."""
    raw = read_table(path, SOURCE_COLUMNS)
    file = str(path)
    problems: list[Problem] = []
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
    elif values["kind"] == "public report" and not (
        values["excerpt_file"].strip() and (repo_root / values["excerpt_file"]).is_file()
    ):
        problems.append(
            Problem(
                file, row, "excerpt_file", values["excerpt_file"], "a file in the repository with the quoted excerpt"
            )
        )
    return problems


def _normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def load_seed_texts(sources: pd.DataFrame, repo_root: Path) -> dict[str, str]:
    """Stored text of every quotable source (seed documents whole, public reports' excerpts),
    keyed by source_id, white space folded."""
    texts = {}
    for source_id, kind, path, excerpt in zip(
        sources["source_id"], sources["kind"], sources["file_or_url"], sources["excerpt_file"], strict=True
    ):
        stored = path if kind == "seed document" else excerpt if kind == "public report" else ""
        if stored:
            texts[source_id] = _normalise_space((repo_root / stored).read_text(encoding="utf-8"))
    return texts


def quote_problem(quote: str, source_id: str, texts: dict[str, str]) -> str:
    """Why ``quote`` is not a faithful citation of ``source_id``, or "" if it is."""
    if source_id not in texts:
        return f"a source with stored text ({source_id} has no seed file or excerpt file to check the quote against)"
    if _normalise_space(quote) not in texts[source_id]:
        return f"a passage that appears word for word in {source_id}"
    return ""


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
        zip(
            events["source_id"],
            events["source_quote"],
            events.get("detail_source_id", pd.Series("", index=events.index)),
            strict=True,
        )
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
        elif require or source_id in seed_texts:
            # Curated data: every cited source must have stored text, and the quote must stand in it.
            problem = quote_problem(quote, source_id, seed_texts)
            if problem:
                problems.append(Problem(file, row, "source_quote", quote, problem))
    return problems
