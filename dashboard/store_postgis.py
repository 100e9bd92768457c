"""What the store does differently on PostgreSQL/PostGIS: bulk ``COPY`` and the border join in SQL.

The join mirrors ``borders.join_events``: a point's country and province are
the first polygon (in the project's file order) it lies strictly within; its
distance to the border is found as Python finds it (the nearest point of the
line in UTM 41N, then the geodesic distance on the WGS84 ellipsoid), rounded
to 0.1 km. Tests hold the two within 0.1 km of each other.
"""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

from dashboard import schema
from dashboard.borders import METRIC_CRS
from dashboard.store_schema import SRID

METRIC_SRID = int(METRIC_CRS.split(":")[1])
CHUNK_ROWS = 100_000


def _area(level: str, point: str) -> str:
    return (
        f"coalesce((SELECT a.name FROM border_areas a WHERE a.level = '{level}' AND ST_Within({point}, a.geom) "
        "ORDER BY a.position LIMIT 1), '')"
    )


def _distance(point: str, metric_line: str) -> str:
    nearest = f"ST_Transform(ST_ClosestPoint({metric_line}, ST_Transform({point}, {METRIC_SRID})), {SRID})"
    return f"round((ST_Distance({point}::geography, {nearest}::geography) / 1000)::numeric, 1)::float8"


_LINE = f"(SELECT ST_Transform(geom, {METRIC_SRID}) AS utm FROM border_line LIMIT 1)"


def _columns(conn: sa.Connection) -> list[str]:
    rows = conn.exec_driver_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'events' "
        "AND table_schema = current_schema() ORDER BY ordinal_position"
    )
    return [name for (name,) in rows if name != "geom"]


# Not sent with COPY: the same for every loaded row (given in the INSERT), or computed by PostGIS.
_SET_IN_SQL = (
    "version",
    "retracted",
    "retracted_reason",
    "updated_at",
    "updated_by",
    "country_geo",
    "admin1_geo",
    "distance_to_border_km",
)


def copy_events(conn: sa.Connection, rows: pd.DataFrame, when, by: str, progress=None) -> None:
    """Stage ``rows`` with COPY, join them in PostGIS, then insert them into ``events`` as version 1.

    Each polygon is tested against all staged points in one statement, so PostGIS prepares
    the polygon once (a lookup per point and polygon pair re-prepares it each time: 15 times
    slower at 1e5 events)."""
    columns = _columns(conn)
    conn.exec_driver_sql("SET LOCAL jit = off")  # compiling the plan costs more than it saves here
    # The columns of events without their constraints (some are filled in only on the way out).
    conn.exec_driver_sql("CREATE TEMP TABLE staging_events ON COMMIT DROP AS SELECT * FROM events WITH NO DATA")
    sent = [c for c in columns if c not in _SET_IN_SQL]
    _copy(conn, "staging_events", rows[sent], progress)
    point = f"ST_SetSRID(ST_MakePoint(longitude, latitude), {SRID})"
    for level, column in (("country", "country_geo"), ("province", "admin1_geo")):
        positions = conn.execute(
            sa.text("SELECT position FROM border_areas WHERE level = :level ORDER BY position"), {"level": level}
        ).scalars()
        for position in list(positions):  # in file order: a point keeps the first polygon it lies within
            area = f"(SELECT {{}} FROM border_areas WHERE level = '{level}' AND position = {int(position)})"
            conn.exec_driver_sql(
                f"UPDATE staging_events SET {column} = {area.format('name')} "
                f"WHERE {column} IS NULL AND ST_Within({point}, {area.format('geom')})"
            )
    names = ", ".join(sent)
    conn.execute(
        sa.text(
            f"INSERT INTO events ({names}, version, retracted, updated_at, updated_by, country_geo, admin1_geo, "
            f"distance_to_border_km, geom) SELECT {names}, 1, false, :at, :by, coalesce(country_geo, ''), "
            f"coalesce(admin1_geo, ''), {_distance('s.pt', 'line.utm')}, s.pt "
            f"FROM (SELECT *, {point} AS pt FROM staging_events) s CROSS JOIN {_LINE} line"
        ),
        {"at": when, "by": by},
    )


def insert_revisions(conn: sa.Connection, action: str, when, by: str, reason: str) -> None:
    """One revision per staged event, its fields as JSON built by the database (the same JSON values
    as ``store.fields_of``: dates as YYYY-MM-DD, missing as null) — no second trip of a million rows."""
    fields = ", ".join(f"'{name}', {_json_field(name)}" for name in sorted(schema.COLUMN_NAMES))
    conn.execute(
        sa.text(
            "INSERT INTO revisions (event_id, version, action, at, by, reason, source_id, quote, before, after) "
            "SELECT event_id, 1, :action, :at, :by, :reason, coalesce(source_id, ''), coalesce(source_quote, ''), "
            f"NULL, json_build_object({fields})::text FROM staging_events"
        ),
        {"action": action, "at": when, "by": by, "reason": reason},
    )


def _json_field(name: str) -> str:
    return f"to_char({name}, 'YYYY-MM-DD')" if name == "event_date" else name


def _copy(conn: sa.Connection, table: str, frame: pd.DataFrame, progress=None) -> None:
    """COPY ``frame`` into ``table`` as CSV written by Arrow (3x faster than pandas at 1e6 rows):
    every string quoted, so "" is an empty string and an unquoted empty field is NULL."""
    cursor = conn.connection.driver_connection.cursor()
    names = ", ".join(frame.columns)
    total = len(frame)
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
        for start in range(0, total, CHUNK_ROWS):
            chunk = pa.Table.from_pandas(frame.iloc[start : start + CHUNK_ROWS], preserve_index=False)
            out = io.BytesIO()
            pa_csv.write_csv(chunk, out, options)
            copy.write(out.getvalue())
            if progress is not None:
                progress("writing", min(start + CHUNK_ROWS, total), total)


def join_in_database(conn: sa.Connection, event_id: str) -> None:
    """Recompute one event's point, country, province and distance in the database."""
    point = f"ST_SetSRID(ST_MakePoint(e.longitude, e.latitude), {SRID})"
    conn.execute(
        sa.text(
            f"UPDATE events e SET geom = {point}, country_geo = {_area('country', point)}, "
            f"admin1_geo = {_area('province', point)}, distance_to_border_km = {_distance(point, 'line.utm')} "
            f"FROM {_LINE} line WHERE e.event_id = :event_id"
        ),
        {"event_id": event_id},
    )
