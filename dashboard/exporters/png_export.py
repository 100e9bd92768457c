"""A static briefing map as PNG: the slide an analyst drops into a deck untouched.

The page is laid out in points on a 16 x 10 inch figure (1600 x 1000 pixels
at scale 1, 3200 x 2000 at scale 2): title and caption on top, the map on the
left, the legend in its own column on the right (so it never covers an
event), the attribution and generation time along the bottom. Drawn with
matplotlib's Agg canvas directly, never pyplot, so nothing global changes and
no window or network is touched. Colours and shapes come from
``dashboard.style``, as on the live map.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from dashboard import safe_text, style, uncertainty
from dashboard.borders import ARROW_TAIL_KM, BorderGeometry
from dashboard.exporters import map_frame, snapshot_labels, static_map, strike_arrows
from dashboard.exporters.fields import EXPORT_COLUMNS, check_columns

FIGURE_IN = (16.0, 10.0)
BASE_DPI = 100  # pixels per inch at scale 1
MARGIN_PT = 20.0
LEGEND_COLUMN_PT = 270.0
FOOTER_PT = 34.0
INSET_SHARE = (0.42, 0.72)  # detail inset size as a share of the map's width and height
ATTRIBUTION = (
    "Borders: Natural Earth (public domain). Places: GeoNames (CC BY 4.0). Events: curated from cited sources."
)
NO_EVENTS = "No events match the filters"
TITLE_MAX_LINES = 2
CAPTION_MAX_LINES = 3  # a long search text is cut, never allowed to push the map off the page
LABEL_MAX = 120  # characters of one legend entry before it is cut
PICTURE_AREAS_MAX = 2000  # place areas drawn up to this many events (a picture draws them cheaply;
# the live map stops at mapview.AREAS_MAX)
RC = {"font.family": "DejaVu Sans", "font.size": 10, "axes.linewidth": 0.8, "savefig.facecolor": "white"}


def to_png(
    events: pd.DataFrame,
    geometry: BorderGeometry,
    title: str,
    caption: str,
    scale: int = 1,
    generated_at: dt.datetime | None = None,
    basemap_note: str = "none",
    show_areas: bool = True,
    drawn_area: tuple = (),
    text_chunks: Mapping[str, str] | None = None,
    snapshot: Snapshot | None = None,
    colours: Mapping[str, str] | None = None,
) -> bytes:
    """The filtered events on the border region, as PNG bytes.

    ``scale`` multiplies the resolution (2 for print), not the layout.
    ``generated_at`` defaults to now; a naive time is taken as UTC.
    ``show_areas`` draws where each imprecise event may lie (up to
    ``PICTURE_AREAS_MAX`` events; a denser map would be one grey wash).
    ``drawn_area`` (the filter's polygon of (lat, lon) corners) is outlined.
    ``text_chunks`` (keyword: text) are added to the PNG's text chunks (the manifest).
    ``colours``: each actor's colour (the view's, ``exporters.view.colours_in_view``); by default the
    events' canonical colours.
    """
    check_columns(events, [*EXPORT_COLUMNS, "origin_lat", "origin_lon"], "PNG")
    if scale not in (1, 2, 3, 4):
        raise ValueError(f"PNG export: scale {scale!r} is not one of 1, 2, 3, 4")
    stamp = generated_text(generated_at)
    with rc_context(RC):
        figure = _compose(
            events, geometry, title, caption, stamp, basemap_note, show_areas, drawn_area, snapshot, colours
        )
        buffer = io.BytesIO()
        metadata = {"Title": safe_text.for_picture(title, 1000), "Description": safe_text.for_picture(caption, 2000)}
        figure.savefig(
            buffer,
            format="png",
            dpi=BASE_DPI * scale,
            metadata={**metadata, "Creation Time": stamp, "Software": __name__, **(text_chunks or {})},
        )
    return buffer.getvalue()


@dataclass(frozen=True)
class Snapshot:
    """What a briefing snapshot adds to the plain export: the view's frame, labels of key events (date
    and deaths), a callout, and the handling marking at the top and bottom."""

    extent: tuple[float, float, float, float] | None = None
    labels: bool = False
    highlight: str | None = None  # the view's event: labelled first, the callout points at it
    annotation: str = ""
    marking: str = ""
    header: bool = True  # False: no title and caption in the picture (a PDF page sets them as real text)


def picture_lines(text: str, width: int, max_lines: int) -> list[str]:
    """``text`` wrapped at ``width`` characters on at most ``max_lines`` lines, an ellipsis marking a cut."""
    shown = safe_text.for_picture(text, width * max_lines + 1)
    return textwrap.wrap(shown, width, max_lines=max_lines, placeholder=" " + safe_text.ELLIPSIS)


def generated_text(generated_at: dt.datetime | None) -> str:
    when = generated_at or dt.datetime.now(dt.UTC)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return f"{when:%Y-%m-%d %H:%M} UTC"


def _compose(
    events: pd.DataFrame,
    geometry: BorderGeometry,
    title: str,
    caption: str,
    stamp: str,
    basemap_note: str,
    show_areas: bool = True,
    drawn_area: tuple = (),
    snapshot: Snapshot | None = None,
    colours: Mapping[str, str] | None = None,
) -> Figure:
    snapshot = snapshot or Snapshot()
    figure = Figure(figsize=FIGURE_IN)
    FigureCanvasAgg(figure)
    page = (FIGURE_IN[0] * 72, FIGURE_IN[1] * 72)
    marked = bool(snapshot.marking)
    top = page[1] - (30 if marked else 16)
    map_top = _header(figure, title, caption, page, top_pt=top) if snapshot.header else top - 4
    footer_pt = FOOTER_PT + (18 if marked else 0)
    map_box = (MARGIN_PT, footer_pt, page[0] - 2 * MARGIN_PT - LEGEND_COLUMN_PT - 16, map_top - footer_pt)
    colours = dict(colours) if colours is not None else style.actor_colours(events["actor1"])
    areas = uncertainty.area_shapes(events, geometry) if show_areas and len(events) <= PICTURE_AREAS_MAX else {}
    if snapshot.extent is not None:  # a saved view: its frame, no inset
        axes = [_draw_extent(figure, events, geometry, colours, map_box, page, areas, snapshot.extent)]
    else:
        axes = _draw_maps(figure, events, geometry, colours, map_box, page, areas)
    if snapshot.labels:
        snapshot_labels.label_key_events(axes[0], events, snapshot.highlight)
    if snapshot.annotation:
        snapshot_labels.callout(axes[0], events, snapshot.highlight, snapshot.annotation)
    if marked:
        snapshot_labels.marking(figure, snapshot.marking)
    if drawn_area:
        for ax in axes:
            _outline(ax, drawn_area)
    _legend(
        figure,
        events,
        colours,
        x_pt=map_box[0] + map_box[2] + 16,
        top_pt=map_top,
        page=page,
        areas=bool(areas),
        drawn=bool(drawn_area),
        marks={artist.get_gid() for ax in axes for artist in ax.get_children()},
    )
    _footer(figure, stamp, basemap_note, len(events), page, 30 if marked else 12)
    for text in figure.findobj(Text):  # every string is drawn as itself: a "$" is never mathtext
        text.set_parse_math(False)
    return figure


def _header(figure: Figure, title: str, caption: str, page: tuple[float, float], top_pt: float | None = None) -> float:
    """Title and wrapped caption; returns where the map may start (points from the bottom)."""
    title_lines = picture_lines(title, 95, TITLE_MAX_LINES) or [""]
    caption_lines = picture_lines(caption, 150, CAPTION_MAX_LINES)
    y = page[1] - 16 if top_pt is None else top_pt
    x = MARGIN_PT / page[0]
    figure.text(x, y / page[1], "\n".join(title_lines), fontsize=20, fontweight="bold", va="top", parse_math=False)
    y -= 25 * len(title_lines) + 4
    if caption_lines:
        figure.text(
            x, y / page[1], "\n".join(caption_lines), fontsize=12.5, color="#343a40", va="top", parse_math=False
        )
        y -= 17 * len(caption_lines)
    return y - 10


def _draw_maps(
    figure: Figure,
    events: pd.DataFrame,
    geometry: BorderGeometry,
    colours: dict,
    box: tuple,
    page: tuple,
    areas: dict | None = None,
) -> list:
    """The main map, and a detail inset of the border strip when far events make it small; returns their axes."""
    frame = map_frame.plan_frame(events, box[2], box[3])
    ax = figure.add_axes(_fraction(box, page))
    drawn = [ax]
    if map_frame.detail_needed(frame, events):
        drawn.append(_draw_with_inset(figure, ax, events, geometry, colours, frame, box, page, areas))
    else:
        static_map.draw_map(ax, events, geometry, frame, colours, place_areas=areas)
    if events.empty:
        ax.text(
            0.5,
            0.5,
            NO_EVENTS,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=18,
            color="#343a40",
            bbox={"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": "#adb5bd", "alpha": 0.95},
            zorder=20,
        )
    return drawn


def _draw_extent(figure, events, geometry, colours, box, page, areas, extent) -> object:
    """The map framed on ``extent`` (south, west, north, east), as a saved view frames it."""
    south, west, north, east = extent
    x, y = map_frame.project([west, east, west, east], [south, south, north, north])
    frame = map_frame.fit_frame(np.asarray(x), np.asarray(y), box[2], box[3])
    ax = figure.add_axes(_fraction(box, page))
    static_map.draw_map(ax, events, geometry, frame, colours, place_areas=areas)
    return ax


# Dash-dot, so the drawn area never reads as a cross-border arrow (plain dashes).
DRAWN_AREA_LINE = {"color": static_map.INK, "linewidth": 1.6, "linestyle": (0, (8, 3, 2, 3))}


def _outline(ax, corners: tuple) -> None:
    """The drawn area the filter keeps events in: a dashed outline, kept to the axes' view."""
    ring = [*corners, corners[0]]
    x, y = map_frame.project([lon for _, lon in ring], [lat for lat, _ in ring])
    limits = ax.get_xlim(), ax.get_ylim()
    ax.plot(x, y, **DRAWN_AREA_LINE, zorder=6)
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])


