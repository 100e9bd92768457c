"""Cross-border strike arrows on the briefing map (``static_map.draw_map`` draws them).

Each arrow runs from the origin side (a dot, named "from <country>" where
there is room) to its site. Arrows that would lie on top of each other (same
origin country, tails and sites close together) are one arrow with a count.
No two arrowheads overlap: a head that would touch one already drawn is made
smaller, then pulled back along its own line, a dotted line carrying on to
the site; the deadliest crossings are placed first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import FancyArrowPatch

from dashboard import safe_text, style
from dashboard.exporters import labels
from dashboard.exporters.map_frame import MARKER_PT, MapFrame, project

ARROWS_ONE_BY_ONE = 100  # more crossings than this are drawn as one collection of dashed lines

# An arrowhead is matplotlib's "-|>" at mutation scale 18: 12.6 pt long, 6.3 pt either side of its line.
HEAD_MUTATION = 18
HEAD_SHAPE = (0.7, 0.35)  # head_length, head_width (half the head's width), in mutation units
HEAD_LINEWIDTH = 1.0
HEAD_SCALES = (1.0, 0.7)  # a head that would touch another is made smaller, then pulled back along its line
SITE_GAP_PT = 8  # a tip stops this far from its site: clear of the marker, pointing at it
HEAD_GAP_PT = 3  # heads never come closer than this: two heads that touch read as one shape
PULL_STEP_PT, PULL_MAX_PT = 3, 45
TAIL_CLEAR_PT = 5  # a head never reaches back over its own origin dot
# Arrows from one origin country whose tails are within MERGE_PT[0] and whose sites are within MERGE_PT[1]
# would run on top of each other, their heads in one place: they are one arrow, with a count.
MERGE_PT = (16, 25)
ARROW_LINE = {"color": style.ARROW_COLOUR, "linewidth": 2.2, "linestyle": (0, (5, 3)), "dash_capstyle": "butt"}
ORIGIN_FONT = 8.5
# Where the "from <country>" name may go round its dot, best first (offset points, alignment).
ORIGIN_SPOTS = (
    (0, -7, "center", "top"),
    (0, 7, "center", "bottom"),
    (7, 0, "left", "center"),
    (-7, 0, "right", "center"),
    (-4, -6, "right", "top"),
    (4, -6, "left", "top"),
    (-4, 6, "right", "bottom"),
    (4, 6, "left", "bottom"),
)
ORIGIN_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
# Artists other labels keep clear of (``snapshot_labels`` finds them by these ids).
HEAD_GID, ORIGIN_GID, COUNT_GID, DOT_GID = "strike-head", "strike-origin", "strike-count", "strike-origin-dot"
LEADER_GID = "strike-leader"


@dataclass(frozen=True)
class StrikeArrow:
    """One arrow as drawn, in metres: from ``tail`` (the origin side) towards ``site``, for ``count`` events."""

    tail: tuple[float, float]
    site: tuple[float, float]
    origin: str
    count: int

    @property
    def direction(self) -> np.ndarray:
        along = np.subtract(self.site, self.tail)
        return along / max(float(np.hypot(*along)), 1e-9)

    def length_pt(self, pt: float) -> float:
        return float(np.hypot(*np.subtract(self.site, self.tail))) / pt


@dataclass(frozen=True)
class Head:
    """An arrowhead's place: its tip (metres), its size (a share of the full head), how far it was
    pulled back from the site (points) and the box it keeps to itself (metres, half the gap included)."""

    tip: tuple[float, float]
    scale: float
    pulled_pt: float
    box: shapely.Geometry

    def length(self, pt: float) -> float:
        return HEAD_MUTATION * HEAD_SHAPE[0] * self.scale * pt


def draw_arrows(
    ax: Axes,
    events: pd.DataFrame,
    frame: MapFrame,
    keep_clear: shapely.Geometry | None = None,
    prefer_clear: shapely.Geometry | None = None,
) -> list[shapely.Geometry]:
    """A dashed arrow per cross-border crossing, from the origin side (a dot named "from <country>") to the site.

    No two heads overlap or touch (``HEAD_GAP_PT``). Arrows that would run on
    top of each other (same origin country, both ends close: ``MERGE_PT``) are
    one arrow with a count ("×2"). A head that would touch one already placed
    is made smaller, then pulled back along its own line, a dotted leader
    carrying the line on to the site, so it still points at its own target
    and nowhere else; an arrow with no free place for a head keeps its line
    and the marker at its end. The deadliest crossings are placed first. The
    origin names keep clear of ``keep_clear`` (markers, towns) and of every
    head and dot, and where they can of ``prefer_clear`` (the border line) and
    the arrows' lines.

    Above ``ARROWS_ONE_BY_ONE`` the lines are one collection (a thousand
    arrow patches took seconds to draw and hide each other's heads anyway);
    the markers at their ends show where each one lands.
    """
    crossing = events[events["cross_border"].astype(bool) & events["origin_lat"].notna()]
    if len(crossing) > ARROWS_ONE_BY_ONE:
        return [_arrow_lines(ax, crossing, frame)]
    pt = _points_in_metres(ax, frame)
    arrows = plan_arrows(crossing, pt)
    dots = [shapely.Point(a.tail).buffer(4 * pt) for a in arrows]
    heads = place_heads(arrows, pt, dots)
    drawn = [_draw_arrow(ax, arrow, head, pt) for arrow, head in zip(arrows, heads, strict=True)]
    lines, marks = [line for line, _ in drawn], [mark for _, mark in drawn]
    marks += _count_badges(ax, arrows, heads, pt, shapely.union_all(marks))
    hard = shapely.union_all([*marks, *([keep_clear] if keep_clear is not None else [])])
    soft = shapely.union_all([*lines, *([prefer_clear] if prefer_clear is not None else [])])
    return [*lines, *marks, *_name_origins(ax, arrows, frame, pt, hard, soft)]


def _arrow_lines(ax: Axes, crossing: pd.DataFrame, frame: MapFrame) -> shapely.Geometry:
    tail_x, tail_y = project(crossing["origin_lon"], crossing["origin_lat"])
    site_x, site_y = project(crossing["longitude"], crossing["latitude"])
    segments = np.stack([np.column_stack([tail_x, tail_y]), np.column_stack([site_x, site_y])], axis=1)
    ax.add_collection(
        LineCollection(segments, colors=style.ARROW_COLOUR, linewidths=1.2, linestyles=(0, (5, 3)), zorder=5)
    )
    return shapely.union_all(shapely.buffer(shapely.linestrings(segments), 6 * frame.metres_per_point))


def _points_in_metres(ax: Axes, frame: MapFrame) -> float:
    """Metres per point as the axes will show ``frame`` (equal aspect: the tighter of the two sides).

    The original position: geopandas has set an aspect that shrinks the active one until draw_map
    sets its own."""
    box = ax.get_position(original=True)
    width_in, height_in = ax.figure.get_size_inches()
    width_pt, height_pt = box.width * width_in * 72, box.height * height_in * 72
    if width_pt <= 0 or height_pt <= 0:
        return frame.metres_per_point
    return max(frame.width / width_pt, frame.height / height_pt)


def plan_arrows(crossing: pd.DataFrame, pt: float) -> list[StrikeArrow]:
    """The arrows to draw, deadliest first; crossings whose arrows would lie on top of each other
    (same origin country, tails and sites within ``MERGE_PT``) become one arrow counting them, drawn
    from the deadliest one's tail to its site (the others' markers are beside it)."""
    tail_x, tail_y = project(crossing["origin_lon"], crossing["origin_lat"])
    site_x, site_y = project(crossing["longitude"], crossing["latitude"])
    origins = crossing.get("origin_country", pd.Series("", index=crossing.index)).fillna("").astype(str).to_numpy()
    deaths = crossing.get("fatalities", pd.Series(0.0, index=crossing.index)).fillna(0).to_numpy(dtype=float)
    groups: list[list] = []  # tail, site, origin, count
    for i in np.argsort(-deaths, kind="stable"):
        tail, site = (float(tail_x[i]), float(tail_y[i])), (float(site_x[i]), float(site_y[i]))
        same = (
            g
            for g in groups
            if g[2] == origins[i]
            and np.hypot(*np.subtract(g[0], tail)) <= MERGE_PT[0] * pt
            and np.hypot(*np.subtract(g[1], site)) <= MERGE_PT[1] * pt
        )
        group = next(same, None)
        if group is None:
            groups.append([tail, site, origins[i], 1])
        else:
            group[3] += 1
    return [StrikeArrow(*group) for group in groups]


def place_heads(arrows: list[StrikeArrow], pt: float, dots: list[shapely.Geometry]) -> list[Head | None]:
    """A head for each arrow in turn, clear of every head placed before it (and of other arrows'
    origin dots where it can be); None where no place is free."""
    placed: list[shapely.Geometry] = []
    heads: list[Head | None] = []
    for number, arrow in enumerate(arrows):
        taken = shapely.union_all(placed)
        others = shapely.union_all([dot for k, dot in enumerate(dots) if k != number])
        free = [head for head in _head_candidates(arrow, pt) if not head.box.intersects(taken)]
        head = next((h for h in free if not h.box.intersects(others)), free[0] if free else None)
        heads.append(head)
        if head is not None:
            placed.append(head.box)
    return heads


def _head_candidates(arrow: StrikeArrow, pt: float) -> list[Head]:
    """Heads to try, best first: at the site full size, then smaller, then pulled back step by step."""
    room = arrow.length_pt(pt) - SITE_GAP_PT - TAIL_CLEAR_PT
    tries = [
        (scale, pull)
        for pull in np.arange(0, PULL_MAX_PT + 1, PULL_STEP_PT)
        for scale in HEAD_SCALES
        if pull + HEAD_MUTATION * HEAD_SHAPE[0] * scale <= room
    ]
    # A very short arrow (a zoomed-out map) gets the small head at the site, if that place is free.
    return [_head(arrow, pt, scale, float(pull)) for scale, pull in tries or [(HEAD_SCALES[-1], 0)]]


def _head(arrow: StrikeArrow, pt: float, scale: float, pull_pt: float) -> Head:
    along = arrow.direction
    across = np.array([-along[1], along[0]])
    tip = np.asarray(arrow.site) - along * (SITE_GAP_PT + pull_pt) * pt
    base = tip - along * HEAD_MUTATION * HEAD_SHAPE[0] * scale * pt
    half = HEAD_MUTATION * HEAD_SHAPE[1] * scale * pt
    corners = np.array([tip, base + across * half, base - across * half])
    grow = (HEAD_GAP_PT + HEAD_LINEWIDTH) / 2 * pt
    box = shapely.box(*corners.min(axis=0), *corners.max(axis=0)).buffer(grow, join_style="mitre")
    return Head((float(tip[0]), float(tip[1])), scale, pull_pt, box)


def _draw_arrow(
    ax: Axes, arrow: StrikeArrow, head: Head | None, pt: float
) -> tuple[shapely.Geometry, shapely.Geometry]:
    """The dashed line, the head, a dotted leader on to the site if the head was pulled back, and the
    origin dot; returns the line's shape, and the shape of the head and dot."""
    along, tail, site = arrow.direction, np.asarray(arrow.tail), np.asarray(arrow.site)
    end = site - along * SITE_GAP_PT * pt if head is None else np.asarray(head.tip) - along * head.length(pt) / 2
    ax.plot([tail[0], end[0]], [tail[1], end[1]], zorder=5, **ARROW_LINE)
    marks = [shapely.Point(tail).buffer(4 * pt), head.box if head is not None else shapely.Point(end).buffer(3 * pt)]
    if head is not None:
        tip = np.asarray(head.tip)
        ax.add_patch(
            FancyArrowPatch(
                tuple(tip - along * head.length(pt)), head.tip,
                arrowstyle=f"-|>,head_length={HEAD_SHAPE[0]},head_width={HEAD_SHAPE[1]}",
                mutation_scale=HEAD_MUTATION * head.scale, color=style.ARROW_COLOUR, linewidth=HEAD_LINEWIDTH,
                shrinkA=0, shrinkB=0, zorder=5.5, gid=HEAD_GID,
            )
        )  # fmt: skip
        if head.pulled_pt > 0:  # the head stands back from a crowded site; the leader still reaches it
            reach = site - along * MARKER_PT * 0.6 * pt
            leader = {"color": style.ARROW_COLOUR, "lw": 1.1, "ls": (0, (1, 1.5)), "zorder": 5, "gid": LEADER_GID}
            ax.plot([tip[0], reach[0]], [tip[1], reach[1]], **leader)
    # The origin end is drawn and named, so an arrow never reads as running between two targets.
    ax.plot(*tail, "o", markersize=6.5, color=style.ARROW_COLOUR, markeredgecolor="white", zorder=6, gid=DOT_GID)
    return shapely.LineString([tail, end]).buffer(3 * pt), shapely.union_all(marks)


