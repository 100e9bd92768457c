"""Saved views and story mode in the page (AppTest): save, reorder, load a file, step through the story."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import filters, views
from dashboard.config import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")
STORY = REPO_ROOT / "data" / "views" / "crisis-2024.json"


@pytest.fixture
def story_set() -> views.ViewSet:
    return views.parse(STORY.read_bytes(), STORY.name)


def page(saved: list | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if saved is not None:
        at.session_state["saved_views"] = saved
    return at.run()


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def sentence(at: AppTest) -> str:
    return at.markdown[0].value.replace("\\", "")


def test_save_this_view_keeps_filter_selection_and_note(curated):
    at = page()
    at.multiselect(key="f_actors").select("Iran").run()
    at.text_input(key="view_title").input("Iran's actions")
    at.text_area(key="view_note").input("What Iran did, in one picture.")
    at = next(b for b in at.button if b.label == "Save this view").click().run()
    assert not at.exception
    (saved,) = at.session_state["saved_views"]
    assert saved.title == "Iran's actions" and saved.spec.actors == ("Iran",)
    assert saved.note == "What Iran did, in one picture." and saved.extent is not None


def test_story_mode_steps_through_the_views(story_set, curated):
    at = page(list(story_set.views))
    at = button(at, "story_start").click().run()
    assert not at.exception
    for step, view in enumerate(story_set.views):
        expected = filters.apply(curated.events, view.spec)
        assert f"{len(expected)} event" in sentence(at)
        assert at.session_state["selected_id"] == view.event
        assert any(view.note[:40] in i.value.replace("\\", "") for i in at.info)
        if step < len(story_set.views) - 1:
            at = button(at, "story_next").click().run()
    assert button(at, "story_next").disabled
    at = button(at, "story_back").click().run()
    assert at.session_state["story_step"] == len(story_set.views) - 2


def test_views_reorder_and_remove(story_set):
    at = page(list(story_set.views))
    at = button(at, "view_down_0").click().run()
    titles = [v.title for v in at.session_state["saved_views"]]
    assert titles[:2] == [story_set.views[1].title, story_set.views[0].title]
    at = button(at, "view_remove_0").click().run()
    assert len(at.session_state["saved_views"]) == len(story_set.views) - 1


def test_the_views_file_loads_in_the_page_and_a_bad_one_is_refused_whole(story_set):
    at = page()
    at.file_uploader(key="views_upload").set_value(("views.json", STORY.read_bytes(), "application/json")).run()
    assert not at.exception
    assert at.session_state["saved_views"] == list(story_set.views)
    assert at.session_state["views_set_title"] == story_set.title
    bad = json.loads(STORY.read_text(encoding="utf-8"))
    bad["views"][1]["query"]["from"] = "soon"
    at = page([story_set.views[0]])
    at.file_uploader(key="views_upload").set_value(("bad.json", json.dumps(bad).encode(), "application/json")).run()
    assert any("view 2" in e.value for e in at.error)
    assert at.session_state["saved_views"] == [story_set.views[0]]  # nothing of the bad file loaded


def test_a_views_file_naming_what_the_data_lacks_is_refused_in_the_page(story_set):
    lacking = json.loads(STORY.read_text(encoding="utf-8"))
    lacking["views"][0]["event"] = "NO-SUCH-EVENT"
    lacking["views"][1]["query"]["actor"] = ["Nobody we know"]
    at = page([story_set.views[0]])
    at.file_uploader(key="views_upload").set_value(("lacks.json", json.dumps(lacking).encode(), "application/json"))
    at.run()
    text = " ".join(e.value for e in at.error).replace("\\", "")  # shown escaped: data, not Markdown
    assert "view 1" in text and "NO-SUCH-EVENT" in text
    assert "view 2" in text and "Nobody we know" in text
    assert at.session_state["saved_views"] == [story_set.views[0]]  # as brief refuses them: nothing loaded


def test_after_a_move_each_edit_box_holds_its_own_view(story_set):
    at = page(list(story_set.views[:2]))
    at = button(at, "view_down_0").click().run()
    assert at.text_input(key="view_edit_title_0").value == story_set.views[1].title
    assert at.text_input(key="view_edit_title_1").value == story_set.views[0].title
    at = button(at, "view_edit_0").click().run()  # saving untouched boxes changes nothing
    assert [v.title for v in at.session_state["saved_views"]] == [story_set.views[1].title, story_set.views[0].title]


def test_a_shown_view_frames_its_extent(story_set):
    at = page(list(story_set.views))
    at = button(at, "view_show_0").click().run()
    assert at.session_state["view_extent"][1] == story_set.views[0].extent


def test_hostile_text_in_a_view_stays_text():
    from dashboard.safe_text import markdown_literal

    title = "<img src=x onerror=alert(1)> [link](javascript:alert(1))"
    at = page([views.View(title, note="**bold** <script>")])
    assert any(markdown_literal(title) in c.value for c in at.caption)  # escaped: shown as the text it is
    at = button(at, "story_start").click().run()
    assert any(markdown_literal("**bold** <script>") in i.value for i in at.info)
