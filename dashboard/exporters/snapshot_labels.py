"""What makes a map snapshot readable in a briefing: labels of key events, a callout, the handling marking.

Labels say the date and the deaths where known ("16 Jan · 2 deaths"); events
at one place are labelled once, by count and kind ("8 diplomatic actions").
Each label tries four positions round its point (outside the ring when its
events are fanned out) and takes, of those whose box (the drawn box, padding
included) stays inside the map and overlaps no label already placed and none
of the map's own marks (arrowheads, origin dots, "from <country>" names,
counts, the scale bar), the one covering fewest event markers and names; a
label with no free position is left out (the table lists every event). The
callout takes the corner clear of them all nearest its event. Every text is
data drawn as itself (no mathtext).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from dashboard import safe_text
from dashboard.exporters import map_frame, static_map, strike_arrows

MAX_LABELS = 12
MARKERS_AVOIDED_MAX = 2000  # on a denser map every position covers some marker: only labels and marks count
LABEL_GID, CALLOUT_GID = "event-label", "callout"
KEEP_CLEAR = {
    strike_arrows.HEAD_GID,
    strike_arrows.ORIGIN_GID,
    strike_arrows.COUNT_GID,
    strike_arrows.DOT_GID,
    static_map.SCALE_GID,
}
# Where the callout may go (axes fraction, alignment): upper left (the default), upper right, lower right, lower left.
CALLOUT_CORNERS = ((0.03, 0.96, "left", "top"), (0.97, 0.96, "right", "top"), (0.97, 0.04, "right", "bottom"),
                   (0.03, 0.04, "left", "bottom"))  # fmt: skip
OFFSETS_PT = ((9, 9), (-9, 9), (9, -9), (-9, -9))
MARKING_RED = "#c92a2a"
LABEL_BOX = {"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": "#495057", "alpha": 0.92, "lw": 0.6}


def _deaths(event: pd.Series) -> str:
    best, low, high = event.get("fatalities"), event.get("fatalities_low"), event.get("fatalities_high")
    if pd.isna(best):
        return ""
    if pd.notna(low) and pd.notna(high) and low != high:
        return f"{int(low)}–{int(high)} deaths"
    return f"{int(best)} death{'s' if int(best) != 1 else ''}"


def label_text(group: pd.DataFrame) -> str:
    """One event: its day and deaths; several at one place: how many, and of what kind."""
    if len(group) == 1:
        event = group.iloc[0]
        parts = [f"{event['event_date']:%-d %b}", _deaths(event)]
        return " · ".join(p for p in parts if p)
    kinds = group["event_type"].value_counts()
    kind = kinds.index[0] if len(kinds) == 1 else "events"
    plural = {"Diplomatic action": "diplomatic actions", "Battles": "battles"}.get(kind, kind.lower())
    return f"{len(group)} {plural if kind != 'events' else 'events'}"


def _groups(events: pd.DataFrame, highlight: str | None) -> list[pd.DataFrame]:
    """Events at one place (to ~1 km) together; the highlighted event's group first, then the deadliest."""
    if events.empty:
        return []
    keyed = events.assign(
        _place=events["latitude"].round(2).astype(str) + "," + events["longitude"].round(2).astype(str)
    )
    groups = [g for _, g in keyed.groupby("_place", sort=False)]

    def rank(group: pd.DataFrame) -> tuple:
        has_highlight = highlight is not None and (group["event_id"] == highlight).any()
        crossed = bool(group.get("cross_border", pd.Series(False, index=group.index)).any())
        deaths = float(group["fatalities"].fillna(0).sum())
        return (not has_highlight, not crossed, -deaths, -len(group))

    return sorted(groups, key=rank)


def box_of(artist, renderer) -> Bbox:
    """What a text takes on the map, in display units: its box with the padding when it has one."""
    artist.get_window_extent(renderer)  # brings an annotation's position up to date
    text_box = Text.get_window_extent(artist, renderer)  # without an annotation's arrow
    patch = artist.get_bbox_patch()
    if patch is None:
        return text_box
    artist.update_bbox_position_size(renderer)
    return Bbox.union([text_box, patch.get_window_extent(renderer)])


def marks_on_map(ax, renderer) -> list[Bbox]:
    """The boxes of what a label must not cover: arrowheads, origin dots and names, counts, the scale bar."""
    found = [a for a in (*ax.patches, *ax.texts, *ax.lines) if a.get_gid() in KEEP_CLEAR and a.get_visible()]
    return [box_of(a, renderer) if isinstance(a, Text) else a.get_window_extent(renderer) for a in found]


