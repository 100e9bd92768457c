"""One event's full record in words: for the popup, the detail panel and the PDF."""

from __future__ import annotations

import pandas as pd

from dashboard.schema import DATE_PRECISION_WORDS, GEO_PRECISION_WORDS


def fatalities_text(event: pd.Series, short: bool = False) -> str:
    """Best figure, with the low–high range where sources disagree."""
    best, low, high = event["fatalities"], event["fatalities_low"], event["fatalities_high"]
    if pd.isna(best):
        return "unknown"
    if pd.notna(low) and pd.notna(high) and low != high:
        return f"{best} ({low}–{high})" if short else f"{best} (reports range {low}–{high})"
    return str(best)


def source_line(source_id: str, sources: pd.DataFrame | None) -> str:
    """'Title — Publisher, date (file or URL)' for a registry id."""
    if not source_id:
        return ""
    if sources is None or source_id not in sources.index:
        return source_id
    s = sources.loc[source_id]
    who = ", ".join(x for x in (s["publisher"], s["author"], s["publication_date"]) if x and not x.startswith("Not "))
    return f"{s['title']} — {who} ({s['file_or_url']})"


def record_rows(event: pd.Series, sources: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """Every field worth reading, labelled, precision spelled out; empty ones left out."""
    rows = [
        ("Event id", event["event_id"]),
        ("Date", f"{event['event_date']:%Y-%m-%d} ({DATE_PRECISION_WORDS[event['date_precision']]})"),
        ("Type", " / ".join(x for x in (event["event_type"], event["sub_event_type"]) if x)),
        ("Actors", " vs ".join(x for x in (event["actor1"], event["actor2"]) if x)),
        ("Location", ", ".join(x for x in (event["location"], event["admin1"], event["country"]) if x)),
        ("Coordinates", f"{event['latitude']:.5f}, {event['longitude']:.5f}"),
        ("Place precision", f"{event['geo_precision']}: {GEO_PRECISION_WORDS.get(int(event['geo_precision']), '')}"),
        ("Lies in", ", ".join(x for x in (event["admin1_geo"], event["country_geo"]) if x) or "outside the map"),
        ("Distance to border", f"{event['distance_to_border_km']:.1f} km"),
        ("Cross-border", f"yes, from {event['origin_country']}" if event["cross_border"] else "no"),
        ("Fatalities", fatalities_text(event)),
        ("Notes", event["notes"]),
        ("Source", source_line(event.get("source_id", ""), sources)),
        ("Quoted passage", event.get("source_quote", "")),
        ("Date or place from", source_line(event.get("detail_source_id", ""), sources)),
    ]
    if event.get("location_mismatch", False):
        rows.insert(8, ("Warning", f"the coordinates lie outside the declared country ({event['country']})"))
    return [(label, str(value)) for label, value in rows if value]
