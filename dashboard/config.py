"""Every setting in one place.

Each setting has a name, a default and a one-line help text; an environment
variable ``BORDERMAP_<NAME>`` overrides the default. Nothing here imports
Streamlit, so the command line and the tests read the same values as the page.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "BORDERMAP_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name.upper()

    def value(self) -> str:
        return os.environ.get(self.env_var, self.default)


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("data_dir", str(REPO_ROOT / "data"), "Folder with events.csv and sources.csv."),
        Setting("seeds_dir", str(REPO_ROOT / "seeds"), "Folder with the seed documents events cite."),
        Setting(
            "geometry_dir",
            str(REPO_ROOT / "data" / "geometry"),
            "Folder with the derived border and province GeoJSON files.",
        ),
        Setting("data_file", "", "An events file (ACLED, UCDP GED, GeoJSON or the project's CSV) to show."),
        Setting("data_mode", "replace", "With data_file: 'replace' the curated events, or 'merge' with them."),
        Setting("offline", "true", "true: the default basemap is 'none' (no tile requests)."),
        Setting(
            "tile_url",
            "",
            "A team's own XYZ tile server, e.g. http://tiles.local/{z}/{x}/{y}.png; "
            "offered as the 'Own tile server' basemap.",
        ),
        Setting("tile_attribution", "Own tile server", "Attribution shown for tile_url."),
        Setting("max_upload_mb", "200", "Largest events file accepted, in MiB (1 MiB = 1,048,576 bytes)."),
        Setting(
            "marking",
            "",
            "Handling marking printed at the top and bottom of every export page, slide, PNG and HTML "
            "(e.g. OFFICIAL-SENSITIVE or TLP:AMBER); none when empty.",
        ),
        Setting(
            "database_url",
            "",
            "An event store to read instead of the files: sqlite:///path.db (one analyst) or "
            "postgresql://reader@host/db (a team; a role that can only read).",
        ),
        Setting(
            "editor_database_url",
            "",
            "PostgreSQL: the role the page edits with (it may write); empty: the database_url (SQLite).",
        ),
    ]
}


def get(name: str) -> str:
    """Return the current value of setting ``name`` (environment first)."""
    try:
        return SETTINGS[name].value()
    except KeyError:
        raise KeyError(f"unknown setting {name!r}; known: {', '.join(SETTINGS)}") from None


def get_path(name: str) -> Path:
    return Path(get(name))


def get_bool(name: str) -> bool:
    raw = get(name).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"setting {SETTINGS[name].env_var}={raw!r}: expected true or false")


DATA_MODES = ("replace", "merge")
_TILE_PLACEHOLDERS = ("{z}", "{x}", "{y}")


class SettingError(ValueError):
    """A setting whose value cannot be used; the message names the variable, the value and what is expected."""


def _bad(name: str, raw: str, expected: str) -> SettingError:
    return SettingError(f"setting {SETTINGS[name].env_var}={raw!r}: expected {expected}")


def get_data_mode() -> str:
    raw = get("data_mode")
    if raw.strip().lower() not in DATA_MODES:
        raise _bad("data_mode", raw, "replace or merge")
    return raw.strip().lower()


def get_max_upload_bytes() -> int:
    """The ``max_upload_mb`` setting in bytes (MiB x 1,048,576)."""
    raw = get("max_upload_mb")
    try:
        mib = float(raw)
    except ValueError:
        mib = math.nan
    if not math.isfinite(mib) or mib <= 0:
        raise _bad("max_upload_mb", raw, "a positive number of MiB, e.g. 200")
    return max(1, int(mib * 1024 * 1024))


def get_tile_url() -> str:
    """The ``tile_url`` setting: empty, or an http(s) XYZ template with {z}, {x} and {y}."""
    raw = get("tile_url").strip()
    if raw and not (re.match(r"(?i)https?://[^/\s]+", raw) and all(p in raw for p in _TILE_PLACEHOLDERS)):
        raise _bad("tile_url", raw, "an http:// or https:// tile address with {z}, {x} and {y} in it")
    return raw


def problems() -> list[str]:
    """Every setting that cannot be used, one message each (empty when all are fine)."""
    found = []
    for check in (
        get_data_mode,
        get_max_upload_bytes,
        get_tile_url,
        lambda: get_bool("offline"),
        get_database_url,
        get_editor_database_url,
        get_marking,
    ):
        try:
            check()
        except ValueError as err:
            found.append(str(err))
    for name, needed in (("data_dir", "events.csv"), ("geometry_dir", None), ("seeds_dir", None)):
        folder = get_path(name)
        if not folder.is_dir():
            found.append(f"setting {SETTINGS[name].env_var}={str(folder)!r}: expected a folder (there is none there)")
        elif needed and not (folder / needed).is_file():
            found.append(f"setting {SETTINGS[name].env_var}={str(folder)!r}: expected a folder holding {needed}")
    return found


MARKING_MAX = 60


def check_marking(raw: str, source: str) -> str:
    """A handling marking: printable text of at most ``MARKING_MAX`` characters ("" for none)."""
    text = raw.strip()
    if len(text) > MARKING_MAX or any(not ch.isprintable() for ch in text):
        raise SettingError(
            f"{source}={raw!r}: expected a short marking such as OFFICIAL-SENSITIVE or TLP:AMBER "
            f"(printable, at most {MARKING_MAX} characters)"
        )
    return text


def get_marking() -> str:
    return check_marking(get("marking"), SETTINGS["marking"].env_var)


def get_database_url() -> str:
    """The ``database_url`` setting: empty (the files), or a sqlite:/// or postgresql:// address."""
    raw = get("database_url").strip()
    if raw and not re.match(r"(?i)(sqlite:///.+|postgresql(\+psycopg)?://.+)$", raw):
        raise _bad("database_url", raw, "sqlite:///path.db or postgresql://user@host/database")
    return raw


def get_editor_database_url() -> str:
    """Where the page writes: ``editor_database_url``, or ``database_url`` when that is SQLite."""
    raw = get("editor_database_url").strip()
    if raw and not re.match(r"(?i)postgresql(\+psycopg)?://.+$", raw):
        raise _bad("editor_database_url", raw, "postgresql://editor@host/database")
    base = get_database_url()
    return raw or (base if base.lower().startswith("sqlite") else "")


def events_path() -> Path:
    return get_path("data_dir") / "events.csv"


def sources_path() -> Path:
    return get_path("data_dir") / "sources.csv"


def claims_path() -> Path:
    return get_path("data_dir") / "claims.csv"


def actors_path() -> Path:
    return get_path("data_dir") / "actors.csv"
