"""Copy the JS/CSS the folium maps need into static/vendor/ so they draw offline.

Run at build time (``python scripts/vendor_assets.py``) with the ``xstatic-leaflet`` and
``xstatic-leaflet-markercluster`` packages installed. The copied files are committed, so the
app itself never needs those packages. Each library gets its licence text next to it, and
``static/vendor/README.md`` is rewritten to match.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
VENDOR_DIR = REPO_ROOT / "static" / "vendor"

# The XStatic wheels carry no licence files, so the texts are kept here. They are the
# upstream LICENSE files, with the copyright lines of the packaged release.
_BSD_2 = """\
BSD 2-Clause License

{copyright}
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""

_MIT = """\
{copyright}

Permission is hereby granted, free of charge, to any person obtaining
a copy of this software and associated documentation files (the
"Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to
the following conditions:

The above copyright notice and this permission notice shall be
included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE
LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION
OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION
WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


@dataclass(frozen=True)
class Library:
    """One vendored library: where it comes from and what of it is copied."""

    folder: str  # folder under static/vendor/
    module: str  # the XStatic module holding the files
    dist: str  # its PyPI distribution name
    files: dict[str, str]  # file or folder in the package -> what it is (for the README)
    spdx: str
    license_text: str
    homepage: str


LIBRARIES = [
    Library(
        folder="leaflet",
        module="xstatic.pkg.leaflet",
        dist="XStatic-Leaflet",
        files={
            "leaflet.js": "Leaflet, minified",
            "leaflet.css": "Leaflet stylesheet",
            "images": "default marker icon, shadow and layer-control images (referenced by leaflet.css as images/...)",
        },
        spdx="BSD-2-Clause",
        license_text=_BSD_2.format(
            copyright="Copyright (c) 2010-2022, Vladimir Agafonkin\nCopyright (c) 2010-2011, CloudMade"
        ),
        homepage="https://leafletjs.com",
    ),
    Library(
        folder="leaflet.markercluster",
        module="xstatic.pkg.leaflet_markercluster",
        dist="XStatic-Leaflet-MarkerCluster",
        files={
            "leaflet.markercluster.js": "Leaflet.markercluster, minified",
            "MarkerCluster.css": "cluster animation styles",
            "MarkerCluster.Default.css": "default cluster bubble colours",
        },
        spdx="MIT",
        license_text=_MIT.format(copyright="Copyright 2012 David Leaver"),
        homepage="https://github.com/Leaflet/Leaflet.markercluster",
    ),
]


def copy_library(lib: Library, dest_root: Path) -> tuple[str, str]:
    """Replace ``dest_root/lib.folder`` with fresh copies; return (upstream, package) versions."""
    pkg = importlib.import_module(lib.module)
    src = Path(pkg.BASE_DIR)
    dest = dest_root / lib.folder
    # Start clean so a file dropped from the list does not linger in the commit.
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in lib.files:
        if (src / name).is_dir():
            shutil.copytree(src / name, dest / name)
        else:
            shutil.copy2(src / name, dest / name)
    (dest / "LICENSE").write_text(lib.license_text, encoding="utf-8")
    return pkg.VERSION, importlib.metadata.version(lib.dist)


def readme(versions: dict[str, tuple[str, str]]) -> str:
    """The text of static/vendor/README.md for the libraries just copied."""
    lines = [
        "# Vendored map assets",
        "",
        "Local copies of the JavaScript/CSS that folium maps load, so the maps draw with no",
        "network: `dashboard/offline.py` points folium at these files (served by Streamlit at",
        "`/app/static/vendor/...`) or inlines them into standalone HTML.",
        "",
        "Generated by `scripts/vendor_assets.py`; do not edit by hand. To regenerate (for",
        "example after a folium upgrade changes the Leaflet version), install the XStatic",
        "packages below and run `python scripts/vendor_assets.py`.",
        "",
        "Not shipped on purpose: Bootstrap, Leaflet.awesome-markers, Font Awesome and the",
        "glyphicons (folium's defaults for icon markers); the dashboard draws only vector",
        "layers (CircleMarker, GeoJson, PolyLine, DivIcon, MarkerCluster).",
        "",
        "| file | what it is | version | source package | licence |",
        "|---|---|---|---|---|",
    ]
    for lib in LIBRARIES:
        upstream, package = versions[lib.folder]
        for name, what in lib.files.items():
            lines.append(
                f"| `{lib.folder}/{name}` | {what} | {upstream} | "
                f"{lib.dist} {package} (PyPI) | {lib.spdx}, `{lib.folder}/LICENSE` |"
            )
    lines += ["", "Upstream projects:", ""]
    lines += [f"- {lib.folder}: {lib.homepage}" for lib in LIBRARIES]
    lines += [
        "",
        "folium 0.20 asks for Leaflet.markercluster 1.1.0 from a CDN; 1.4.1 is used here",
        "(the XStatic release; same API, and it supports Leaflet 1.9).",
        "",
    ]
    return "\n".join(lines)


def main(dest_root: Path = VENDOR_DIR) -> int:
    dest_root.mkdir(parents=True, exist_ok=True)
    versions = {lib.folder: copy_library(lib, dest_root) for lib in LIBRARIES}
    (dest_root / "README.md").write_text(readme(versions), encoding="utf-8")
    for folder, (upstream, package) in versions.items():
        print(f"{folder}: {upstream} (package {package}) -> {dest_root / folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
