import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.filters import FilterSpec, apply, clamp_dates, describe, from_query, options, to_query

D = dt.date


def ids(frame):
    return sorted(frame["event_id"])


STATE = ("state force", "government")


def involves_pakistan_state(e):
    return any(e[f"{c}_side"] == "Pakistan" and e[f"{c}_kind"] in STATE for c in ("actor1", "actor2"))


# Each case: the filter, what every event it keeps must satisfy (and every event it drops must not),
# and events it must keep. The predicate is read from the data, so correcting the data never edits this.
@pytest.mark.parametrize(
    ("spec", "holds", "includes"),
    [
        (
            FilterSpec(start=D(2024, 1, 18), end=D(2024, 1, 18), actors=("Pakistan",)),
            lambda e: e["event_date"] == dt.datetime(2024, 1, 18) and involves_pakistan_state(e),
            ["IRPK-2024-0118-STRIKE"],
        ),
        (
            FilterSpec(start=D(2024, 1, 16), end=D(2024, 1, 16)),
            lambda e: e["event_date"] == dt.datetime(2024, 1, 16),
            ["IRPK-2024-0116-STRIKE"],
        ),
        (
            FilterSpec(actors=("Jaish al-Adl",)),
            lambda e: "Jaish al-Adl" in (e["actor1"], e["actor2"]),
            ["IRPK-2018-1016-ABDUCTION", "IRPK-2018-1115-RELEASE", "IRPK-2024-0116-STRIKE"],
        ),
        (
            FilterSpec(provinces=("Sistan and Baluchestan",), min_fatalities=1),
            lambda e: e["admin1_geo"] == "Sistan and Baluchestan" and (e["fatalities"] or 0) >= 1,
            ["IRPK-2018-1206-CHABAHAR", "IRPK-2024-0118-STRIKE"],
        ),
        (
            FilterSpec(text="koh-i-sabz"),
            lambda e: "koh-i-sabz" in (e["location"] + " " + e["notes"]).casefold(),
            ["IRPK-2024-0116-STRIKE"],
        ),
        (
            FilterSpec(text="SARAVAN", event_types=("Explosions/Remote violence",)),
            lambda e: (
                "saravan" in (e["location"] + " " + e["notes"]).casefold()
                and e["event_type"] == "Explosions/Remote violence"
            ),
            ["IRPK-2024-0118-STRIKE"],
        ),
        (
            FilterSpec(end=D(2018, 12, 31), countries=("Pakistan",)),
            lambda e: e["event_date"] <= dt.datetime(2018, 12, 31) and e["country_geo"] == "Pakistan",
            ["IRPK-2018-1115-RELEASE"],
        ),
    ],
)
def test_apply(curated, spec, holds, includes):
    kept = set(apply(curated.events, spec)["event_id"])
    expected = {e["event_id"] for e in curated.events.fillna({"fatalities": 0}).to_dict("records") if holds(e)}
    assert kept == expected
    assert set(includes) <= kept


def test_state_actor_matches_either_side(curated):
    iran = set(apply(curated.events, FilterSpec(actors=("Iran",)))["event_id"])
    assert "IRPK-2024-0116-STRIKE" in iran  # actor1 Military Forces of Iran
    assert "IRPK-2024-0126-AMB-PK" in iran  # actor2 Government of Iran
    assert "IRPK-2018-1206-CHABAHAR" in iran  # actor2 Police Forces of Iran
    assert "IRPK-2023-0401-BORDER" not in iran  # an unidentified group from Iran is not a state actor


def test_precise_only_hides_vague_records(curated):
    shown = apply(curated.events, FilterSpec(precise_only=True))
    assert "IRPK-2018-1115-RELEASE" not in set(shown["event_id"])  # province only
    assert (shown["date_precision"] == "day").all()
    assert (shown["geo_precision"] <= 2).all()
    vague = curated.events[(curated.events["date_precision"] != "day") | (curated.events["geo_precision"] == 3)]
    assert not set(vague["event_id"]) & set(shown["event_id"])


@pytest.mark.parametrize(
    ("start", "end", "expected", "notices"),
    [
        (D(2024, 1, 16), D(2024, 1, 29), (D(2024, 1, 16), D(2024, 1, 29)), 0),
        (D(1, 1, 1), None, (D(2018, 1, 1), None), 1),
        (D(2030, 1, 1), D(2030, 2, 1), (D(2024, 12, 31), D(2024, 12, 31)), 2),
        (D(1, 1, 1), D(9999, 12, 31), (D(2018, 1, 1), D(2024, 12, 31)), 2),
        (None, None, (None, None), 0),
    ],
)
def test_clamp_dates_to_the_data(start, end, expected, notices):
    spec, said = clamp_dates(FilterSpec(start=start, end=end, actors=("Iran",)), D(2018, 1, 1), D(2024, 12, 31))
    assert (spec.start, spec.end, spec.actors) == (*expected, ("Iran",))
    assert len(said) == notices
    assert all("the data runs from 2018-01-01 to 2024-12-31" in n for n in said)


