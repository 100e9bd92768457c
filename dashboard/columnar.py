"""Joined events on disk as GeoParquet: join a big import once, load it fast.

``write_events_parquet`` stores the frame that ``borders.join_events`` returns
(every column, its point geometry and its dtypes: pandas strings, nullable
integers, datetimes, booleans); ``read_events_parquet`` gives the same frame
back. A million events load in well under a second, against tens of seconds to
parse, validate and join the CSV again. With ``compact`` the text columns that
repeat come back as categoricals (``COMPACT_COLUMNS``): the page holds a million
events in a third of the memory. Nothing here calls Streamlit.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyproj import CRS

from dashboard.borders import JOIN_COLUMNS as BORDER_JOIN_COLUMNS
from dashboard.exporters.atomic import atomic_write
from dashboard.schema import REQUIRED

# The columns every joined events frame has: the schema's required ones, and
# what ``borders.join_events`` adds.
JOIN_COLUMNS = ("geometry", *BORDER_JOIN_COLUMNS, "origin_lat", "origin_lon")
REQUIRED_COLUMNS = (*REQUIRED, *JOIN_COLUMNS)

# Text columns that everything reading events only compares, tests for membership, searches with
# ``.str`` or shows value by value. When they repeat (a million events name a few sides, kinds,
# countries, provinces and sources) a categorical holds each row in a byte or two instead of an
# 8-byte offset and the text. The columns whose values are counted over a filtered subset stay text
# (actor1 for the colours, event_type, location for the far places), those the list shows (actor2),
# and the actors as written, which the manifest fills in from actor1/actor2 (``Series.where``): a
# categorical's ``value_counts`` and its Arrow form list every category, seen or not, and it takes
# no value that is not one of its categories.
COMPACT_COLUMNS = (
    "date_precision",
    "sub_event_type",
    "country",
    "admin1",
    "origin_country",
    "notes",
    "source_id",
    "source_quote",
    "detail_source_id",
    "country_geo",
    "admin1_geo",
    "actor1_side",
    "actor1_kind",
    "actor2_side",
    "actor2_kind",
    "claims",
    "target_claimed_by",
)
COMPACT_MAX_SHARE = 0.5  # a column with more distinct values than this share of its rows stays text
READ_BATCH_COLUMNS = 8  # columns decoded at a time (see _read_columns)


class ColumnarError(ValueError):
    """An events file that cannot be read as joined events (names the file)."""


def _missing(columns: pd.Index) -> list[str]:
    present = set(columns)
    return [c for c in REQUIRED_COLUMNS if c not in present]


def write_events_parquet(events: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write joined events to ``path`` as GeoParquet (zstd); returns the path.

    Written whole to a temporary file and then renamed over ``path``: an
    interrupted write leaves the old file (or none), never half a file."""
    path = Path(path)
    missing = _missing(events.columns)
    if missing:
        raise ColumnarError(
            f"{path}: refusing to write events without the joined columns {', '.join(missing)} "
            "(join them first with borders.join_events)"
        )
    if not isinstance(events, gpd.GeoDataFrame) or events.geometry.name != "geometry":
        raise ColumnarError(f"{path}: events must be a GeoDataFrame with a 'geometry' column")
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    events.reset_index(drop=True).to_parquet(buffer, index=False, compression="zstd", write_covering_bbox=False)
    atomic_write(path, buffer.getbuffer())
    return path


