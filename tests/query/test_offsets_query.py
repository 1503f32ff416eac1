"""cq-45 (do a quote and its offsets disagree?) through the paragraphs the build derives.

The query checks each paragraph (nke:Paragraph) against its document's text, then each quote
against its paragraph: it must still answer true when any one of those pieces is wrong, and the
paragraphs must be what the build says they are, slices of their document's text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyoxigraph as ox
import pytest

from nkelections.layout import nquads
from nkelections.query.embedded import OxigraphEngine, load_nquads
from nkelections.query.sparql import load_query, run_query
from nkelections.rdf.namespaces import DATA_GRAPH, NKE, OA, PROV, RDF, SCHEMA
from regenerate_expected import QUERIES

CQ45 = next(QUERIES.glob("cq-45-*.rq"))
NON_NEGATIVE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")


def node(term) -> ox.NamedNode:
    return ox.NamedNode(str(term))


@pytest.fixture(scope="module")
def store(dist) -> ox.Store:
    return load_nquads(nquads(dist))


def ask(store: ox.Store) -> bool:
    return bool(run_query(OxigraphEngine(store), load_query(str(CQ45), QUERIES)).boolean)


def objects(store: ox.Store, subject, predicate) -> list:
    return [q.object for q in store.quads_for_pattern(subject, node(predicate), None)]


def one(store: ox.Store, subject, predicate):
    found = objects(store, subject, predicate)
    assert len(found) == 1, (subject, predicate, found)
    return found[0]


def first_subject(store: ox.Store, predicate, obj=None):
    return sorted(
        (q.subject for q in store.quads_for_pattern(None, node(predicate), obj)), key=str
    )[0]


@contextmanager
def changed(store: ox.Store, edit: Callable[[ox.Store], list]) -> Iterator[None]:
    """Apply `edit`, which returns (old quad, new quad or None) pairs, and undo it afterwards."""
    pairs = edit(store)
    for old, new in pairs:
        store.remove(old)
        if new is not None:
            store.add(new)
    try:
        yield
    finally:
        for old, new in pairs:
            if new is not None:
                store.remove(new)
            store.add(old)


def quad_of(store: ox.Store, subject, predicate) -> ox.Quad:
    return next(iter(store.quads_for_pattern(subject, node(predicate), None)))


def replace_object(store: ox.Store, subject, predicate, value) -> list:
    old = quad_of(store, subject, predicate)
    return [(old, ox.Quad(old.subject, old.predicate, value, old.graph_name))]


def a_mention_target(store: ox.Store):
    mention = first_subject(store, RDF.type, node(NKE.Mention))
    return mention, one(store, mention, OA.hasTarget)


def selectors(store: ox.Store, target) -> tuple:
    found = objects(store, target, OA.hasSelector)
    position = next(s for s in found if objects(store, s, OA.start))
    quote = next(s for s in found if objects(store, s, OA.exact))
    return quote, position


def test_paragraphs_are_slices_of_their_document(built):
    data = built.dataset.graph(DATA_GRAPH)
    paragraphs = set(data.subjects(RDF.type, NKE.Paragraph))
    assert paragraphs
    for paragraph in paragraphs:
        doc = data.value(paragraph, PROV.wasDerivedFrom)
        text = str(data.value(doc, SCHEMA.text))
        start, end = int(data.value(paragraph, OA.start)), int(data.value(paragraph, OA.end))
        assert str(data.value(paragraph, SCHEMA.text)) == text[start:end]
    # every annotation is in one paragraph of its own document, which holds its words
    annotations = set(data.subjects(OA.hasTarget, None))
    assert annotations
    for annotation in annotations:
        (paragraph,) = data.objects(annotation, NKE.inParagraph)
        target = data.value(annotation, OA.hasTarget)
        assert data.value(paragraph, PROV.wasDerivedFrom) == data.value(target, OA.hasSource)
        for selector in data.objects(target, OA.hasSelector):
            if data.value(selector, OA.start) is not None:
                assert int(data.value(paragraph, OA.start)) <= int(data.value(selector, OA.start))
                assert int(data.value(selector, OA.end)) <= int(data.value(paragraph, OA.end))
    # shared: fewer paragraphs than annotations
    assert len(paragraphs) < len(annotations)


def test_cq45_is_false_on_the_built_graph(store):
    assert ask(store) is False


def _shift(store: ox.Store) -> list:
    _, target = a_mention_target(store)
    _, position = selectors(store, target)
    start, end = int(one(store, position, OA.start).value), int(one(store, position, OA.end).value)
    return replace_object(
        store, position, OA.start, ox.Literal(str(start + 1), datatype=NON_NEGATIVE)
    ) + replace_object(store, position, OA.end, ox.Literal(str(end + 1), datatype=NON_NEGATIVE))


def _quote(store: ox.Store) -> list:
    evidence = first_subject(store, RDF.type, node(NKE.Evidence))
    quote, _ = selectors(store, one(store, evidence, OA.hasTarget))
    exact = one(store, quote, OA.exact).value
    return replace_object(store, quote, OA.exact, ox.Literal(exact[:-1] + "#"))


def _paragraph_text(store: ox.Store) -> list:
    paragraph = first_subject(store, RDF.type, node(NKE.Paragraph))
    text = one(store, paragraph, SCHEMA.text).value
    return replace_object(store, paragraph, SCHEMA.text, ox.Literal(text[:-1] + "#"))


def _paragraph_offsets(store: ox.Store) -> list:
    """The paragraph moved by one character, its text as it was: no longer the document's."""
    paragraph = first_subject(store, RDF.type, node(NKE.Paragraph))
    start = int(one(store, paragraph, OA.start).value)
    end = int(one(store, paragraph, OA.end).value)
    return replace_object(
        store, paragraph, OA.start, ox.Literal(str(start + 1), datatype=NON_NEGATIVE)
    ) + replace_object(store, paragraph, OA.end, ox.Literal(str(end + 1), datatype=NON_NEGATIVE))


def _no_paragraph(store: ox.Store) -> list:
    mention, _ = a_mention_target(store)
    return [(quad_of(store, mention, NKE.inParagraph), None)]


def _another_paragraph(store: ox.Store) -> list:
    """The mention's paragraph replaced by another paragraph of the same document."""
    mention, target = a_mention_target(store)
    own = one(store, mention, NKE.inParagraph)
    doc = one(store, target, OA.hasSource)
    other = next(
        q.subject
        for q in store.quads_for_pattern(None, node(PROV.wasDerivedFrom), doc)
        if q.subject != own
    )
    return replace_object(store, mention, NKE.inParagraph, other)


def _another_document(store: ox.Store) -> list:
    """The paragraph said to come from another document: the quote is not checked against its
    own text, so it counts as disagreeing."""
    mention, target = a_mention_target(store)
    paragraph = one(store, mention, NKE.inParagraph)
    doc = one(store, target, OA.hasSource)
    other = next(
        q.subject
        for q in store.quads_for_pattern(None, node(RDF.type), node(NKE.SourceDocument))
        if q.subject != doc
    )
    return replace_object(store, paragraph, PROV.wasDerivedFrom, other)


@pytest.mark.parametrize(
    "edit",
    [
        _shift,
        _quote,
        _paragraph_text,
        _paragraph_offsets,
        _no_paragraph,
        _another_paragraph,
        _another_document,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_cq45_finds_one_wrong_piece(store, edit):
    with changed(store, edit):
        assert ask(store) is True
    assert ask(store) is False  # put back as it was
