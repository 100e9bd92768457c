"""A ``FilterSpec`` as SQL on the event store: the same events ``filters.apply`` keeps, found by the database.

Dates, canonical actors (a state's name matching its state actors, as in
``filters``), types, country and province (the join's), minimum fatalities,
precision, distance to the border, a bounding box and a drawn polygon all
become one WHERE clause; a condition SQL cannot state exactly as ``filters``
does (the text search: Python's casefold) is left to Python, never narrowed.
On PostGIS the box and the polygon use the GiST index on ``geom``; on SQLite
the polygon's box is filtered in SQL and the polygon itself (a handful of rows
by then) in Python, with ``drawn_area``.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from dashboard import drawn_area, filters
from dashboard.store import Store
from dashboard.store_schema import SRID

Box = tuple[float, float, float, float]  # south, west, north, east


def where(store: Store, spec: filters.FilterSpec, box: Box | None = None) -> list:
    """The conditions, as SQLAlchemy expressions over ``events`` (retracted events never pass)."""
    e = store.t["events"].c
    found = [~e.retracted]
    if spec.start:
        found.append(e.event_date >= spec.start)
    if spec.end:
        found.append(e.event_date <= spec.end)
    if spec.actors:
        found.append(_actors(e, spec.actors))
    if spec.event_types:
        found.append(e.event_type.in_(spec.event_types))
    if spec.countries:
        found.append(e.country_geo.in_(spec.countries))
    if spec.provinces:
        found.append(e.admin1_geo.in_(spec.provinces))
    if spec.min_fatalities:
        found.append(sa.func.coalesce(e.fatalities, 0) >= spec.min_fatalities)
    if spec.precise_only:
        found.append((e.date_precision == "day") & (e.geo_precision <= 2))
    if spec.within_km is not None:
        found.append(e.distance_to_border_km <= spec.within_km)
    boxes = [b for b in (box, _area_box(spec.area)) if b]
    for south, west, north, east in boxes:
        if store.postgis:
            found.append(e.geom.op("&&")(sa.func.ST_MakeEnvelope(west, south, east, north, SRID)))
        found.append(e.latitude.between(south, north) & e.longitude.between(west, east))
    if spec.area and store.postgis:
        ring = [(lon, lat) for lat, lon in spec.area] + [(spec.area[0][1], spec.area[0][0])]
        wkt = "POLYGON((" + ", ".join(f"{x!r} {y!r}" for x, y in ring) + "))"
        found.append(sa.func.ST_Intersects(e.geom, sa.func.ST_GeomFromText(wkt, SRID)))
    return found


def _actors(e, actors: tuple[str, ...]):
    names = [a for a in actors if a not in filters.STATE_ACTORS]
    either = [e.actor1_canonical.in_(names), e.actor2_canonical.in_(names)]
    for state in (a for a in actors if a in filters.STATE_ACTORS):
        for side, kind in ((e.actor1_side, e.actor1_kind), (e.actor2_side, e.actor2_kind)):
            either.append((side == state) & kind.in_(filters.STATE_KINDS))
    return sa.or_(*either)


def _area_box(area: drawn_area.Corners) -> Box | None:
    if not area:
        return None
    lats, lons = [lat for lat, _ in area], [lon for _, lon in area]
    return min(lats), min(lons), max(lats), max(lons)


def event_ids(store: Store, spec: filters.FilterSpec, box: Box | None = None) -> list[str]:
    """The ids of the events that pass, sorted. What SQL cannot say exactly as ``filters`` does is
    checked on the rows it returns: the text (Python's casefold over location and notes together;
    SQL's lower() folds less) and, on SQLite, the drawn polygon."""
    e = store.t["events"].c
    columns = ["event_id", "latitude", "longitude", "location", "notes"]
    query = sa.select(*(e[c] for c in columns)).where(*where(store, spec, box)).order_by(e.event_id)
    with store.engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(query).all(), columns=columns)
    if spec.area and not store.postgis and len(rows):
        rows = rows[drawn_area.contains(spec.area, rows["latitude"].to_numpy(), rows["longitude"].to_numpy())]
    if spec.text and len(rows):
        rows = filters.apply(rows, filters.FilterSpec(text=spec.text))
    return rows["event_id"].tolist()


def count(store: Store, spec: filters.FilterSpec, box: Box | None = None) -> int:
    if spec.text or (spec.area and not store.postgis):
        return len(event_ids(store, spec, box))
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).where(*where(store, spec, box))).scalar_one()


def options(store: Store) -> dict[str, list[str]]:
    """What each list filter offers over the whole store (as ``filters.options`` over its events)."""
    e = store.t["events"].c
    live = ~e.retracted

    def distinct(column) -> list[str]:
        with store.engine.connect() as conn:
            return [v for v in conn.execute(sa.select(column).where(live).distinct()).scalars() if v]

    actors = set(distinct(e.actor1_canonical)) | set(distinct(e.actor2_canonical))
    return {
        "actors": list(filters.STATE_ACTORS) + sorted(actors),
        "event_types": sorted(distinct(e.event_type)),
        "countries": sorted(distinct(e.country_geo)),
        "provinces": sorted(distinct(e.admin1_geo)),
    }
