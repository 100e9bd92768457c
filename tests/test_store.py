"""The event store on SQLite and PostGIS: load, join, edit, retract, history, conflicts, append-only."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import store_schema
from dashboard.config import REPO_ROOT
from dashboard.store import Citation, Conflict, Store, StoreError, describe_revision, project_csv


def citation_of(events: pd.DataFrame, position: int = 0) -> Citation:
    """A registered source and a passage of it, taken from the curated data itself."""
    row = events.iloc[position]
    return Citation(row["source_id"], row["source_quote"])


def an_event(curated, with_fatalities: bool = True) -> pd.Series:
    events = curated.events
    pick = events[events["fatalities"].notna()] if with_fatalities else events
    return pick.iloc[0]


def test_init_twice_is_harmless(store_url):
    store = Store(store_url)
    assert store.init() != []
    assert store.init() == []
    with store.engine.connect() as conn:
        assert store_schema.current_version(conn) == store_schema.LATEST


def test_an_uninitialised_store_says_to_run_init(store_url):
    from dashboard.store import NotInitialised

    with pytest.raises(NotInitialised, match="db init"):
        Store(store_url).check_ready()


def test_load_keeps_every_event_and_one_revision_each(loaded_store, curated):
    assert loaded_store.count() == len(curated.events)
    assert loaded_store.data_version() == len(curated.events)
    first = curated.events.iloc[0]
    (revision,) = loaded_store.history(first["event_id"])
    assert revision["action"] == "load" and revision["by"] == "loader" and revision["before"] is None
    assert json.loads(revision["after"])["location"] == first["location"]


def test_the_store_reads_back_as_the_curated_data(loaded_store, curated):
    data = loaded_store.dataset()
    assert data.version == f"store:{loaded_store.data_version()}"
    mine = data.events.set_index("event_id").sort_index()
    theirs = curated.events.set_index("event_id").sort_index()
    assert list(mine.index) == list(theirs.index)
    for column in ("event_date", "actor1", "actor1_original", "country_geo", "admin1_geo", "fatalities", "crossed"):
        pd.testing.assert_series_equal(mine[column], theirs[column], check_names=False, check_dtype=False)


def test_export_writes_the_project_csv_byte_for_byte(loaded_store):
    text = project_csv(loaded_store.text_frame())
    assert text == (REPO_ROOT / "data" / "events.csv").read_bytes()


def test_loading_an_id_twice_is_refused_whole(loaded_store, curated):
    before = loaded_store.data_version()
    with pytest.raises(StoreError, match="already in the store"):
        loaded_store.load(curated.events.iloc[:2], by="x", reason="again")
    assert loaded_store.data_version() == before


def test_the_database_join_equals_the_python_join(loaded_store, curated):
    """On PostGIS the country, province and distance come from the database; on SQLite from Python."""
    e = loaded_store.t["events"].c
    with loaded_store.engine.connect() as conn:
        stored = pd.DataFrame(
            conn.execute(sa.select(e.event_id, e.country_geo, e.admin1_geo, e.distance_to_border_km)).all()
        ).set_index("event_id")
    python = curated.events.set_index("event_id").loc[stored.index]
    assert (stored["country_geo"] == python["country_geo"]).all()
    assert (stored["admin1_geo"] == python["admin1_geo"]).all()
    assert np.abs(stored["distance_to_border_km"] - python["distance_to_border_km"]).max() <= 0.1


@pytest.mark.postgis
def test_postgis_join_on_synthetic_events_within_a_tenth_of_a_km(pg_cluster, geometry):
    """2,000 random points over the whole region, each side of the border and far from it."""
    from benchmarks.bench_scale import synthetic_events
    from dashboard.borders import join_events

    store = Store(pg_cluster.create_database("join_synthetic"))
    store.init()
    events = synthetic_events(2000, seed=7)
    joined = join_events(events, geometry)
    store.load(joined, by="t", reason="join check")
    e = store.t["events"].c
    with store.engine.connect() as conn:
        stored = pd.DataFrame(
            conn.execute(sa.select(e.event_id, e.country_geo, e.admin1_geo, e.distance_to_border_km)).all()
        ).set_index("event_id")
    python = joined.set_index("event_id").loc[stored.index]
    assert (stored["country_geo"] == python["country_geo"]).mean() == 1.0
    assert (stored["admin1_geo"] == python["admin1_geo"]).mean() == 1.0
    assert np.abs(stored["distance_to_border_km"] - python["distance_to_border_km"]).max() <= 0.1
    store.engine.dispose()


def test_an_edit_is_a_revision_with_before_after_source_and_reason(loaded_store, curated):
    event = an_event(curated)
    new = int(event["fatalities"]) + 1
    cite = citation_of(curated.events, 1)
    version = loaded_store.edit(
        event["event_id"], {"fatalities_high": str(new), "fatalities": str(new)}, cite, "revised toll", "alice"
    )
    assert version == 2
    last = loaded_store.history(event["event_id"])[-1]
    assert (last["by"], last["reason"], last["source_id"], last["quote"]) == (
        "alice",
        "revised toll",
        cite.source_id,
        cite.quote,
    )
    assert json.loads(last["before"])["fatalities"] == int(event["fatalities"])
    assert json.loads(last["after"])["fatalities"] == new
    assert f"fatalities: {int(event['fatalities'])} -> {new}" in describe_revision(last)
    stored = loaded_store.dataset().events.set_index("event_id").loc[event["event_id"]]
    assert stored["fatalities"] == new


def test_moving_an_event_recomputes_its_join(loaded_store, curated):
    events = curated.events
    event = events[events["country_geo"] == "Pakistan"].iloc[0]
    elsewhere = events[events["country_geo"] == "Iran"].iloc[0]
    changes = {
        "latitude": str(elsewhere["latitude"]),
        "longitude": str(elsewhere["longitude"]),
        "country": elsewhere["country"],
        "admin1": elsewhere["admin1"],
        "origin_country": "",
    }
    loaded_store.edit(event["event_id"], changes, citation_of(events), "moved", "alice")
    e = loaded_store.t["events"].c
    with loaded_store.engine.connect() as conn:
        country, province, km = conn.execute(
            sa.select(e.country_geo, e.admin1_geo, e.distance_to_border_km).where(e.event_id == event["event_id"])
        ).one()
    assert (country, province) == (elsewhere["country_geo"], elsewhere["admin1_geo"])
    assert abs(km - elsewhere["distance_to_border_km"]) <= 0.1


@pytest.mark.parametrize(
    ("changes", "citation", "reason", "by", "message"),
    [
        ({"fatalities": "many"}, None, "r", "a", "fatalities 'many': expected a whole number"),
        ({"latitude": "95"}, None, "r", "a", "latitude '95': expected a number from -90 to 90"),
        ({"colour": "red"}, None, "r", "a", "field 'colour' cannot be set"),
        ({"fatalities": "3"}, Citation("", ""), "r", "a", "source_id ''"),
        ({"fatalities": "3"}, Citation("SRC", ""), "r", "a", "source_quote ''"),
        ({"fatalities": "3"}, Citation("SRC", "words never written anywhere"), "r", "a", "word for word"),
        ({"fatalities": "3"}, Citation("nope-source", "q"), "r", "a", "source_id 'nope-source'"),
        ({"fatalities": "3"}, None, "", "a", "--reason"),
        ({"fatalities": "3"}, None, "r", " ", "--by"),
        ({}, None, "r", "a", "nothing to change"),
    ],
)
def test_a_bad_correction_is_refused_and_nothing_is_written(
    loaded_store, curated, changes, citation, reason, by, message
):
    event = an_event(curated)
    good = citation_of(curated.events)
    if citation is not None and citation.source_id == "SRC":
        citation = Citation(good.source_id, citation.quote)
    before = loaded_store.data_version()
    with pytest.raises(StoreError, match=message) as err:
        loaded_store.edit(event["event_id"], changes, citation or good, reason, by)
    assert event["event_id"] in str(err.value)
    assert loaded_store.data_version() == before
    assert loaded_store.current(event["event_id"])["version"] == 1


def test_an_unknown_event_is_named(loaded_store, curated):
    with pytest.raises(StoreError, match="'NO-SUCH-EVENT': no such event"):
        loaded_store.edit("NO-SUCH-EVENT", {"fatalities": "1"}, citation_of(curated.events), "r", "a")


def test_a_stale_edit_is_a_conflict_that_shows_the_other_change(loaded_store, curated):
    event = an_event(curated)
    cite = citation_of(curated.events)
    loaded_store.edit(event["event_id"], {"notes": "First analyst's wording."}, cite, "reworded", "alice", 1)
    with pytest.raises(Conflict) as err:
        loaded_store.edit(event["event_id"], {"notes": "Second analyst's wording."}, cite, "reworded", "bob", 1)
    assert err.value.current == 2 and [r["by"] for r in err.value.changes] == ["alice"]
    assert "First analyst's wording." in str(err.value)
    assert loaded_store.current(event["event_id"])["notes"] == "First analyst's wording."
    assert len(loaded_store.history(event["event_id"])) == 2


def test_retract_keeps_the_event_and_its_history(loaded_store, curated):
    event = curated.events.iloc[-1]
    loaded_store.retract(event["event_id"], "the source withdrew the report", "alice")
    assert loaded_store.count() == len(curated.events) - 1
    assert loaded_store.count(include_retracted=True) == len(curated.events)
    assert event["event_id"] not in set(loaded_store.dataset().events["event_id"])
    assert loaded_store.retracted() == {event["event_id"]: "the source withdrew the report"}
    assert [r["action"] for r in loaded_store.history(event["event_id"])] == ["load", "retract"]
    with pytest.raises(StoreError, match="was retracted"):
        loaded_store.edit(event["event_id"], {"notes": "x"}, citation_of(curated.events), "r", "a")


def test_snapshot_at_gives_the_record_as_it_stood(loaded_store, curated):
    event = an_event(curated)
    cite = citation_of(curated.events)
    loaded_store.edit(event["event_id"], {"notes": "Corrected later."}, cite, "r", "alice")
    after_edit = loaded_store.history(event["event_id"])[-1]["at"]
    gone = curated.events.iloc[-1]["event_id"]
    loaded_store.retract(gone, "withdrawn", "bob")
    first_load = loaded_store.history(event["event_id"])[0]["at"]
    then, retracted = loaded_store.snapshot_at(first_load)
    assert len(then) == len(curated.events)
    assert {e["event_id"]: e for e in then}[event["event_id"]]["notes"] == event["notes"]
    assert retracted == {gone: "withdrawn"}
    later, _ = loaded_store.snapshot_at(after_edit + dt.timedelta(microseconds=1))
    assert {e["event_id"]: e for e in later}[event["event_id"]]["notes"] == "Corrected later."


def test_revisions_cannot_be_changed_or_deleted(loaded_store):
    for statement in ("UPDATE revisions SET reason = 'rewritten'", "DELETE FROM revisions"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), loaded_store.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert loaded_store.data_version() == loaded_store.count()


def test_an_older_store_upgrades_and_keeps_its_events(store_url, curated, monkeypatch):
    """A store made by the first migration only gets the saved views table from db init, events kept."""
    first_only = store_schema.MIGRATIONS[:1]
    monkeypatch.setattr(store_schema, "MIGRATIONS", first_only)
    monkeypatch.setattr(store_schema, "LATEST", 1)
    old = Store(store_url)
    old.init()
    old.load(curated.events, by="loader", reason="initial load")
    old.engine.dispose()
    monkeypatch.undo()
    store = Store(store_url)
    assert [a.split(":")[0] for a in store.init()] == ["2"]
    store.check_ready()
    assert store.count() == len(curated.events) and store.view_set() is None
    store.engine.dispose()


def test_saved_views_are_kept_with_versions(loaded_store):
    from dashboard.views import ViewsError

    story = (REPO_ROOT / "data" / "views" / "crisis-2024.json").read_bytes()
    assert loaded_store.save_view_set(story, "alice", None) == 1
    assert loaded_store.view_set() == (story, 1)
    with pytest.raises(Conflict):
        loaded_store.save_view_set(story, "bob", None)  # someone created it first
    assert loaded_store.save_view_set(story.replace(b"recall, then repair", b"recall and repair"), "alice", 1) == 2
    with pytest.raises(Conflict):
        loaded_store.save_view_set(story, "bob", 1)  # made on version 1, now 2
    with pytest.raises(ViewsError, match="views 'default'"):
        loaded_store.save_view_set(b'{"title": "x", "views": []}', "alice", 2)
    assert loaded_store.view_set()[1] == 2


def test_a_read_never_waits_for_a_writer(loaded_store, curated):
    """SQLite: a write takes the lock at once, a read does not, so the page reads while an edit is open."""
    import threading

    other = Store(loaded_store.url)
    counted = []
    with loaded_store.writer.begin() as conn:  # a write transaction left open
        conn.execute(
            sa.text("UPDATE events SET notes = notes WHERE event_id = :i"), {"i": curated.events.iloc[0]["event_id"]}
        )
        reader = threading.Thread(target=lambda: counted.append(other.count()))
        reader.start()
        reader.join(timeout=10)
        assert counted == [len(curated.events)]
    other.engine.dispose()
