import pandas as pd
import pytest

from dashboard.config import REPO_ROOT
from dashboard.problems import DataError
from dashboard.sources import check_citations, read_sources


def test_registry_lists_both_seeds(registry):
    sources, seed_texts = registry
    seeds = sources[sources["kind"] == "seed document"]
    assert sorted(seeds["file_or_url"]) == [
        "seeds/000_b82e77a36fe45dc5.txt",
        "seeds/004_122f05423805a185.txt",
    ]
    reports = sources[sources["kind"] == "public report"]
    assert set(seed_texts) == set(seeds["source_id"]) | set(reports["source_id"])  # every quotable source
    assert sources.loc["seed-diplomat-2024", "publisher"] == "The Diplomat"


def test_registry_problems_are_named(tmp_path):
    path = tmp_path / "sources.csv"
    path.write_text(
        "source_id,kind,file_or_url,title,publisher,author,publication_date,note,excerpt_file\n"
        "a,seed document,seeds/missing.txt,T,P,,2024,,\n"
        "a,rumour,x,T,P,,2024,,\n"
        "b,public report,https://example.org/x,T,P,,2024,,data/excerpts/missing.txt\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        read_sources(path, REPO_ROOT)
    text = str(err.value)
    assert "row 2, column file_or_url, value 'seeds/missing.txt'" in text
    assert "row 3, column kind, value 'rumour'" in text
    assert "row 3, column source_id, value 'a': a unique id" in text
    assert "row 4, column excerpt_file, value 'data/excerpts/missing.txt'" in text


def cite(source_id, quote, detail=""):
    return pd.DataFrame({"source_id": [source_id], "source_quote": [quote], "detail_source_id": [detail]})


@pytest.mark.parametrize(
    ("events", "column", "expected"),
    [
        (cite("nope", "x"), "source_id", "registry"),
        (cite("", "x"), "source_id", "registry"),
        (cite("seed-diplomat-2024", ""), "source_quote", "passage"),
        (cite("seed-diplomat-2024", "Iran struck first on a Tuesday."), "source_quote", "word for word"),
        (cite("seed-diplomat-2024", "On January 16, Iran launched", "nope"), "detail_source_id", "registry"),
    ],
)
def test_bad_citation_is_named(registry, events, column, expected):
    sources, seed_texts = registry
    [problem] = check_citations(events, sources, seed_texts, "f.csv")
    assert problem.row == 2 and problem.column == column
    assert expected in problem.expected


def test_quote_may_wrap_differently(registry):
    sources, seed_texts = registry
    quote = "On January 16,\n  Iran launched a series of drone and missile attacks"
    assert check_citations(cite("seed-diplomat-2024", quote), sources, seed_texts, "f.csv") == []
