"""``python -m dashboard db ...``: exit codes, messages that name the problem, files written whole."""

import pytest

from dashboard.cli import main
from dashboard.config import REPO_ROOT

EVENTS = REPO_ROOT / "data" / "events.csv"


@pytest.fixture
def db(store_url, monkeypatch, tmp_path):
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", store_url.replace("postgresql+psycopg://", "postgresql://"))
    monkeypatch.chdir(tmp_path)  # the rejection report lands here

    def run(*argv):
        return main(["db", *argv])

    return run


def test_init_load_edit_history_retract_export(db, curated, capsys, tmp_path):
    assert db("init") == 0
    assert db("init") == 0
    assert "up to date" in capsys.readouterr().err
    assert db("load", str(EVENTS)) == 0
    err = capsys.readouterr().err
    assert f"{len(curated.events)} loaded" in err and (tmp_path / "events_rejected.csv").is_file()
    event = curated.events[curated.events["fatalities"].notna()].iloc[0]
    source = curated.events.iloc[0]
    code = db(
        "edit", event["event_id"], "--set", f"fatalities_high={int(event['fatalities_high']) + 5}",
        "--source-id", source["source_id"], "--quote", source["source_quote"],
        "--reason", "a later report", "--by", "alice",
    )  # fmt: skip
    assert code == 0 and "now version 2" in capsys.readouterr().err
    assert db("history", event["event_id"]) == 0
    out = capsys.readouterr().out
    assert "v1 " in out and "(load)" in out and "v2 " in out and "by alice (edit)" in out
    assert f"fatalities_high: {int(event['fatalities_high'])} -> {int(event['fatalities_high']) + 5}" in out
    assert db("retract", event["event_id"], "--reason", "withdrawn", "--by", "bob") == 0
    assert db("export", "--out", str(tmp_path / "out.csv")) == 0
    written = (tmp_path / "out.csv").read_bytes()
    assert event["event_id"].encode() not in written
    assert written.count(b"\r\n") == len(curated.events)  # the header and every event but the retracted one


def test_load_into_a_filled_store_needs_merge(db, curated, capsys):
    db("init")
    db("load", str(EVENTS))
    capsys.readouterr()
    assert db("load", str(EVENTS)) == 2
    assert "give --merge" in capsys.readouterr().err
    assert db("load", "--merge", str(EVENTS)) == 0
    assert f"0 loaded, {len(curated.events)} unchanged, 0 rejected" in capsys.readouterr().err


def test_a_changed_row_in_a_merge_is_rejected_not_overwritten(db, curated, capsys, tmp_path):
    db("init")
    db("load", str(EVENTS))
    first = curated.events.sort_values("event_id").iloc[0]
    text = EVENTS.read_text(encoding="utf-8").replace(first["location"], "Somewhere else", 1)
    changed = tmp_path / "changed.csv"
    changed.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert db("load", "--merge", str(changed)) == 0
    err = capsys.readouterr().err
    assert "1 rejected" in err and first["event_id"] in err and "db edit" in err
    assert first["event_id"] in (tmp_path / "changed_rejected.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["edit", "NOPE", "--set", "notes=x", "--source-id", "s", "--quote", "q", "--reason", "r", "--by", "b"],
         "'NOPE': no such event"),
        (["edit", "{id}", "--set", "notes", "--source-id", "s", "--quote", "q", "--reason", "r", "--by", "b"],
         "--set 'notes': write FIELD=VALUE"),
        (["edit", "{id}", "--set", "fatalities=-1", "--source-id", "{src}", "--quote", "{quote}", "--reason", "r",
          "--by", "b"], "fatalities '-1'"),
        (["edit", "{id}", "--set", "notes=x", "--source-id", "{src}", "--quote", "not in the source at all",
          "--reason", "r", "--by", "b"], "word for word"),
        (["history", "NOPE"], "'NOPE': no such event"),
        (["export", "--out", "/no/such/folder/x.csv"], "no such folder"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(db, curated, capsys, argv, message):
    db("init")
    db("load", str(EVENTS))
    row = curated.events.iloc[0]
    argv = [a.format(id=row["event_id"], src=row["source_id"], quote=row["source_quote"]) for a in argv]
    capsys.readouterr()
    assert db(*argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_without_a_store_or_before_init_the_message_says_what_to_do(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("BORDERMAP_DATABASE_URL", raising=False)
    assert main(["db", "history", "X"]) == 2
    assert "BORDERMAP_DATABASE_URL" in capsys.readouterr().err
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    assert main(["db", "history", "X"]) == 2
    assert "run python -m dashboard db init" in capsys.readouterr().err
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", "mysql://x")
    assert main(["db", "init"]) == 2
    assert "BORDERMAP_DATABASE_URL='mysql://x'" in capsys.readouterr().err


def test_export_and_the_data_read_from_the_store_when_it_is_set(db, curated, capsys, tmp_path):
    db("init")
    db("load", str(EVENTS))
    gone = curated.events.iloc[0]["event_id"]
    db("retract", gone, "--reason", "withdrawn", "--by", "bob")
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "view.csv")]) == 0
    assert gone not in (tmp_path / "view.csv").read_text(encoding="utf-8-sig")


