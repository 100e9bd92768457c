"""The briefing map drawn on a matplotlib Axes, for the PNG and PDF exports.

Drawn in UTM zone 41N (EPSG:32641), the metric CRS the border join uses: its
central meridian (63° E) crosses the border, so lengths there are true to
0.04% and the scale bar, sized with the projection's scale factor where it
is drawn, is right. Far events (Tehran at 51° E) stay where they are, about
1% stretched.

Cross-border arrows start where the live map starts them: the join's
``origin_lat``/``origin_lon``, the nearest border point pushed
``borders.ARROW_TAIL_KM`` (60 km) into the origin country. An arrow from the
origin's capital would run 1,000 km from Tehran and dwarf the border region
the slide is about; this one says "from across this stretch of border".
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle
from pyproj import Proj

from dashboard import style
from dashboard.borders import METRIC_CRS, WGS84, BorderGeometry
from dashboard.exporters import labels
from dashboard.exporters.map_frame import MARKER_PT, Box, MapFrame, place_box, project, unproject
from dashboard.exporters.strike_arrows import draw_arrows
from dashboard.towns import TOWNS, Town

FAN_RADIUS_PT = (11.0, 2.6)  # events sharing a point fan out: max(11, 2.6 * n) points
HALO = [patheffects.withStroke(linewidth=3, foreground="white")]
SCALE_STEPS_KM = (10, 25, 50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000)
INK = "#212529"


def draw_map(
    ax: Axes,
    events: pd.DataFrame,
    geometry: BorderGeometry,
    frame: MapFrame,
    colours: dict[str, str],
    detail_box: Box | None = None,
    north: bool = True,
    avoid: tuple[Box, ...] = (),
    place_areas: dict | None = None,
) -> None:
    """The whole map in ``frame``. With ``detail_box`` (shown larger in an inset)
    that area is outlined and its towns are left to the inset; the scale bar and
    the area names keep clear of ``avoid`` (where the inset sits). ``place_areas``
    (event id -> WGS84 shape, ``uncertainty.area_shapes``) are drawn faintly
    in the colour of their event's actor."""
    ax.set_facecolor(style.WATER)
    draw_areas(ax, geometry)
    if place_areas:
        draw_place_areas(ax, events, place_areas, colours)
    pt = frame.metres_per_point
    border = shapely.transform(geometry.border, lambda xy: np.column_stack(project(xy[:, 0], xy[:, 1])))
    border_zone = border.buffer(5 * pt)
    drawn = [shapely.box(*b) for b in avoid]
    drawn += draw_towns(ax, events, frame, hide=detail_box)
    drawn += draw_events(ax, events, colours, frame)
    drawn += draw_arrows(ax, events, frame, keep_clear=shapely.union_all(drawn), prefer_clear=border_zone)
    drawn.append(border_zone)
    if len(events) > DENSE_MARKERS:  # a field of markers must not hide the line the map is about
        line = gpd.GeoSeries([geometry.border], crs=WGS84).to_crs(METRIC_CRS)
        line.plot(ax=ax, color=style.BORDER_COLOUR, linewidth=3.0, zorder=7, alpha=0.9)
    if detail_box is not None:
        drawn += _outline(ax, detail_box, frame)
    blocked = [*avoid, *([detail_box] if detail_box else [])]
    drawn.append(shapely.box(*draw_scale_bar(ax, events, frame, north=north, avoid=blocked)))
    name_areas(ax, geometry, frame, shapely.union_all(drawn))
    ax.set_xlim(frame.xmin, frame.xmax)
    ax.set_ylim(frame.ymin, frame.ymax)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_edgecolor("#868e96")


PLACE_AREA_ALPHA = 0.08


