import pytest
from map_payload import events_drawn, payloads

from dashboard import mapview, style
from dashboard.filters import FilterSpec, apply


def rendered(m):
    return m.get_root().render()


@pytest.fixture(scope="module")
def full_html(curated):
    return rendered(mapview.build_map(curated.events, curated.geometry))


def test_one_marker_per_event(curated, full_html):
    assert [e["id"] for e in events_drawn(full_html)] == list(curated.events["event_id"])


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
    labels = sorted(a["label"] for doc in payloads(html, "event_layer.js") for a in doc["arrows"])
    assert labels == ["Iran → Pakistan", "Pakistan → Iran"]


def test_legend_lists_actors_types_and_border(curated, full_html):
    for text in ("Military Forces of Iran", "Diplomatic action", "Iran–Pakistan border", "Cross-border strike"):
        assert text in full_html


def test_selected_event_is_ringed(curated):
    html = rendered(mapview.build_map(curated.events, curated.geometry, selected_id="IRPK-2024-0118-STRIKE"))
    assert [doc["selected"] for doc in payloads(html, "event_layer.js")] == ["IRPK-2024-0118-STRIKE"]
    html = rendered(mapview.build_map(curated.events, curated.geometry))
    assert [doc["selected"] for doc in payloads(html, "event_layer.js")] == [None]


def test_tooltip_carries_id_date_type_actors(curated):
    event = curated.events.set_index("event_id").loc["IRPK-2024-0116-STRIKE"]
    event["event_id"] = "IRPK-2024-0116-STRIKE"
    text = mapview.tooltip_text(event)
    assert text.startswith("IRPK-2024-0116-STRIKE · 16 Jan 2024 · Explosions/Remote violence")
    assert mapview.event_id_from_tooltip(text) == "IRPK-2024-0116-STRIKE"
    assert mapview.event_id_from_tooltip(None) is None


@pytest.mark.parametrize(
    ("tooltip", "known", "expected"),
    [
        ("A · 1 Jan 2024 · Battles · X", {"A", "B"}, "A"),
        ("A · B · 1 Jan 2024 · Battles · X", {"A", "A · B"}, "A · B"),  # an id holding the separator
        ("C · 1 Jan 2024 · Battles · X", {"A"}, None),
        ("", {"A"}, None),
    ],
)
def test_event_id_from_tooltip_with_known_ids(tooltip, known, expected):
    assert mapview.event_id_from_tooltip(tooltip, known) == expected


def test_events_at_one_place_fan_out(curated):
    islamabad = curated.events[curated.events["location"].str.startswith("Islamabad")]
    assert len(islamabad) > 3
    offsets = mapview._stack_offsets(islamabad)
    assert len(set(offsets)) == len(islamabad)


HOSTILE = "{{ 'pwn' ~ 'ed' }} ${alert(1)} `x` C:\\users\\xfile </script><img src=x onerror=alert(1)>"


def test_hostile_text_travels_as_data(curated):
    event = curated.events.iloc[[0]].copy()
    for column in ("notes", "actor1", "location", "event_id"):
        event[column] = HOSTILE
    html = rendered(mapview.build_map(event, curated.geometry))
    assert "pwned" not in html and "</script><img" not in html and "${alert" not in html
    (drawn,) = events_drawn(html)
    assert drawn["id"] == HOSTILE
    assert drawn["tooltip"].startswith(HOSTILE)
    assert ("Notes", HOSTILE) in [tuple(row) for row in drawn["popup"]]


def test_legend_and_title_escape_and_never_template(curated):
    html = rendered(mapview.build_map(curated.events.head(1).assign(actor1=HOSTILE), curated.geometry))
    assert "pwned" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    title = mapview.title_element("T", HOSTILE).render()
    assert "pwned" not in title and "&#123;&#123;" in title


def test_empty_selection_draws_borders_only(curated):
    html = rendered(mapview.build_map(curated.events.iloc[0:0], curated.geometry))
    assert events_drawn(html) == []
    assert style.BORDER_COLOUR in html


def test_popup_has_full_record(curated):
    (drawn,) = mapview.event_layer_data(curated.events.iloc[[0]], {})["events"]
    labels = [label for label, _ in drawn["popup"]]
    for field in ("Date", "Place precision", "Distance to border", "Quoted passage"):
        assert field in labels
    assert len(labels) >= 10


def test_own_basemap_without_a_tile_server_is_refused(curated, monkeypatch):
    monkeypatch.delenv("BORDERMAP_TILE_URL", raising=False)
    with pytest.raises(ValueError, match="BORDERMAP_TILE_URL"):
        mapview.build_base_map(curated.geometry, "own")


def test_place_labels_name_the_crisis_towns_early_and_others_by_size():
    from dashboard.config import REPO_ROOT
    from dashboard.towns import TOWNS

    places = mapview.place_labels_data(str(REPO_ROOT / "data" / "gazetteer" / "places.csv"))["places"]
    zoom = {p["name"]: p["min_zoom"] for p in places}
    for town in TOWNS:
        assert zoom[town.name] <= mapview.CRISIS_TOWN_ZOOM, town.name
    assert zoom["Karachi"] <= 4  # a city of millions shows first
    assert [p["min_zoom"] for p in places] == sorted(p["min_zoom"] for p in places)


def test_the_live_map_and_the_pictures_fan_a_group_the_same_way(curated):
    """One placement (style.fan_offsets): the same order round the circle, the screen's y pointing down."""
    import numpy as np

    from dashboard.exporters.static_map import fan_offsets

    islamabad = curated.events[curated.events["location"].str.startswith("Islamabad")]
    live = np.array(mapview._stack_offsets(islamabad))
    px, py = fan_offsets(islamabad)
    live_angles = np.arctan2(-live[:, 1], live[:, 0])
    picture_angles = np.arctan2(py, px)
    assert np.allclose(np.cos(live_angles - picture_angles), 1, atol=1e-3)
