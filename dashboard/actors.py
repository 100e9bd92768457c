"""Canonical actors: every spelling of an actor resolves to one name, side, kind and colour.

``data/actors.csv`` maps each name variant (the curated data's, ACLED's dated
names such as "Military Forces of Pakistan (2018-)", UCDP's, abbreviations) to
a canonical actor with its side (Iran, Pakistan, none) and kind (state force,
government, armed group, civilians, unidentified). The canonical row holds the
actor's colour, which is its colour for good: on the page, in the legend, on
the timeline and in every export, whatever else is loaded.

An actor the table does not know keeps its own name as canonical; its side is
read from an ACLED-style "... of Iran"/"... of Pakistan" name, and its colour
is picked from a palette by a hash of the name, so it too never changes with
what else is in view.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from dashboard import config
from dashboard.problems import DataError, Problem, read_table, spreadsheet_row

ACTOR_COLUMNS = ("name", "canonical", "side", "kind", "colour")
SIDES = ("Iran", "Pakistan", "none")
KINDS = ("state force", "government", "armed group", "civilians", "unidentified")
STATE_KINDS = ("state force", "government")
UNKNOWN_KIND = "unknown"
# For actors outside the table: colour-blind-aware hues distinct from the table's,
# chosen by a hash of the name (never by frequency or order, which change with the data).
HASH_PALETTE = (
    "#0072b2", "#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#d55e00", "#b8a000", "#332288",
    "#117733", "#882255", "#44aa99", "#aa4499", "#999933", "#6699cc", "#dd7788", "#4d7c0f",
)  # fmt: skip
_HEX = re.compile(r"#[0-9a-f]{6}")
_STATE_OF = {"Iran": re.compile(r"\bof Iran\b"), "Pakistan": re.compile(r"\bof Pakistan\b")}


@dataclass(frozen=True)
class Actor:
    canonical: str
    side: str
    kind: str
    colour: str


@dataclass(frozen=True)
class ActorTable:
    by_name: dict[str, Actor]  # every variant (and every canonical name), folded for lookup

    def resolve(self, name: str) -> Actor:
        """The canonical actor for ``name`` (an unknown name is its own canonical)."""
        name = str(name).strip()
        known = self.by_name.get(_fold(name))
        if known is not None:
            return known
        side = next((s for s, pattern in _STATE_OF.items() if pattern.search(name)), "none")
        return Actor(name, side, UNKNOWN_KIND, hash_colour(name))

    def colour(self, canonical: str) -> str:
        return self.resolve(canonical).colour


def hash_colour(name: str) -> str:
    return HASH_PALETTE[zlib.crc32(name.encode("utf-8")) % len(HASH_PALETTE)]


def _fold(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def read_actors(path: Path) -> ActorTable:
    """The actor table, checked: ``DataError`` naming every bad cell."""
    file = str(path)
    raw = read_table(path, ACTOR_COLUMNS)
    problems = []
    canon_rows = raw[raw["name"] == raw["canonical"]].set_index("canonical")
    for i, row in raw.iterrows():
        where = spreadsheet_row(int(i))
        for column in ("name", "canonical"):
            if not row[column]:
                problems.append(Problem(file, where, column, "", "a value (this column may not be empty)"))
        if row["side"] not in SIDES:
            problems.append(Problem(file, where, "side", row["side"], "one of " + ", ".join(SIDES)))
        if row["kind"] not in KINDS:
            problems.append(Problem(file, where, "kind", row["kind"], "one of " + ", ".join(KINDS)))
        if row["name"] == row["canonical"] and not _HEX.fullmatch(row["colour"]):
            problems.append(Problem(file, where, "colour", row["colour"], "a colour written #rrggbb (lower case)"))
        if row["canonical"] and row["canonical"] not in canon_rows.index:
            problems.append(Problem(file, where, "canonical", row["canonical"], "a canonical name with its own row"))
    folded = raw["name"].map(_fold)
    for i in raw.index[(folded.duplicated() & (raw["name"] != "")).to_numpy()]:
        problems.append(Problem(file, spreadsheet_row(int(i)), "name", raw.at[i, "name"], "a name listed once"))
    if problems:
        raise DataError(problems)
    by_name = {}
    for name, canonical in zip(raw["name"], raw["canonical"], strict=True):
        head = canon_rows.loc[canonical]
        by_name[_fold(name)] = Actor(canonical, head["side"], head["kind"], head["colour"])
    return ActorTable(by_name)


@cache
def _table_at(path: str, mtime: float) -> ActorTable:
    return read_actors(Path(path))


def default_table() -> ActorTable:
    """The configured ``data/actors.csv`` (read again only when it changes).

    A data folder without one (a deployment showing only its own imports) gets
    an empty table: every actor is then its own canonical, coloured by hash.
    """
    path = config.actors_path()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return ActorTable({})
    return _table_at(str(path), mtime)


def canonicalise(events: pd.DataFrame, table: ActorTable | None = None, *, copy: bool = True) -> pd.DataFrame:
    """``actor1``/``actor2`` become canonical names; the names as written stay in
    ``actor1_original``/``actor2_original``; each side's ``_side`` and ``_kind`` are added.

    Idempotent: a file exported by the project (which already carries the
    originals) keeps its originals. ``copy=False`` changes ``events`` itself
    and returns it (for a frame the caller has just made: a million rows cost
    a quarter of a second to copy).
    """
    table = table or default_table()
    if copy:
        events = events.copy()
    for column in (c for c in ("actor1", "actor2") if c in events.columns):
        original = f"{column}_original"
        if original in events.columns:
            written = events[original].fillna("").astype(str)
            written = written.where(written != "", events[column].fillna("").astype(str))
        else:
            written = events[column].fillna("").astype(str)
        # Resolved once per distinct name (a million rows name a few hundred actors).
        codes, names = pd.factorize(written)
        resolved = [table.resolve(name) if name else Actor("", "", "", "") for name in names]
        events[original] = written
        for target, field in ((column, "canonical"), (f"{column}_side", "side"), (f"{column}_kind", "kind")):
            # Spelt once per distinct name, then taken for every row (no per-row string work).
            values = pd.array([getattr(actor, field) for actor in resolved], dtype=written.dtype)
            events[target] = pd.Series(values.take(codes), index=events.index)
    return events
