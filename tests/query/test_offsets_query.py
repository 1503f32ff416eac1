"""cq-45 (do a quote and its offsets disagree?) through the paragraphs and passages the build
derives.

The query checks each paragraph (nke:Paragraph) against its document's text, each window of a
long paragraph (an nke:Passage that is no paragraph) against its paragraph, then each quote
against its passage (nke:inPassage): it must still answer true when any one of those pieces is
wrong, and the paragraphs and passages must be what the build says they are, slices of their
document's text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyoxigraph as ox
import pytest

from nkelections.build.evidence import WINDOW
from nkelections.layout import nquads
from nkelections.query.embedded import OxigraphEngine, load_nquads
from nkelections.query.sparql import load_query, run_query
from nkelections.rdf.namespaces import DATA_GRAPH, DCTERMS, NKE, OA, PROV, RDF, SCHEMA
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


def test_paragraphs_and_passages_are_slices_of_their_document(built):
    data = built.dataset.graph(DATA_GRAPH)
    paragraphs = set(data.subjects(RDF.type, NKE.Paragraph))
    passages = set(data.subjects(RDF.type, NKE.Passage))
    assert paragraphs and paragraphs <= passages  # a paragraph is its own passage
    for passage in passages:
        doc = data.value(passage, PROV.wasDerivedFrom)
        text = str(data.value(doc, SCHEMA.text))
        start, end = int(data.value(passage, OA.start)), int(data.value(passage, OA.end))
        assert str(data.value(passage, SCHEMA.text)) == text[start:end]
    # a window: at most two windows long, part of a longer paragraph of its document
    windows = passages - paragraphs
    assert windows  # the real texts have a paragraph long enough (kinu-co-23-37)
    for window in windows:
        (paragraph,) = data.objects(window, DCTERMS.isPartOf)
        assert paragraph in paragraphs
        assert data.value(window, PROV.wasDerivedFrom) == data.value(paragraph, PROV.wasDerivedFrom)
        first, last = int(data.value(paragraph, OA.start)), int(data.value(paragraph, OA.end))
        start, end = int(data.value(window, OA.start)), int(data.value(window, OA.end))
        assert first <= start < end <= last and last - first > 2 * WINDOW
        assert end - start <= 2 * WINDOW and (start - first) % WINDOW == 0
    # every annotation is in one paragraph of its own document, which holds its words, and its
    # target in one passage of that document, which holds them too
    annotations = set(data.subjects(OA.hasTarget, None))
    assert annotations
    for annotation in annotations:
        (paragraph,) = data.objects(annotation, NKE.inParagraph)
        target = data.value(annotation, OA.hasTarget)
        (passage,) = data.objects(target, NKE.inPassage)
        doc = data.value(target, OA.hasSource)
        assert data.value(paragraph, PROV.wasDerivedFrom) == doc
        assert data.value(passage, PROV.wasDerivedFrom) == doc
        for selector in data.objects(target, OA.hasSelector):
            if data.value(selector, OA.start) is not None:
                start, end = int(data.value(selector, OA.start)), int(data.value(selector, OA.end))
                for holder in (paragraph, passage):
                    assert int(data.value(holder, OA.start)) <= start
                    assert end <= int(data.value(holder, OA.end))
    # shared: fewer passages than annotations
    assert len(passages) < len(annotations)


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


def a_target_in_a_window(store: ox.Store):
    """The first target whose passage is a window of a long paragraph, and that window."""
    paragraphs = {
        q.subject for q in store.quads_for_pattern(None, node(RDF.type), node(NKE.Paragraph))
    }
    for quad in sorted(store.quads_for_pattern(None, node(NKE.inPassage), None), key=str):
        if quad.object not in paragraphs:
            return quad.subject, quad.object
    raise AssertionError("no target in a window")


def _no_passage(store: ox.Store) -> list:
    _, target = a_mention_target(store)
    return [(quad_of(store, target, NKE.inPassage), None)]


def _another_passage(store: ox.Store) -> list:
    """The target's passage replaced by one of the same document that does not hold its words."""
    target, window = a_target_in_a_window(store)
    _, position = selectors(store, target)
    start = int(one(store, position, OA.start).value)
    doc = one(store, target, OA.hasSource)
    other = next(
        q.subject
        for q in sorted(store.quads_for_pattern(None, node(PROV.wasDerivedFrom), doc), key=str)
        if objects(store, q.subject, OA.start)
        and int(one(store, q.subject, OA.start).value) > start
    )
    return replace_object(store, target, NKE.inPassage, other)


def _another_document(store: ox.Store) -> list:
    """The passage said to come from another document: the quote is not checked against its
    own text, so it counts as disagreeing."""
    _, target = a_mention_target(store)
    passage = one(store, target, NKE.inPassage)
    doc = one(store, target, OA.hasSource)
    other = next(
        q.subject
        for q in store.quads_for_pattern(None, node(RDF.type), node(NKE.SourceDocument))
        if q.subject != doc
    )
    return replace_object(store, passage, PROV.wasDerivedFrom, other)


def _no_quote_selector(store: ox.Store) -> list:
    """A target whose quote cannot be read: nothing to agree with its offsets."""
    _, target = a_mention_target(store)
    quote, _ = selectors(store, target)
    return [(ox.Quad(target, node(OA.hasSelector), quote, node(DATA_GRAPH)), None)]


def _window_text(store: ox.Store) -> list:
    """A window and a quote in it changed alike: the quote agrees with the window, the window
    no longer with its paragraph."""
    target, window = a_target_in_a_window(store)
    quote, position = selectors(store, target)
    at = int(one(store, position, OA.start).value) - int(one(store, window, OA.start).value)
    text, exact = one(store, window, SCHEMA.text).value, one(store, quote, OA.exact).value
    return replace_object(
        store, window, SCHEMA.text, ox.Literal(text[:at] + "#" + text[at + 1 :])
    ) + replace_object(store, quote, OA.exact, ox.Literal("#" + exact[1:]))


def _window_offsets(store: ox.Store) -> list:
    """The window moved by one character, its text as it was: no longer its paragraph's."""
    _, window = a_target_in_a_window(store)
    start, end = int(one(store, window, OA.start).value), int(one(store, window, OA.end).value)
    return replace_object(
        store, window, OA.start, ox.Literal(str(start + 1), datatype=NON_NEGATIVE)
    ) + replace_object(store, window, OA.end, ox.Literal(str(end + 1), datatype=NON_NEGATIVE))


def _window_in_no_paragraph(store: ox.Store) -> list:
    _, window = a_target_in_a_window(store)
    return [(quad_of(store, window, DCTERMS.isPartOf), None)]


@pytest.mark.parametrize(
    "edit",
    [
        _shift,
        _quote,
        _paragraph_text,
        _paragraph_offsets,
        _no_passage,
        _another_passage,
        _another_document,
        _no_quote_selector,
        _window_text,
        _window_offsets,
        _window_in_no_paragraph,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_cq45_finds_one_wrong_piece(store, edit):
    with changed(store, edit):
        assert ask(store) is True
    assert ask(store) is False  # put back as it was
