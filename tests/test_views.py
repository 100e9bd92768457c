"""The views file: read strictly, every problem named by view and key, written back the same."""

import json

import pytest

from dashboard import filters, views
from dashboard.config import REPO_ROOT

STORY = REPO_ROOT / "data" / "views" / "crisis-2024.json"


def story() -> dict:
    return json.loads(STORY.read_text(encoding="utf-8"))


def parse(body) -> views.ViewSet:
    return views.parse(json.dumps(body).encode(), "views.json")


def test_the_crisis_story_reads_and_names_what_the_data_has(curated):
    viewset = views.parse(STORY.read_bytes(), STORY.name)
    assert len(viewset.views) == len(story()["views"])
    first = viewset.views[0]
    assert first.spec.actors == ("Iran",) and first.extent == (25.0, 60.0, 29.5, 66.5)
    assert views.check_against(viewset, curated.events, filters.options(curated.events)) == []
    for view in viewset.views:  # each view shows something
        assert len(filters.apply(curated.events, view.spec)) > 0


def test_a_view_set_round_trips_through_its_json():
    viewset = views.parse(STORY.read_bytes(), STORY.name)
    assert views.parse(viewset.to_json(), "again.json") == viewset


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b["views"][1]["query"].update({"from": "2024-13-01"}), "view 2 ('18 January"),
        (lambda b: b["views"][1]["query"].update({"from": "2024-13-01"}), "from='2024-13-01': not a date"),
        (lambda b: b["views"][0]["query"].update({"colour": "red"}), "Panjgur'): query key 'colour'"),
        (lambda b: b["views"][0].update({"extent": [30, 60, 25, 66]}), "extent [30, 60, 25, 66]"),
        (lambda b: b["views"][2].pop("title"), "view 3: title: give a text"),
        (lambda b: b["views"][0].update({"zoom": 5}), "unknown key 'zoom'"),
        (lambda b: b["views"][0]["query"].update({"actor": 5}), "query key 'actor' = 5"),
        (lambda b: b["views"][0]["query"].update({"near": "far"}), "near='far'"),
        (lambda b: b["views"][0].update({"note": "x" * 3000}), "note: 3000 characters; at most 2000"),
        (lambda b: b.update({"views": []}), "views: expected a list of at least one view"),
        (lambda b: b["views"][0].update({"note": "bad \ud800 text"}), "unpaired surrogate"),
    ],
)  # fmt: skip
def test_a_bad_file_names_the_view_and_the_key(change, message):
    body = story()
    change(body)
    with pytest.raises(views.ViewsError) as err:
        parse(body)
    assert message in str(err.value) and str(err.value).startswith("views.json: ")


def test_every_problem_is_reported_at_once():
    body = story()
    body["views"][0]["query"]["from"] = "soon"
    body["views"][2]["extent"] = "everywhere"
    with pytest.raises(views.ViewsError) as err:
        parse(body)
    assert len(err.value.problems) == 2


@pytest.mark.parametrize("data", [b"\xff\xfe", b"[1, 2]", b"{", b"x" * (views.MAX_BYTES + 1)])
def test_not_a_views_file(data):
    with pytest.raises(views.ViewsError, match=r"views\.json: "):
        views.parse(data, "views.json")


def test_views_that_name_what_the_data_lacks(curated):
    body = story()
    body["views"][0]["event"] = "NO-SUCH-EVENT"
    body["views"][1]["query"]["actor"] = ["Nobody"]
    problems = views.check_against(parse(body), curated.events, filters.options(curated.events))
    assert problems == [
        "view 1 ('16 January: Iran strikes in Panjgur'): event 'NO-SUCH-EVENT': no such event in the data",
        "view 2 ('18 January: Pakistan answers near Saravan'): query key 'actor': Nobody not in the data",
    ]
