import numpy as np
import pandas as pd
import pytest

from dashboard import listing


def events(n: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    days = pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 30, n), unit="D")
    fatalities = pd.array(rng.integers(0, 9, n), dtype="Int64")
    if n > 1:
        fatalities[1] = pd.NA
    return pd.DataFrame(
        {
            "event_id": [f"E{i}" for i in range(n)],
            "event_date": days,
            "fatalities": fatalities,
            "distance_to_border_km": rng.uniform(0, 900, n),
        }
    )


@pytest.mark.parametrize("sort", list(listing.SORTS))
def test_every_sort_orders_all_events_by_its_column(sort):
    data = events(50)
    order = listing.sort_order(data, sort)
    assert sorted(order.tolist()) == list(range(len(data)))
    _, column, ascending = listing.SORTS[sort]
    known = data[column].iloc[order].dropna()
    assert known.is_monotonic_increasing if ascending else known.is_monotonic_decreasing


def test_unknown_fatalities_go_last_both_ways():
    data = events()
    assert data["event_id"].iloc[listing.sort_order(data, "fatalities")[-1]] == "E1"


def test_ties_keep_the_data_order():
    data = events(4).assign(event_date=pd.Timestamp("2024-01-16"))
    assert listing.sort_order(data, "date").tolist() == [0, 1, 2, 3]
    assert listing.sort_order(data, "date_desc").tolist() == [0, 1, 2, 3]


def test_unknown_sort_is_named():
    with pytest.raises(ValueError, match="'colour'"):
        listing.sort_order(events(), "colour")


def test_pages_cover_every_event_once():
    data = events(37)
    order = listing.sort_order(data, "date")
    pages = [listing.page(data, order, n, 15) for n in range(1, listing.page_count(len(data), 15) + 1)]
    ids = [i for p in pages for i in p.rows["event_id"]]
    assert ids == data["event_id"].iloc[order].tolist()
    assert [len(p.rows) for p in pages] == [15, 15, len(data) - 30]
    assert pages[-1].caption == f"Rows 31–{len(data)} of {len(data)} (page 3 of 3)"


def test_page_number_is_clamped():
    data = events(20)
    order = listing.sort_order(data, "date")
    assert listing.page(data, order, 99, 15).number == 2
    assert listing.page(data, order, 0, 15).number == 1


def test_the_selected_event_is_on_the_page_found_for_it():
    data = events(40)
    order = listing.sort_order(data, "distance")
    for event_id in data["event_id"]:
        number = listing.page_of(data, order, event_id, 15)
        assert event_id in set(listing.page(data, order, number, 15).rows["event_id"])
    assert listing.page_of(data, order, "missing", 15) is None
    assert listing.page_of(data, order, None, 15) is None


def test_an_empty_list_says_so():
    empty = events(0)
    current = listing.page(empty, listing.sort_order(empty, "date"), 1, 15)
    assert current.rows.empty
    assert current.caption == "No events match the filter."