INSET_GAP_PT = 10  # between the overview and an inset standing beside it


def hidden_by(events: pd.DataFrame, frame, inset: tuple, detail: tuple) -> np.ndarray:
    """Which events an inset at ``inset`` (metres) would hide in the overview: a marker (where its fan
    puts it, with its size) under the inset, unless the inset itself shows it (it lies in ``detail``)."""
    x, y = (np.asarray(v, dtype=float) for v in map_frame.project(events["longitude"], events["latitude"]))
    dx, dy = static_map.fan_offsets(events)
    pt = frame.metres_per_point
    mx, my, half = x + dx * pt, y + dy * pt, map_frame.MARKER_PT / 2 * pt
    under = (mx + half > inset[0]) & (mx - half < inset[2]) & (my + half > inset[1]) & (my - half < inset[3])
    shown = (x >= detail[0]) & (x <= detail[2]) & (y >= detail[1]) & (y <= detail[3])
    return under & ~shown


def _draw_with_inset(
    figure: Figure,
    ax,
    events: pd.DataFrame,
    geometry: BorderGeometry,
    colours: dict,
    frame,
    box: tuple,
    page: tuple,
    areas: dict | None = None,
):
    """The overview with the border strip outlined, and the strip larger in an inset that hides no event:
    over a free part of the overview, or beside it when every spot would hide one."""
    inset_pt = (round(box[2] * INSET_SHARE[0]), round(box[3] * INSET_SHARE[1]))
    detail = map_frame.plan_detail(events, geometry, *inset_pt)
    ex, ey = map_frame.event_xy(events)
    tx, ty = map_frame.project([t.lon for t in static_map.TOWNS], [t.lat for t in static_map.TOWNS])
    inset = map_frame.place_inset(frame, inset_pt, (np.concatenate([ex, tx]), np.concatenate([ey, ty])), detail.box)
    if hidden_by(events, frame, inset, detail.box).any():
        # Beside: the overview gives up the inset's width, and the inset stands at its right.
        main = (box[0], box[1], box[2] - inset_pt[0] - INSET_GAP_PT, box[3])
        frame = map_frame.plan_frame(events, main[2], main[3])
        ax.set_position(_fraction(main, page))
        static_map.draw_map(ax, events, geometry, frame, colours, detail_box=detail.box, place_areas=areas)
        spot = (box[0] + box[2] - inset_pt[0], box[1] + (box[3] - inset_pt[1]) / 2, *inset_pt)
    else:
        static_map.draw_map(
            ax, events, geometry, frame, colours, detail_box=detail.box, avoid=(inset,), place_areas=areas
        )
        left = box[0] + (inset[0] - frame.xmin) / frame.metres_per_point
        bottom = box[1] + (inset[1] - frame.ymin) / frame.metres_per_point
        spot = (left, bottom, *inset_pt)
    inset_ax = figure.add_axes(_fraction(spot, page), zorder=3)
    pt = detail.metres_per_point
    title_box = (detail.xmin, detail.ymax - 26 * pt, detail.xmin + 160 * pt, detail.ymax)
    static_map.draw_map(inset_ax, events, geometry, detail, colours, north=False, avoid=(title_box,), place_areas=areas)
    for spine in inset_ax.spines.values():
        spine.set_edgecolor(static_map.INK)
        spine.set_linewidth(1.4)
    inset_ax.text(
        0.03,
        0.97,
        "Border area (detail)",
        transform=inset_ax.transAxes,
        ha="left",
        va="top",
        fontsize=10.5,
        fontweight="bold",
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        zorder=20,
    )
    return inset_ax


