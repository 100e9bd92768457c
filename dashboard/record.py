"""One event's full record in words: for the popup, the detail panel and the PDF."""

from __future__ import annotations

import pandas as pd

from dashboard.safe_text import html_text
from dashboard.schema import DATE_PRECISION_WORDS, GEO_PRECISION_WORDS


def fatalities_text(event: pd.Series, short: bool = False) -> str:
    """Best figure, with the low–high range where sources disagree."""
    best, low, high = event["fatalities"], event["fatalities_low"], event["fatalities_high"]
    if pd.isna(best):
        return "unknown"
    if pd.notna(low) and pd.notna(high) and low != high:
        return f"{best} ({low}–{high})" if short else f"{best} (reports range {low}–{high})"
    return str(best)


def fatalities_range_text(event: pd.Series) -> str:
    """For the list: '9', '7–9' where sources disagree, or 'unknown' (never a blank that reads as zero)."""
    return _fatality_range(event["fatalities"], event["fatalities_low"], event["fatalities_high"])


def fatalities_range_texts(events: pd.DataFrame) -> list[str]:
    """``fatalities_range_text`` for every event (no per-row Series)."""
    columns = (events["fatalities"], events["fatalities_low"], events["fatalities_high"])
    return [_fatality_range(best, low, high) for best, low, high in zip(*columns, strict=True)]


def _fatality_range(best: object, low: object, high: object) -> str:
    if pd.isna(best) and pd.isna(low) and pd.isna(high):
        return "unknown"
    low = best if pd.isna(low) else low
    high = best if pd.isna(high) else high
    if pd.notna(low) and pd.notna(high) and low != high:
        return f"{low}–{high}"
    return str(best if pd.notna(best) else low)


def source_line(source_id: str, sources: pd.DataFrame | None) -> str:
    """'Title — Publisher, date (file or URL)' for a registry id."""
    if not source_id:
        return ""
    if sources is None or source_id not in sources.index:
        return source_id
    s = sources.loc[source_id]
    who = ", ".join(x for x in (s["publisher"], s["author"], s["publication_date"]) if x and not x.startswith("Not "))
    return f"{s['title']} — {who} ({s['file_or_url']})"


# Decimals of a coordinate as shown, by place precision: about 1 km, 10 km and 100 km.
COORDINATE_DECIMALS = {1: 2, 2: 1, 3: 0}


def coordinates_text(event: pd.Series) -> str:
    """Latitude and longitude to as many decimals as the place precision supports."""
    decimals = COORDINATE_DECIMALS.get(_precision(event), 5)
    return f"{float(event['latitude']):.{decimals}f}, {float(event['longitude']):.{decimals}f}"


def distance_text(event: pd.Series) -> str:
    """'78.6 km from the point; 53.6–103.6 km over the area where it may lie'."""
    point = f"{float(event['distance_to_border_km']):.1f} km"
    span = range_text(event)
    return f"{point} from the point; {span} over the area where it may lie" if span else point


def range_text(event: pd.Series) -> str:
    """'53.6–103.6 km', one decimal (never rounded to whole km); empty without a range."""
    return _span(event.get("distance_min_km"), event.get("distance_max_km"))


def range_texts(events: pd.DataFrame) -> list[str]:
    """``range_text`` for every event (the list shows it on every rerun: no per-row Series)."""
    if "distance_min_km" not in events.columns or "distance_max_km" not in events.columns:
        return [""] * len(events)
    return [_span(low, high) for low, high in zip(events["distance_min_km"], events["distance_max_km"], strict=True)]


def _span(low: object, high: object) -> str:
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return ""
    return f"{float(low):.1f}–{float(high):.1f} km"


def crossed_text(event: pd.Series) -> str:
    crossed = str(event.get("crossed", "yes" if event.get("cross_border") else "no"))
    origin = event.get("origin_country", "")
    if crossed == "yes":
        return f"yes, from {origin}"
    if crossed == "possibly":
        return f"possibly, from {origin} (the area where it may lie straddles the border)"
    return "no"


def target_note(event: pd.Series, short: bool = False) -> str:
    """What follows actor2 when it is a claim: whose, or that the sides dispute it ("" otherwise)."""
    claimed = event.get("target_claimed_by", "")
    if not claimed or not event["actor2"]:
        return ""
    if event.get("disputed"):
        return " (target disputed)" if short else " (the target is disputed: see the claims)"
    return f" (as {claimed} says)"


def actors_text(event: pd.Series) -> str:
    """'A vs B', saying whose claim the target is; the names as written when they differ."""
    text = " vs ".join(x for x in (event["actor1"], event["actor2"]) if x) + target_note(event)
    written = [
        str(event.get(f"{c}_original", "") or "")
        for c in ("actor1", "actor2")
        if str(event.get(f"{c}_original", "") or "") not in ("", str(event[c]))
    ]
    return text + (f"; as written: {', '.join(written)}" if written else "")


def precision_text(event: pd.Series) -> str:
    precision = _precision(event)
    words = GEO_PRECISION_WORDS.get(precision, "")
    radius = event.get("place_radius_km")
    if precision == 2 and radius is not None and pd.notna(radius):
        words = f"within {float(radius):g} km of the point"
    return f"{precision}: {words}"


