"""Every setting in one place.

Each setting has a name, a default and a one-line help text; an environment
variable ``BORDERMAP_<NAME>`` overrides the default. Nothing here imports
Streamlit, so the command line and the tests read the same values as the page.
"""

from __future__ import annotations

import os
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
        Setting("max_upload_mb", "200", "Largest events file accepted, in megabytes."),
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


def events_path() -> Path:
    return get_path("data_dir") / "events.csv"


def sources_path() -> Path:
    return get_path("data_dir") / "sources.csv"
