"""The event store's tables and their versioned migrations, one declaration for SQLite and PostgreSQL.

Tables:

- ``events``: the current state of every event ever stored (retracted ones
  included, flagged): the schema's fields as written, the canonical actors and
  the border join computed at write time, a ``version`` that every change
  raises by one (optimistic locking), and on PostGIS a ``geom`` point with a
  GiST index;
- ``revisions``: one row per change, append-only (a trigger refuses UPDATE and
  DELETE on both backends): who, when, why, the cited source and quote, and the
  fields before and after as JSON;
- ``users`` and ``sessions``: who may edit (argon2 password hashes only) and
  their signed-in sessions (token digests only);
- on PostGIS, ``border_areas`` (countries and provinces) and ``border_line``:
  the project's border geometry, so the join runs in the database;
- ``schema_version``: which migrations have run.

``migrate(engine)`` applies what is missing, in one transaction per step; run
twice, it does nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from geoalchemy2 import Geometry

from dashboard import schema

SRID = 4326
_KIND_TYPES = {"text": sa.Text, "date": sa.Date, "float": sa.Float, "int": sa.Integer}


def _field_type(column: schema.Column):
    if column.kind == "choice":
        return sa.Integer if all(isinstance(c, int) for c in column.choices) else sa.Text
    return _KIND_TYPES[column.kind]


# Written at each write from the Python join (SQLite) or by the database itself (PostGIS).
DERIVED = (
    ("actor1_canonical", sa.Text),
    ("actor1_side", sa.Text),
    ("actor1_kind", sa.Text),
    ("actor2_canonical", sa.Text),
    ("actor2_side", sa.Text),
    ("actor2_kind", sa.Text),
    ("country_geo", sa.Text),
    ("admin1_geo", sa.Text),
    ("distance_to_border_km", sa.Float),
)
DERIVED_NAMES = tuple(name for name, _ in DERIVED)
FIELDS = tuple(c.name for c in schema.COLUMNS if c.name != "event_id")  # what an edit may set


def tables(metadata: sa.MetaData, postgis: bool) -> dict[str, sa.Table]:
    events = sa.Table(
        "events",
        metadata,
        sa.Column("event_id", sa.Text, primary_key=True),
        *(sa.Column(c.name, _field_type(c), nullable=not c.required) for c in schema.COLUMNS if c.name != "event_id"),
        *(sa.Column(name, kind) for name, kind in DERIVED),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("retracted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("retracted_reason", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False),
        *([sa.Column("geom", Geometry("POINT", srid=SRID, spatial_index=False))] if postgis else []),
    )
    sa.Index("events_date", events.c.event_date)
    if postgis:
        sa.Index("events_geom", events.c.geom, postgresql_using="gist")
    revisions = sa.Table(
        "revisions",
        metadata,
        sa.Column("revision_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("event_id", sa.Text, nullable=False),  # looked up through the unique (event_id, version)
        sa.Column("version", sa.Integer, nullable=False),  # the event's version this revision made
        sa.Column("action", sa.Text, nullable=False),  # load, add, edit, retract
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("by", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("before", sa.Text),  # JSON of the fields before (null for a new event)
        sa.Column("after", sa.Text, nullable=False),  # JSON of the fields after
        sa.UniqueConstraint("event_id", "version", name="revisions_one_per_version"),
    )
    users = sa.Table(
        "users",
        metadata,
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role in ('viewer', 'editor')", name="users_role"),
    )
    sessions = sa.Table(
        "sessions",
        metadata,
        sa.Column("token_sha256", sa.Text, primary_key=True),
        sa.Column("user_name", sa.Text, sa.ForeignKey("users.name"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    version = sa.Table(
        "schema_version",
        metadata,
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    )
    view_sets = sa.Table(  # migration 2: a team's saved views (dashboard.views), one row per named set
        "view_sets",
        metadata,
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("body", sa.Text, nullable=False),  # the views file's JSON
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False),
    )
    found = {t.name: t for t in (events, revisions, users, sessions, version, view_sets)}
    if postgis:
        found["border_areas"] = sa.Table(
            "border_areas",
            metadata,
            sa.Column("level", sa.Text, nullable=False),  # country or province
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("position", sa.Integer, nullable=False),  # order in the project's file: first match wins
            sa.Column("geom", Geometry("MULTIPOLYGON", srid=SRID, spatial_index=True), nullable=False),
        )
        found["border_line"] = sa.Table(
            "border_line",
            metadata,
            sa.Column("name", sa.Text, primary_key=True),
            sa.Column("geom", Geometry("MULTILINESTRING", srid=SRID, spatial_index=False), nullable=False),
        )
    return found


def is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"


_APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS revisions_no_update BEFORE UPDATE ON revisions
       BEGIN SELECT RAISE(ABORT, 'revisions are append-only: a revision is never changed'); END""",
    """CREATE TRIGGER IF NOT EXISTS revisions_no_delete BEFORE DELETE ON revisions
       BEGIN SELECT RAISE(ABORT, 'revisions are append-only: a revision is never deleted'); END""",
]
_APPEND_ONLY_POSTGRES = [
    """CREATE OR REPLACE FUNCTION revisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'revisions are append-only: a revision is never changed or deleted'; END $$""",
    """CREATE TRIGGER revisions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON revisions
       FOR EACH STATEMENT EXECUTE FUNCTION revisions_append_only()""",
]


