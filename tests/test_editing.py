"""Who may edit: argon2 hashes only, editors sign in, and every edit path refuses anyone else."""

import pytest
import sqlalchemy as sa

from dashboard import auth, editing
from dashboard.auth import NotAllowed
from dashboard.store import Citation

PASSWORD = "correct horse battery"


@pytest.fixture
def team(loaded_store):
    auth.add_user(loaded_store, "alice", PASSWORD, "editor")
    auth.add_user(loaded_store, "victor", PASSWORD, "viewer")
    return loaded_store


def a_citation(curated) -> Citation:
    row = curated.events.iloc[0]
    return Citation(row["source_id"], row["source_quote"])


def test_passwords_are_kept_only_as_argon2_hashes(team):
    with team.engine.connect() as conn:
        hashes = conn.execute(sa.text("SELECT password_hash FROM users")).scalars().all()
    assert len(hashes) == 2
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


@pytest.mark.parametrize(("name", "password"), [("alice", "wrong password!"), ("mallory", PASSWORD)])
def test_a_wrong_password_or_name_gets_one_message(team, name, password):
    with pytest.raises(NotAllowed, match="unknown name or wrong password"):
        auth.sign_in(team, name, password)


def test_a_viewer_cannot_sign_in_to_edit(team):
    with pytest.raises(NotAllowed, match="victor is a viewer"):
        auth.sign_in(team, "victor", PASSWORD)


def test_an_editor_edits_under_the_name_the_store_knows(team, curated):
    token = auth.sign_in(team, "alice", PASSWORD)
    event_id = curated.events.iloc[0]["event_id"]
    editing.correct(team, token, event_id, {"notes": "Reworded."}, a_citation(curated), "clearer", 1)
    assert team.history(event_id)[-1]["by"] == "alice"


@pytest.mark.parametrize("token", [None, "", "alice", "forged-token-of-the-right-length-0123456789abcdef"])
def test_every_edit_path_refuses_without_a_valid_session(team, curated, token):
    event_id = curated.events.iloc[0]["event_id"]
    before = team.data_version()
    with pytest.raises(NotAllowed):
        editing.correct(team, token, event_id, {"notes": "x"}, a_citation(curated), "r", 1)
    with pytest.raises(NotAllowed):
        editing.retract(team, token, event_id, "r", 1)
    with pytest.raises(NotAllowed):
        editing.add_file(team, token, b"event_id\nX\n", "new.csv", "r")
    assert team.data_version() == before


def test_a_signed_out_or_demoted_editor_is_refused(team, curated):
    token = auth.sign_in(team, "alice", PASSWORD)
    auth.add_user(team, "alice", PASSWORD, "viewer")  # demoted while signed in
    with pytest.raises(NotAllowed, match="alice is a viewer"):
        editing.retract(team, token, curated.events.iloc[0]["event_id"], "r", 1)
    auth.add_user(team, "alice", PASSWORD, "editor")
    auth.sign_out(team, token)
    with pytest.raises(NotAllowed, match="sign in again"):
        editing.retract(team, token, curated.events.iloc[0]["event_id"], "r", 1)


def test_adding_a_file_uses_the_importers_checks(team, curated, tmp_path):
    from dashboard.config import REPO_ROOT

    token = auth.sign_in(team, "alice", PASSWORD)
    lines = (REPO_ROOT / "data" / "events.csv").read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1]
    new = first.replace(curated.events.sort_values("event_id").iloc[0]["event_id"], "NEW-EVENT-1", 1)
    bad = new.replace("NEW-EVENT-1", "NEW-EVENT-2", 1).replace(",day,", ",sometime,", 1)
    data = "\r\n".join([header, first, new, bad]).encode()
    added = editing.add_file(team, token, data, "my events.csv", "new incidents")
    assert added.loaded == 1 and added.unchanged == 1
    assert [(p.file, p.column, p.value) for p in added.problems] == [("my events.csv", "date_precision", "sometime")]
    assert team.history("NEW-EVENT-1")[0]["action"] == "add"


@pytest.mark.parametrize(("password", "role", "message"), [("short", "editor", "at least"), (PASSWORD, "boss", "role")])
def test_a_bad_user_is_refused(loaded_store, password, role, message):
    from dashboard.store import StoreError

    with pytest.raises(StoreError, match=message):
        auth.add_user(loaded_store, "bob", password, role)


def test_saving_views_needs_an_editor(team):
    from dashboard.config import REPO_ROOT

    story = (REPO_ROOT / "data" / "views" / "crisis-2024.json").read_bytes()
    with pytest.raises(NotAllowed):
        editing.save_views(team, "forged", story, None)
    assert team.view_set() is None
    assert editing.save_views(team, auth.sign_in(team, "alice", PASSWORD), story, None) == 1