COUNT_ALONG = (0.7, 0.55, 0.85, 0.4, 0.25)  # where on its line an arrow's count may go, best first


def _count_badges(
    ax: Axes, arrows: list[StrikeArrow], heads: list[Head | None], pt: float, taken: shapely.Geometry
) -> list[shapely.Geometry]:
    """The count ("×3") on each arrow that stands for several crossings, towards its head ("three of
    these, here"), at the first place along its line clear of heads, dots and other counts; none where
    there is no room. Returns their boxes."""
    boxes: list[shapely.Geometry] = []
    for arrow, head in zip(arrows, heads, strict=True):
        if arrow.count < 2:
            continue
        text = f"×{arrow.count}"
        width, height = labels.text_size_pt(text, ORIGIN_FONT)
        tail = np.asarray(arrow.tail)
        end = np.asarray(head.tip if head is not None else arrow.site)
        spots = [(tail + (end - tail) * share) for share in COUNT_ALONG]
        clear = shapely.union_all([taken, *boxes])
        fits = [(at, _box_at(at, (width + 3, height + 3), "center", "center", pt)) for at in spots]
        at, box = next(((a, b) for a, b in fits if not b.intersects(clear)), (None, None))
        if at is None:
            continue
        badge = ax.annotate(
            text, tuple(at), ha="center", va="center", fontsize=ORIGIN_FONT, fontweight="bold",
            color=style.ARROW_COLOUR, bbox={**ORIGIN_BOX, "alpha": 0.95}, zorder=6.5, gid=COUNT_GID,
        )  # fmt: skip
        badge.set_parse_math(False)
        boxes.append(box)
    return boxes


