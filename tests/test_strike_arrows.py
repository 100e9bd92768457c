"""Strike arrows in the static map: no two heads overlap, each head still points at its site, and the
origin side is named. Heads are measured as matplotlib drew them (the filled part of each
FancyArrowPatch, in display units after a draw), never from the module's own bookkeeping.

Crafted crossings are copies of the 16 January 2024 strike moved a few km; the bundled data is drawn
as the pack and the plain export draw it.
"""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from dashboard import filters, pack, views
from dashboard.config import REPO_ROOT
from dashboard.exporters import map_frame, png_export, static_map
from dashboard.style import actor_colours

STORY = REPO_ROOT / "data" / "views" / "crisis-2024.json"
WHEN = dt.datetime(2024, 2, 1, 12, 0, tzinfo=dt.UTC)
STRIKE = "IRPK-2024-0116-STRIKE"
GAP_PT = 2.0  # heads closer than this read as one shape: the tests count it as an overlap
AT_SITE_PT = 10.0  # a head this close to its site is at it (the tip stops short of the marker)
REACH_PT = 60.0  # a head farther from its site than this no longer clearly points at it
BUNDLE_PT = 25.0  # sites this close may share one arrow (drawn once, with a count)
KM = 1 / 111.0  # about a kilometre in degrees of latitude (and of longitude at 27° N, within 12%)


# --- Measuring what was drawn ------------------------------------------------------------------


def strike_heads(ax) -> list[tuple[Bbox, np.ndarray, np.ndarray]]:
    """Every filled arrowhead on ``ax`` after a draw: its box, its tip and the way it points, in
    display units. The head is the filled path matplotlib splits off the arrow's line
    (``FancyArrowPatch._get_path_in_displaycoord``), whether the arrow is one patch or an
    annotation's arrow. Maps here are drawn without the north arrow, the only other filled head."""
    ax.figure.canvas.draw()
    patches = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    patches += [t.arrow_patch for t in ax.texts if isinstance(t, Annotation) and t.arrow_patch is not None]
    heads = []
    for patch in patches:
        if not patch.get_visible():
            continue
        paths, fills = patch._get_path_in_displaycoord()
        if not np.iterable(fills):
            paths, fills = [paths], [fills]
        for path, filled in zip(paths, fills, strict=True):
            if filled:
                corner_a, tip, corner_b = path.vertices[:3]
                heads.append((path.get_extents(), tip, tip - (corner_a + corner_b) / 2))
    return heads


