"""Quotes located in their texts: the build locates them all up front (in a forked copy), and a
quote that is not there is still raised in its turn, after those before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkelections.build.evidence import locate_all
from nkelections.build.statements import EvidenceSpec
from nkelections.errors import CurationError
from nkelections.sources.corpus import Corpus, Document, Range

TEXT = "one two one three one"


@pytest.fixture
def corpus() -> Corpus:
    doc = Document("d", "d.txt", TEXT, "", "A text", "news-article", "en", excluded=[Range(8, 11)])
    return Corpus({"d": doc}, Path("manifest.yaml"))


def _spec(quote: str, occurrence: int = 1) -> EvidenceSpec:
    return EvidenceSpec("d", quote, occurrence, ["fact"], where=f"q:{quote}")


def test_occurrences_give_the_first_wanted_outside_excluded_ranges(corpus):
    doc = corpus.documents["d"]
    assert doc.occurrences("one") == [0, 18]  # the second "one" is excluded
    assert doc.occurrences("one", 1) == [0]
    assert doc.occurrences("one", 2) == [0, 18]
    assert doc.occurrences("one", 3) == [0, 18]
    assert doc.occurrences("one", 0) == []


def test_locate_all_gives_each_span_in_order(corpus):
    found, error = locate_all([_spec("two"), _spec("one", 2)], corpus)
    assert found == [("d", 4, 7), ("d", 18, 21)] and error is None


def test_locate_all_stops_at_the_first_quote_not_found(corpus):
    found, error = locate_all([_spec("three"), _spec("four"), _spec("one", 3)], corpus)
    assert found == [("d", 12, 17)]
    assert isinstance(error, CurationError) and "four" in str(error)
