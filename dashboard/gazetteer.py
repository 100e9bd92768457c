"""An offline gazetteer: place names in Iran, Pakistan and Afghanistan to coordinates.

``data/gazetteer/places.csv`` is a small extract of GeoNames cities500
(CC BY 4.0), built by ``scripts/build_gazetteer.py``. It lets an imported row
that names a place but has no coordinates be put on the map, at the town
centre, with its precision marked.

How a name is matched
---------------------
Names are compared folded: diacritics dropped, case ignored, punctuation and
hyphens read as spaces ("Sarāvān", "saravan" and "SARAVAN" are one name;
"Koh-i-Sabz" is "koh i sabz"). A place matches by its own name (GeoNames name
or its ASCII form) or by one of its Latin-script alternate names, and only in
the declared country.

When is a name ambiguous
------------------------
- Places matching by their own name win over places matching only by an
  alternate name (a village whose alternate spelling is "Zahedan" does not
  make the city ambiguous).
- If two or more places are left, a declared admin1 (province) that names
  exactly one of them chooses it; otherwise the name is ambiguous and nothing
  is guessed. Population does not break ties: GeoNames has 0 for many towns
  (Panjgur among them), so "the biggest" would often be wrong.
- A declared admin1 is used only to choose among several places: a single
  match in the declared country is taken even when the admin1 is spelt
  differently (ACLED, UCDP and GeoNames spell provinces differently).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.borders import canonical_country
from dashboard.config import REPO_ROOT

DEFAULT_PATH = REPO_ROOT / "data" / "gazetteer" / "places.csv"
ALT_SEPARATOR = "|"
COLUMNS = ("geonameid", "name", "ascii_name", "alternate_names", "latitude", "longitude", "country", "admin1")
OWN_NAME, ALTERNATE_NAME = 0, 1
# Words that say "province" rather than name one, dropped when comparing admin1 names.
ADMIN1_NOISE = r"\b(?:province|provinces|ostan|ostan e|state|region|division)\b"
SHOWN_CANDIDATES = 4


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    latitude: float
    longitude: float
    country: str
    admin1: str

    def describe(self) -> str:
        where = f"{self.admin1}, {self.country}" if self.admin1 else self.country
        return f"{self.name} ({where}; GeoNames {self.geonameid})"


class PlaceNotFound(LookupError):
    """A name the gazetteer cannot place; ``reason`` says why, as an "expected" text."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class UnknownPlace(PlaceNotFound):
    """No place of that name in the declared country (or the country is not covered)."""


class AmbiguousPlace(PlaceNotFound):
    """Several places of that name in the declared country, and nothing to choose one."""


def fold(names: pd.Series) -> pd.Series:
    """Names folded for comparison: no diacritics, no case, punctuation as spaces."""
    text = names.fillna("").astype(str).str.normalize("NFKD")
    text = text.str.replace(r"[\u0300-\u036f\u02b0-\u02ff\u2018\u2019`'´]", "", regex=True).str.casefold()
    return text.str.replace(r"[\W_]+", " ", regex=True).str.strip()


def fold_admin1(names: pd.Series) -> pd.Series:
    return fold(names).str.replace(ADMIN1_NOISE, " ", regex=True).str.replace(r"\s+", " ", regex=True).str.strip()


