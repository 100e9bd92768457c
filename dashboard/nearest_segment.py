"""The nearest point of a line to many points at once, in a plane (metres).

``borders`` measures distances to the Iran–Pakistan border with it, in UTM
41N: the points are grouped in square cells, each cell narrows the line down
to a few candidate segments once for all its points, and every point is then
measured against its cell's candidates in numpy. The answer is exact: the
point ``shapely.shortest_line`` to the whole line gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely

# Points are grouped in square cells this wide (metres) to find their nearest segment:
# each cell narrows the line down to a few candidate segments, once for all its points.
NEAREST_CELL_M = 10_000.0
_CELL_SLACK_M = 1.0  # rounding in the cell arithmetic, far below the cell's own size


@dataclass(frozen=True)
class LineSegments:
    """A line's two-point segments in UTM 41N, ``start`` and ``end`` (n x 2), and a tree of them."""

    start: np.ndarray
    end: np.ndarray
    tree: shapely.STRtree

    @cached_property
    def _measures(self) -> tuple[np.ndarray, ...]:
        """Per segment: start x, start y, dx, dy and 1/length² (0 for a segment of no length),
        each its own array (gathering from five flat arrays is faster than from one of five columns)."""
        step = self.end - self.start
        length2 = (step**2).sum(axis=1)
        inverse = np.divide(1.0, length2, out=np.zeros_like(length2), where=length2 > 0)
        return self.start[:, 0].copy(), self.start[:, 1].copy(), step[:, 0].copy(), step[:, 1].copy(), inverse

    def nearest(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The nearest point of the line to each point (m x 2; NaN where x or y is not finite).

        Exact, as ``shapely.shortest_line`` to the whole line gives it: the points
        are grouped in cells of ``NEAREST_CELL_M`` (``_candidates``), and each
        point is measured against its cell's candidates only, all points' first
        candidates at once, then their second, and so on.
        """
        out = np.full((len(x), 2), np.nan)
        rows = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        if len(rows) == 0:
            return out
        cell_of, centres, half_diagonal = cells(x[rows], y[rows])
        table, per_cell = self._candidates(centres, half_diagonal)
        count = per_cell[cell_of]
        # The points with the most candidates first: the points still measured at
        # each rank are then a leading slice, not a mask.
        by_count = np.argsort(-count, kind="stable")
        order, cell_of = rows[by_count], cell_of[by_count]
        still = len(order) - np.cumsum(np.bincount(count, minlength=len(table)))
        px, py = x[order], y[order]
        best = np.zeros(len(order), dtype=np.intp)
        best_gap = np.full(len(order), np.inf)
        for rank, many in enumerate(still[: len(table)]):
            candidate = table[rank, cell_of[:many]]
            gap = self._squared_gap(px[:many], py[:many], candidate)
            closer = np.flatnonzero(gap < best_gap[:many])  # a tie keeps the lower segment
            best_gap[closer] = gap[closer]
            best[closer] = candidate[closer]
        out[order] = closest_on_segment(px, py, self.start[best], self.end[best])
        return out

    def _candidates(self, centres: np.ndarray, half_diagonal: float) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's candidate segments (rank x cell, in segment order; unused ranks hold 0) and their number.

        For a cell with centre c and half-diagonal h, the segment nearest to any
        point p of the cell is no farther from c than the segment s nearest to c
        plus 2h: |p - c| <= h, so d(p, s) <= d(c, s) + h, and the nearest one to p
        is at most that from p, so at most that plus h from c.
        """
        (cell, segment), gap = self.tree.query_nearest(centres, return_distance=True, all_matches=False)
        reach = np.empty(len(centres))
        reach[cell] = gap + 2 * half_diagonal + _CELL_SLACK_M
        cell, segment = self.tree.query(centres, predicate="dwithin", distance=reach)
        by_cell = np.lexsort((segment, cell))
        cell, segment = cell[by_cell], segment[by_cell]
        per_cell = np.bincount(cell, minlength=len(centres))
        rank = np.arange(len(cell)) - (np.cumsum(per_cell) - per_cell)[cell]
        table = np.zeros((per_cell.max(), len(centres)), dtype=np.intp)
        table[rank, cell] = segment
        return table, per_cell

    def _squared_gap(self, px: np.ndarray, py: np.ndarray, segment: np.ndarray) -> np.ndarray:
        """Squared distance from each point to its segment (only to choose the nearest segment)."""
        sx, sy, dx, dy, inverse = (measure[segment] for measure in self._measures)
        ox, oy = px - sx, py - sy
        along = (ox * dx + oy * dy) * inverse
        np.clip(along, 0.0, 1.0, out=along)
        ox -= along * dx
        oy -= along * dy
        return ox * ox + oy * oy


def cells(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Each point's cell (an index into the centres), the occupied cells' centres, and their half-diagonal."""
    x0, y0 = x.min(), y.min()
    # Wide-flung points get wider cells, so that cell numbers stay well inside int64.
    size = max(NEAREST_CELL_M, (x.max() - x0) / 2**20, (y.max() - y0) / 2**20)
    column = np.floor((x - x0) / size).astype(np.int64)
    row = np.floor((y - y0) / size).astype(np.int64)
    rows = int(row.max()) + 1
    key = column * rows + row
    grid = (int(column.max()) + 1) * rows
    if grid <= 4 * len(key) + 2**16:  # a compact grid: numbered by a lookup, without sorting
        present = np.zeros(grid, dtype=bool)
        present[key] = True
        occupied, cell_of = np.flatnonzero(present), (np.cumsum(present) - 1)[key]
    else:
        occupied, cell_of = np.unique(key, return_inverse=True)
    centres = shapely.points(x0 + (occupied // rows + 0.5) * size, y0 + (occupied % rows + 0.5) * size)
    return cell_of, centres, size * np.sqrt(0.5)


def closest_on_segment(px: np.ndarray, py: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The point of each segment closest to each point, computed as GEOS computes it
    (``LineSegment::closestPoint``), so that it is the point ``shapely.shortest_line`` gives."""
    dx, dy = end[:, 0] - start[:, 0], end[:, 1] - start[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = ((px - start[:, 0]) * dx + (py - start[:, 1]) * dy) / (dx * dx + dy * dy)
    projected = np.column_stack([start[:, 0] + factor * dx, start[:, 1] + factor * dy])
    nearer_end = np.where(
        (np.hypot(px - start[:, 0], py - start[:, 1]) < np.hypot(px - end[:, 0], py - end[:, 1]))[:, None], start, end
    )
    return np.where(((factor > 0) & (factor < 1))[:, None], projected, nearer_end)


def line_segments(line: shapely.Geometry) -> LineSegments:
    """The two-point segments of ``line`` (a line or several), already in metres."""
    parts = [shapely.get_coordinates(part) for part in shapely.get_parts(line)]
    pairs = [np.stack([xy[:-1], xy[1:]], axis=1) for xy in parts if len(xy) >= 2]
    if not pairs:
        raise ValueError("the line has no segment")
    pairs = np.concatenate(pairs)
    return LineSegments(pairs[:, 0].copy(), pairs[:, 1].copy(), shapely.STRtree(shapely.linestrings(pairs)))
