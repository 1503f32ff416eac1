"""One property per meaning (issue 21): every declared term is used, subclass types are in the
graph, dates follow one policy, mentions do not sit inside other names, and the entity index
lists every named resource."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from rdflib import Graph, Literal, URIRef

from nkelections.build.entity_index import index_rows, to_csv
from nkelections.rdf.namespaces import (
    DATA_GRAPH,
    DCTERMS,
    ELI,
    NKE,
    NKR,
    NKV,
    OA,
    ONTOLOGY_GRAPH,
    ORG,
    OWL,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    XSD,
)
from nkelections.sources.corpus import Document
from nkelections.sources.mentions import Gazetteer

FULL = {XSD.date}
PARTIAL = {XSD.gYear, XSD.gYearMonth}


def _data(built) -> Graph:
    return built.dataset.graph(DATA_GRAPH)


def _onto(built) -> Graph:
    return built.dataset.graph(ONTOLOGY_GRAPH)


def test_every_declared_class_and_property_is_used_by_the_data(built):
    onto, data = _onto(built), _data(built)
    declared = {
        t
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in onto.subjects(RDF.type, kind)
    }
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    # the vocabularies' concepts live in the ontology graph (roles are also org:Role)
    used |= {
        cls
        for concept in onto.subjects(RDF.type, SKOS.Concept)
        for cls in onto.objects(concept, RDF.type)
    }
    # a property used only through its sub-properties (dcterms:date, dcterms:spatial) is used
    for prop in list(used):
        used |= set(onto.transitive_objects(prop, RDFS.subPropertyOf))
    assert sorted(str(t) for t in declared - used) == []


def test_every_disagreement_kind_is_used(built):
    """A kind no disagreement has is removed (unit confusion, dates, attribution, internal
    tension were declared for disagreements that were not ones)."""
    onto, data = _onto(built), _data(built)
    kinds = set(onto.subjects(SKOS.inScheme, NKV["disagreement-kinds"]))
    used = set(data.objects(None, NKE.disagreementKind))
    assert kinds and sorted(str(k) for k in kinds - used) == []


def test_queried_columns_that_were_always_empty_now_have_values(built):
    data = _data(built)
    assert list(data.subject_objects(NKE.organisedBy)), "cq-08's organiser column"
    assert (None, SCHEMA.affiliation, None) not in data
    assert (SCHEMA.affiliation, None, None) not in _onto(built)


def test_every_body_is_found_as_a_body(built):
    data, onto = _data(built), _onto(built)
    bodies = set(data.subjects(RDF.type, NKE.Body))
    kinds = set(onto.transitive_subjects(RDFS.subClassOf, NKE.Body))
    curated = {s for kind in kinds for s in data.subjects(RDF.type, kind)}
    assert curated == bodies
    assert {
        NKR.kcna,
        NKR["central-election-guidance-committee"],
        NKR["wpk-central-committee"],
        NKR["supreme-peoples-assembly"],
    } <= bodies
    assert len(bodies) > 30


def test_subclass_closure_is_complete(built):
    data, onto = _data(built), _onto(built)
    for subject, cls in data.subject_objects(RDF.type):
        for parent in onto.transitive_objects(cls, RDFS.subClassOf):
            if isinstance(parent, URIRef):
                assert (subject, RDF.type, parent) in data, (subject, parent)


def test_no_date_property_mixes_full_and_partial_dates(built):
    kinds: dict[URIRef, set[URIRef]] = defaultdict(set)
    for _, prop, value in _data(built):
        if prop == RDF.object:  # reified statements carry every property's values
            continue
        if isinstance(value, Literal) and value.datatype in FULL | PARTIAL:
            kinds[prop].add(value.datatype)
    assert kinds[DCTERMS.issued] == FULL
    mixed = {str(p): sorted(d) for p, d in kinds.items() if d & FULL and d & PARTIAL}
    assert mixed == {}


def test_decisions_are_issued_and_dated_like_reports(built):
    data = _data(built)
    decision = NKR["decision-242"]
    assert data.value(decision, NKE.issuedBy) == NKR["spa-standing-committee"]
    assert data.value(decision, DCTERMS.issued) == Literal("2023-10-19", datatype=XSD.date)
    assert data.value(decision, ELI.number) == Literal("242", datatype=XSD.positiveInteger)
    assert (decision, URIRef(str(ELI) + "passed_by"), None) not in data


def test_the_wpk_central_committee_is_an_organ_not_a_party(built):
    data = _data(built)
    assert (NKR["wpk-central-committee"], RDF.type, NKE.PartyOrgan) in data
    assert (NKR["wpk-central-committee"], RDF.type, NKE.PoliticalParty) not in data


def test_bounds_and_measures_say_what_the_labels_say(built):
    data = _data(built)
    assert (
        data.value(NKR["figure-2023-non-voters-approx"], NKE.measure)
        == NKV["measure-non-voters-change"]
    )
    assert (
        data.value(NKR["figure-2023-share-against-just-under-1pct"], NKE.bound)
        == NKV["bound-just-under"]
    )
    definition = str(
        _onto(built).value(
            NKV["bound-upper"], URIRef("http://www.w3.org/2004/02/skos/core#definition")
        )
    )
    assert "just" not in definition and "below" in definition


def test_inferred_years_on_evidence_are_flagged(built):
    data = _data(built)
    flagged = {
        e
        for e in data.subjects(NKE.yearInferred, Literal(True))
        if (e, RDF.type, NKE.Evidence) in data
    }
    assert len(flagged) >= 8
    exact = {
        str(data.value(selector, OA.exact))
        for e in flagged
        for selector in data.objects(data.value(e, OA.hasTarget), OA.hasSelector)
        if (selector, RDF.type, OA.TextQuoteSelector) in data
    }
    assert any("November 26" in q and "2023" not in q for q in exact)


def test_source_document_labels_differ_from_the_entities_they_are_about(built):
    data = _data(built)
    labels = defaultdict(set)
    for subject, label in data.subject_objects(RDFS.label):
        if str(subject).startswith(str(NKR)):
            labels[str(label)].add(subject)
    assert {k: v for k, v in labels.items() if len(v) > 1} == {}


# --- mentions --------------------------------------------------------------------------------


def _doc(text: str) -> Document:
    return Document(
        id="t", file="t.txt", title="t", kind="news-article", language="en", sha256="", text=text
    )


def test_a_name_inside_a_longer_name_of_another_entity_is_no_mention():
    names = {
        "constituency": ["constituency committees"],
        "sub": ["sub-constituency committees"],
        "canada": ["Canada"],
        "apfc": ["Asia Pacific Foundation of Canada"],
    }
    text = (
        "constituency and sub-constituency committees; the Asia Pacific Foundation of "
        "Canada; Canada; constituency committees"
    )
    found = {(m.entity, m.surface) for m in Gazetteer(names).find(_doc(text))}
    assert ("constituency", "constituency committees") in found  # the last, standing alone
    assert sum(1 for e, _ in found if e == "constituency") == 1
    assert sum(1 for m in Gazetteer(names).find(_doc(text)) if m.entity == "canada") == 1
    assert ("sub", "sub-constituency committees") in found


def test_curated_passages_are_not_mentions():
    text = "Pyongyang allowed two candidates. Voters in Pyongyang."
    gazetteer = Gazetteer({"pyongyang": ["Pyongyang"]})
    plain = [m.start for m in gazetteer.find(_doc(text))]
    kept = [m.start for m in gazetteer.find(_doc(text), {"pyongyang": ["Pyongyang allowed"]})]
    assert plain == [0, text.rindex("Pyongyang")]
    assert kept == [text.rindex("Pyongyang")]


def test_the_three_wrong_mentions_are_gone(built):
    data = _data(built)
    bad = {
        ("wikipedia-2023-north-korean-local-elections", "constituency-election-committees"),
        ("qonversations-is-there-dissent", "pyongyang"),
        ("foxnews-votes-against-first-time-since-1956", "canada"),
    }
    for mention in data.subjects(RDF.type, NKE.Mention):
        body = str(data.value(mention, OA.hasBody)).rsplit("/", 1)[-1]
        doc = str(data.value(data.value(mention, OA.hasTarget), OA.hasSource)).rsplit("/", 1)[-1]
        assert (doc, body) not in bad, mention


def test_a_not_a_mention_passage_in_no_text_fails_the_build(project_copy):
    from nkelections.build.pipeline import Paths, build_graph
    from nkelections.errors import CurationError

    places = project_copy / "data" / "entities" / "places.yaml"
    places.write_text(
        places.read_text(encoding="utf-8").replace(
            "Pyongyang allowed two candidates", "Pyongyang allowed three candidates"
        ),
        encoding="utf-8",
    )
    with pytest.raises(CurationError, match="not_a_mention"):
        build_graph(Paths(project_copy))


# --- structured values -------------------------------------------------------------------------


def test_structured_values_answer_by_triple_patterns(built):
    data = _data(built)
    boxes = NKR["arrangement-2023-separate-ballot-boxes"]
    assert data.value(boxes, NKE.ballotBoxCount) == Literal("2", datatype=XSD.positiveInteger)
    assert data.value(NKR["ballot-box-2023-against"], NKE.colour) == Literal("red")
    assert (NKR["ballot-box-2023-for"], NKE.inFrontOf, NKR["ballot-box-2023-against"]) in data
    assert {
        str(v) for v in data.objects(NKR["arrangement-2023-identity-check"], NKE.checkedItem)
    } == {"names", "ages", "places of residence", "ID cards"}
    assert len(set(data.objects(NKR["election-2023-local"], NKE.deputiesFrom))) == 4
    assert data.value(NKR["elections-1956-local"], NKE.electionCount) == Literal(
        "2", datatype=XSD.positiveInteger
    )
    assert data.value(NKR["note-kinu-4"], NKE.noteKind) == NKV["note-explanatory"]
    notes = set(data.subjects(NKE.noteOf, NKR["kinu-co-23-37"]))
    assert len(notes) == 10
    assert data.value(NKR["election-2019-local"], NKE.electionDate) == Literal(
        "2019-07-21", datatype=XSD.date
    )
    assert data.value(NKR.kinu, NKE.stateRun) == Literal(True)
    assert (NKR["people-first-principle"], NKE.promotedBy, NKR["kim-jong-un"]) in data
    assert (
        NKR["wikipedia-2023-north-korean-local-elections"],
        SCHEMA.citation,
        NKR["doc-kcna-2023-10-26"],
    ) in data
    assert (
        data.value(NKR["asiapress-november-26-elections-1"], SCHEMA.alternativeHeadline) is not None
    )
    assert (
        NKR["event-2023-kim-jong-un-votes"],
        NKE.participant,
        NKR["local-leadership-ryongsong"],
    ) in data


# --- the entity index ----------------------------------------------------------------------


def test_entity_index_lists_every_labelled_resource_once(built, dist):
    labelled = {
        str(s)
        for s, _, _, _ in built.dataset.quads((None, RDFS.label, None, None))
        if str(s).startswith((str(NKR), str(NKV)))
    }
    with (dist / "docs" / "entities.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["iri"] for r in rows] == sorted(labelled)
    by_iri = {r["iri"]: r for r in rows}
    assert by_iri[str(NKR.kcna)]["classes"] == "nke:NewsAgency"
    assert by_iri[str(NKR.kcna)]["label"] == "Korean Central News Agency"
    assert "entities.csv" in (dist / "docs" / "entities.html").read_text(encoding="utf-8")


def test_entity_index_shows_the_curated_class_not_its_superclasses():
    import pyoxigraph as ox

    n = ox.NamedNode
    quads = [
        ox.Quad(n(str(NKE.NewsAgency)), n(str(RDFS.subClassOf)), n(str(NKE.Body))),
        ox.Quad(n(str(NKR.x)), n(str(RDF.type)), n(str(NKE.NewsAgency))),
        ox.Quad(n(str(NKR.x)), n(str(RDF.type)), n(str(NKE.Body))),
        ox.Quad(n(str(NKR.x)), n(str(RDFS.label)), ox.Literal("X", language="en")),
        ox.Quad(n(str(NKR.y)), n(str(RDF.type)), n(str(ORG.Membership))),
    ]
    rows, unlisted = index_rows(quads)
    assert [(r.curie, r.label, r.classes) for r in rows] == [("nkr:x", "X", ("nke:NewsAgency",))]
    assert unlisted == {"org:Membership": 1}
    assert to_csv(rows).splitlines()[1].endswith(",X,nke:NewsAgency")
