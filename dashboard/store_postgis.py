"""What the store does differently on PostgreSQL/PostGIS: bulk ``COPY`` and the border join in SQL.

The join mirrors ``borders.join_events``: a point's country and province are
the first polygon (in the project's file order) it lies strictly within; its
distance to the border is found as Python finds it (the nearest point of the
line in UTM 41N, then the geodesic distance on the WGS84 ellipsoid), rounded
to 0.1 km. Tests hold the two within 0.1 km of each other.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import sqlalchemy as sa

from dashboard.borders import METRIC_CRS
from dashboard.store_schema import SRID

METRIC_SRID = int(METRIC_CRS.split(":")[1])
NULL = r"\N"
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


def copy_events(conn: sa.Connection, rows: pd.DataFrame, progress=None) -> None:
    """Stage ``rows`` with COPY, then insert them with the join computed by PostGIS."""
    columns = _columns(conn)
    conn.exec_driver_sql("CREATE TEMP TABLE staging_events (LIKE events INCLUDING DEFAULTS) ON COMMIT DROP")
    _copy(conn, "staging_events", rows[columns], progress)
    joined = ("country_geo", "admin1_geo", "distance_to_border_km")
    kept = ", ".join(f"s.{c}" for c in columns if c not in joined)
    point = "s.pt"
    conn.exec_driver_sql(
        f"INSERT INTO events ({', '.join(c for c in columns if c not in joined)}, {', '.join(joined)}, geom) "
        f"SELECT {kept}, {_area('country', point)}, {_area('province', point)}, {_distance(point, 'line.utm')}, "
        f"{point} FROM (SELECT *, ST_SetSRID(ST_MakePoint(longitude, latitude), {SRID}) AS pt "
        f"FROM staging_events) s CROSS JOIN {_LINE} line"
    )


def copy_revisions(conn: sa.Connection, revisions: pd.DataFrame) -> None:
    _copy(conn, "revisions", revisions)


def _copy(conn: sa.Connection, table: str, frame: pd.DataFrame, progress=None) -> None:
    cursor = conn.connection.driver_connection.cursor()
    names = ", ".join(frame.columns)
    total = len(frame)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
        for start in range(0, total, CHUNK_ROWS):
            chunk = frame.iloc[start : start + CHUNK_ROWS]
            text = io.StringIO()
            chunk.to_csv(text, header=False, index=False, na_rep=NULL, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
            copy.write(text.getvalue())
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
