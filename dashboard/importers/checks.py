"""Checks across rows and against the map: duplicate ids, swapped or stray coordinates.

Coordinates are judged only for rows declared in a mapped country (Iran,
Pakistan, Afghanistan): elsewhere there is no polygon to test against, so
nothing is flagged.

- Swapped: the point is not in its declared country as given, but is once
  latitude and longitude are exchanged. Tested on every row with usable
  coordinates, before the join (a swapped point lies thousands of kilometres
  away, so no border tolerance is needed).
- Outside: the join marks the point as lying outside its declared country
  (``location_mismatch``, which allows 2 km for the drawing of the border).
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.borders import MISMATCH_TOLERANCE_KM, BorderGeometry, canonical_countries, join_events
from dashboard.importers.report import Report

EXPECTED_NEW_ID = "an id not already loaded (the existing events have one with this id)"
NOWHERE = "none of Iran, Pakistan and Afghanistan"


def check_ids(frame: pd.DataFrame, report: Report, existing_ids: Iterable[str] = ()) -> None:
    """Report ids repeated within the file, or already among ``existing_ids``."""
    ids = frame["event_id"]
    present = ids != ""
    duplicated = ids.duplicated(keep="first") & present
    if duplicated.any():
        first_position = pd.Series(np.arange(len(ids)), index=ids.index).groupby(ids).transform("first")
        first_row = pd.Series(report.row_numbers[first_position.to_numpy()], index=ids.index).astype(str)
        report.flag(duplicated, "event_id", "a unique id (row " + first_row + " has it too)")
    existing = set(existing_ids)
    if existing:
        report.flag(ids.isin(existing) & present & ~duplicated, "event_id", EXPECTED_NEW_ID)


def mapped_points(frame: pd.DataFrame, geometry: BorderGeometry) -> pd.DataFrame:
    """Rows with coordinates in range, declared in a mapped country: latitude, longitude, country."""
    latitude = pd.to_numeric(frame["latitude"].where(frame["latitude"] != ""), errors="coerce")
    longitude = pd.to_numeric(frame["longitude"].where(frame["longitude"] != ""), errors="coerce")
    declared = canonical_countries(frame["country"])
    ok = latitude.between(-90, 90) & longitude.between(-180, 180) & declared.isin(geometry.countries["name"])
    return pd.DataFrame(
        {
            "latitude": latitude[ok].astype("float64"),
            "longitude": longitude[ok].astype("float64"),
            "country": declared[ok],
        }
    )


def check_swapped(frame: pd.DataFrame, report: Report, geometry: BorderGeometry) -> np.ndarray:
    """Report rows whose point falls in the declared country only when swapped; return their mask."""
    points = mapped_points(frame, geometry)
    lat, lon = points["latitude"].to_numpy(), points["longitude"].to_numpy()
    swapped = np.zeros(len(points), dtype=bool)
    for name, polygon in zip(geometry.countries["name"], geometry.countries.geometry, strict=True):
        rows = (points["country"] == name).to_numpy()
        if rows.any():
            as_given = shapely.contains_xy(polygon, lon[rows], lat[rows])
            exchanged = shapely.contains_xy(polygon, lat[rows], lon[rows])
            swapped[rows] = exchanged & ~as_given
    mask = np.zeros(len(frame), dtype=bool)
    mask[points.index.to_numpy()[swapped]] = True
    if not mask.any():
        return mask
    shown = _point_text(frame)
    expected = (
        "latitude and longitude the right way round: as given the point is not in "
        + canonical_countries(frame["country"])
        + ", swapped it is"
    )
    report.flag(mask, "latitude", expected, values=shown, covers=("longitude",))
    return mask


def check_outside(
    joined: gpd.GeoDataFrame, positions: np.ndarray, frame: pd.DataFrame, report: Report, geometry: BorderGeometry
) -> None:
    """Report points the join found outside their declared (mapped) country.

    ``joined`` is ``join_events`` output for some rows of ``frame``;
    ``positions`` are those rows' positions in it.
    """
    if joined.empty:
        return
    declared = canonical_countries(joined["country"])
    outside = (joined["location_mismatch"] & declared.isin(geometry.countries["name"])).to_numpy()
    if not outside.any():
        return
    landed = joined["country_geo"].where(joined["country_geo"] != "", NOWHERE)
    texts = (
        f"a point in the declared country (within {MISMATCH_TOLERANCE_KM:g} km of it): this one is not in "
        + declared
        + " but in "
        + landed
    )
    mask = np.zeros(len(frame), dtype=bool)
    mask[positions[outside]] = True
    expected = pd.Series("", index=frame.index, dtype=str)
    expected.iloc[positions[outside]] = texts.to_numpy()[outside]
    report.flag(mask, "latitude", expected, values=_point_text(frame), covers=("longitude",))


def check_outside_unjoined(frame: pd.DataFrame, rows: np.ndarray, report: Report, geometry: BorderGeometry) -> None:
    """``check_outside`` for rows left out of the main join (already rejected), so every problem is listed."""
    points = mapped_points(frame[rows], geometry)
    if points.empty:
        return
    check_outside(join_events(points, geometry), points.index.to_numpy(), frame, report, geometry)


def _point_text(frame: pd.DataFrame) -> pd.Series:
    return frame["latitude"] + ", " + frame["longitude"]
