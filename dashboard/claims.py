"""Attributed claims: who says what about an event, from which source, in which words.

Where the two governments disagree (what a strike hit, who died), an event
holds one claim per side instead of one "fact". Each claim names its side
(Iran, Pakistan, or other: a news agency's own reporting, a third party), the
claimant, the claim in our words, a fatality figure where the claim is one,
the cited source and a verbatim passage of its stored text.

``read_claims`` checks the file; ``check_against_events`` checks that every
event says where its place comes from and that its fatality range is exactly
the span of the figures claimed; ``annotate`` gives each event its claims as
text (for the detail panel, popups and exports) and marks disputed events.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.problems import DataError, Problem, read_table, spreadsheet_row
from dashboard.sources import quote_problem

CLAIM_COLUMNS = ("claim_id", "event_id", "topic", "side", "claimant", "claim", "fatalities", "source_id", "quote")
TOPICS = ("fatalities", "place", "date", "target", "statement")
SIDES = ("Iran", "Pakistan", "other")
SIDE_WORDS = {"Iran": "Iran says", "Pakistan": "Pakistan says", "other": "Others report"}
CLAIM_SEPARATOR = "\n"


def empty_claims() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in CLAIM_COLUMNS})


def read_claims(path: Path, sources: pd.DataFrame, texts: dict[str, str], event_ids: set[str]) -> pd.DataFrame:
    """The claims file, checked; ``DataError`` naming every bad cell."""
    file = str(path)
    raw = read_table(path, CLAIM_COLUMNS)
    problems: list[Problem] = []
    for i, claim in raw.iterrows():
        problems += _claim_problems(file, spreadsheet_row(int(i)), claim, sources, texts, event_ids)
    for i in raw.index[(raw["claim_id"].duplicated() & (raw["claim_id"] != "")).to_numpy()]:
        problems.append(Problem(file, spreadsheet_row(int(i)), "claim_id", raw.at[i, "claim_id"], "a unique id"))
    if problems:
        raise DataError(problems)
    claims = raw[list(CLAIM_COLUMNS)].copy()
    claims["fatalities"] = pd.to_numeric(claims["fatalities"].where(claims["fatalities"] != "")).astype("Int64")
    return claims


def _claim_problems(
    file: str, row: int, claim: pd.Series, sources: pd.DataFrame, texts: dict[str, str], event_ids: set[str]
) -> list[Problem]:
    found = []

    def bad(column: str, expected: str) -> None:
        found.append(Problem(file, row, column, claim[column], expected))

    for column in ("claim_id", "claimant", "claim", "quote"):
        if not claim[column]:
            bad(column, "a value (this column may not be empty)")
    if claim["event_id"] not in event_ids:
        bad("event_id", "the id of an event in events.csv")
    if claim["topic"] not in TOPICS:
        bad("topic", "one of " + ", ".join(TOPICS))
    if claim["side"] not in SIDES:
        bad("side", "one of " + ", ".join(SIDES))
    figure = claim["fatalities"]
    if claim["topic"] == "fatalities" and not (figure.isdigit() and figure.isascii()):
        bad("fatalities", "a whole number of 0 or more (the topic is fatalities)")
    elif claim["topic"] != "fatalities" and figure:
        bad("fatalities", "empty (only a fatalities claim carries a figure)")
    if claim["source_id"] not in sources.index:
        bad("source_id", "the id of a source in the registry")
    elif claim["quote"]:
        problem = quote_problem(claim["quote"], claim["source_id"], texts)
        if problem:
            bad("quote", problem)
    return found


def check_against_events(events: pd.DataFrame, claims: pd.DataFrame, file: str) -> list[Problem]:
    """Every event names the source of its place; its fatality range is the span of the figures claimed.

    ``events`` are the typed curated events in file order (row ``i`` is
    spreadsheet row ``i + 2``).
    """
    problems = []
    by_event = dict(tuple(claims.groupby("event_id"))) if len(claims) else {}
    for i, event in events.reset_index(drop=True).iterrows():
        row, own = spreadsheet_row(int(i)), by_event.get(event["event_id"], claims.iloc[0:0])
        if not (own["topic"] == "place").any():
            problems.append(
                Problem(file, row, "location", event["location"], "a 'place' claim in claims.csv naming its source")
            )
        figures = own.loc[own["topic"] == "fatalities", "fatalities"].dropna().astype(int)
        best, low, high = event["fatalities"], event["fatalities_low"], event["fatalities_high"]
        if figures.empty:
            if pd.notna(best):
                problems.append(
                    Problem(file, row, "fatalities", str(best), "a 'fatalities' claim in claims.csv giving this figure")
                )
            continue
        expected = (
            ("fatalities", best, set(figures), "one of the figures claimed"),
            ("fatalities_low", low, {figures.min()}, "the lowest figure claimed"),
            ("fatalities_high", high, {figures.max()}, "the highest figure claimed"),
        )
        for column, value, allowed, what in expected:
            if pd.isna(value) or int(value) not in allowed:
                shown = "" if pd.isna(value) else str(value)
                problems.append(Problem(file, row, column, shown, f"{what} ({', '.join(map(str, sorted(allowed)))})"))
    return problems


def claim_line(claim: pd.Series) -> str:
    """'Iran says (claimant): claim [source_id]'."""
    return (
        f"{SIDE_WORDS.get(claim['side'], claim['side'])} ({claim['claimant']}): {claim['claim']} [{claim['source_id']}]"
    )


def annotate(events: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Add ``claims`` (one line per claim, Iran first, then Pakistan, then others; place claims are
    citations, not shown here), ``disputed`` (both governments make claims about the event) and
    ``target_claimed_by`` (whose claim names the target, so actor2 is never shown as plain fact)."""
    events = events.copy()
    if claims.empty:
        events["claims"] = ""
        events["disputed"] = False
        events["target_claimed_by"] = ""
        return events
    order = {side: rank for rank, side in enumerate(SIDES)}
    shown = (
        claims[claims["topic"] != "place"]
        .assign(rank=lambda c: c["side"].map(order))
        .sort_values(["event_id", "rank", "claim_id"], kind="stable")
    )
    lines = shown.groupby("event_id").apply(lambda c: CLAIM_SEPARATOR.join(claim_line(r) for _, r in c.iterrows()))
    sides = claims.groupby("event_id")["side"].agg(set)
    targets = (
        claims[claims["topic"] == "target"].groupby("event_id")["side"].agg(lambda s: " and ".join(sorted(set(s))))
    )
    events["claims"] = events["event_id"].map(lines).fillna("").astype(str)
    events["disputed"] = events["event_id"].map(lambda e: {"Iran", "Pakistan"} <= sides.get(e, set())).astype(bool)
    events["target_claimed_by"] = events["event_id"].map(targets).fillna("").astype(str)
    return events


def claims_by_side(text: str) -> dict[str, list[str]]:
    """The ``claims`` text of one event, grouped by side for a side-by-side view: each side's
    lines without the side's own words (its column says them), "(claimant): claim [source]"."""
    grouped: dict[str, list[str]] = {}
    for line in filter(None, str(text).split(CLAIM_SEPARATOR)):
        side = next((s for s, words in SIDE_WORDS.items() if line.startswith(words)), "other")
        grouped.setdefault(side, []).append(line.removeprefix(SIDE_WORDS[side]).strip())
    return grouped
