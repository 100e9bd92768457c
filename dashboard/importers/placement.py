"""Put rows that name a place but give no coordinates on the map, from the gazetteer.

Only rows with both latitude and longitude empty are looked up (one of the two
alone is a plain error). A placed row gets the town centre's coordinates,
``geo_precision`` 2 (or 3 if the file said 3: never more precise than the
file), ``detail_source_id`` ``geonames:<id>`` and a bracketed note saying so.
A name the gazetteer does not know, or cannot tell apart, is rejected with the
reason; nothing is guessed.
"""

from __future__ import annotations

import pandas as pd

from dashboard.gazetteer import Gazetteer
from dashboard.importers.fields import with_note
from dashboard.importers.report import Report

PLACED_PRECISION = "2"
NO_PLACE = "coordinates, or a place name to look them up by (latitude, longitude and location are all empty)"


def place_missing(frame: pd.DataFrame, report: Report, gazetteer: Gazetteer | None) -> pd.DataFrame:
    """``frame`` with gazetteer coordinates filled in where it could place a row."""
    # A row whose coordinates were already found wrong (a GeoJSON line, say) is not looked up.
    no_coordinates = (frame["latitude"] == "") & (frame["longitude"] == "") & ~report.covered_mask("latitude")
    if not no_coordinates.any():
        return frame
    named = frame["location"] != ""
    report.flag(no_coordinates & ~named, "latitude", NO_PLACE, covers=("longitude", "location"))
    ask = no_coordinates & named
    if gazetteer is None:
        reason = "coordinates (none given, and no gazetteer was offered to place " + frame["location"].map(repr) + ")"
        report.flag(ask, "latitude", reason, covers=("longitude",))
        return frame
    found = gazetteer.locate(frame.loc[ask, "location"], frame.loc[ask, "country"], frame.loc[ask, "admin1"])
    reasons = found["reason"].reindex(frame.index, fill_value="")
    report.flag(ask & (reasons != ""), "location", reasons, covers=("latitude", "longitude"))
    placed = found[found["reason"] == ""]
    if placed.empty:
        return frame
    frame = frame.copy()
    rows = placed.index
    frame.loc[rows, "latitude"] = placed["latitude"].map(repr)
    frame.loc[rows, "longitude"] = placed["longitude"].map(repr)
    declared = frame.loc[rows, "geo_precision"]
    # A town centre stands for the place (2); a file that said "only the region" (3) keeps 3.
    frame.loc[rows, "geo_precision"] = declared.where(~declared.isin(["1", "2", ""]), PLACED_PRECISION)
    ids = placed["geonameid"].astype("int64").astype(str)
    frame.loc[rows, "detail_source_id"] = "geonames:" + ids
    note = "Placed by the gazetteer at " + placed["name"].astype(str) + " (GeoNames " + ids + "), town centre"
    frame.loc[rows, "notes"] = with_note(frame.loc[rows, "notes"], note + "; the file gave no coordinates")
    return frame