def test_user_takes_the_password_from_the_environment(db, monkeypatch, capsys):
    from dashboard import auth
    from dashboard.store import Store

    db("init")
    monkeypatch.setenv("BORDERMAP_NEW_PASSWORD", "a long enough password")
    assert db("user", "alice", "--role", "editor") == 0
    import os

    store = Store(os.environ["BORDERMAP_DATABASE_URL"])
    assert auth.sign_in(store, "alice", "a long enough password")


@pytest.mark.parametrize(
    "flags",
    [
        ["--start", "2024-01-16", "--end", "2024-01-29", "--actor", "Pakistan"],
        ["--within-km", "50", "--event-type", "Battles"],
        ["--area", "24,58;31,58;31,66;24,66", "--precise-only"],
    ],
)
def test_export_from_the_store_equals_export_from_the_files(db, monkeypatch, tmp_path, flags):
    """The filter runs as SQL on the store, then as on the files: the same events, the same file."""
    db("init")
    db("load", str(EVENTS))
    assert main(["export", "--format", "geojson", "--out", str(tmp_path / "store.geojson"), *flags]) == 0
    monkeypatch.delenv("BORDERMAP_DATABASE_URL")
    assert main(["export", "--format", "geojson", "--out", str(tmp_path / "files.geojson"), *flags]) == 0
    store, files = ((tmp_path / f"{n}.geojson").read_bytes() for n in ("store", "files"))
    assert store == files and b'"features": []' not in files


def test_an_actor_the_store_has_is_known_even_when_the_filter_leaves_none(db, curated, capsys, tmp_path):
    db("init")
    db("load", str(EVENTS))
    actor = curated.events["actor1"].iloc[0]
    out = str(tmp_path / "x.csv")
    assert main(["export", "--format", "csv", "--out", out, "--actor", actor, "--start", "2030-01-01"]) == 0
    assert main(["export", "--format", "csv", "--out", out, "--actor", "No Such Actor"]) == 2
    assert "--actor No Such Actor: not in the data" in capsys.readouterr().err


def test_changes_since_a_time_on_the_store(db, curated, capsys, tmp_path):
    """Edited, retracted and added after a moment: changes --since that moment says each, field by field."""
    import csv
    import datetime as dt
    import io
    import time

    db("init")
    db("load", str(EVENTS))
    time.sleep(1.1)  # --since is given to the second: the load lies before it, the changes after it
    since = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    time.sleep(1.1)
    events = curated.events.sort_values("event_id")
    edited, gone, source = events.iloc[0], events.iloc[1], events.iloc[2]
    assert db("edit", edited["event_id"], "--set", "location=Somewhere else", "--source-id", source["source_id"],
              "--quote", source["source_quote"], "--reason", "r", "--by", "alice") == 0  # fmt: skip
    assert db("retract", gone["event_id"], "--reason", "withdrawn", "--by", "bob") == 0
    added = tmp_path / "added.csv"
    text = EVENTS.read_text(encoding="utf-8").splitlines()
    added.write_text("\r\n".join([text[0], text[1].replace(edited["event_id"], "NEW-1", 1)]) + "\r\n", "utf-8")
    assert db("add", str(added), "--by", "carol", "--reason", "coded today") == 0
    out = tmp_path / "changes.csv"
    assert main(["changes", "--since", since, "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    found = {(r["change"], r["event_id"], r["field"]) for r in rows}
    assert found == {
        ("changed", edited["event_id"], "location"),
        ("retracted", gone["event_id"], ""),
        ("new", "NEW-1", ""),
    }
    assert "1 new, 1 changed, 1 retracted" in capsys.readouterr().err


def test_export_since_on_the_store_judges_against_the_whole_record(db, tmp_path):
    """A narrower export than the briefing: the events it leaves out are not 'retracted'."""
    from pypdf import PdfReader

    db("init")
    db("load", str(EVENTS))
    briefing = tmp_path / "briefing.pdf"
    assert main(["export", "--format", "pdf", "--out", str(briefing)]) == 0
    out = tmp_path / "next.pdf"
    assert (
        main(["export", "--format", "pdf", "--start", "2024-01-16", "--since", str(briefing), "--out", str(out)]) == 0
    )
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "0 new, 0 changed, 0 retracted" in text.replace("\n", " ")