def _fraction(box: tuple, page: tuple) -> tuple[float, float, float, float]:
    return (box[0] / page[0], box[1] / page[1], box[2] / page[0], box[3] / page[1])


def _legend(
    figure: Figure,
    events: pd.DataFrame,
    colours: dict,
    x_pt: float,
    top_pt: float,
    page: tuple,
    areas: bool = False,
    drawn: bool = False,
    marks: set | None = None,
) -> None:
    """Three stacked legends in the right-hand column: actors, event types, the map's lines and areas.
    ``marks``: the ids of what the maps drew (``strike_arrows``' counts and leaders are explained)."""
    sections = [("Actor (colour)", _actor_handles(colours)), ("Event type (shape)", _type_handles(events))]
    sections.append(("On the map", _map_handles(events, areas, drawn, marks or set())))
    renderer = figure.canvas.get_renderer()
    for fontsize in (10.5, 9.0, 7.5):
        placed, y = [], top_pt
        for heading, handles in sections:
            if not handles:
                continue
            legend = _stacked_legend(figure, heading, handles, (x_pt / page[0], y / page[1]), fontsize)
            placed.append(legend)
            y -= legend.get_window_extent(renderer).height * 72 / figure.dpi + 10
        if y >= FOOTER_PT or fontsize == 7.5:
            return
        for legend in placed:
            legend.remove()


