"""Canonical actors and their colours (``dashboard/actors.py``, ``data/actors.csv``)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import style
from dashboard.actors import (
    HASH_PALETTE,
    KINDS,
    SIDES,
    canonicalise,
    default_table,
    hash_colour,
    read_actors,
)
from dashboard.config import REPO_ROOT, actors_path
from dashboard.problems import DataError


@pytest.fixture(scope="module")
def table():
    return default_table()


def test_every_actor_in_the_curated_data_resolves(table, curated):
    for column in ("actor1_original", "actor2_original"):
        for name in set(curated.events[column]) - {""}:
            resolved = table.resolve(name)
            assert resolved.kind in KINDS, f"{name!r} is not in data/actors.csv"
            assert resolved.side in SIDES


def test_every_actor_in_the_import_fixtures_resolves(table):
    names = set()
    for path in (REPO_ROOT / "tests" / "fixtures" / "imports").glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in ("actor1", "actor2", "side_a", "side_b"):
            if column in frame.columns:
                names |= set(frame[column]) - {""}
    unknown = sorted(n for n in names if table.resolve(n).kind not in KINDS)
    assert not unknown, f"not in data/actors.csv: {unknown}"


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("BLA: Balochistan Liberation Army", "BLA: Balochistan Liberation Army"),
        ("Baloch Liberation Army (BLA)", "BLA: Balochistan Liberation Army"),
        ("National Security Committee of Pakistan", "Government of Pakistan"),
        ("Military Forces of Pakistan (2018-)", "Military Forces of Pakistan"),
        ("  military forces of iran (1989-)  ", "Military Forces of Iran"),
    ],
)
def test_variants_resolve_to_one_canonical(table, variant, canonical):
    assert table.resolve(variant).canonical == canonical


def test_canonical_rows_carry_distinct_colours():
    raw = pd.read_csv(actors_path(), dtype=str, keep_default_na=False)
    heads = raw[raw["name"] == raw["canonical"]]
    assert heads["colour"].is_unique
    assert style.OTHER_COLOUR not in set(heads["colour"])


def test_unknown_actor_keeps_its_name_and_a_hashed_colour(table):
    actor = table.resolve("Militia group 07 of Pakistan")
    assert actor.canonical == "Militia group 07 of Pakistan"
    assert actor.side == "Pakistan"
    assert actor.colour == hash_colour("Militia group 07 of Pakistan") in HASH_PALETTE


def test_canonicalise_keeps_the_names_as_written_and_is_idempotent(table):
    frame = pd.DataFrame({"actor1": ["Baloch Liberation Army (BLA)"], "actor2": [""]})
    once = canonicalise(frame, table)
    assert once.loc[0, "actor1"] == "BLA: Balochistan Liberation Army"
    assert once.loc[0, "actor1_original"] == "Baloch Liberation Army (BLA)"
    assert once.loc[0, "actor1_side"] == table.resolve("BLA: Balochistan Liberation Army").side
    twice = canonicalise(once, table)
    assert twice.loc[0, "actor1_original"] == "Baloch Liberation Army (BLA)"


def test_canonicalise_leaves_its_input_alone_unless_told_not_to_copy(table):
    frame = pd.DataFrame({"actor1": ["IRGC", "IRGC", "Unknown band", ""], "actor2": ["", "ISPR", "", "IRGC"]})
    copied = canonicalise(frame, table)
    assert list(frame.columns) == ["actor1", "actor2"] and frame.loc[0, "actor1"] == "IRGC"
    assert copied["actor1"].tolist() == ["Military Forces of Iran", "Military Forces of Iran", "Unknown band", ""]
    assert copied["actor2_kind"].tolist() == ["", "state force", "", "state force"]
    assert copied["actor1"].dtype == copied["actor1_original"].dtype  # strings, as written names are
    in_place = canonicalise(frame, table, copy=False)
    assert in_place is frame
    pd.testing.assert_frame_equal(in_place, copied)


def test_colour_of_an_actor_does_not_depend_on_what_else_is_loaded(curated):
    alone = style.actor_colours(curated.events["actor1"])
    crowd = [f"Invented group {i}" for i in range(40)] * 50  # more frequent than every curated actor
    together = style.actor_colours([*curated.events["actor1"], *crowd])
    for actor, colour in alone.items():
        assert together[actor] == colour


def test_a_bad_actor_table_names_the_cell(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_text("name,canonical,side,kind,colour\nX,X,Mars,state force,#123456\nY,Z,none,armed group,\n")
    with pytest.raises(DataError) as caught:
        read_actors(path)
    text = str(caught.value)
    assert "row 2, column side, value 'Mars'" in text
    assert "row 3, column canonical, value 'Z'" in text


def test_colours_stay_put_across_an_upload(curated):
    from dashboard.datasets import combine, import_into

    before = style.actor_colours(curated.events["actor1"])
    upload = import_into(curated, path=REPO_ROOT / "tests" / "fixtures" / "imports" / "acled_mixed.csv")
    merged = combine(curated, upload, "merge")
    after = style.actor_colours(merged.events["actor1"])
    assert {actor: after[actor] for actor in before} == before
    # An uploaded variant spelling joins its canonical actor and takes its colour.
    assert set(upload.events["actor1"]) <= set(after)