def draw_place_areas(ax: Axes, events: pd.DataFrame, shapes: dict, colours: dict[str, str]) -> None:
    """Where each imprecise event may lie: a faint fill and a dashed edge, under the markers."""
    actor_of = dict(zip(events["event_id"].astype(str), events["actor1"], strict=True))
    # One drawing per distinct area and colour: many province-precise events share one outline.
    distinct: dict[tuple[bytes, str], object] = {}
    for event_id, shape in shapes.items():
        if event_id in actor_of:
            colour = colours.get(actor_of[event_id], style.OTHER_COLOUR)
            distinct.setdefault((shape.wkb, colour), shape)
    if not distinct:
        return
    areas = gpd.GeoSeries(list(distinct.values()), crs=WGS84).to_crs(METRIC_CRS)
    edge = [colour for _, colour in distinct]
    areas.plot(ax=ax, facecolor=edge, alpha=PLACE_AREA_ALPHA, edgecolor="none", zorder=2)
    areas.plot(ax=ax, facecolor="none", edgecolor=edge, linewidth=0.9, linestyle=(0, (3, 3)), alpha=0.8, zorder=2)


def draw_areas(ax: Axes, geometry: BorderGeometry) -> None:
    """Countries, the two provinces and the border."""
    countries = geometry.countries.to_crs(METRIC_CRS)
    countries.plot(
        ax=ax,
        color=[style.COUNTRY_FILL.get(n, "#ffffff") for n in countries["name"]],
        edgecolor=style.COUNTRY_EDGE,
        linewidth=0.9,
        zorder=1,
    )
    provinces = geometry.provinces.to_crs(METRIC_CRS)
    provinces.plot(
        ax=ax,
        color=[style.PROVINCE_FILL.get(n, "#cccccc") for n in provinces["name"]],
        alpha=PROVINCE_ALPHA,
        edgecolor="none",
        zorder=2,
    )
    provinces.boundary.plot(ax=ax, color=style.COUNTRY_EDGE, linewidth=0.9, linestyle=(0, (4, 3)), zorder=2)
    border = gpd.GeoSeries([geometry.border], crs=WGS84).to_crs(METRIC_CRS)
    border.plot(ax=ax, color="white", linewidth=6.5, zorder=3)
    border.plot(ax=ax, color=style.BORDER_COLOUR, linewidth=3.6, zorder=3)


def name_areas(ax: Axes, geometry: BorderGeometry, frame: MapFrame, drawn: shapely.Geometry) -> None:
    """Country and province names where they fit clear of everything ``drawn``."""
    view = shapely.box(*frame.box)
    named = [
        (" ".join(name.upper()), shape, COUNTRY_LABEL)
        for name, shape in zip(geometry.countries["name"], geometry.countries.to_crs(METRIC_CRS).geometry, strict=True)
    ]
    named += [
        (name, shape, PROVINCE_LABEL)
        for name, shape in zip(geometry.provinces["name"], geometry.provinces.to_crs(METRIC_CRS).geometry, strict=True)
    ]
    for text, shape, look in named:
        size = labels.text_size_pt(text, look["fontsize"], capitals=look["fontweight"] == "bold")
        spot = labels.label_spot(shape.intersection(view), drawn, size, frame.metres_per_point)
        if spot is None:
            continue
        ax.text(*spot, text, ha="center", va="center", path_effects=HALO, clip_on=True, zorder=4, gid=AREA_GID, **look)
        half_w, half_h = size[0] * frame.metres_per_point / 2, size[1] * frame.metres_per_point / 2
        drawn = drawn.union(shapely.box(spot[0] - half_w, spot[1] - half_h, spot[0] + half_w, spot[1] + half_h))


PROVINCE_ALPHA = 0.55
COUNTRY_LABEL = {"fontsize": 15, "color": "#868e96", "fontweight": "bold", "style": "normal"}
PROVINCE_LABEL = {"fontsize": 11, "color": "#495057", "fontweight": "normal", "style": "italic"}