def _precision(event: pd.Series) -> int:
    value = event.get("geo_precision")
    return int(value) if value is not None and pd.notna(value) else 0


def record_rows(event: pd.Series, sources: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """Every field worth reading, labelled, precision spelled out; empty ones left out."""
    rows = [
        ("Event id", event["event_id"]),
        ("Date", f"{event['event_date']:%Y-%m-%d} ({DATE_PRECISION_WORDS[event['date_precision']]})"),
        ("Type", " / ".join(x for x in (event["event_type"], event["sub_event_type"]) if x)),
        ("Actors", actors_text(event)),
        ("Location", ", ".join(x for x in (event["location"], event["admin1"], event["country"]) if x)),
        ("Coordinates", coordinates_text(event)),
        ("Place precision", precision_text(event)),
        ("Lies in", ", ".join(x for x in (event["admin1_geo"], event["country_geo"]) if x) or "outside the map"),
        ("Distance to border", distance_text(event)),
        ("Cross-border", crossed_text(event)),
        ("Fatalities", fatalities_text(event)),
        *[("Claim", line) for line in str(event.get("claims", "") or "").split("\n") if line],
        ("Notes", event["notes"]),
        ("Source", source_line(event.get("source_id", ""), sources)),
        ("Quoted passage", event.get("source_quote", "")),
        ("Date or place from", source_line(event.get("detail_source_id", ""), sources)),
    ]
    if event.get("location_mismatch", False):
        rows.insert(8, ("Warning", f"the coordinates lie outside the declared country ({event['country']})"))
    return [(label, str(value)) for label, value in rows if value]


# What an analyst reads first: what, when, where (with its precision), who says so; then the rest.
DETAIL_FIRST = ("Type", "Date", "Location", "Place precision", "Quoted passage", "Source", "Actors", "Fatalities")


def detail_order(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    rank = {label: i for i, label in enumerate(DETAIL_FIRST)}
    return sorted(rows, key=lambda row: rank.get(row[0], len(DETAIL_FIRST)))


DETAIL_CSS = (
    ".event-detail,.cell-detail{font:14px/1.4 'Source Sans Pro',sans-serif;color:#262730}"
    ".event-detail p,.cell-detail p{margin:0 0 6px}.event-detail b,.cell-detail b{font-weight:600}"
    ".event-detail blockquote{margin:2px 0 8px;padding:4px 8px;border-left:3px solid #adb5bd;"
    "background:#f8f9fa;white-space:pre-wrap;overflow-wrap:anywhere}"
)


def detail_html(rows: list[tuple[str, str]], kind: str = "event-detail", lead_first: bool = True) -> str:
    """Rows as compact HTML in a box of class ``kind``: every label and value escaped (values come
    from data files), the quoted passage set apart as a quotation. ``lead_first`` puts them in
    ``detail_order`` (an event's record); otherwise they keep their own order (a grid cell's summary)."""
    parts = [f"<style>{DETAIL_CSS}</style><div class='{html_text(kind)}'>"]
    for label, value in detail_order(rows) if lead_first else rows:
        if label == "Quoted passage":
            parts.append(f"<p><b>{html_text(label)}</b></p><blockquote>{html_text(value)}</blockquote>")
        else:
            parts.append(f"<p><b>{html_text(label)}:</b> {html_text(value)}</p>")
    return "".join(parts) + "</div>"


def cell_rows(events: pd.DataFrame, degrees: float, top: int = 3) -> list[tuple[str, str]]:
    """What a grid cell of the map holds (``events`` in it; the cell ``degrees`` wide): counts,
    dates, fatalities, the busiest actors and event types."""
    if events.empty:
        return [("Grid cell", "no event of the current filter lies in it")]
    lat, lon = float(events["latitude"].mean()), float(events["longitude"].mean())
    km = degrees * 111.32
    low = events["fatalities_low"].fillna(events["fatalities"]).fillna(0).sum()
    high = events["fatalities_high"].fillna(events["fatalities"]).fillna(0).sum()
    unknown = int(events["fatalities"].isna().sum())

    def busiest(column: str) -> str:
        counts = events[column].replace("", pd.NA).dropna().value_counts().head(top)
        return "; ".join(f"{name} ({count:,})" for name, count in counts.items()) or "none named"

    fatalities = f"{int(low):,}" if low == high else f"{int(low):,}–{int(high):,}"
    return [
        ("Grid cell", f"about {km:,.0f} km across, around {lat:.2f}, {lon:.2f}"),
        ("Events", f"{len(events):,}"),
        ("Dates", f"{events['event_date'].min():%Y-%m-%d} to {events['event_date'].max():%Y-%m-%d}"),
        ("Fatalities", fatalities + (f" ({unknown:,} events with no figure)" if unknown else "")),
        ("Mostly", busiest("actor1")),
        ("Types", busiest("event_type")),
        ("To see them", "zoom in on the map (the click did) until single events are drawn, or filter the list"),
    ]
