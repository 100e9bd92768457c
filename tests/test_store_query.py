"""Filters pushed down to SQL keep exactly the events ``filters.apply`` keeps, on both backends."""

import datetime as dt

import pytest

from dashboard import filters, store_query
from dashboard.borders import join_events
from dashboard.store import Store

SPECS = [
    filters.FilterSpec(),
    filters.FilterSpec(start=dt.date(2020, 1, 1), end=dt.date(2021, 6, 30)),
    filters.FilterSpec(actors=("Jaish al-Adl",)),
    filters.FilterSpec(actors=("Iran",)),  # a state: its state forces and government
    filters.FilterSpec(actors=("Pakistan", "Militia group 03")),
    filters.FilterSpec(event_types=("Battles",), min_fatalities=2),
    filters.FilterSpec(countries=("Pakistan",), provinces=("Balochistan",)),
    filters.FilterSpec(within_km=25),
    filters.FilterSpec(precise_only=True, text="SYNTHETIC place"),
    filters.FilterSpec(text="100%_\\"),  # LIKE's wildcards are literal text: not "1000x"
    filters.FilterSpec(text="zāhedān"),  # Python's casefold, which SQLite's lower() does not do
    filters.FilterSpec(area=((27.0, 61.0), (29.0, 61.5), (28.0, 64.0), (26.0, 63.0))),
    filters.FilterSpec(
        start=dt.date(2019, 1, 1), actors=("Iran",), within_km=100, area=((25.0, 60.0), (30.0, 60.0), (30.0, 66.0))
    ),
]


@pytest.fixture
def synthetic_store(store_url, geometry):
    from benchmarks.bench_scale import synthetic_events

    store = Store(store_url)
    store.init()
    events = synthetic_events(3000, seed=11)
    notes = events["notes"].to_numpy(copy=True).astype(object)
    notes[:3] = ["Rate 100%_\\ here", "Rate 1000x here", "Near ZĀHEDĀN"]
    joined = join_events(events.assign(notes=notes), geometry)
    store.load(joined, by="t", reason="query check")
    yield store, store.dataset().events
    store.engine.dispose()


@pytest.mark.parametrize("spec", SPECS, ids=[filters.describe(s) for s in SPECS])
def test_sql_keeps_what_the_page_keeps(synthetic_store, spec):
    store, events = synthetic_store
    expected = sorted(filters.apply(events, spec)["event_id"])
    assert expected  # the check means something only where events pass
    assert store_query.event_ids(store, spec) == expected
    assert store_query.count(store, spec) == len(expected)


def test_a_bounding_box_is_pushed_down(synthetic_store):
    store, events = synthetic_store
    box = (26.0, 61.0, 28.0, 63.5)
    inside = events[events["latitude"].between(box[0], box[2]) & events["longitude"].between(box[1], box[3])]
    assert store_query.event_ids(store, filters.FilterSpec(), box) == sorted(inside["event_id"])


def test_retracted_events_never_pass(loaded_store, curated):
    gone = curated.events.iloc[0]["event_id"]
    loaded_store.retract(gone, "withdrawn", "alice")
    assert gone not in store_query.event_ids(loaded_store, filters.FilterSpec())
