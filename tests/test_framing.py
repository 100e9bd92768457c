"""Where the live map looks (``dashboard/framing.py``): border events framed, capitals listed apart."""

from __future__ import annotations

import datetime as dt

from dashboard import framing
from dashboard.filters import CRISIS_END, CRISIS_START, FilterSpec, apply

REGION = ((28.0, 63.6), 6)


def test_the_crisis_is_framed_on_the_border_not_on_the_capitals(curated):
    crisis = apply(curated.events, FilterSpec(start=CRISIS_START, end=CRISIS_END))
    (lat, lon), zoom = framing.frame(crisis, 900, 600, REGION)
    near = crisis[framing.near_border(crisis)]
    assert len(near) and len(near) < len(crisis)  # both kinds are in the crisis
    assert near["latitude"].between(lat - 10, lat + 10).all()
    assert 60 <= lon <= 66  # the border, not halfway to Islamabad
    assert zoom >= 6
    far = dict(framing.far_places(crisis))
    assert far
    assert sum(far.values()) == len(crisis) - len(near)
    assert "Islamabad" in far


def test_only_far_events_are_framed_as_they_are(curated):
    capitals = curated.events[~framing.near_border(curated.events)]
    (_, lon), _ = framing.frame(capitals, 900, 600, REGION)
    assert capitals["longitude"].min() - 1 <= lon <= capitals["longitude"].max() + 1


def test_nothing_to_frame_keeps_the_default(curated):
    none = apply(curated.events, FilterSpec(start=dt.date(2019, 6, 1), end=dt.date(2019, 6, 2)))
    assert framing.frame(none, 900, 600, REGION) == REGION


def test_zoom_to_fit_is_the_largest_that_fits():
    assert framing.zoom_to_fit((25.0, 60.0, 30.0, 66.0), 900, 600) == 7  # 546 x 562 px at zoom 7
    assert framing.zoom_to_fit((27.0, 62.0, 27.2, 62.2), 900, 600) == framing.MAX_ZOOM
    assert framing.zoom_to_fit((-60.0, -170.0, 70.0, 170.0), 900, 600) == framing.MIN_ZOOM