def origin_names(ax) -> list[tuple[str, Bbox]]:
    """Every "from <country>" drawn on ``ax``, with its box (padding included), after a draw."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    found = []
    for text in ax.texts:
        if text.get_text().startswith("from ") and text.get_visible():
            patch = text.get_bbox_patch()
            box = Bbox.union(
                [text.get_window_extent(renderer), *([patch.get_window_extent(renderer)] if patch else [])]
            )
            found.append((text.get_text(), box))
    return found


def grown(box: Bbox, points: float, ax) -> Bbox:
    pixels = points * ax.figure.dpi / 72
    return Bbox.from_extents(box.x0 - pixels, box.y0 - pixels, box.x1 + pixels, box.y1 + pixels)


def overlapping_pairs(boxes: list[Bbox]) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]


def sites_in_display(ax, crossing: pd.DataFrame) -> np.ndarray:
    x, y = map_frame.project(crossing["longitude"], crossing["latitude"])
    return ax.transData.transform(np.column_stack([x, y]))


def pointed_at(head: tuple, site: np.ndarray, ax) -> bool:
    """The head lies on the way to ``site``, pointing at it, and not far off (a pulled-back head included)."""
    _, tip, way = head
    to_site = site - tip
    distance_pt = np.hypot(*to_site) * 72 / ax.figure.dpi
    if not 0 < distance_pt <= REACH_PT:
        return False
    cosine = np.dot(way, to_site) / (np.hypot(*way) * np.hypot(*to_site))
    return cosine >= np.cos(np.radians(8))


def check_arrows(ax, crossing: pd.DataFrame) -> list:
    """No two heads within ``GAP_PT``; every head points at a crossing's site; every crossing in view is
    pointed at (or lies near a site that is, its arrow drawn once with a count)."""
    heads = strike_heads(ax)
    boxes = [grown(box, GAP_PT / 2, ax) for box, _, _ in heads]
    assert not overlapping_pairs(boxes), f"arrowheads overlap: {[(b.bounds) for b, _, _ in heads]}"
    sites = sites_in_display(ax, crossing)
    for head in heads:
        assert any(pointed_at(head, site, ax) for site in sites), f"a head points at no site: {head}"
    merge_px = BUNDLE_PT * ax.figure.dpi / 72
    targets = [site for site in sites if any(pointed_at(h, site, ax) for h in heads)]
    inside = ax.get_window_extent()
    for site in sites:
        if inside.contains(*site):
            assert any(np.hypot(*(site - t)) <= merge_px for t in targets), f"no arrow points at {site}"
    return heads


def check_origin_names(ax, heads: list) -> list[tuple[str, Bbox]]:
    """The "from <country>" names overlap no head and no other name."""
    names = origin_names(ax)
    boxes = [box for _, box in names]
    assert not overlapping_pairs(boxes), f"origin names overlap: {[(t, b.bounds) for t, b in names]}"
    assert not any(box.overlaps(head[0]) for box in boxes for head in heads), "an origin name covers a head"
    return names


# --- Crafted crossings a few km apart ----------------------------------------------------------


def moved(row: pd.Series, event_id: str, north_km: float = 0.0, east_km: float = 0.0, **changes) -> pd.Series:
    copy = row.copy()
    copy["event_id"] = event_id
    copy["latitude"] = row["latitude"] + north_km * KM
    copy["longitude"] = row["longitude"] + east_km * KM / np.cos(np.radians(row["latitude"]))
    for column, value in changes.items():
        copy[column] = value
    return copy


def crafted(curated, case: str) -> pd.DataFrame:
    strike = curated.events.set_index("event_id", drop=False).loc[STRIKE]
    rows = {
        # One origin, three targets about 3 km apart: three arrows would run on top of each other.
        "three targets 3 km apart, one origin": [
            moved(strike, "A"),
            moved(strike, "B", north_km=3),
            moved(strike, "C", east_km=3),
        ],
        # Three targets about 3 km apart struck from three points 40 km apart: the heads converge.
        "three targets 3 km apart, three origins": [
            moved(strike, "A"),
            moved(strike, "B", north_km=3, origin_lat=strike["origin_lat"] + 40 * KM),
            moved(strike, "C", east_km=3, origin_lat=strike["origin_lat"] - 40 * KM),
        ],
        # Two neighbouring villages struck from points 25 km apart: nearly parallel arrows, heads side by side.
        "two targets 3 km apart, two origins": [
            moved(strike, "A"),
            moved(strike, "B", north_km=2, east_km=2, origin_lat=strike["origin_lat"] + 25 * KM),
        ],
        # One target struck from two points 40 km apart: the heads converge on one point.
        "one target from two origins": [
            moved(strike, "A"),
            moved(strike, "B", origin_lat=strike["origin_lat"] + 40 * KM),
        ],
        # The same crossing twice (two reports of one strike, or two strikes on one village).
        "one crossing twice": [moved(strike, "A"), moved(strike, "B")],
    }[case]
    return pd.DataFrame(rows).reset_index(drop=True)


FRAMES = {
    "close-up": (26.5, 62.4, 27.9, 64.4),  # the strike and its origin, 200 km across: 3 km is 10 points
    "crisis view": (25.0, 60.0, 29.5, 66.5),  # the story's extent: 3 km is about 3 points
    "region": None,  # the plain export's frame: 3 km is about 1 point
}


def drawn_on(events: pd.DataFrame, geometry, extent) -> tuple:
    figure = Figure(figsize=(10, 7))
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.05, 0.05, 0.9, 0.9))
    width_pt, height_pt = 10 * 72 * 0.9, 7 * 72 * 0.9
    if extent is None:
        frame = map_frame.plan_frame(events, width_pt, height_pt)
    else:
        south, west, north, east = extent
        x, y = map_frame.project([west, east, west, east], [south, south, north, north])
        frame = map_frame.fit_frame(np.asarray(x), np.asarray(y), width_pt, height_pt)
    static_map.draw_map(ax, events, geometry, frame, actor_colours(events["actor1"]), north=False)
    return figure, ax


# Heads drawn: one per arrow. Arrows from one origin to targets a few km apart run on top of each
# other at any scale, and so do arrows from origins 40 km apart once the map is zoomed out to the
# region (40 km is then about 13 points): each such bundle is one arrow with a count.
EXPECTED_HEADS = [
    ("three targets 3 km apart, one origin", "close-up", 1),
    ("three targets 3 km apart, one origin", "crisis view", 1),
    ("three targets 3 km apart, one origin", "region", 1),
    ("three targets 3 km apart, three origins", "close-up", 3),
    ("three targets 3 km apart, three origins", "crisis view", 3),
    ("three targets 3 km apart, three origins", "region", 1),
    ("two targets 3 km apart, two origins", "close-up", 2),
    ("two targets 3 km apart, two origins", "crisis view", 2),
    ("two targets 3 km apart, two origins", "region", 1),
    ("one target from two origins", "close-up", 2),
    ("one target from two origins", "crisis view", 2),
    ("one target from two origins", "region", 1),
    ("one crossing twice", "close-up", 1),
    ("one crossing twice", "crisis view", 1),
    ("one crossing twice", "region", 1),
]


@pytest.mark.parametrize(("case", "frame", "expected"), EXPECTED_HEADS)
def test_heads_of_crossings_a_few_km_apart_never_overlap(curated, case, frame, expected):
    events = crafted(curated, case)
    _, ax = drawn_on(events, curated.geometry, FRAMES[frame])
    heads = check_arrows(ax, events)
    assert len(heads) == expected
    check_origin_names(ax, heads)


def test_a_crossing_drawn_twice_is_one_arrow_with_its_count(curated):
    events = crafted(curated, "one crossing twice")
    _, ax = drawn_on(events, curated.geometry, FRAMES["close-up"])
    assert len(strike_heads(ax)) == 1
    assert [t.get_text() for t in ax.texts if t.get_text().startswith("×")] == ["×2"]
    assert [name for name, _ in origin_names(ax)] == ["from Iran"]


def test_a_crowded_head_stands_back_on_its_own_line_and_a_leader_reaches_the_site(curated):
    """Three heads converging on targets 3 km apart: some head is smaller or stands back from its site,
    and every head that stands back has a dotted leader from its tip on to the site's marker."""
    events = crafted(curated, "three targets 3 km apart, three origins")
    _, ax = drawn_on(events, curated.geometry, FRAMES["close-up"])
    heads = strike_heads(ax)
    sites = sites_in_display(ax, events)
    per_pt = ax.figure.dpi / 72
    near = AT_SITE_PT * per_pt
    standing_back = [tip for _, tip, _ in heads if min(np.hypot(*(sites - tip).T)) > near]
    sizes = {round(box.width * box.height) for box, _, _ in heads}
    assert standing_back or len(sizes) > 1
    leaders = [ax.transData.transform(line.get_xydata()) for line in ax.lines if line.get_gid() == "strike-leader"]
    for tip in standing_back:
        leader = next(points for points in leaders if np.hypot(*(points[0] - tip)) < 2 * per_pt)
        assert min(np.hypot(*(sites - leader[-1]).T)) <= AT_SITE_PT * per_pt  # it ends at the marker