def draw_towns(ax: Axes, events: pd.DataFrame, frame: MapFrame, hide: Box | None = None) -> list[shapely.Geometry]:
    """Key towns with their names; returns the dots and name boxes as drawn."""
    pt = frame.metres_per_point
    towns = pd.DataFrame(TOWNS)
    x, y = project(towns["lon"], towns["lat"])
    shown = frame.contains(x, y)
    if hide is not None:
        shown &= ~((x >= hide[0]) & (x <= hide[2]) & (y >= hide[1]) & (y <= hide[3]))
    ax.scatter(x[shown], y[shown], s=14, color="#343a40", edgecolors="white", linewidths=0.8, zorder=5.5)
    drawn = [labels.obstacle_points(x[shown], y[shown], 4, pt)]
    for town, tx, ty in zip(towns[shown].itertuples(), x[shown], y[shown], strict=True):
        gap = _label_gap_pt(events, town)
        width, height = labels.text_size_pt(town.name, TOWN_FONT)
        room_right = (frame.xmax - tx) / pt - gap - width
        room_left = (tx - frame.xmin) / pt - gap - width
        right = room_right >= 0 if town.side == "right" else room_left < 0  # flip a name that would leave the frame
        ax.annotate(
            town.name,
            (tx, ty),
            xytext=(gap if right else -gap, -1),
            textcoords="offset points",
            ha="left" if right else "right",
            va="center",
            fontsize=TOWN_FONT,
            color=INK,
            path_effects=HALO,
            clip_on=True,
            zorder=8,
            gid=TOWN_GID,
        )
        near, far = gap * pt, (gap + width) * pt
        x0, x1 = (tx + near, tx + far) if right else (tx - far, tx - near)
        drawn.append(shapely.box(x0, ty - height * pt / 2, x1, ty + height * pt / 2))
    return drawn


def _label_gap_pt(events: pd.DataFrame, town: Town) -> float:
    """Clear of the dot, or of the ring of markers fanned out around it."""
    here = int(((events["latitude"].round(5) == town.lat) & (events["longitude"].round(5) == town.lon)).sum())
    if here < 2:
        return TOWN_GAP_PT
    return max(FAN_RADIUS_PT[0], FAN_RADIUS_PT[1] * here) + MARKER_PT * 0.6 + 3


TOWN_FONT = 10.5
TOWN_GAP_PT = 9
TOWN_GID, MARKERS_GID, AREA_GID = "town-name", "event-markers", "area-name"
SCALE_GID, NORTH_GID = "scale-bar", "north-arrow"


DENSE_MARKERS = 20_000


def draw_events(ax: Axes, events: pd.DataFrame, colours: dict[str, str], frame: MapFrame) -> list[shapely.Geometry]:
    """Colour by actor1, shape by event type; events at one point fan out around it."""
    x, y = project(events["longitude"], events["latitude"])
    dx, dy = fan_offsets(events)
    mx, my = x + dx * frame.metres_per_point, y + dy * frame.metres_per_point
    fanned = (dx != 0) | (dy != 0)
    if fanned.any():
        spokes = np.stack([np.column_stack([x, y]), np.column_stack([mx, my])], axis=1)[fanned]
        ax.add_collection(LineCollection(spokes, colors="#495057", linewidths=0.8, zorder=5))
        ax.scatter(x[fanned], y[fanned], s=10, color=INK, zorder=5)
    shapes = events["event_type"].map(style.shape_for).to_numpy()
    fills = events["actor1"].map(lambda a: colours.get(a, style.OTHER_COLOUR)).to_numpy()
    # A dense map is a field of overlapping markers: no white outline (stroking 1e5 outlines doubled the time).
    outline = 0.0 if len(events) > DENSE_MARKERS else 1.2
    for shape in dict.fromkeys(shapes):
        chosen = shapes == shape
        ax.scatter(
            mx[chosen],
            my[chosen],
            s=MARKER_PT**2,
            c=list(fills[chosen]),
            marker=style.SHAPES[shape][0],
            edgecolors="white",
            linewidths=outline,
            zorder=6,
            gid=MARKERS_GID,
        )
    return [labels.obstacle_points(mx, my, MARKER_PT * 0.8, frame.metres_per_point)]