def read_events_parquet(
    path: str | Path, rebuild_points: bool = True, compact: bool = False, points: bool = True
) -> pd.DataFrame:
    """Read events written by ``write_events_parquet``, dtypes as written.

    With ``rebuild_points`` (the default) the point geometry is made again from
    ``longitude``/``latitude``, as ``join_events`` made it, instead of decoded
    (1.6 s -> 0.4 s for a million events); ``False`` decodes the stored one.
    With ``points=False`` there is no geometry at all: a plain DataFrame whose
    ``latitude``/``longitude`` hold each point (what the page, the filters and
    the exports read; a million shapely points take 200 MB). With ``compact``
    the ``COMPACT_COLUMNS`` come straight from the file's dictionaries as
    categoricals (``compact_text``), never as a million strings."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: events parquet file missing")
    try:
        schema = pq.read_schema(path)
        geo = json.loads((schema.metadata or {}).get(b"geo", b"{}"))
        missing = _missing(pd.Index(schema.names))
        if missing:
            raise ColumnarError(
                f"{path}: events file lacks the columns {', '.join(missing)} "
                "(write it with columnar.write_events_parquet from joined events)"
            )
        meta = geo.get("columns", {}).get("geometry")
        dictionaries = [c for c in COMPACT_COLUMNS if c in schema.names] if compact else []
        # The points are made from longitude/latitude (borders.join_events):
        # making them again is five times faster than decoding the stored ones.
        rebuild = rebuild_points and meta is not None and meta.get("geometry_types") == ["Point"]
        if points and not rebuild:
            events = gpd.read_parquet(path, read_dictionary=dictionaries or None)
        else:
            events = _read_columns(path, [c for c in schema.names if c != "geometry"], dictionaries)
    except (ValueError, OSError, pa.ArrowException) as err:
        if isinstance(err, ColumnarError):
            raise
        raise ColumnarError(f"{path}: not a GeoParquet events file ({err})") from err
    finally:
        pa.default_memory_pool().release_unused()
    if points and rebuild:
        crs = CRS.from_user_input(meta["crs"]) if meta.get("crs") else CRS.from_user_input("OGC:CRS84")
        xy = gpd.points_from_xy(events["longitude"], events["latitude"], crs=crs)
        events = gpd.GeoDataFrame(events, geometry=xy, copy=False)[schema.names]  # copy=False: not every column again
    return compact_text(events) if compact else events


def _read_columns(path: Path, columns: list[str], dictionaries: list[str]) -> pd.DataFrame:
    """``columns`` of the file, ``READ_BATCH_COLUMNS`` at a time (those in ``dictionaries`` as
    categoricals): Arrow's decoded pages of one batch are let go before the next is read, so the
    peak is the frame and one batch, not the frame and the whole table (a million events: 345 MB
    more at the peak, not 560)."""
    parts = []
    for start in range(0, len(columns), READ_BATCH_COLUMNS):
        batch = columns[start : start + READ_BATCH_COLUMNS]
        as_dictionary = [c for c in batch if c in dictionaries] or None
        parts.append(pd.read_parquet(path, columns=batch, read_dictionary=as_dictionary))
        pa.default_memory_pool().release_unused()  # Arrow keeps freed pages for reuse otherwise
    return pd.concat(parts, axis=1)


def compact_text(events: pd.DataFrame, max_share: float = COMPACT_MAX_SHARE) -> pd.DataFrame:
    """``events`` with each of the ``COMPACT_COLUMNS`` it has as a categorical when that column has no
    missing value and at most ``max_share`` of its rows distinct, else as text (``str``).

    Categories are in sorted order, so sorting by a column orders it as the text would; values,
    comparisons, ``isin``, ``unique``, ``.str`` and ``hash_pandas_object`` all give what the text
    gives. Columns are replaced, never changed in place."""
    changed = {}
    for name in (c for c in COMPACT_COLUMNS if c in events.columns):
        column = events[name]
        limit = max_share * len(column)
        if isinstance(column.dtype, pd.CategoricalDtype):
            if len(column.cat.categories) > limit or column.isna().any():  # read as a dictionary, but unique
                changed[name] = column.astype("str")
            elif list(column.cat.categories) != sorted(column.cat.categories):  # the file's dictionary order
                changed[name] = column.cat.reorder_categories(sorted(column.cat.categories))
        elif pd.api.types.is_string_dtype(column.dtype) and not column.isna().any() and column.nunique() <= limit:
            changed[name] = column.astype("category")  # categories come sorted
    return events.assign(**changed) if changed else events