def _stacked_legend(figure: Figure, heading: str, handles: list, anchor: tuple, fontsize: float) -> Legend:
    legend = figure.legend(
        handles=handles,
        title=heading,
        loc="upper left",
        bbox_to_anchor=anchor,
        alignment="left",
        frameon=False,
        fontsize=fontsize,
        title_fontproperties={"weight": "bold", "size": fontsize + 1},
        handlelength=2.2,
        handletextpad=0.7,
        labelspacing=0.55,
        borderaxespad=0,
        borderpad=0,
    )
    return legend


def _wrap(label: str) -> str:
    """A legend label on lines of at most 34 characters, controls made visible, cut if very long."""
    shown = safe_text.for_picture(label, LABEL_MAX)
    return "\n".join(textwrap.wrap(shown, 34)) or shown


def _actor_handles(colours: dict[str, str]) -> list:
    shown = list(colours.items())[: style.MAX_LEGEND_ACTORS]
    handles = [_marker("o", colour, _wrap(actor)) for actor, colour in shown]
    if len(colours) > len(shown):
        more = len(colours) - len(shown)
        handles.append(Line2D([], [], linestyle="none", label=_wrap(f"… and {more} more actors (own colours)")))
    return handles


def _type_handles(events: pd.DataFrame) -> list:
    kinds = sorted(set(events["event_type"]))
    return [_marker(style.SHAPES[style.shape_for(kind)][0], "#495057", _wrap(kind)) for kind in kinds]


