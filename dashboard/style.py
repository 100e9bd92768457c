"""One visual language for the map, the legend and the exports.

Colour says who acted (actor1); shape says what kind of event it was. The
live map, the PNG snapshot and the KML export all read these tables, so a
briefing slide and the dashboard never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

BORDER_COLOUR = "#c1121f"
WATER = "#d8e6ef"  # what shows where no country is drawn (no tiles)
COUNTRY_EDGE = "#495057"
PROVINCE_FILL = {"Balochistan": "#b7d99b", "Sistan and Baluchestan": "#e9c08f"}
COUNTRY_FILL = {"Iran": "#efe6d8", "Pakistan": "#e4eedb", "Afghanistan": "#e9ecef"}
SELECTED_COLOUR = "#ffd60a"
ARROW_COLOUR = "#212529"

# Actor colours live in data/actors.csv (dashboard.actors): one colour per canonical
# actor, for good. OTHER_COLOUR is for what has no actor at all.
OTHER_ACTORS = "Other actors"
OTHER_COLOUR = "#6c757d"
MAX_LEGEND_ACTORS = 16  # the legend lists the most frequent; the rest keep their colours and are counted

# Shape per event type: (name, matplotlib marker, SVG path in a 16x16 box).
SHAPES = {
    "circle": ("o", "M8 2a6 6 0 1 0 0.001 0Z"),
    "triangle": ("^", "M8 1L15 14H1Z"),
    "square": ("s", "M2 2H14V14H2Z"),
    "diamond": ("D", "M8 1L15 8L8 15L1 8Z"),
    "cross": ("X", "M3 1L8 6L13 1L15 3L10 8L15 13L13 15L8 10L3 15L1 13L6 8L1 3Z"),
    "pentagon": ("p", "M8 1L15 6.5L12.5 15H3.5L1 6.5Z"),
}
# The same shapes as text, where only text can be drawn (the page's legend under the map).
SHAPE_GLYPHS = {"circle": "●", "triangle": "▲", "square": "■", "diamond": "◆", "cross": "✖", "pentagon": "⬟"}
EVENT_TYPE_SHAPES = {
    "Explosions/Remote violence": "triangle",
    "Battles": "diamond",
    "Violence against civilians": "cross",
    "Strategic developments": "square",
    "Diplomatic action": "circle",
    "Protests": "pentagon",
    "Riots": "pentagon",
}
DEFAULT_SHAPE = "circle"


def actor_colours(actors: Iterable[str]) -> dict[str, str]:
    """Each canonical actor's own colour, most frequent actor first (the legend's order).

    The colour comes from ``data/actors.csv`` (or, for an actor it does not
    know, from a hash of the name): never from rank or from what else is loaded.
    """
    from dashboard.actors import default_table

    table = default_table()
    names = actors if isinstance(actors, pd.Series) else pd.Series(list(actors), dtype=object)
    counts = names.value_counts()
    ordered = sorted((a for a in counts.index if a), key=lambda a: (-counts[a], a))
    return {actor: table.colour(actor) for actor in ordered}


def shape_for(event_type: str) -> str:
    return EVENT_TYPE_SHAPES.get(event_type, DEFAULT_SHAPE)


def marker_svg(shape: str, colour: str, size: int = 16, outline: str = "#ffffff") -> str:
    """An inline SVG marker (for the map's DivIcons and the HTML legend)."""
    path = SHAPES[shape][1]
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 16 16">'
        f'<path d="{path}" fill="{colour}" stroke="{outline}" stroke-width="1.5"/></svg>'
    )


def fan_offsets(events: pd.DataFrame, min_radius: float, per_event: float) -> tuple[np.ndarray, np.ndarray]:
    """Where each event sharing a point with others is drawn round it: the first at the top, the rest
    anticlockwise on a circle of ``max(min_radius, per_event * n)`` (units of the medium, y up).

    The live map (pixels) and the pictures (points) both place markers with this, so a group reads the
    same on the page and in an export."""
    keys = pd.DataFrame({"lat": events["latitude"].round(5).to_numpy(), "lon": events["longitude"].round(5).to_numpy()})
    groups = keys.groupby(["lat", "lon"], sort=False)
    rank = groups.cumcount().to_numpy()
    size = groups["lat"].transform("size").to_numpy()
    radius = np.maximum(min_radius, per_event * size)
    angle = 2 * np.pi * rank / np.maximum(size, 1) + np.pi / 2
    alone = size < 2
    return np.where(alone, 0.0, radius * np.cos(angle)), np.where(alone, 0.0, radius * np.sin(angle))
