import re

import pytest

from dashboard import mapview, style
from dashboard.filters import FilterSpec, apply


def rendered(m):
    return m.get_root().render()


@pytest.fixture(scope="module")
def full_html(curated):
    return rendered(mapview.build_map(curated.events, curated.geometry))


def test_one_marker_per_event(curated, full_html):
    assert full_html.count('"className": "event-marker"') == len(curated.events)
    for event_id in curated.events["event_id"]:
        assert event_id in full_html


def test_borders_and_provinces_always_drawn(full_html):
    assert style.BORDER_COLOUR in full_html
    assert "Balochistan" in full_html and "Sistan and Baluchestan" in full_html
    assert "Afghanistan" in full_html


def test_no_tiles_by_default(full_html):
    assert "tileLayer" not in full_html


@pytest.mark.parametrize("basemap", ["street", "satellite", "light"])
def test_basemap_adds_tiles_and_borders_still_draw(curated, basemap):
    html = rendered(mapview.build_map(curated.events.head(2), curated.geometry, basemap=basemap))
    assert "tileLayer" in html
    assert style.BORDER_COLOUR in html


def test_unknown_basemap_is_refused(curated):
    with pytest.raises(ValueError, match="unknown basemap 'moon'"):
        mapview.build_base_map(curated.geometry, "moon")


def test_own_tile_server_from_setting(curated, monkeypatch):
    monkeypatch.setenv("BORDERMAP_TILE_URL", "http://tiles.example.internal/{z}/{x}/{y}.png")
    assert "own" in mapview.basemap_choices()
    html = rendered(mapview.build_base_map(curated.geometry, "own"))
    assert "tiles.example.internal" in html


def test_offline_setting_puts_none_first(monkeypatch):
    monkeypatch.setenv("BORDERMAP_OFFLINE", "true")
    assert mapview.basemap_choices()[0] == "none"
    monkeypatch.setenv("BORDERMAP_OFFLINE", "false")
    assert mapview.basemap_choices()[-1] == "none"


def test_cross_border_strikes_get_arrows(curated):
    strikes = apply(curated.events, FilterSpec(event_types=("Explosions/Remote violence",)))
    html = rendered(mapview.build_map(strikes, curated.geometry))
    assert html.count("Iran → Pakistan") == 1
    assert html.count("Pakistan → Iran") == 1


def test_legend_lists_actors_types_and_border(curated, full_html):
    for text in ("Military Forces of Iran", "Diplomatic action", "Iran–Pakistan border", "Cross-border strike"):
        assert text in full_html


def test_selected_event_is_ringed(curated):
    html = rendered(mapview.build_map(curated.events, curated.geometry, selected_id="IRPK-2024-0118-STRIKE"))
    assert html.count("selected-ring") == 1
    assert "selected-ring" not in rendered(mapview.build_map(curated.events, curated.geometry))


def test_tooltip_carries_id_date_type_actors(curated):
    event = curated.events.set_index("event_id").loc["IRPK-2024-0116-STRIKE"]
    event["event_id"] = "IRPK-2024-0116-STRIKE"
    text = mapview.tooltip_text(event)
    assert text.startswith("IRPK-2024-0116-STRIKE · 16 Jan 2024 · Explosions/Remote violence")
    assert mapview.event_id_from_tooltip(text) == "IRPK-2024-0116-STRIKE"
    assert mapview.event_id_from_tooltip(None) is None


def test_events_at_one_place_fan_out(curated):
    islamabad = curated.events[curated.events["location"].str.startswith("Islamabad")]
    assert len(islamabad) > 3
    offsets = mapview._stack_offsets(islamabad)
    assert len(set(offsets)) == len(islamabad)


def test_hostile_text_stays_text(curated):
    event = curated.events.iloc[[0]].copy()
    event["notes"] = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
    event["actor1"] = "<b>bold</b>"
    html = rendered(mapview.build_map(event, curated.geometry))
    assert "<script>alert(1)" not in html
    assert not re.search(r"<img src=x", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_empty_selection_draws_borders_only(curated):
    html = rendered(mapview.build_map(curated.events.iloc[0:0], curated.geometry))
    assert "event-marker" not in html
    assert style.BORDER_COLOUR in html


def test_popup_has_full_record(curated):
    event = curated.events.iloc[0]
    popup = mapview.popup_html(event)
    for field in ("Date", "Place precision", "Distance to border", "Quoted passage"):
        assert field in popup
    assert popup.startswith("<table") and popup.count("<tr>") >= 10