@pytest.mark.parametrize(
    ("spec", "sentence"),
    [
        (FilterSpec(), "18 events at any date."),
        (
            FilterSpec(start=D(2024, 1, 18), end=D(2024, 1, 18), actors=("Pakistan",)),
            "18 events on 18 Jan 2024 involving Pakistan (any state actor).",
        ),
        (
            FilterSpec(start=D(2024, 1, 16), end=D(2024, 1, 29), event_types=("Battles", "Diplomatic action")),
            "18 events from 16 Jan 2024 to 29 Jan 2024 of type Battles or Diplomatic action.",
        ),
        (
            FilterSpec(min_fatalities=1, text="border", precise_only=True),
            '18 events at any date with at least 1 fatality mentioning "border" with a precise date and place.',
        ),
    ],
)
def test_describe(spec, sentence):
    assert describe(spec, 18) == sentence


def test_describe_counts_one():
    assert describe(FilterSpec(), 1).startswith("1 event ")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": D(2024, 2, 1), "end": D(2024, 1, 1)}, "after end date"),
        ({"min_fatalities": -1}, "below 0"),
    ],
)
def test_spec_refuses_nonsense(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FilterSpec(**kwargs)


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"from": "yesterday"}, "Ignored from='yesterday'"),
        ({"to": "2024-02-30"}, "Ignored to='2024-02-30'"),
        ({"min_fat": "-3"}, "Ignored min_fat='-3'"),
        ({"precise": "perhaps"}, "Ignored precise='perhaps'"),
        ({"from": "2024-02-01", "to": "2024-01-01"}, "start is after the end"),
    ],
)
def test_bad_url_values_fall_back_with_notice(query, notice):
    spec, notices = from_query(query)
    assert spec == FilterSpec()
    assert len(notices) == 1
    assert notice in notices[0]


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s
)
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 1, 1))


@st.composite
def specs(draw):
    start, end = sorted([draw(dates), draw(dates)])
    return FilterSpec(
        start=draw(st.none() | st.just(start)),
        end=draw(st.none() | st.just(end)),
        actors=tuple(draw(st.lists(names, max_size=3))),
        event_types=tuple(draw(st.lists(names, max_size=2))),
        provinces=tuple(draw(st.lists(names, max_size=2))),
        min_fatalities=draw(st.integers(0, 1000)),
        text=draw(st.text(max_size=20)).strip(),
        precise_only=draw(st.booleans()),
    )


@given(specs())
@settings(max_examples=200, deadline=None)
def test_url_round_trip(spec):
    back, notices = from_query(to_query(spec))
    assert notices == []
    assert back == spec


@given(specs())
@settings(max_examples=100, deadline=None)
def test_filters_never_add_rows(curated, spec):
    shown = apply(curated.events, spec)
    assert set(shown["event_id"]) <= set(curated.events["event_id"])
    assert len(shown) <= len(curated.events)


def test_options_offer_states_first(curated):
    offered = options(curated.events)
    assert offered["actors"][:2] == ["Iran", "Pakistan"]
    assert "Sistan and Baluchestan" in offered["provinces"]


def test_timeline_brush_gives_dates():
    from dashboard.timeline import brushed_dates

    # Altair reports the brushed interval in epoch milliseconds, either way round.
    selection = {"selection": {"date_brush": {"day": [1705536000000, 1705363200000]}}}
    assert brushed_dates(selection) == (D(2024, 1, 16), D(2024, 1, 18))
    assert brushed_dates({"selection": {}}) is None
    assert brushed_dates(None) is None


def test_within_km_of_the_border_filters_sentence_and_url(curated):
    spec = FilterSpec(within_km=50)
    kept = apply(curated.events, spec)
    assert len(kept) > 0
    assert (kept["distance_to_border_km"] <= 50).all()
    dropped = curated.events[~curated.events["event_id"].isin(kept["event_id"])]
    assert (dropped["distance_to_border_km"] > 50).all()
    assert describe(spec, len(kept)).endswith("within 50 km of the Iran–Pakistan border.")
    assert to_query(spec) == {"near": "50"}
    assert from_query({"near": "50"}) == (spec, [])
    again, notices = from_query({"near": "-3"})
    assert again.within_km is None and "near='-3'" in notices[0]


def test_within_km_is_checked():
    with pytest.raises(ValueError, match="distance to the border"):
        FilterSpec(within_km=-1)


@pytest.mark.parametrize(
    ("start", "end", "step", "direction", "expected"),
    [
        (D(2024, 1, 16), D(2024, 1, 29), "day", 1, (D(2024, 1, 16), D(2024, 1, 16))),  # a range becomes its first day
        (D(2024, 1, 16), D(2024, 1, 16), "day", 1, (D(2024, 1, 17), D(2024, 1, 17))),
        (D(2024, 1, 16), D(2024, 1, 16), "day", -1, (D(2024, 1, 15), D(2024, 1, 15))),
        (D(2024, 1, 16), D(2024, 1, 22), "week", 1, (D(2024, 1, 23), D(2024, 1, 29))),
        (D(2024, 1, 16), D(2024, 1, 29), "week", -1, (D(2024, 1, 23), D(2024, 1, 29))),  # the week ending it
        (D(2024, 1, 29), D(2024, 1, 29), "day", 1, (D(2024, 1, 29), D(2024, 1, 29))),  # the last day stays
        (D(2018, 10, 16), D(2018, 10, 16), "day", -1, (D(2018, 10, 16), D(2018, 10, 16))),  # so does the first
    ],
)
def test_step_window(start, end, step, direction, expected):
    from dashboard.filters import step_window

    assert step_window(start, end, step, direction, D(2018, 10, 16), D(2024, 1, 29)) == expected