# --- The bundled data, drawn as the pack and the plain export draw it ---------------------------


@pytest.fixture
def drawn_axes(monkeypatch):
    """Every axes ``static_map.draw_map`` draws on while the test runs (main maps and insets), with the
    events drawn there; drawn without the north arrow (``strike_heads`` counts every filled head)."""
    seen = []
    draw_map = static_map.draw_map

    def spy(ax, events, *args, **kwargs):
        seen.append((ax, events))
        return draw_map(ax, events, *args, **{**kwargs, "north": False})

    monkeypatch.setattr(static_map, "draw_map", spy)
    return seen


def crossings(events: pd.DataFrame) -> pd.DataFrame:
    return events[events["cross_border"].astype(bool) & events["origin_lat"].notna()]


def test_the_crisis_views_heads_never_overlap_and_each_origin_is_named(curated, drawn_axes):
    story = views.parse(STORY.read_bytes(), STORY.name)
    pack.build(curated, story, "pdf", generated_at=WHEN)
    assert len(drawn_axes) >= len(story.views)
    for ax, events in drawn_axes:
        check_origin_names(ax, check_arrows(ax, crossings(events)))
    for ax, events in drawn_axes[:2]:  # the strike and the answer: one arrow each, its origin named
        assert len(strike_heads(ax)) == 1
        assert [name for name, _ in origin_names(ax)] == [f"from {crossings(events)['origin_country'].iloc[0]}"]


def test_both_strikes_on_one_map_and_the_plain_export(curated, drawn_axes):
    """16–18 January on the story's extent (both strikes and their origins side by side), and the plain
    export of everything (main map and the border inset), where the two heads met."""
    both = filters.apply(curated.events, filters.FilterSpec(start=dt.date(2024, 1, 16), end=dt.date(2024, 1, 18)))
    extent = views.parse(STORY.read_bytes(), STORY.name).views[0].extent
    png_export.to_png(both, curated.geometry, "t", "c", 1, WHEN, snapshot=png_export.Snapshot(extent, True))
    png_export.to_png(curated.events, curated.geometry, "t", "c", 1, WHEN)
    assert len(drawn_axes) == 3  # the framed view, then the plain export's main map and its inset
    for number, (ax, events) in enumerate(drawn_axes):
        heads = check_arrows(ax, crossings(events))
        assert len(heads) == len(crossings(events))  # no bundle here: every crossing has its own head
        names = {name for name, _ in check_origin_names(ax, heads)}
        if number != 1:  # the overview is too small to name every origin; the others are not
            assert names == {"from Iran", "from Pakistan"}


def test_the_legend_explains_a_count_on_an_arrow_only_when_one_is_drawn(curated, monkeypatch):
    from dashboard.exporters import png_export

    legends = []
    real = png_export._map_handles
    monkeypatch.setattr(png_export, "_map_handles", lambda *a, **k: legends.append(real(*a, **k)) or legends[-1])
    png_export.to_png(crafted(curated, "one crossing twice"), curated.geometry, "t", "c")
    png_export.to_png(crafted(curated, "one crossing twice").iloc[:1], curated.geometry, "t", "c")
    counted = [[h.get_label() for h in handles if h.get_label().startswith("×2")] for handles in legends]
    assert counted[0] and not counted[-1]
