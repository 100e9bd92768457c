"""The page's wiring, run headless by Streamlit's AppTest."""

import datetime as dt
import json
import re

import pandas as pd
import pytest
from curated_counts import CURATED_EVENTS, RAW
from map_payload import events_drawn, payloads
from streamlit.testing.v1 import AppTest

from dashboard import listing
from dashboard.config import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")


def run(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


PAGE = listing.PAGE_SIZES[0]  # the list's rows per page unless the analyst chooses another


def listed(at: AppTest) -> list[str]:
    """The ids on the list's page in view."""
    return list(at.dataframe[0].value["Event id"])


def detail(at: AppTest) -> str:
    """The selected event's record as the page draws it (escaped HTML)."""
    return next(h.proto.body for h in at.get("html") if "event-detail" in h.proto.body)


def plain(markdown: str) -> str:
    """What escaped Markdown reads as (the page escapes every untrusted value)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def sentence(at: AppTest) -> str:
    return plain(at.markdown[0].value.removeprefix("#### "))


def test_default_view_has_no_exception():
    at = run()
    assert not at.exception
    assert sentence(at) == f"{CURATED_EVENTS} events at any date."
    assert len(listed(at)) == min(CURATED_EVENTS, PAGE)
    assert [m.label for m in at.metric] == [
        "Events",
        "Fatalities",
        "Cross-border strikes",
        "Median distance to border (violent events)",
    ]
    assert at.metric[0].value == str(CURATED_EVENTS)


def test_18_january_and_pakistan_leave_that_days_pakistani_events(curated):
    at = run()
    at.sidebar.date_input(key="f_dates").set_value((dt.date(2024, 1, 18), dt.date(2024, 1, 18))).run()
    at.sidebar.multiselect(key="f_actors").set_value(["Pakistan"]).run()
    assert not at.exception
    day = curated.events[curated.events["event_date"] == "2024-01-18"]
    state = ("state force", "government")
    pakistani = day[
        ((day["actor1_side"] == "Pakistan") & day["actor1_kind"].isin(state))
        | ((day["actor2_side"] == "Pakistan") & day["actor2_kind"].isin(state))
    ]
    assert listed(at) == list(pakistani["event_id"])
    assert "IRPK-2024-0118-STRIKE" in listed(at)
    count = len(listed(at))
    words = f"{count} event{'s' if count != 1 else ''}"
    assert sentence(at) == f"{words} on 18 Jan 2024 involving Pakistan (any state actor)."
    # The shareable URL carries the same filter.
    assert at.query_params["actor"] in ("Pakistan", ["Pakistan"])
    assert at.query_params["from"] in ("2024-01-18", ["2024-01-18"])


def test_crisis_preset_button():
    at = run()
    at.sidebar.button[0].click().run()
    assert sentence(at).endswith("from 16 Jan 2024 to 29 Jan 2024.")
    assert all(event_id.startswith("IRPK-2024") for event_id in listed(at))


def test_url_restores_filters_and_selection():
    at = run({"from": "2024-01-16", "to": "2024-01-29", "type": "Diplomatic action", "event": "IRPK-2024-0129-VISIT"})
    assert not at.exception
    assert sentence(at).startswith(
        f"{len(listed(at))} events from 16 Jan 2024 to 29 Jan 2024 of type Diplomatic action"
    )
    assert "<b>Event id:</b> IRPK-2024-0129-VISIT" in detail(at)
    assert "<b>Quoted passage</b>" in detail(at)


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"from": "not-a-date"}, "Ignored from='not-a-date'"),
        ({"actor": "Nobody"}, "Ignored actor=Nobody"),
        ({"event": "NO-SUCH-EVENT"}, "Ignored event='NO-SUCH-EVENT'"),
        ({"min_fat": "lots"}, "Ignored min_fat='lots'"),
    ],
)
def test_bad_url_falls_back_with_notice(query, notice):
    at = run(query)
    assert not at.exception
    assert any(notice in plain(w.value) for w in at.sidebar.warning)
    assert len(listed(at)) == min(CURATED_EVENTS, PAGE)


def test_map_component_gets_the_filtered_markers():
    at = run()
    at.sidebar.multiselect(key="f_event_types").set_value(["Explosions/Remote violence"]).run()
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    layer = args["feature_group"]
    assert [e["id"] for e in events_drawn(layer)] == listed(at)
    assert 0 < len(listed(at)) < CURATED_EVENTS
    assert "Iran → Pakistan" in [a["label"] for doc in payloads(layer, "event_layer.js") for a in doc["arrows"]]


@pytest.mark.parametrize(
    "query",
    [
        {"from": "0001-01-01"},
        {"to": "9999-12-31"},
        {"from": "2030-01-01", "to": "2030-02-01"},
        {"from": "0001-01-01", "to": "0001-01-02"},
    ],
)
def test_dates_from_a_link_are_clamped_with_a_notice(query):
    at = run(query)
    assert not at.exception
    assert any("the data runs from" in plain(w.value) for w in at.sidebar.warning)
    assert listed(at)  # something is shown: the dates were moved into the data's range


@pytest.mark.parametrize(
    ("low", "high"),
    [
        (dt.datetime(1990, 1, 1), dt.datetime(2040, 1, 1)),  # past both ends
        (dt.datetime(2024, 1, 29), dt.datetime(2035, 6, 1)),  # past the last day
        (dt.datetime(1900, 1, 1), dt.datetime(1900, 1, 2)),  # wholly before the data
    ],
)
def test_timeline_brush_beyond_the_data_never_crashes(low, high):
    at = run()
    epoch_ms = [int(d.replace(tzinfo=dt.UTC).timestamp() * 1000) for d in (low, high)]
    at.session_state["timeline"] = {"selection": {"date_brush": {"day": epoch_ms}}}
    at.run()
    assert not at.exception
    first, last = at.sidebar.date_input(key="f_dates").value
    assert first <= last


@pytest.mark.parametrize(
    ("name", "value"),
    [("BORDERMAP_DATA_MODE", "bogus"), ("BORDERMAP_MAX_UPLOAD_MB", "abc"), ("BORDERMAP_DATA_DIR", "/no/such/dir")],
)
def test_unusable_setting_is_a_notice_not_a_traceback(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    at = run()
    assert not at.exception
    shown = plain(at.error[0].value)
    assert "settings cannot be used" in shown and name in shown and value in shown


def test_uploader_is_given_the_one_upload_limit(monkeypatch):
    monkeypatch.setenv("BORDERMAP_MAX_UPLOAD_MB", "3")
    at = run()
    assert not at.exception
    uploader = at.get("file_uploader")[0]
    assert uploader.proto.max_upload_size_mb == 3


def test_disputed_strike_shows_both_sides_claims_side_by_side():
    at = run({"event": "IRPK-2024-0118-STRIKE"})
    assert not at.exception
    assert any("Claims, side by side" in m.value for m in at.markdown)
    sides = {c.value for c in at.caption}
    assert {"Iran says", "Pakistan says"} <= sides
    assert "the target is disputed" in detail(at)  # actor2 is a claim, never shown as plain fact


def test_list_shows_one_decimal_and_the_distance_range():
    at = run()
    table = at.dataframe[0].value
    assert {"Km to border", "Km range (area)", "Crossed"} <= set(table.columns)
    assert set(table["Crossed"]) <= {"yes", "no", "possibly"}
    assert table["Km range (area)"].str.match(r"^\d+\.\d–\d+\.\d km$").all()


def test_area_switch_is_on_by_default_and_reaches_the_map():
    at = run({"event": "IRPK-2024-0116-STRIKE"})
    assert at.sidebar.toggle(key="show_areas").value is True
    assert any(doc["areas"] for doc in payloads(map_layer(at), "event_layer.js"))
    at.sidebar.toggle(key="show_areas").set_value(False).run()
    assert not any(doc["areas"] for doc in payloads(map_layer(at), "event_layer.js"))


def map_layer(at: AppTest) -> str:
    return json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]


def test_list_says_unknown_and_ranges_for_fatalities(curated):
    at = run()
    table = at.dataframe[0].value.set_index("Event id")
    assert "None" not in set(table["Fatalities"]) and "<NA>" not in set(table["Fatalities"])
    strike = curated.events.set_index("event_id").loc["IRPK-2024-0118-STRIKE"]
    assert table.loc["IRPK-2024-0118-STRIKE", "Fatalities"] == f"{strike['fatalities_low']}–{strike['fatalities_high']}"
    assert table.loc["IRPK-2024-0117-RECALL", "Fatalities"] == "unknown"


def test_median_distance_is_over_violent_events_only():
    at = run()
    [metric] = [m for m in at.metric if m.label.startswith("Median distance")]
    assert "violent events" in metric.label
    assert float(metric.value.removesuffix(" km").replace(",", "")) < 500  # not the capitals' 1,100 km


def test_a_link_made_with_an_upload_says_it_cannot_carry_it():
    at = run({"upload": "partner-events"})
    assert not at.exception
    assert any("uploaded file" in plain(w.value) and "partner-events" in plain(w.value) for w in at.sidebar.warning)


def test_the_page_legend_lists_only_what_is_in_view():
    at = run()
    at.sidebar.multiselect(key="f_event_types").set_value(["Battles"]).run()
    legend = [h for h in at.get("html") if "page-legend" in h.proto.body]
    assert legend, "the legend is drawn beside the map"
    body = legend[0].proto.body
    assert "Battles" in body and "Diplomatic action" not in body


def test_within_km_filter_reaches_the_sentence_and_the_url():
    at = run({"near": "50"})
    assert not at.exception
    assert sentence(at).endswith("within 50 km of the Iran–Pakistan border.")
    assert at.query_params["near"] in ("50", ["50"])
    assert all(float(km) <= 50 for km in at.dataframe[0].value["Km to border"])


def test_stepping_forward_moves_a_day_and_the_page_follows(curated):
    at = run({"from": "2024-01-16", "to": "2024-01-16"})
    at.sidebar.button(key="step_forward").click().run()
    assert not at.exception
    assert at.sidebar.date_input(key="f_dates").value == (dt.date(2024, 1, 17), dt.date(2024, 1, 17))
    day = curated.events[curated.events["event_date"] == "2024-01-17"]
    assert listed(at) == list(day["event_id"])
    at.sidebar.selectbox(key="play_step").set_value("week").run()
    at.sidebar.button(key="step_forward").click().run()
    assert at.sidebar.date_input(key="f_dates").value == (dt.date(2024, 1, 17), dt.date(2024, 1, 23))


def test_the_list_pages_through_every_event_in_the_chosen_order():
    at = run()
    at.selectbox(key="list_page_size").set_value(10).run()
    at.selectbox(key="list_sort").set_value("date_desc").run()
    pages = listing.page_count(CURATED_EVENTS, 10)
    seen = []
    for number in range(1, pages + 1):
        at.number_input(key="list_page").set_value(number).run()
        assert not at.exception
        seen += listed(at)
    assert len(seen) == len(set(seen)) == CURATED_EVENTS
    dates = pd.to_datetime(RAW.set_index("event_id").loc[seen, "event_date"])
    assert dates.is_monotonic_decreasing
    assert f"of {CURATED_EVENTS} (page {pages} of {pages})" in " ".join(c.value for c in at.caption)


def test_a_selection_brings_its_page_into_view():
    at = run()
    at.selectbox(key="list_page_size").set_value(10).run()
    last = RAW.assign(day=pd.to_datetime(RAW["event_date"])).sort_values("day", kind="stable")["event_id"].iloc[-1]
    assert last not in listed(at)
    at.session_state["selected_id"] = last
    at.run()
    assert last in listed(at)
    assert at.number_input(key="list_page").value == listing.page_count(CURATED_EVENTS, 10)


def test_a_clicked_grid_cell_is_summed_up_beside_the_map(curated):
    from dashboard.aggregate import grid_cell

    strike = curated.events.set_index("event_id").loc["IRPK-2024-0116-STRIKE"]
    ix, iy = grid_cell(strike["latitude"], strike["longitude"], 5)
    at = run()
    at.session_state["selected_cell"] = (5, int(ix), int(iy))
    at.run()
    assert not at.exception
    summary = next(h.proto.body for h in at.get("html") if "cell-detail" in h.proto.body)
    assert "<b>Events:</b>" in summary and "<b>Mostly:</b>" in summary
    assert any("Selected grid cell" in m.value for m in at.markdown)