@dataclass(frozen=True)
class Gazetteer:
    places: pd.DataFrame  # one row per place, indexed 0..n-1
    keys: pd.DataFrame  # key, country, place, tier: one row per (folded name, place)

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Gazetteer:
        """Read ``places.csv`` (see ``data/gazetteer/PROVENANCE.md``)."""
        if not path.is_file():
            raise FileNotFoundError(f"{path}: gazetteer file missing (rebuild: python scripts/build_gazetteer.py)")
        places = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        missing = [c for c in COLUMNS if c not in places.columns]
        if missing:
            raise ValueError(f"{path}: the gazetteer has no column {', '.join(missing)}")
        places["geonameid"] = places["geonameid"].astype("int64")
        places["latitude"] = places["latitude"].astype("float64")
        places["longitude"] = places["longitude"].astype("float64")
        places["admin1_key"] = fold_admin1(places["admin1"])
        return cls(places, _name_keys(places))

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(sorted(self.places["country"].unique()))

    def lookup(self, name: str, country: str, admin1: str = "") -> Place:
        """The one place called ``name`` in ``country``.

        Raises ``UnknownPlace`` or ``AmbiguousPlace`` (both ``PlaceNotFound``)
        with the reason.
        """
        found = self.locate(pd.Series([name]), pd.Series([country]), pd.Series([admin1]))
        row = found.iloc[0]
        if row["reason"]:
            raise (AmbiguousPlace if row["ambiguous"] else UnknownPlace)(row["reason"])
        return self.place(int(row["place"]))

    def place(self, position: int) -> Place:
        p = self.places.iloc[position]
        return Place(
            int(p["geonameid"]), p["name"], float(p["latitude"]), float(p["longitude"]), p["country"], p["admin1"]
        )

    def locate(self, names: pd.Series, countries: pd.Series, admin1: pd.Series) -> pd.DataFrame:
        """Vectorised lookup of many names at once.

        Returns a frame indexed like ``names`` with ``place`` (position in
        ``places``, -1 when not placed), ``geonameid``, ``name``,
        ``latitude``, ``longitude``, ``reason`` ("" when placed) and
        ``ambiguous``.
        """
        asked = pd.DataFrame(
            {
                "asked": names.fillna("").astype(str).to_numpy(),
                "country": countries.fillna("").astype(str).to_numpy(),
                "admin1_asked": admin1.fillna("").astype(str).to_numpy(),
            }
        )
        # Files repeat place names: look each distinct question up once.
        distinct = asked.groupby(list(asked.columns), sort=False).ngroup().to_numpy()
        found = self._locate_distinct(asked.drop_duplicates().reset_index(drop=True))
        return found.iloc[distinct].set_axis(names.index)

    def _locate_distinct(self, asked: pd.DataFrame) -> pd.DataFrame:
        query = asked.assign(
            key=fold(asked["asked"]),
            country=asked["country"].map(canonical_country),
            admin1_key=fold_admin1(asked["admin1_asked"]),
            query=range(len(asked)),
        )
        hits = query.merge(self.keys, on=["key", "country"], how="inner")
        hits = hits.sort_values(["query", "tier"]).drop_duplicates(["query", "place"])
        hits = hits[hits["tier"] == hits.groupby("query")["tier"].transform("min")]
        place_admin1 = self.places["admin1_key"].to_numpy()[hits["place"].to_numpy()]
        hits["admin1_match"] = (place_admin1 == hits["admin1_key"]) & (hits["admin1_key"] != "")
        hits["count"] = hits.groupby("query")["place"].transform("size")
        hits["admin1_count"] = hits.groupby("query")["admin1_match"].transform("sum")
        chosen = hits[(hits["count"] == 1) | (hits["admin1_match"] & (hits["admin1_count"] == 1))]
        out = pd.DataFrame(index=query.index)
        out["place"] = pd.Series(chosen["place"].to_numpy(), index=chosen["query"].to_numpy()).reindex(
            out.index, fill_value=-1
        )
        placed = out["place"].to_numpy() >= 0
        for column in ("geonameid", "name", "latitude", "longitude", "admin1"):
            values = self.places[column].to_numpy()[out["place"].clip(lower=0).to_numpy()]
            out[column] = pd.Series(values, index=out.index).where(placed)
        counts = hits.groupby("query")["place"].size().reindex(out.index, fill_value=0)
        out["ambiguous"] = (counts > 1).to_numpy() & ~placed
        out["reason"] = ""
        unknown = (counts == 0).to_numpy()
        if unknown.any():
            covered = self.countries
            out.loc[unknown, "reason"] = [_unknown_reason(q, covered) for q in query[unknown].itertuples()]
        ambiguous = out["ambiguous"].to_numpy()
        if ambiguous.any():
            candidates = dict(tuple(hits[hits["query"].isin(query.loc[ambiguous, "query"])].groupby("query")))
            out.loc[ambiguous, "reason"] = [
                self._ambiguous_reason(q, candidates[q.query]) for q in query[ambiguous].itertuples()
            ]
        return out

    def _ambiguous_reason(self, query, hits: pd.DataFrame) -> str:
        candidates = [self.place(int(p)).describe() for p in hits["place"].head(SHOWN_CANDIDATES)]
        more = len(hits) - len(candidates)
        listed = "; ".join(candidates) + (f"; and {more} more" if more > 0 else "")
        tried = f" and admin1 {query.admin1_asked!r} does not single one out" if query.admin1_key else ""
        return (
            f"one place: the gazetteer has {len(hits)} places named {query.asked!r} in {query.country}"
            f" ({listed}){tried}; give admin1 or coordinates"
        )


def _unknown_reason(query, covered: tuple[str, ...]) -> str:
    if query.country not in covered:
        return (
            f"coordinates: the gazetteer covers only {', '.join(covered)}, and the country is {query.country!r}"
            f" (cannot place {query.asked!r})"
        )
    return f"a place the gazetteer knows: there is no place named {query.asked!r} in {query.country}; give coordinates"


def _name_keys(places: pd.DataFrame) -> pd.DataFrame:
    """One row per (folded name, place): own names at tier 0, alternate names at tier 1."""
    position = pd.Series(range(len(places)), index=places.index)
    own = pd.concat(
        [pd.DataFrame({"key": fold(places[c]), "place": position, "tier": OWN_NAME}) for c in ("name", "ascii_name")]
    )
    alternates = places["alternate_names"].str.split(ALT_SEPARATOR).explode()
    alternate = pd.DataFrame(
        {"key": fold(alternates), "place": position.loc[alternates.index].to_numpy(), "tier": ALTERNATE_NAME}
    )
    keys = pd.concat([own, alternate], ignore_index=True)
    keys = keys[keys["key"] != ""].sort_values("tier").drop_duplicates(["key", "place"])
    keys["country"] = places["country"].to_numpy()[keys["place"].to_numpy()]
    return keys.reset_index(drop=True)
