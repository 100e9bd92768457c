"""The browser's memory over many filter changes: the map's replaced layers are let go.

streamlit-folium keeps every feature group it has drawn in ``window.feature_group``
and only takes the old ones off the map (its issue 247); the page's layer carries
``dashboard/js/replaced_layers.js``, which drops them from that list. Fifty filter
changes (the crisis preset, all dates, an actor, a typed date range, in turn, as
``benchmarks/bench_memory.py`` makes them) must leave the JavaScript heap, measured
after a forced garbage collection, at most 50 MB larger. The heap measured is the
page's, which holds the map's iframe (checked here, so a map in a process of its
own could not go unmeasured).
"""

from __future__ import annotations

import pytest
from browser_page import Page, running_app

pytestmark = pytest.mark.browser

GROWTH_LIMIT_MB = 50
PROBE_MB = 30  # a plain array of 4 million doubles, made in the map's iframe


@pytest.fixture(scope="module")
def steady_app(chromium):
    """The page on the bundled events, running the code it started with for all fifty changes."""
    from benchmarks.bench_memory import FIXED_CODE

    with running_app(FIXED_CODE) as url:
        yield url


def test_the_heap_measured_holds_the_maps_iframe(chromium, steady_app, request):
    from benchmarks.bench_memory import js_heap_mb

    tab = Page(chromium, steady_app, request.node.name)
    try:
        before = js_heap_mb(tab.page)
        tab.map.evaluate("() => { window.__probe = new Array(4e6).fill(1.5); }")
        during = js_heap_mb(tab.page)
        tab.map.evaluate("() => { delete window.__probe; }")
        assert during - before >= PROBE_MB
    finally:
        tab.page.close()


def test_fifty_filter_changes_grow_the_heap_by_at_most_50_mb(chromium, steady_app, request):
    from benchmarks.bench_memory import CHANGES, js_heap_mb, make_changes, map_layers

    tab = Page(chromium, steady_app, request.node.name)
    try:
        start = js_heap_mb(tab.page)
        make_changes(tab.page, CHANGES)
        growth = js_heap_mb(tab.page) - start
        tab.shot("01-after-fifty-changes")
        # streamlit-folium lists only the layer on the map, not the fifty it replaced.
        assert map_layers(tab.page)["kept_groups"] == 1
        assert growth <= GROWTH_LIMIT_MB, f"the JavaScript heap grew by {growth:.1f} MB over {CHANGES} changes"
        assert tab.errors == []
        assert tab.page.get_by_test_id("stException").count() == 0
    finally:
        tab.page.close()
