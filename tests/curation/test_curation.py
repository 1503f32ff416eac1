"""Invariants of the curated data: attribution, disagreements, derivations, citations, years.

These check the modelling rules of docs/decisions/0002-curation-of-claims-and-disagreements.md
against the built graph; counts are derived from the texts or the graph, never hard-coded.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Literal, URIRef

from nkelections.rdf.namespaces import (
    DATA_GRAPH,
    DCTERMS,
    NKE,
    NKR,
    NKV,
    OA,
    ORG,
    PROV,
    RDF,
    SCHEMA,
)


@pytest.fixture(scope="module")
def g(built):
    return built.dataset.graph(DATA_GRAPH)


def _sources_of(g, fact: URIRef) -> set[str]:
    """The ids of the source documents whose quotes support fact."""
    docs = set()
    for evidence in g.objects(fact, PROV.wasDerivedFrom):
        target = g.value(evidence, OA.hasTarget)
        docs.add(str(g.value(target, OA.hasSource)).rsplit("/", 1)[-1])
    return docs


def _evidence_text(g, evidence: URIRef) -> str:
    target = g.value(evidence, OA.hasTarget)
    for selector in g.objects(target, OA.hasSelector):
        exact = g.value(selector, OA.exact)
        if exact is not None:
            return str(exact)
    return ""


def test_turnout_is_one_fact_quoted_by_every_text_that_gives_it(g, built):
    texts = {
        str(d).rsplit("/", 1)[-1]: str(g.value(d, SCHEMA.text))
        for d in g.subjects(RDF.type, NKE.SourceDocument)
    }
    giving = {doc for doc, text in texts.items() if "99.63" in text}
    assert giving, "no text gives the turnout"
    turnout = [
        f
        for f in g.subjects(NKE.value, Literal(Decimal("99.63")))
        if (f, NKE.measure, NKV["measure-turnout"]) in g
    ]
    assert turnout == [NKR["figure-2023-turnout"]]
    assert _sources_of(g, turnout[0]) == giving


def test_every_claim_is_described_and_credited_in_each_text(g):
    """A claim is the shared proposition; each of its quotes has one voice in its own text
    (a speaker the text names, or the text's own author or publisher)."""
    voices = {NKV["credit-speaker"], NKV["credit-author"], NKV["credit-publisher"]}
    claims = set(g.subjects(RDF.type, NKE.Claim))
    assert claims
    for claim in claims:
        assert g.value(claim, PROV.wasAttributedTo) is None, claim
        assert g.value(claim, NKE.claimKind) is not None, claim
        assert g.value(claim, NKE.claimText) is not None, claim
        assert g.value(claim, NKE.about) is not None, claim
        for evidence in g.objects(claim, PROV.wasDerivedFrom):
            roles = [
                g.value(c, PROV.hadRole) for c in g.objects(evidence, PROV.qualifiedAttribution)
            ]
            assert len({r for r in roles if r in voices}) == 1, (claim, evidence, roles)


def test_no_disagreement_is_only_a_variant_precision_or_single_source(g):
    """Issue 21: those are modelled as such (variantSpelling, refines, corroboration)."""
    kinds = set(g.objects(None, NKE.disagreementKind))
    # the kinds "uncorroborated", "precision" and "naming" are no longer in the scheme
    assert not kinds & {
        NKV["disagreement-uncorroborated"],
        NKV["disagreement-precision"],
        NKV["disagreement-naming"],
    }
    assert (NKR["minju-choson"], NKE.variantSpelling, Literal("Minju Chosun", lang="en")) in g
    assert (
        NKR["claim-first-opposing-votes-since-november-1956"],
        NKE.refines,
        NKR["claim-first-opposing-votes-since-1956"],
    ) in g
    august = NKR["stmt-election-law-revised-august-2023"]
    assert (august, NKE.corroboration, NKV["corroboration-single-source"]) in g
    assert (
        NKR["figure-2023-turnout"],
        NKE.corroboration,
        NKV["corroboration-several-sources"],
    ) in g
    assert (NKR["event-2023-results-published-nov-27"], None, None) not in g


def test_anonymous_people_have_descriptive_labels(g):
    anonymous = list(g.subjects(NKE.anonymous, Literal(True)))
    assert NKR["asiapress-reporting-partner"] in anonymous
    for person in anonymous:
        assert (person, RDF.type, NKE.Person) in g
        label = str(g.value(person, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
        assert label[0].islower() or label.startswith("ASIAPRESS"), label


def test_disagreements_link_two_or_more_quoted_facts(g):
    disagreements = set(g.subjects(RDF.type, NKE.Disagreement))
    assert disagreements
    for d in disagreements:
        facts = set(g.objects(d, NKE.disagreeingFact))
        assert len(facts) >= 2, d
        for fact in facts:
            assert (fact, RDF.type, NKE.Fact) in g, (d, fact)
            assert g.value(fact, PROV.wasDerivedFrom) is not None, (d, fact)
        kind = g.value(d, NKE.disagreementKind)
        assert kind is not None and str(kind).startswith(str(NKV) + "disagreement-"), d
        assert g.value(d, SCHEMA.description) is not None, d


def test_disagreements_are_between_texts_and_link_their_quotes(g):
    """Each disagreement links the quotes that state its sides (nke:disagreeingEvidence), each
    quote supports one of its facts, each fact has a quote, and the quotes are from two texts."""
    for d in g.subjects(RDF.type, NKE.Disagreement):
        facts = set(g.objects(d, NKE.disagreeingFact))
        quotes = set(g.objects(d, NKE.disagreeingEvidence))
        stated = {f for q in quotes for f in g.objects(q, NKE.supports)}
        assert all(set(g.objects(q, NKE.supports)) & facts for q in quotes), d
        assert facts <= stated, (d, facts - stated)
        texts = {g.value(g.value(q, OA.hasTarget), OA.hasSource) for q in quotes}
        assert len(texts) >= 2, d


def _quoted(g, disagreement) -> set[str]:
    return {
        str(exact)
        for q in g.objects(disagreement, NKE.disagreeingEvidence)
        for selector in g.objects(g.value(q, OA.hasTarget), OA.hasSelector)
        for exact in g.objects(selector, OA.exact)
    }


def test_a_disagreement_links_the_words_that_disagree_not_every_quote_of_its_facts(g):
    """ASIAPRESS's subheading contradicts the official shares; the partner's "I don't think
    anyone voted" (a quote of the same claim, of his own station) is not a side of it."""
    quotes = _quoted(g, NKR["disagreement-partner-nobody-voted-against"])
    assert "◆ Nobody voted against the candidate" in quotes
    assert not [q for q in quotes if "I don’t think" in q]
    assert len(quotes) == 8  # the subheading and the official shares in the four other texts


def test_precision_compatibility_and_one_texts_tension_are_not_disagreements(g):
    assert (NKR["figure-2023-turnout"], NKE.refines, NKR["figure-2023-turnout-over-99pct"]) in g
    for gone in (
        "turnout-over-99pct-in-support",
        "primary-election-vs-electoral-meetings",
        "secrecy-of-the-vote",
        "kinu-non-voters-wording",
        "who-reported-results",
        "turnout-manipulation-attribution",
    ):
        assert (NKR["disagreement-" + gone], None, None) not in g, gone


def test_fox_just_under_one_percent_is_an_approximate_upper_bound(g):
    fig = NKR["figure-2023-share-against-just-under-1pct"]
    assert (fig, NKE.approximate, Literal(True)) in g
    assert (fig, NKE.bound, NKV["bound-just-under"]) in g  # a narrower upper bound (issue 21)
    assert (fig, NKE.scope, NKV["scope-whole-election"]) in g
    assert _sources_of(g, fig) == {"foxnews-votes-against-first-time-since-1956"}


def test_derived_figures_say_how_and_by_whom(g):
    derived = set(g.subjects(PROV.wasGeneratedBy, None))
    assert NKR["figure-2023-non-voters-approx"] in derived
    for fig in derived:
        derivation = g.value(fig, PROV.wasGeneratedBy)
        assert (derivation, RDF.type, NKE.Derivation) in g
        assert g.value(derivation, PROV.wasAssociatedWith) is not None
        used = set(g.objects(derivation, PROV.used))
        assert used and all((u, RDF.type, NKE.Figure) in g for u in used)
        assert g.value(derivation, SCHEMA.description) is not None


def test_kinu_derivation_arithmetic_is_what_kinu_says(g):
    """25 million x (99.98 - 99.63) points = 87,500, and the change is -0.35 points."""

    def value(fid):
        return g.value(NKR[fid], NKE.value).toPython()

    change = value("figure-2023-turnout") - value("figure-2019-turnout")
    assert change == value("figure-2023-turnout-change")
    assert (NKR["figure-2023-turnout-change"], NKE.unit, NKV["unit-percentage-point"]) in g
    product = value("figure-2023-eligible-voters-approx") * -change / 100
    assert product == value("figure-2023-non-voters-approx")


def test_no_count_is_made_from_a_percentage_without_a_derivation(g):
    """A count the texts do not give as a number in figures is a derived figure."""
    for fig in g.subjects(NKE.unit, NKV["unit-count"]):
        quoted = " ".join(_evidence_text(g, e) for e in g.objects(fig, PROV.wasDerivedFrom))
        digits = re.sub(r"\D", "", quoted)
        number = int(g.value(fig, NKE.value).toPython())
        if str(number) not in digits and f"{number // 1_000_000} million" not in quoted:
            assert g.value(fig, PROV.wasGeneratedBy) is not None, fig


def test_year_inferred_facts_say_from_what(g):
    inferred = set(g.subjects(NKE.yearInferred, Literal(True)))
    assert NKR["event-2023-cegc-formation"] in inferred
    assert NKR["stmt-election-law-revised-august-2023"] in inferred
    for fact in inferred:
        assert g.value(fact, NKE.curatorNote) is not None, fact


def test_kinu_footnote_citations(g, built):
    kinu = NKR["kinu-co-23-37"]
    text = str(g.value(kinu, SCHEMA.text))
    numbers = {
        int(g.value(c, NKE.footnoteNumber))
        for c in g.subjects(NKE.citingDocument, kinu)
        if g.value(c, NKE.footnoteNumber) is not None
    }
    superscripts = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")
    markers = {int(m.translate(superscripts)) for m in re.findall(r"([¹²³⁴⁵⁶⁷⁸⁹⁰]+)[⁾)]", text)}
    # footnote 4 explains the voter registry and cites nothing; every other one is a citation
    assert numbers == markers - {4}
    for citation in g.subjects(NKE.citingDocument, kinu):
        cited = g.value(citation, NKE.citedDocument)
        assert (kinu, SCHEMA.citation, cited) in g
        if g.value(citation, NKE.footnoteNumber) is not None and cited != NKR["election-law-2020"]:
            assert g.value(cited, DCTERMS.issued) is not None, cited
            assert g.value(cited, DCTERMS.publisher) is not None, cited
            assert g.value(cited, NKE.documentKind) is not None, cited


def test_every_committee_member_named_in_decision_242_has_a_membership(g):
    text = str(g.value(NKR["wikipedia-2023-north-korean-local-elections"], SCHEMA.text))
    sentence = re.search(r"consisting of (.*?) as members\.", text).group(1)
    names = re.findall(r"([A-Z][a-z]+(?: [A-Z][a-z]+)+)(?: as [a-z ]+)?", sentence)
    assert len(names) >= 3
    committee = NKR["central-election-guidance-committee"]
    members = {
        str(g.value(g.value(m, ORG.member), URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
        for m in g.subjects(ORG.organization, committee)
    }
    assert set(names) <= members


def test_decision_242(g):
    decision = NKR["decision-242"]
    eli = "http://data.europa.eu/eli/ontology#"
    assert str(g.value(decision, URIRef(eli + "number"))) == "242"
    # issued like a report (issue 21): nke:issuedBy and dcterms:issued, not eli:passed_by
    assert str(g.value(decision, DCTERMS.issued)) == "2023-10-19"
    assert g.value(decision, NKE.issuedBy) == NKR["spa-standing-committee"]
    assert g.value(decision, NKE.creates) == NKR["central-election-guidance-committee"]