def label_key_events(ax, events: pd.DataFrame, highlight: str | None = None) -> list:
    """Label the key events inside the map without overlaps; returns the label artists placed.

    A label never covers another label or one of the map's marks; of its free positions it takes the
    one covering fewest event markers, town names and area names (a key event's label matters more
    than a town's name)."""
    renderer = ax.figure.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    marks = marks_on_map(ax, renderer)
    names = (static_map.TOWN_GID, static_map.AREA_GID)
    avoided = [box_of(t, renderer) for t in ax.texts if t.get_gid() in names and t.get_visible()]
    avoided += _marker_boxes(ax) if len(events) <= MARKERS_AVOIDED_MAX else []
    ring = pd.Series(np.hypot(*static_map.fan_offsets(events)), index=events.index)
    placed, boxes = [], []
    for group in _groups(events, highlight):
        if len(placed) >= MAX_LABELS:
            break
        x, y = map_frame.project([group["longitude"].iloc[0]], [group["latitude"].iloc[0]])
        x, y = float(x[0]), float(y[0])
        if not (xlim[0] <= x <= xlim[1] and ylim[0] <= y <= ylim[1]):
            continue
        text = safe_text.for_picture(label_text(group), 60)
        # Events fanned out round their place: the label goes outside the ring of markers.
        reach = max(1.0, (ring[group.index].max() + static_map.MARKER_PT / 2 + 2) / (OFFSETS_PT[0][0] * 2**0.5))
        offsets = [(dx * reach, dy * reach) for dx, dy in OFFSETS_PT]
        tried = [_label(ax, text, (x, y), offset, renderer) for offset in offsets]
        free = [
            (artist, box)
            for artist, box in tried
            if axes_box.contains(box.x0, box.y0)
            and axes_box.contains(box.x1, box.y1)
            and not any(box.overlaps(other) for other in (*boxes, *marks))
        ]
        # Of the free positions, the one covering fewest markers and names (the first of equals).
        chosen = min(free, key=lambda c: sum(c[1].overlaps(other) for other in avoided), default=None)
        for artist, _ in tried:
            if chosen is None or artist is not chosen[0]:
                artist.remove()
        if chosen is not None:
            placed.append(chosen[0])
            boxes.append(chosen[1])
    return placed


def _marker_boxes(ax) -> list[Bbox]:
    """The event markers' boxes, in display units."""
    half = static_map.MARKER_PT / 2 * ax.figure.dpi / 72
    found = [c for c in ax.collections if c.get_gid() == static_map.MARKERS_GID]
    centres = [ax.transData.transform(c.get_offsets()) for c in found]
    return [Bbox.from_extents(x - half, y - half, x + half, y + half) for xy in centres for x, y in xy]


def _label(ax, text: str, at: tuple[float, float], offset: tuple[float, float], renderer) -> tuple:
    dx, dy = offset
    artist = ax.annotate(
        text, at, xytext=(dx, dy), textcoords="offset points", fontsize=9.5, zorder=15,
        ha="left" if dx > 0 else "right", va="bottom" if dy > 0 else "top", bbox=LABEL_BOX,
        annotation_clip=True, gid=LABEL_GID,
    )  # fmt: skip
    artist.set_parse_math(False)
    return artist, box_of(artist, renderer)


def callout(ax, events: pd.DataFrame, highlight: str | None, text: str) -> None:
    """The view's annotation in a box in a corner of the map, pointing at its event when there is one:
    of the corners where it covers no label and no mark, the nearest its event (the shortest leader),
    else the upper left."""
    shown = safe_text.for_picture(text, 300)
    target = events[events["event_id"] == highlight] if highlight else events.iloc[0:0]
    point = None
    if len(target):
        x, y = map_frame.project([target["longitude"].iloc[0]], [target["latitude"].iloc[0]])
        point = (float(x[0]), float(y[0]))
    renderer = ax.figure.canvas.get_renderer()
    taken = marks_on_map(ax, renderer) + [box_of(a, renderer) for a in ax.texts if a.get_gid() == LABEL_GID]
    tried = [_callout(ax, shown, point, corner) for corner in CALLOUT_CORNERS]
    boxes = [box_of(artist, renderer) for artist in tried]
    free = [k for k, box in enumerate(boxes) if not any(box.overlaps(other) for other in taken)]
    if point is not None and free:
        at = ax.transData.transform(point)
        free.sort(
            key=lambda k: np.hypot(boxes[k].x0 + boxes[k].width / 2 - at[0], boxes[k].y0 + boxes[k].height / 2 - at[1])
        )
    keep = free[0] if free else 0
    for k, artist in enumerate(tried):
        if k != keep:
            artist.remove()


def _callout(ax, shown: str, point: tuple[float, float] | None, corner: tuple):
    fx, fy, ha, va = corner
    style = {"boxstyle": "round,pad=0.5", "facecolor": "#fff9db", "edgecolor": "#e67700", "lw": 1.2}
    if point is not None:
        artist = ax.annotate(
            shown, point, xytext=(fx, fy), textcoords="axes fraction", fontsize=11, ha=ha, va=va, bbox=style,
            zorder=16, wrap=True, arrowprops={"arrowstyle": "->", "color": "#e67700", "lw": 1.4},
        )  # fmt: skip
    else:
        artist = ax.text(fx, fy, shown, transform=ax.transAxes, fontsize=11, ha=ha, va=va, bbox=style, wrap=True)
    artist.set_parse_math(False)
    artist.set_gid(CALLOUT_GID)
    return artist


def marking(figure, text: str) -> None:
    """The handling marking, centred at the top and the bottom of the picture."""
    shown = safe_text.for_picture(text, 60)
    for y, va in ((0.995, "top"), (0.005, "bottom")):
        figure.text(0.5, y, shown, ha="center", va=va, fontsize=12, fontweight="bold", color=MARKING_RED,
                    parse_math=False)  # fmt: skip
