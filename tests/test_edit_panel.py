"""The page on an event store: it reads the store, editors edit, and nothing a viewer sends writes."""

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import auth
from dashboard.config import REPO_ROOT
from dashboard.store import Store

APP = str(REPO_ROOT / "dashboard" / "app.py")
PASSWORD = "a long enough password"


@pytest.fixture
def page_store(tmp_path, monkeypatch, curated):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store(url)
    store.init()
    store.load(curated.events, by="loader", reason="initial load")
    auth.add_user(store, "alice", PASSWORD, "editor")
    auth.add_user(store, "victor", PASSWORD, "viewer")
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", url)
    return store


def run(event: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if event:
        at.query_params["event"] = event
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="edit_user").input(name)
    at.text_input(key="edit_password").input(password)
    return next(b for b in at.button if b.label == "Sign in").click().run()


def test_the_page_reads_the_store(page_store, curated):
    at = run()
    assert not at.exception
    assert any(f"Event store ({len(curated.events)} events" in c.value.replace("\\", "") for c in at.caption)


def test_a_viewer_sees_no_edit_form(page_store, curated):
    at = run(curated.events.iloc[0]["event_id"])
    at = sign_in(at, "victor", PASSWORD)
    assert any("victor is a viewer" in e.value for e in at.error)
    assert not [b for b in at.button if b.key in ("edit_save", "edit_retract")]


def test_an_editor_corrects_the_selected_event(page_store, curated):
    event_id = curated.events.iloc[0]["event_id"]
    at = sign_in(run(event_id), "alice", PASSWORD)
    at.selectbox(key="edit_field").select("notes").run()
    at.text_input(key=f"edit_value_{event_id}_notes").input("Reworded in the page.")
    at.text_area(key="edit_quote").input(curated.events.iloc[0]["source_quote"])
    at.selectbox(key="edit_source").select(curated.events.iloc[0]["source_id"])
    at.text_input(key="edit_reason").input("clearer wording")
    at = button(at, "edit_save").click().run()
    assert not at.exception
    assert any("now version 2" in s.value for s in at.success)
    last = page_store.history(event_id)[-1]
    assert (last["by"], last["reason"]) == ("alice", "clearer wording")


def test_a_second_editor_is_told_of_the_conflict_and_shown_the_change(page_store, curated):
    event_id = curated.events.iloc[0]["event_id"]
    cite = (curated.events.iloc[0]["source_id"], curated.events.iloc[0]["source_quote"])
    at = sign_in(run(event_id), "alice", PASSWORD)  # the form is opened on version 1
    from dashboard.store import Citation

    page_store.edit(event_id, {"notes": "The other analyst's wording."}, Citation(*cite), "theirs", "bob")
    at.selectbox(key="edit_field").select("notes").run()
    at.text_input(key=f"edit_value_{event_id}_notes").input("Mine.")
    at.text_area(key="edit_quote").input(cite[1])
    at.selectbox(key="edit_source").select(cite[0])
    at.text_input(key="edit_reason").input("mine")
    at = button(at, "edit_save").click().run()
    warning = " ".join(w.value for w in at.warning)
    assert "Someone else changed this event" in warning and "The other analyst" in warning
    assert page_store.current(event_id)["notes"] == "The other analyst's wording."
    assert at.text_input(key=f"edit_value_{event_id}_notes").value == "Mine."  # what was typed is kept


@pytest.mark.parametrize(
    "state",
    [
        {"editor_token": "forged"},
        {"editor_token": "forged", "editor_name": "alice", "role": "editor", "signed_in": True},
    ],
)
def test_crafted_session_state_never_edits(page_store, curated, state):
    event_id = curated.events.iloc[0]["event_id"]
    before = page_store.data_version()
    at = run(event_id, **state)
    assert not at.exception
    assert not [b for b in at.button if b.key in ("edit_save", "edit_retract", "edit_add")]
    assert any(b.label == "Sign in" for b in at.button)
    assert page_store.data_version() == before


def test_a_link_cannot_sign_in_or_edit(page_store, curated):
    before = page_store.data_version()
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in {"event": curated.events.iloc[0]["event_id"], "editor_token": "x", "by": "alice"}.items():
        at.query_params[key] = value
    at = at.run()
    assert not [b for b in at.button if b.key in ("edit_save", "edit_retract")]
    assert page_store.data_version() == before


def test_an_editor_keeps_the_views_for_the_team_and_anyone_loads_them(page_store, curated):
    from dashboard import views

    story = views.parse((REPO_ROOT / "data" / "views" / "crisis-2024.json").read_bytes(), "crisis")
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["saved_views"] = list(story.views)
    at = sign_in(at.run(), "alice", PASSWORD)
    at = button(at, "views_team_save").click().run()
    assert not at.exception
    body, version = page_store.view_set()
    assert version == 1 and views.parse(body, "kept").views == story.views
    viewer = run()  # a new session, no views yet, not signed in
    assert not [b for b in viewer.button if b.key == "views_team_save"]
    viewer = button(viewer, "views_team_load").click().run()
    assert viewer.session_state["saved_views"] == list(story.views)


def test_a_forged_token_cannot_keep_views(page_store, curated):
    from dashboard import views

    story = views.parse((REPO_ROOT / "data" / "views" / "crisis-2024.json").read_bytes(), "crisis")
    at = run(saved_views=list(story.views), editor_token="forged")
    assert not [b for b in at.button if b.key == "views_team_save"]
    assert page_store.view_set() is None


def test_a_hostile_event_id_and_user_name_stay_text(tmp_path, monkeypatch, curated):
    from dashboard.safe_text import markdown_literal

    hostile_id = "**X**[link](javascript:alert(1))<img src=x>"
    hostile_name = "_eve_ [me](javascript:alert(1))"
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    store = Store(url)
    store.init()
    events = curated.events.copy()
    events.loc[events.index[0], "event_id"] = hostile_id
    store.load(events, by="loader", reason="initial load")
    auth.add_user(store, hostile_name, PASSWORD, "editor")
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", url)
    at = sign_in(run(hostile_id), hostile_name, PASSWORD)
    assert not at.exception
    assert any(markdown_literal(hostile_id) in m.value for m in at.markdown)
    assert any(markdown_literal(hostile_name) in c.value for c in at.caption)
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any("**X**" in t or "](javascript" in t for t in texts)
