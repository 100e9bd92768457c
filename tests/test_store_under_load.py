"""The store under load and faults: concurrent writers lose nothing, a stopped server leaves nothing half
written, and on PostgreSQL the page's role cannot write while the editing role cannot rewrite history."""

import json
import os
import re
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

from dashboard import pgcluster
from dashboard.config import REPO_ROOT
from dashboard.store import Citation, Conflict, Store

WRITERS = 8
# The issue asks for 30 s against the server; SQLite (one writer at a time by design) gets a shorter run.
SECONDS = {"postgis": float(os.environ.get("BORDERMAP_STRESS_SECONDS", "30")), "sqlite": 5.0}


def _backend(store: Store) -> str:
    return "postgis" if store.postgis else "sqlite"


def test_concurrent_writers_lose_no_update_and_keep_a_complete_history(loaded_store, curated):
    """Eight writers raise the same event's fatalities_high by one, each reading first and naming the
    version it read: every success is one step, every conflict is retried, none is lost."""
    events = curated.events
    event = events[events["fatalities_high"].notna()].iloc[0]
    event_id, start = event["event_id"], int(event["fatalities_high"])
    cite = Citation(events.iloc[0]["source_id"], events.iloc[0]["source_quote"])
    stop_at = time.monotonic() + SECONDS[_backend(loaded_store)]
    done, conflicts, errors = [0] * WRITERS, [0] * WRITERS, []

    def writer(number: int) -> None:
        store = Store(loaded_store.url)  # a connection pool of its own, as another analyst's process
        try:
            while time.monotonic() < stop_at:
                row = store.current(event_id)
                try:
                    store.edit(
                        event_id,
                        {"fatalities_high": str(row["fatalities_high"] + 1)},
                        cite,
                        "stress",
                        f"writer-{number}",
                        row["version"],
                    )
                    done[number] += 1
                except Conflict:
                    conflicts[number] += 1
        except Exception as err:  # any other failure fails the test
            errors.append(repr(err))
        finally:
            store.engine.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    successes = sum(done)
    assert successes > WRITERS  # the run did real work
    final = loaded_store.current(event_id)
    assert final["fatalities_high"] == start + successes  # no update lost
    history = loaded_store.history(event_id)
    assert [r["version"] for r in history] == list(range(1, successes + 2))  # complete, no gap, no repeat
    for revision in history[1:]:
        before, after = json.loads(revision["before"]), json.loads(revision["after"])
        assert after["fatalities_high"] == before["fatalities_high"] + 1
    assert sum(1 for r in history if r["by"].startswith("writer-")) == successes


@pytest.mark.postgis
def test_the_server_stopped_mid_load_leaves_nothing_half_written(tmp_path):
    """A load is one transaction: stopped in the middle of its COPY, the store holds none of it, and
    the same command run again loads it whole."""
    problem = pgcluster.missing()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from bench_import import acled_csv

    rows = 150_000
    source = tmp_path / "acled.csv"
    acled_csv(rows, source)
    with pgcluster.throwaway_cluster() as cluster:
        url = cluster.create_database("fault")
        env = {
            **os.environ,
            "BORDERMAP_DATABASE_URL": url,
            "BORDERMAP_MAX_UPLOAD_MB": "1024",
            "PYTHONPATH": str(REPO_ROOT),
        }
        command = [sys.executable, "-m", "dashboard", "db"]
        subprocess.run([*command, "init"], env=env, check=True, cwd=tmp_path, capture_output=True)
        load = subprocess.Popen(
            [*command, "load", str(source)], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        watcher = sa.create_engine(url)
        deadline = time.monotonic() + 300
        writing = False
        while time.monotonic() < deadline and load.poll() is None and not writing:
            with watcher.connect() as conn:
                writing = bool(
                    conn.exec_driver_sql(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE query ILIKE 'COPY%%' OR query ILIKE 'INSERT INTO%%'"
                    ).scalar()
                )
            time.sleep(0.02)
        watcher.dispose()
        assert writing, "the load never reached its write"
        cluster.stop("immediate")  # as a crash: no clean shutdown
        _, err = load.communicate(timeout=120)
        assert load.returncode == 2, err.decode()
        assert b"Traceback" not in err and b"the event store's database refused" in err
        cluster.start()
        store = Store(url)
        assert store.count(include_retracted=True) == 0
        assert store.data_version() == 0  # not one revision of the interrupted load
        again = subprocess.run([*command, "load", str(source)], env=env, cwd=tmp_path, capture_output=True)
        assert again.returncode == 0, again.stderr.decode()
        loaded = int(re.search(r"([\d,]+) loaded", again.stderr.decode()).group(1).replace(",", ""))
        assert loaded > rows // 2  # the importer rejects some synthetic rows (outside their country)
        assert store.count() == loaded and store.data_version() == loaded
        store.engine.dispose()


@pytest.mark.postgis
def test_the_reading_role_cannot_write_and_the_editing_role_cannot_rewrite_history(pg_cluster, curated):
    """The README's team set-up: an owner role (not a superuser) creates and fills the store and
    grants the page's two roles their rights; a superuser only creates the database and PostGIS."""
    from dashboard.store_schema import grant_roles

    for role in ("bm_owner", "bm_reader", "bm_editor"):
        pg_cluster.psql(f"DO $$ BEGIN CREATE ROLE {role} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    pg_cluster.psql("CREATE DATABASE roles OWNER bm_owner")
    pg_cluster.psql("CREATE EXTENSION postgis", database="roles")
    owner = Store(pg_cluster.url("roles", user="bm_owner"))
    owner.init()
    owner.load(curated.events, by="loader", reason="initial load")
    grant_roles(owner.engine, "bm_reader", "bm_editor")
    reader = Store(pg_cluster.url("roles", user="bm_reader"))
    editor = Store(pg_cluster.url("roles", user="bm_editor"))
    event = curated.events.iloc[0]
    cite = Citation(event["source_id"], event["source_quote"])
    assert reader.count() == len(curated.events)  # it reads
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
        reader.edit(event["event_id"], {"notes": "by the reader"}, cite, "r", "reader")
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied"), reader.engine.begin() as conn:
        conn.exec_driver_sql("SELECT * FROM users")  # not even the password hashes
    assert editor.edit(event["event_id"], {"notes": "by the editor"}, cite, "r", "editor") == 2
    for statement in ("UPDATE revisions SET reason = 'x'", "DELETE FROM revisions", "DELETE FROM events"):
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"), editor.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert owner.count() == len(curated.events) and owner.data_version() == len(curated.events) + 1
    for store in (owner, reader, editor):
        store.engine.dispose()