def _v1(conn: sa.Connection, postgis: bool) -> None:
    """Events, revisions, users, sessions; on PostGIS the border geometry tables."""
    if postgis:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
    metadata = sa.MetaData()
    found = tables(metadata, postgis)
    metadata.create_all(conn, tables=[t for name, t in found.items() if name not in ADDED_LATER])
    for statement in _APPEND_ONLY_POSTGRES if postgis else _APPEND_ONLY_SQLITE:
        conn.exec_driver_sql(statement)
    if postgis:
        load_border_geometry(conn)


def _v2(conn: sa.Connection, postgis: bool) -> None:
    """Saved views kept in the store, so a team shares its briefing's pictures."""
    metadata = sa.MetaData()
    tables(metadata, postgis)["view_sets"].create(conn)


ADDED_LATER = ("view_sets",)  # created by their own migration, so an older store upgrades
MIGRATIONS: tuple[tuple[int, str, Callable[[sa.Connection, bool], None]], ...] = (
    (1, "events, append-only revisions, users and sessions; PostGIS border tables", _v1),
    (2, "saved views (view_sets)", _v2),
)
LATEST = MIGRATIONS[-1][0]


def current_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.text("SELECT coalesce(max(version), 0) FROM schema_version")).scalar_one()


def migrate(engine: sa.Engine) -> list[str]:
    """Apply the migrations the store lacks; returns what was applied (empty when up to date)."""
    postgis = is_postgres(engine)
    applied = []
    for number, what, step in MIGRATIONS:
        with engine.begin() as conn:
            if postgis:  # two `db init` at once: the second waits, then finds the step done
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")
            if current_version(conn) >= number:
                continue
            step(conn, postgis)
            conn.execute(
                sa.text("INSERT INTO schema_version (version, applied_at) VALUES (:v, :at)"),
                {"v": number, "at": dt.datetime.now(dt.UTC)},
            )
            applied.append(f"{number}: {what}")
    return applied


def load_border_geometry(conn: sa.Connection) -> None:
    """Copy the project's countries, provinces and Iran–Pakistan border line into the database."""
    import shapely

    from dashboard import config
    from dashboard.borders import load_geometry

    geometry = load_geometry(config.get_path("geometry_dir"))
    rows = []
    for level, frame in (("country", geometry.countries), ("province", geometry.provinces)):
        for position, (name, shape) in enumerate(zip(frame["name"], frame.geometry, strict=True)):
            multi = shape if shape.geom_type == "MultiPolygon" else shapely.MultiPolygon([shape])
            rows.append({"level": level, "name": name, "position": position, "wkt": multi.wkt})
    conn.execute(sa.text("DELETE FROM border_areas"))
    conn.execute(
        sa.text(
            "INSERT INTO border_areas (level, name, position, geom) "
            f"VALUES (:level, :name, :position, ST_GeomFromText(:wkt, {SRID}))"
        ),
        rows,
    )
    line = geometry.border
    multi = line if line.geom_type == "MultiLineString" else shapely.MultiLineString([line])
    conn.execute(sa.text("DELETE FROM border_line"))
    conn.execute(
        sa.text(f"INSERT INTO border_line (name, geom) VALUES ('Iran–Pakistan', ST_GeomFromText(:wkt, {SRID}))"),
        {"wkt": multi.wkt},
    )


def grant_roles(engine: sa.Engine, reader: str, editor: str) -> None:
    """PostgreSQL: ``reader`` may only read events and history; ``editor`` may also add and change
    events, append revisions (never change them) and keep sign-in sessions. The roles must exist;
    run by the tables' owner (PostGIS's spatial_ref_sys is readable by everyone already)."""
    if not is_postgres(engine):
        raise ValueError("roles are a PostgreSQL feature; a SQLite store is one analyst's file")
    quote = engine.dialect.identifier_preparer.quote
    r, e = quote(reader), quote(editor)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {r}, {e}",
        f"GRANT SELECT ON events, revisions, schema_version, border_areas, border_line, view_sets TO {r}, {e}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public FROM {r}",
        f"REVOKE ALL ON users, sessions FROM {r}",
        f"GRANT INSERT, UPDATE ON events TO {e}",
        f"GRANT INSERT ON revisions TO {e}",
        f"GRANT INSERT, UPDATE ON view_sets TO {e}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON revisions FROM {e}",
        f"GRANT SELECT ON users TO {e}",
        f"GRANT SELECT, INSERT, DELETE ON sessions TO {e}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {e}",
    ]
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
