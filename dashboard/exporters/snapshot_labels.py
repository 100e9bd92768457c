"""What makes a map snapshot readable in a briefing: labels of key events, a callout, the handling marking.

Labels say the date and the deaths where known ("16 Jan · 2 deaths"); events
at one place are labelled once, by count and kind ("8 diplomatic actions").
Each label tries four positions round its point and takes the first whose box
overlaps no label already placed and stays inside the map; a label with no
free position is left out (the table lists every event). Every text is data
drawn as itself (no mathtext).
"""

from __future__ import annotations

import pandas as pd

from dashboard import safe_text
from dashboard.exporters import map_frame

MAX_LABELS = 12
OFFSETS_PT = ((9, 9), (-9, 9), (9, -9), (-9, -9))
MARKING_RED = "#c92a2a"
LABEL_BOX = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#495057", "alpha": 0.92, "lw": 0.6}


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


def label_key_events(ax, events: pd.DataFrame, highlight: str | None = None) -> list:
    """Label the key events inside the map without overlaps; returns the label artists placed."""
    renderer = ax.figure.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    placed, boxes = [], []
    for group in _groups(events, highlight):
        if len(placed) >= MAX_LABELS:
            break
        x, y = map_frame.project([group["longitude"].iloc[0]], [group["latitude"].iloc[0]])
        x, y = float(x[0]), float(y[0])
        if not (xlim[0] <= x <= xlim[1] and ylim[0] <= y <= ylim[1]):
            continue
        text = safe_text.for_picture(label_text(group), 60)
        for dx, dy in OFFSETS_PT:
            artist = ax.annotate(
                text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=9.5, zorder=15,
                ha="left" if dx > 0 else "right", va="bottom" if dy > 0 else "top", bbox=LABEL_BOX,
                annotation_clip=True,
            )  # fmt: skip
            artist.set_parse_math(False)
            box = artist.get_window_extent(renderer)
            inside = axes_box.contains(box.x0, box.y0) and axes_box.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in boxes):
                placed.append(artist)
                boxes.append(box)
                break
            artist.remove()
    return placed


def callout(ax, events: pd.DataFrame, highlight: str | None, text: str) -> None:
    """The view's annotation in a box in the map's upper left, pointing at its event when there is one."""
    shown = safe_text.for_picture(text, 300)
    target = events[events["event_id"] == highlight] if highlight else events.iloc[0:0]
    style = {"boxstyle": "round,pad=0.5", "facecolor": "#fff9db", "edgecolor": "#e67700", "lw": 1.2}
    if len(target):
        x, y = map_frame.project([target["longitude"].iloc[0]], [target["latitude"].iloc[0]])
        artist = ax.annotate(
            shown, (float(x[0]), float(y[0])), xytext=(0.03, 0.96), textcoords="axes fraction", fontsize=11,
            ha="left", va="top", bbox=style, zorder=16, wrap=True,
            arrowprops={"arrowstyle": "->", "color": "#e67700", "lw": 1.4},
        )  # fmt: skip
    else:
        artist = ax.text(0.03, 0.96, shown, transform=ax.transAxes, fontsize=11, ha="left", va="top", bbox=style)
    artist.set_parse_math(False)


def marking(figure, text: str) -> None:
    """The handling marking, centred at the top and the bottom of the picture."""
    shown = safe_text.for_picture(text, 60)
    for y, va in ((0.995, "top"), (0.005, "bottom")):
        figure.text(0.5, y, shown, ha="center", va=va, fontsize=12, fontweight="bold", color=MARKING_RED,
                    parse_math=False)  # fmt: skip
