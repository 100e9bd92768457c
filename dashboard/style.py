"""One visual language for the map, the legend and the exports.

Colour says who acted (actor1); shape says what kind of event it was. The
live map, the PNG snapshot and the KML export all read these tables, so a
briefing slide and the dashboard never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

BORDER_COLOUR = "#c1121f"
WATER = "#d8e6ef"  # what shows where no country is drawn (no tiles)
COUNTRY_EDGE = "#495057"
PROVINCE_FILL = {"Balochistan": "#b7d99b", "Sistan and Baluchestan": "#e9c08f"}
COUNTRY_FILL = {"Iran": "#efe6d8", "Pakistan": "#e4eedb", "Afghanistan": "#e9ecef"}
SELECTED_COLOUR = "#ffd60a"
ARROW_COLOUR = "#212529"

# Fixed colours for the actors of this crisis so they stay put as filters change.
KNOWN_ACTOR_COLOURS = {
    "Military Forces of Iran": "#d62828",
    "Government of Iran": "#9d0208",
    "Military Forces of Pakistan": "#2a9d8f",
    "Government of Pakistan": "#1b4332",
    "National Security Committee of Pakistan": "#40916c",
    "Jaish al-Adl": "#7b2cbf",
    "Ansar al-Furqan": "#c77dff",
}
# Colour-blind-safe palette (Okabe–Ito) for everyone else, in order of frequency.
PALETTE = ["#0072b2", "#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#d55e00", "#f0e442", "#000000"]
OTHER_ACTORS = "Other actors"
OTHER_COLOUR = "#6c757d"
MAX_LEGEND_ACTORS = len(KNOWN_ACTOR_COLOURS) + len(PALETTE)

# Shape per event type: (name, matplotlib marker, SVG path in a 16x16 box).
SHAPES = {
    "circle": ("o", "M8 2a6 6 0 1 0 0.001 0Z"),
    "triangle": ("^", "M8 1L15 14H1Z"),
    "square": ("s", "M2 2H14V14H2Z"),
    "diamond": ("D", "M8 1L15 8L8 15L1 8Z"),
    "cross": ("X", "M3 1L8 6L13 1L15 3L10 8L15 13L13 15L8 10L3 15L1 13L6 8L1 3Z"),
    "pentagon": ("p", "M8 1L15 6.5L12.5 15H3.5L1 6.5Z"),
}
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
    """Colour for each actor name; rare actors beyond the palette share grey."""
    counts = pd.Series(list(actors), dtype=object).value_counts()
    colours: dict[str, str] = {}
    palette = iter(PALETTE)
    for actor in sorted(counts.index, key=lambda a: (-counts[a], a)):
        if actor in KNOWN_ACTOR_COLOURS:
            colours[actor] = KNOWN_ACTOR_COLOURS[actor]
        else:
            colours[actor] = next(palette, OTHER_COLOUR)
    return colours


def shape_for(event_type: str) -> str:
    return EVENT_TYPE_SHAPES.get(event_type, DEFAULT_SHAPE)


def marker_svg(shape: str, colour: str, size: int = 16, outline: str = "#ffffff") -> str:
    """An inline SVG marker (for the map's DivIcons and the HTML legend)."""
    path = SHAPES[shape][1]
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 16 16">'
        f'<path d="{path}" fill="{colour}" stroke="{outline}" stroke-width="1.5"/></svg>'
    )