def _name_origins(
    ax: Axes, arrows: list[StrikeArrow], frame: MapFrame, pt: float, hard: shapely.Geometry, soft: shapely.Geometry
) -> list[shapely.Geometry]:
    """The name "from <country>" beside each origin dot (one for dots of one country close together),
    at the first place round the dot inside the frame and clear of everything, else clear of ``hard``;
    no name where there is no room."""
    named: list[tuple[str, np.ndarray]] = []
    boxes: list[shapely.Geometry] = []
    view = shapely.box(*frame.box)
    for arrow in arrows:
        tail = np.asarray(arrow.tail)
        if not arrow.origin or any(c == arrow.origin and np.hypot(*(t - tail)) <= 14 * pt for c, t in named):
            continue
        text = f"from {safe_text.for_picture(arrow.origin, 40)}"
        width, height = labels.text_size_pt(text, ORIGIN_FONT)
        size = (width + 0.3 * ORIGIN_FONT, height + 0.3 * ORIGIN_FONT)  # the box's padding
        spots = [
            (dx, dy, ha, va, _box_at(tail + np.array([dx, dy]) * pt, size, ha, va, pt))
            for dx, dy, ha, va in ORIGIN_SPOTS
        ]
        spots = [s for s in spots if view.contains(s[4])]
        taken = shapely.union_all([hard, *boxes])
        spot = next((s for s in spots if not s[4].intersects(taken.union(soft))), None)
        spot = spot or next((s for s in spots if not s[4].intersects(taken)), None)
        if spot is None:
            continue
        dx, dy, ha, va, box = spot
        label = ax.annotate(
            text, tuple(tail), xytext=(dx, dy), textcoords="offset points", fontsize=ORIGIN_FONT, ha=ha, va=va,
            zorder=6, color=style.ARROW_COLOUR, bbox=ORIGIN_BOX, gid=ORIGIN_GID,
        )  # fmt: skip
        label.set_parse_math(False)
        named.append((arrow.origin, tail))
        boxes.append(box)
    return boxes


def _box_at(anchor: np.ndarray, size_pt: tuple[float, float], ha: str, va: str, pt: float) -> shapely.Geometry:
    """The box of ``size_pt`` that text aligned ``ha``/``va`` at ``anchor`` (metres) takes."""
    width, height = size_pt[0] * pt, size_pt[1] * pt
    x0 = {"left": anchor[0], "center": anchor[0] - width / 2, "right": anchor[0] - width}[ha]
    y0 = {"bottom": anchor[1], "center": anchor[1] - height / 2, "top": anchor[1] - height}[va]
    return shapely.box(x0, y0, x0 + width, y0 + height)
