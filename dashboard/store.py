"""The event store: a living record with append-only history, on SQLite (one analyst) or PostGIS (a team).

One code path for both backends (SQLAlchemy Core): the same tables
(``store_schema``), the same checks as the importers (``schema.validate_events``
and the citation check), the same revisions. PostgreSQL differs only where it
is faster or stronger: loads go through ``COPY``, the country/province/distance
join is computed by PostGIS at write time, and filters run as SQL on a GiST
index (``store_query``).

Every change is a revision (who, when, why, source, quote, the fields before and
after) and raises the event's ``version`` by one. A change names the version it
was made on; if another change landed first, ``Conflict`` says so and shows it,
and nothing is written (optimistic locking: no update is ever lost).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard import schema, store_schema
from dashboard.problems import DataError

WRITE_OPTION = "bordermap_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)
_RETRIES = 3


class StoreError(ValueError):
    """A change the store refuses; the message names the event, field and value."""


class NotInitialised(StoreError):
    """The database has no (or an older) schema: run ``python -m dashboard db init``."""


@dataclass
class Conflict(StoreError):
    """Someone changed the event after the version this change was made on."""

    event_id: str
    expected: int
    current: int
    changes: list[dict] = field(default_factory=list)  # the revisions made since ``expected``

    def __str__(self) -> str:
        lines = [
            f"{self.event_id}: changed by someone else since version {self.expected} "
            f"(now version {self.current}); nothing was written. Their change:"
        ]
        for rev in self.changes:
            lines.append("  " + describe_revision(rev))
        return "\n".join(lines)


@dataclass(frozen=True)
class Citation:
    source_id: str
    quote: str


def cell_text(value) -> str:
    """A stored value as the text a CSV cell holds (what the schema's check reads)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(float(value))
    return str(value)


def json_value(value):
    """A field value as JSON holds it: dates as YYYY-MM-DD, missing as null, numbers as numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else (int(value) if float(value).is_integer() else float(value))
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    return value


def fields_of(row: Mapping) -> dict:
    """The schema's fields of one event, as JSON values ("" text kept as "")."""
    return {name: json_value(row.get(name)) for name in schema.COLUMN_NAMES}


def describe_revision(rev: Mapping) -> str:
    """One revision in a line or a few: number, time, who, what, why, source, fields changed."""
    at = rev["at"]
    when = at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ") if isinstance(at, dt.datetime) else str(at)
    head = f"v{rev['version']} {when} by {rev['by']} ({rev['action']})"
    parts = [head, f"    why: {rev['reason']}"]
    if rev["source_id"]:
        parts.append(f'    source: {rev["source_id"]}: "{rev["quote"]}"')
    before = json.loads(rev["before"]) if rev.get("before") else {}
    after = json.loads(rev["after"])
    if rev["action"] in ("edit",):
        for name in schema.COLUMN_NAMES:
            if before.get(name) != after.get(name):
                parts.append(f"    {name}: {_shown(before.get(name))} -> {_shown(after.get(name))}")
    return "\n".join(parts)


def _shown(value) -> str:
    return "(empty)" if value in (None, "") else json.dumps(value, ensure_ascii=False)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _engine(url: str) -> sa.Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 60})

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # transactions begun below, not by the driver
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA busy_timeout=60000")

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):
            # A write takes the write lock at once (one writer at a time, never a deadlock on upgrade);
            # a read only reads, beside writers (WAL), so the page never queues behind an edit.
            immediate = conn.get_execution_options().get(WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class Store:
    """One event store, by its SQLAlchemy URL (``sqlite:///file.db`` or ``postgresql://...``)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = _engine(url)
        self.writer = self.engine.execution_options(**{WRITE_OPTION: True})  # for transactions that write
        self.postgis = store_schema.is_postgres(self.engine)
        self.t = store_schema.tables(sa.MetaData(), self.postgis)

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)})"

    # --- schema ---------------------------------------------------------------
    def init(self) -> list[str]:
        return store_schema.migrate(self.writer)

    def check_ready(self) -> None:
        with self.engine.connect() as conn:
            found = store_schema.current_version(conn)
        if found < store_schema.LATEST:
            state = "has no event store" if found == 0 else f"has store schema {found}, not {store_schema.LATEST}"
            raise NotInitialised(f"{self!r} {state}: run python -m dashboard db init")

    # --- reading --------------------------------------------------------------
    def count(self, include_retracted: bool = False) -> int:
        events = self.t["events"]
        query = sa.select(sa.func.count()).select_from(events)
        if not include_retracted:
            query = query.where(~events.c.retracted)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def data_version(self) -> int:
        """The latest revision's number: any change raises it."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.coalesce(sa.func.max(self.t["revisions"].c.revision_id), 0))).scalar()

    def ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.execute(sa.select(self.t["events"].c.event_id)).scalars())

    def current(self, event_id: str, conn: sa.Connection | None = None) -> dict:
        """The event's stored row (fields, version, retracted), or ``StoreError`` naming the id."""
        events = self.t["events"]
        columns = [c for c in events.c if c.name != "geom"]
        query = sa.select(*columns).where(events.c.event_id == event_id)
        if conn is None:
            with self.engine.connect() as own:
                row = own.execute(query).mappings().first()
        else:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise StoreError(f"event_id {event_id!r}: no such event in the store")
        return dict(row)

    def history(self, event_id: str) -> list[dict]:
        """Every revision of the event, oldest first; ``StoreError`` if the store never had it."""
        revisions = self.t["revisions"]
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(revisions).where(revisions.c.event_id == event_id).order_by(revisions.c.version)
            ).mappings()
            found = [dict(r) for r in rows]
        if not found:
            raise StoreError(f"event_id {event_id!r}: no such event in the store")
        return found

    def text_frame(self, include_retracted: bool = False, conditions: tuple = ()) -> pd.DataFrame:
        """The events as the project's CSV holds them: every field as text, in schema order, sorted
        by id; ``conditions`` (SQLAlchemy expressions, e.g. ``store_query.where``) narrow them."""
        events = self.t["events"]
        query = sa.select(*(events.c[name] for name in schema.COLUMN_NAMES)).order_by(events.c.event_id)
        if not include_retracted:
            query = query.where(~events.c.retracted)
        if conditions:
            query = query.where(*conditions)
        with self.engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(query).all(), columns=list(schema.COLUMN_NAMES))
        return pd.DataFrame({c.name: _as_text(frame[c.name], c) for c in schema.COLUMNS})

    def retracted(self) -> dict[str, str]:
        events = self.t["events"]
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(events.c.event_id, events.c.retracted_reason).where(events.c.retracted))
            return {event_id: reason or "" for event_id, reason in rows}

    def snapshot_at(self, when: dt.datetime) -> tuple[list[dict], dict[str, str]]:
        """The record as it stood at ``when``: the fields of every event not retracted then, and
        the events retracted since (id -> reason). Built from the revisions alone."""
        revisions = self.t["revisions"]
        latest = (
            sa.select(revisions.c.event_id, sa.func.max(revisions.c.version).label("version"))
            .where(revisions.c.at <= when)
            .group_by(revisions.c.event_id)
            .subquery()
        )
        query = sa.select(revisions.c.event_id, revisions.c.action, revisions.c.after).join(
            latest, (revisions.c.event_id == latest.c.event_id) & (revisions.c.version == latest.c.version)
        )
        retracted_since = sa.select(revisions.c.event_id, revisions.c.reason).where(
            (revisions.c.action == "retract") & (revisions.c.at > when)
        )
        with self.engine.connect() as conn:
            before = [json.loads(after) for _, action, after in conn.execute(query) if action != "retract"]
            reasons = {event_id: reason for event_id, reason in conn.execute(retracted_since)}
        return sorted(before, key=lambda e: e["event_id"]), reasons

    @cached_property
    def _geometry(self):
        from dashboard import config
        from dashboard.borders import load_geometry

        return load_geometry(config.get_path("geometry_dir"))

    @cached_property
    def _registry(self):
        from dashboard.curated import load_registry

        return load_registry()

    def dataset(self, spec=None):
        """The store's current events as the page and the exports take them: validated, joined,
        with the project's sources, claims and borders, and the store's revision as data version.
        With a ``FilterSpec``, only the events it may keep are read (the filter runs as SQL; the
        caller's ``filters.apply`` then gives exactly the same events as on the whole record)."""
        from dashboard.claims import annotate
        from dashboard.curated import Dataset, load_curated
        from dashboard.importers import join_in_chunks

        curated = load_curated()
        version = self.data_version()  # read first: the data is at least this recent
        conditions = ()
        if spec is not None:
            from dashboard import store_query

            conditions = tuple(store_query.where(self, spec))
        text = self.text_frame(conditions=conditions)
        result = schema.validate_events(text, f"store {self!r}")
        if result.problems:  # the store only ever holds checked rows; say so if that ever fails
            raise DataError(result.problems)
        events = annotate(join_in_chunks(result.events, curated.geometry), curated.claims)
        label = f"Event store ({len(events)} events, revision {version})"
        if spec is not None:
            label = f"Event store (revision {version})"  # only the filtered events were read
        return Dataset(events, curated.sources, curated.geometry, label, curated.claims, f"store:{version}")

    # --- saved views ----------------------------------------------------------
    def view_set(self, name: str = "default") -> tuple[bytes, int] | None:
        """A saved views file (its JSON bytes) and its version, or None."""
        sets = self.t["view_sets"]
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sets.c.body, sets.c.version).where(sets.c.name == name)).first()
        return None if row is None else (row.body.encode("utf-8"), row.version)

    def save_view_set(self, body: bytes, by: str, expected_version: int | None, name: str = "default") -> int:
        """Keep a views file (checked by ``views.parse`` first); ``expected_version`` None creates it.
        ``Conflict`` when someone saved since the version this change was made on."""
        from dashboard import views

        views.parse(body, f"views {name!r}")  # raises ViewsError naming every problem; nothing written
        sets = self.t["view_sets"]
        values = {"body": body.decode("utf-8"), "updated_at": now(), "updated_by": by}
        with self.writer.begin() as conn:
            if expected_version is None:
                try:
                    with conn.begin_nested():
                        conn.execute(sa.insert(sets).values(name=name, version=1, **values))
                except sa.exc.IntegrityError:
                    current = conn.execute(sa.select(sets.c.version).where(sets.c.name == name)).scalar_one()
                    raise Conflict(f"views {name!r}", 0, current) from None
                return 1
            done = conn.execute(
                sa.update(sets)
                .where((sets.c.name == name) & (sets.c.version == expected_version))
                .values(version=expected_version + 1, **values)
            )
            if done.rowcount != 1:
                current = conn.execute(sa.select(sets.c.version).where(sets.c.name == name)).scalar()
                raise Conflict(f"views {name!r}", expected_version, current or 0)
        return expected_version + 1

    # --- writing --------------------------------------------------------------
    def load(
        self,
        joined: pd.DataFrame,
        by: str,
        reason: str,
        action: str = "load",
        when: dt.datetime | None = None,
        progress=None,
    ) -> int:
        """Write new events (already validated and joined) and one revision each, in one transaction:
        all of them or, if anything fails (the server stops, an id exists), none."""
        if action not in ("load", "add"):
            raise ValueError(f"action {action!r}: load or add")
        when = when or now()
        rows = self._rows(joined, when, by)
        with self.writer.begin() as conn:
            clash = self._existing(conn, rows["event_id"]) if self._has_events(conn) else []
            if clash:
                raise StoreError(
                    f"event_id {clash[0]!r}: already in the store ({len(clash)} of the new ids are); "
                    "use db edit to correct an event"
                )
            if self.postgis:  # the revisions are written by the database from the staged rows
                from dashboard import store_postgis

                store_postgis.copy_events(conn, rows, when, by, progress)
                store_postgis.insert_revisions(conn, action, when, by, reason)
            else:
                conn.execute(sa.insert(self.t["events"]), rows.to_dict("records"))
                conn.execute(sa.insert(self.t["revisions"]), _revisions(rows, action, when, by, reason))
        return len(rows)

    def _has_events(self, conn: sa.Connection) -> bool:
        events = self.t["events"]
        return conn.execute(sa.select(events.c.event_id).limit(1)).first() is not None

    def _existing(self, conn: sa.Connection, ids: pd.Series) -> list[str]:
        events = self.t["events"]
        found = []
        values = list(ids)
        for start in range(0, len(values), 10_000):
            chunk = values[start : start + 10_000]
            found += conn.execute(sa.select(events.c.event_id).where(events.c.event_id.in_(chunk))).scalars().all()
        return sorted(found)

    def _rows(self, joined: pd.DataFrame, when: dt.datetime, by: str) -> pd.DataFrame:
        """The ``events`` table's columns for joined events: fields as written, canonical actors, join."""
        rows = pd.DataFrame(index=joined.index)
        for name in schema.COLUMN_NAMES:
            rows[name] = joined[name] if name in joined.columns else None
        for side in ("actor1", "actor2"):
            written = joined.get(f"{side}_original")
            if written is not None:
                rows[side] = written.where(written.fillna("") != "", joined[side])
            rows[f"{side}_canonical"] = joined[side]
            rows[f"{side}_side"] = joined.get(f"{side}_side", "")
            rows[f"{side}_kind"] = joined.get(f"{side}_kind", "")
        for name in ("country_geo", "admin1_geo", "distance_to_border_km"):
            rows[name] = joined[name]
        rows["event_date"] = pd.to_datetime(rows["event_date"]).dt.date
        rows["version"] = 1
        rows["retracted"] = False
        rows["retracted_reason"] = None
        rows["updated_at"] = when
        rows["updated_by"] = by
        return rows.reset_index(drop=True).astype(object).where(rows.notna().reset_index(drop=True), None)

    def edit(
        self,
        event_id: str,
        changes: Mapping[str, str],
        citation: Citation,
        reason: str,
        by: str,
        expected_version: int | None = None,
    ) -> int:
        """Correct fields of one event (values as text, as in the CSV); returns the new version.

        Refused, with a message naming the field and value, when a field is unknown, a value fails
        the schema, the correction lacks a registered source and a verbatim quote, or a reason and a
        name; ``Conflict`` when the event changed after ``expected_version``."""
        self.current(event_id)  # an unknown id is named before anything else
        unknown = [name for name in changes if name not in store_schema.FIELDS]
        if unknown:
            raise StoreError(
                f"{event_id}: field {unknown[0]!r} cannot be set; choose from {', '.join(store_schema.FIELDS)}"
            )
        if not changes:
            raise StoreError(f"{event_id}: nothing to change (give --set FIELD=VALUE)")
        _require(event_id, reason=reason, by=by)
        self._check_citation(event_id, citation)
        return self._change(event_id, "edit", dict(changes), citation, reason, by, expected_version)

    def retract(
        self,
        event_id: str,
        reason: str,
        by: str,
        citation: Citation | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Mark one event retracted (it stays in the store and its history); returns the new version."""
        self.current(event_id)
        _require(event_id, reason=reason, by=by)
        citation = citation or Citation("", "")
        if citation.source_id or citation.quote:
            self._check_citation(event_id, citation)
        return self._change(event_id, "retract", {}, citation, reason, by, expected_version)

    def _check_citation(self, event_id: str, citation: Citation) -> None:
        from dashboard.sources import check_citations

        sources, texts = self._registry
        frame = pd.DataFrame({"source_id": [citation.source_id.strip()], "source_quote": [citation.quote.strip()]})
        problems = check_citations(frame, sources, texts, f"{event_id} correction", require=True)
        if problems:
            p = problems[0]
            raise StoreError(f"{event_id}: the correction's {p.column} {p.value!r}: expected {p.expected}")

    def _change(self, event_id, action, changes, citation, reason, by, expected_version) -> int:
        # A change made on a named version is refused when another landed first (the caller decides).
        # One made on "whatever is current" (db edit without --expect-version) is made again on the new
        # current version: the guarded UPDATE lets one writer through per version, so nothing is lost.
        for _attempt in range(_RETRIES):
            try:
                return self._change_once(event_id, action, changes, citation, reason, by, expected_version)
            except Conflict:
                if expected_version is not None:
                    raise
        raise StoreError(f"{event_id}: could not be written after {_RETRIES} tries (others kept writing)")

    def _change_once(self, event_id, action, changes, citation, reason, by, expected_version) -> int:
        events, revisions = self.t["events"], self.t["revisions"]
        with self.writer.begin() as conn:
            row = self.current(event_id, conn)
            base = expected_version if expected_version is not None else row["version"]
            if row["version"] != base:
                raise self._conflict(conn, event_id, base, row["version"])
            if row["retracted"]:
                raise StoreError(f"{event_id}: was retracted ({row['retracted_reason']}); it cannot be changed")
            before = fields_of(row)
            when = now()
            values: dict = {"version": base + 1, "updated_at": when, "updated_by": by}
            if action == "retract":
                after = before
                values.update(retracted=True, retracted_reason=reason)
            else:
                joined = self._checked_row(event_id, {**_texts(row), **changes})
                new_row = self._rows(joined, when, by).iloc[0].to_dict()
                after = fields_of(new_row)
                if after == before:
                    raise StoreError(f"{event_id}: the values given are the values it has; nothing to change")
                values.update({k: v for k, v in new_row.items() if k not in ("version", "retracted")})
            done = conn.execute(
                sa.update(events).where((events.c.event_id == event_id) & (events.c.version == base)).values(values)
            )
            if done.rowcount != 1:  # another writer got there between our read and our write
                raise self._conflict(conn, event_id, base, self.current(event_id, conn)["version"])
            if self.postgis and action == "edit":
                from dashboard import store_postgis

                store_postgis.join_in_database(conn, event_id)
            conn.execute(
                sa.insert(revisions).values(
                    event_id=event_id,
                    version=base + 1,
                    action=action,
                    at=when,
                    by=by,
                    reason=reason,
                    source_id=citation.source_id.strip(),
                    quote=citation.quote.strip(),
                    before=json.dumps(before, ensure_ascii=False, sort_keys=True),
                    after=json.dumps(after, ensure_ascii=False, sort_keys=True),
                )
            )
        return base + 1

    def _conflict(self, conn, event_id: str, expected: int, current: int) -> Conflict:
        revisions = self.t["revisions"]
        rows = conn.execute(
            sa.select(revisions)
            .where((revisions.c.event_id == event_id) & (revisions.c.version > expected))
            .order_by(revisions.c.version)
        ).mappings()
        return Conflict(str(event_id), expected, current, [dict(r) for r in rows])

    def _checked_row(self, event_id: str, cells: Mapping[str, str]) -> pd.DataFrame:
        """One event's cells through the schema check and the border join, or ``StoreError``."""
        from dashboard.borders import join_events
        from dashboard.sources import check_citations

        raw = pd.DataFrame([{name: str(cells.get(name, "")) for name in schema.COLUMN_NAMES}])
        label = f"{event_id} correction"
        result = schema.validate_events(raw, label)
        sources, texts = self._registry
        text = raw.fillna("").astype(str).apply(lambda s: s.str.strip())
        problems = result.problems or check_citations(text, sources, texts, label, require=False)
        if problems:
            p = problems[0]
            raise StoreError(f"{event_id}: {p.column} {p.value!r}: expected {p.expected}")
        return join_events(result.events, self._geometry)


def _as_text(values: pd.Series, column: schema.Column) -> pd.Series:
    """A column of stored values as CSV text, vectorised (``cell_text`` for a whole column)."""
    if column.kind == "date":
        return pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("").astype(object)
    numeric = column.kind in ("float", "int") or all(isinstance(c, int) for c in column.choices or ("",))
    if not numeric:
        return values.where(values.notna(), "").astype(str).astype(object)
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    text = numbers.map(repr).astype(object)
    whole = (numbers.notna() & (numbers == np.floor(numbers)) & (numbers.abs() < 1e15)).to_numpy()
    text[whole] = numbers[whole].astype("int64").astype(str)
    text[numbers.isna().to_numpy()] = ""
    return text


def _require(event_id: str, **given: str) -> None:
    for name, value in given.items():
        if not str(value or "").strip():
            flag = {"reason": "--reason", "by": "--by"}[name]
            raise StoreError(f"{event_id}: a change needs {flag} (it is empty)")


def _texts(row: Mapping) -> dict[str, str]:
    return {name: cell_text(row.get(name)) for name in schema.COLUMN_NAMES}


def _revisions(rows: pd.DataFrame, action: str, when: dt.datetime, by: str, reason: str) -> list[dict]:
    """One new revision per stored row (fields as written), cited by the row's own source."""
    return [
        {
            "event_id": row["event_id"],
            "version": 1,
            "action": action,
            "at": when,
            "by": by,
            "reason": reason,
            "source_id": row["source_id"] or "",
            "quote": row["source_quote"] or "",
            "before": None,
            "after": json.dumps(fields_of(row), ensure_ascii=False, sort_keys=True),
        }
        for row in rows.to_dict("records")
    ]


def project_csv(text: pd.DataFrame) -> bytes:
    """Events as text (``Store.text_frame``) written as data/events.csv is: pandas' quoting, CRLF
    line ends (the csv module's), UTF-8 without a BOM, so a diff in git shows only what changed."""
    return text.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def store_failure(err: BaseException) -> str | None:
    """What to tell the user about a store's error (one line), or None if it is not the store's."""
    if isinstance(err, StoreError):
        return str(err)
    if isinstance(err, sa.exc.SQLAlchemyError):
        first = (str(getattr(err, "orig", None) or err).strip().splitlines() or ["(no message)"])[0]
        return f"the event store's database refused: {first}"
    return None


def open_store(url: str) -> Store:
    store = Store(url)
    store.check_ready()
    return store
