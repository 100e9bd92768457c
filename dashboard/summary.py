"""Headline figures for the filtered events."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.schema import DIPLOMATIC, fatality_range


@dataclass(frozen=True)
class Headline:
    events: int
    fatalities_low: int
    fatalities_high: int
    fatalities_unknown: int  # events with no fatality figure
    cross_border: int
    median_distance_km: float | None
    cross_border_possible: int = 0  # the area where it may lie straddles the border
    violent_events: int = 0  # the events the median distance is over (not diplomatic steps)

    @property
    def fatalities_text(self) -> str:
        text = str(self.fatalities_low)
        if self.fatalities_high != self.fatalities_low:
            text = f"{self.fatalities_low}–{self.fatalities_high}"
        return text


def headline(events: pd.DataFrame) -> Headline:
    low, high = fatality_range(events)
    violent = (events["event_type"] != DIPLOMATIC).to_numpy()
    distances = events["distance_to_border_km"][violent].dropna()  # one column, not every column
    return Headline(
        events=len(events),
        fatalities_low=int(low.fillna(0).sum()),
        fatalities_high=int(high.fillna(0).sum()),
        fatalities_unknown=int(events["fatalities"].isna().sum()),
        cross_border=int(events["cross_border"].sum()),
        median_distance_km=round(float(distances.median()), 1) if len(distances) else None,
        cross_border_possible=int((events["crossed"] == "possibly").sum()) if "crossed" in events.columns else 0,
        violent_events=int(violent.sum()),
    )
