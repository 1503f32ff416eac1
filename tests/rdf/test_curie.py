"""The IRI shortener made once for a set of prefixes answers as curie() does."""

from __future__ import annotations

import re

import pytest

from nkelections.rdf.curie import Shortener, curie

PREFIXES = {
    "ex": "http://example.org/",
    "exa": "http://example.org/a/",
    "same": "http://example.org/a/",  # the same namespace twice: the first named wins
    "hash": "http://example.org/a#",
    "empty": "",
}
NO_SLASHES = re.compile(r"(?!//).+", re.DOTALL)
IRIS = [
    "http://example.org/a/b",
    "http://example.org/a/",  # no local name in the longest: a shorter one fits
    "http://example.org/a//b",  # a local name the pattern refuses in the longest
    "http://example.org/a#x",
    "http://example.org/",
    "http://other.org/x",
    "",
]


@pytest.mark.parametrize("iri", IRIS)
@pytest.mark.parametrize("local", [None, NO_SLASHES], ids=["any", "no-slashes"])
def test_shortener_answers_as_curie(iri, local):
    if local is None:
        assert Shortener(PREFIXES)(iri) == curie(iri, PREFIXES)
    else:
        assert Shortener(PREFIXES, local)(iri) == curie(iri, PREFIXES, local)


def test_no_prefixes_shorten_nothing():
    assert Shortener({})("http://example.org/a") is None