def _map_handles(events: pd.DataFrame, areas: bool = False, drawn: bool = False, marks: set | None = None) -> list:
    """The border and provinces always; arrows (with their counts and dotted leaders), place areas, the
    filter's drawn area and fanned markers only when drawn."""
    marks = marks or set()
    handles = [Line2D([], [], color=style.BORDER_COLOUR, linewidth=3.6, label="Iran–Pakistan border")]
    handles += [
        Patch(
            facecolor=colour, alpha=static_map.PROVINCE_ALPHA, edgecolor=style.COUNTRY_EDGE, linestyle="--", label=name
        )
        for name, colour in style.PROVINCE_FILL.items()
    ]
    if (events["cross_border"].astype(bool) & events["origin_lat"].notna()).any():
        label = _wrap(f"Cross-border strike or attack, from the origin side ({ARROW_TAIL_KM:g} km beyond the border)")
        handles.append(Line2D([], [], color=style.ARROW_COLOUR, linewidth=2.2, linestyle=(0, (5, 3)), label=label))
    if strike_arrows.COUNT_GID in marks:
        label = _wrap("×2 on an arrow: two crossings from one origin to sites close together")
        handles.append(Line2D([], [], color=style.ARROW_COLOUR, linewidth=2.2, linestyle=(0, (5, 3)), label=label))
    if strike_arrows.LEADER_GID in marks:
        label = _wrap("Dotted: an arrow ending short of a crowded site carries on to it")
        handles.append(Line2D([], [], color=style.ARROW_COLOUR, linewidth=1.1, linestyle=(0, (1, 1.5)), label=label))
    if areas:
        label = _wrap("Where an imprecise place may lie (circle or province), in the actor's colour")
        handles.append(Patch(facecolor="#49505714", edgecolor="#495057", linestyle="--", label=label))
    if drawn:
        handles.append(Line2D([], [], **DRAWN_AREA_LINE, label=_wrap("Drawn area: only events inside it are shown")))
    handles.append(_dot(4.5, "#343a40", "Town (GeoNames)"))
    if (np.hypot(*static_map.fan_offsets(events)) > 0).any():
        handles.append(
            _dot(3.5, static_map.INK, _wrap("Shared location: events at one place are fanned out around it"))
        )
    return handles


def _dot(size: float, colour: str, label: str) -> Line2D:
    return Line2D([], [], marker="o", linestyle="none", markersize=size, color=colour, label=label)


def _marker(marker: str, colour: str, label: str) -> Line2D:
    return Line2D(
        [],
        [],
        marker=marker,
        linestyle="none",
        markersize=10,
        markerfacecolor=colour,
        markeredgecolor="white",
        markeredgewidth=1,
        label=label,
    )


def _footer(figure: Figure, stamp: str, basemap_note: str, count: int, page: tuple, y_pt: float = 12) -> None:
    width_pt, y = page[0], y_pt / page[1]
    note = f"{ATTRIBUTION} Basemap: {safe_text.for_picture(basemap_note, 200)}."
    figure.text(MARGIN_PT / width_pt, y, note, fontsize=9, color="#495057", va="bottom", parse_math=False)
    shown = f"{count} event{'s' if count != 1 else ''} shown · UTM zone 41N (EPSG:32641) · generated {stamp}"
    figure.text(
        1 - MARGIN_PT / width_pt, y, shown, fontsize=9, color="#495057", va="bottom", ha="right", parse_math=False
    )


FORMAT = {
    "name": "png",
    "label": "Map snapshot (PNG)",
    "extension": "png",
    "mime_type": "image/png",
    "order": 1,
    "embeds_manifest": True,
}


def write(view) -> bytes:
    from dashboard import manifest
    from dashboard.exporters.view import colours_in_view

    return to_png(
        view.events,
        view.data.geometry,
        view.title,
        view.caption,
        view.scale,
        view.generated_at,
        basemap_note="none",  # no tiles are drawn in a picture, whatever the page's basemap
        show_areas=view.show_areas,
        drawn_area=view.spec.area,
        text_chunks=manifest.png_text(view.record) if view.record else None,
        snapshot=Snapshot(view.extent, view.labels, view.highlight, view.annotation, view.marking, view.header),
        colours=colours_in_view(view),
    )