def fan_offsets(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Offsets in points that spread events sharing a point on a circle around it (as the live map does)."""
    return style.fan_offsets(events, *FAN_RADIUS_PT)


def draw_scale_bar(
    ax: Axes, events: pd.DataFrame, frame: MapFrame, north: bool = True, avoid: list[Box] | None = None
) -> Box:
    """A scale bar (and a true-north arrow) in the corner that hides fewest events
    and towns; returns the box it takes."""
    pt = frame.metres_per_point
    km = _nice_length_km(frame.width * 0.22 / 1000)
    size_pt = (km * 1000 / pt + (84 if north else 34), 62 if north else 38)
    occupied = project(
        np.concatenate([events["longitude"], [t.lon for t in TOWNS]]),
        np.concatenate([events["latitude"], [t.lat for t in TOWNS]]),
    )
    box = place_box(frame, size_pt, occupied, avoid or [])
    ax.add_patch(
        Rectangle(
            box[:2], box[2] - box[0], box[3] - box[1], facecolor="white", alpha=0.85, lw=0, zorder=9, gid=SCALE_GID
        )
    )
    x0, y0 = box[0] + 12 * pt, box[1] + 8 * pt
    # Make the bar exactly ``km`` long on the ground where it is drawn.
    bar = km * 1000 * Proj(METRIC_CRS).get_factors(*unproject(x0, y0)).meridional_scale
    for k, fill in enumerate((INK, "white", INK, "white")):
        ax.add_patch(
            Rectangle((x0 + k * bar / 4, y0), bar / 4, 6 * pt, facecolor=fill, edgecolor=INK, lw=0.8, zorder=10)
        )
    for value, at in ((0, 0.0), (km / 2, 0.5), (km, 1.0)):
        label = f"{value:g} km" if at == 1.0 else f"{value:g}"
        ax.text(x0 + at * bar, y0 + 9 * pt, label, ha="center", va="bottom", fontsize=9.5, zorder=10)
    if north:
        _north_arrow(ax, x0 + bar + 44 * pt, y0, pt)
    return box


def _north_arrow(ax: Axes, x: float, y: float, pt: float) -> None:
    """An arrow to true north, which in UTM leans away from grid north off 63° E."""
    lon, lat = unproject(x, y)
    nx, ny = project([lon], [lat + 0.1])
    direction = np.array([nx[0] - x, ny[0] - y])
    direction /= np.hypot(*direction)
    head = np.array([x, y]) + direction * 28 * pt
    ax.annotate(
        "",
        xy=tuple(head),
        xytext=(x, y),
        arrowprops={"arrowstyle": "-|>,head_length=0.8,head_width=0.4", "color": INK, "lw": 2},
        zorder=10,
        gid=NORTH_GID,
    )
    ax.text(*(head + direction * 9 * pt), "N", ha="center", va="center", fontsize=12, fontweight="bold", zorder=10)


def _nice_length_km(target_km: float) -> float:
    fitting = [step for step in SCALE_STEPS_KM if step <= target_km]
    return fitting[-1] if fitting else SCALE_STEPS_KM[0]


def _outline(ax: Axes, box: Box, frame: MapFrame) -> list[shapely.Geometry]:
    """The detail area's frame on the overview map, named."""
    outline = Rectangle(
        box[:2], box[2] - box[0], box[3] - box[1], fill=False, edgecolor=INK, lw=1.2, linestyle=(0, (4, 2)), zorder=8
    )
    ax.add_patch(outline)
    ax.annotate(
        "Detail",
        (box[2], box[3]),
        xytext=(-3, 3),
        textcoords="offset points",
        ha="right",
        fontsize=9.5,
        color=INK,
        path_effects=HALO,
        clip_on=True,
        zorder=8,
    )
    pt = frame.metres_per_point
    return [shapely.box(*box).boundary.buffer(3 * pt), shapely.box(box[2] - 40 * pt, box[3], box[2], box[3] + 16 * pt)]
