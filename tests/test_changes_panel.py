"""The page's "Changes since…" on an event store: a moment before some edits rings them, lists them
field by field, marks the list and gives the PDF its section."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.config import REPO_ROOT
from dashboard.store import Citation, Store

APP = str(REPO_ROOT / "dashboard" / "app.py")


@pytest.fixture
def edited_store(tmp_path, monkeypatch, curated):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store(url)
    store.init()
    store.load(curated.events, by="loader", reason="initial load")
    # The page's time is to the minute: the edits are stamped a minute on from the load.
    moment = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    events = curated.events.sort_values("event_id")
    edited, gone, source = events.iloc[0], events.iloc[1], events.iloc[2]
    cite = Citation(source["source_id"], source["source_quote"])
    with monkeypatch.context() as later:
        later.setattr("dashboard.store.now", lambda: moment + dt.timedelta(seconds=30))
        store.edit(edited["event_id"], {"location": "Somewhere else"}, cite, "r", "alice")
        store.retract(gone["event_id"], "withdrawn", "bob")
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", url)
    return moment, edited["event_id"], gone["event_id"]


def test_changes_since_a_time_on_the_page(edited_store):
    moment, edited_id, gone_id = edited_store
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.radio(key="changes_mode").set_value("time").run()
    at.date_input(key="changes_day").set_value(moment.date())
    at.time_input(key="changes_time").set_value(moment.time()).run()
    assert not at.exception
    assert any("0 new, 1 changed, 1 retracted" in s.value for s in at.success)
    table = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert set(zip(table["change"], table["event_id"], table["field"], strict=True)) == {
        ("changed", edited_id, "location"),
        ("retracted", gone_id, ""),
    }
    listing = next(d.value for d in at.dataframe if "Since" in d.value.columns)
    marked = dict(zip(listing["Event id"], listing["Since"], strict=True))
    assert marked.get(edited_id) == "changed: location"
