"""The foundation: quotes and offsets round-trip, the build is deterministic, and bad input
gets one clear line, exit code 2 and an untouched dist/."""

from __future__ import annotations

import filecmp
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from nkelections.rdf.namespaces import (
    DATA_GRAPH,
    NKE,
    NKR,
    OA,
    ONTOLOGY_GRAPH,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    XSD,
)
from nkelections.sources.corpus import load_corpus

SHARED_SOURCES = Path(__file__).resolve().parents[3] / "shared" / "sources"


def _data(built) -> Graph:
    return built.dataset.graph(DATA_GRAPH)


def _selectors(data: Graph):
    """(document text, start, end, exact, prefix, suffix) for every annotation target."""
    rows = data.query(
        """
        SELECT ?text ?start ?end ?exact ?prefix ?suffix WHERE {
          ?target oa:hasSource ?doc ; oa:hasSelector ?pos , ?quote .
          ?doc schema:text ?text .
          ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
          ?quote a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
        }""",
        initNs={"oa": OA, "schema": SCHEMA},
    )
    return [
        (str(r.text), int(r.start), int(r.end), str(r.exact), str(r.prefix), str(r.suffix))
        for r in rows
    ]


def test_every_offset_pair_selects_its_exact_quote(built):
    selectors = _selectors(_data(built))
    assert len(selectors) >= built.summary.evidence + built.summary.mentions
    for text, start, end, exact, prefix, suffix in selectors:
        assert text[start:end] == exact
        assert text[:start].endswith(prefix) and text[end:].startswith(suffix)


def test_no_evidence_or_mention_lies_in_an_excluded_range(built, root):
    corpus = load_corpus(root / "data" / "sources")
    data = _data(built)
    for doc in corpus:
        for target in data.subjects(OA.hasSource, NKR[doc.id]):
            for pos in data.objects(target, OA.hasSelector):
                if (pos, RDF.type, OA.TextPositionSelector) in data:
                    start, end = int(data.value(pos, OA.start)), int(data.value(pos, OA.end))
                    assert not doc.is_excluded(start, end), (doc.id, start, end)


def test_every_fact_has_evidence_with_a_quote(built):
    data = _data(built)
    facts = set(data.subjects(RDF.type, NKE.Fact))
    assert facts
    for fact in facts:
        evidence = list(data.objects(fact, PROV.wasDerivedFrom))
        assert evidence, fact
        assert all((e, RDF.type, NKE.Evidence) in data for e in evidence)


def test_statements_are_also_plain_triples(built):
    data = _data(built)
    statements = list(data.subjects(RDF.type, NKE.Statement))
    assert statements
    for node in statements:
        triple = (
            data.value(node, RDF.subject),
            data.value(node, RDF.predicate),
            data.value(node, RDF.object),
        )
        assert triple in data, node


def test_source_documents_carry_their_full_text(built, root):
    corpus = load_corpus(root / "data" / "sources")
    data = _data(built)
    for doc in corpus:
        assert str(data.value(NKR[doc.id], SCHEMA.text)) == doc.text
        assert (root / "data" / "sources" / doc.file).read_text(encoding="utf-8") == doc.text


@pytest.mark.skipif(
    not SHARED_SOURCES.is_dir(), reason="../shared/sources is not beside this checkout"
)
def test_texts_are_byte_copies_of_the_shared_sources(root):
    corpus = load_corpus(root / "data" / "sources")
    assert len(corpus.documents) == len(list(SHARED_SOURCES.glob("*.txt")))
    for doc in corpus:
        original = SHARED_SOURCES / doc.original
        assert hashlib.sha256(original.read_bytes()).hexdigest() == doc.sha256


def test_mentions_match_labels_and_stay_in_bounds(built):
    data = _data(built)
    mentions = list(data.subjects(RDF.type, NKE.Mention))
    assert len(mentions) == built.summary.mentions > 0
    for mention in mentions[:400]:
        entity = data.value(mention, OA.hasBody)
        names = {
            str(n).replace("\u2019", "'")
            for p in (RDFS.label, SKOS.altLabel)
            for n in data.objects(entity, p)
        }
        quote = next(
            q
            for q in data.objects(data.value(mention, OA.hasTarget), OA.hasSelector)
            if (q, RDF.type, OA.TextQuoteSelector) in data
        )
        assert str(data.value(quote, OA.exact)).replace("\u2019", "'") in names


def test_kim_jong_un_is_found_under_each_spelling(built):
    data = _data(built)
    docs = {
        data.value(data.value(m, OA.hasTarget), OA.hasSource)
        for m in data.subjects(OA.hasBody, NKR["kim-jong-un"])
        if (m, RDF.type, NKE.Mention) in data
    }
    # "Kim, Jong-un" (KINU), "Kim Jong-un" (Qonversations, ASIAPRESS), "Kim Jong Un" (Fox)
    assert {
        NKR["kinu-co-23-37"],
        NKR["qonversations-is-there-dissent"],
        NKR["asiapress-november-26-elections-1"],
        NKR["foxnews-votes-against-first-time-since-1956"],
    } <= docs


STANDARD = (str(RDF), str(RDFS), str(OWL), str(XSD), str(SKOS))


def test_every_class_and_property_used_is_declared(built):
    onto = built.dataset.graph(ONTOLOGY_GRAPH)
    data = _data(built)
    declared = set(onto.subjects(RDF.type, None))
    used = {p for p in data.predicates()} | set(data.objects(None, RDF.type))
    undeclared = {t for t in used if t not in declared and not str(t).startswith(STANDARD)}
    assert not undeclared


def test_own_terms_have_label_and_comment(built):
    onto = built.dataset.graph(ONTOLOGY_GRAPH)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in onto.subjects(RDF.type, kind):
            if str(term).startswith(str(NKE)):
                assert onto.value(term, RDFS.label) is not None, term
                assert onto.value(term, RDFS.comment) is not None, term


@pytest.mark.slow
def test_rebuild_is_byte_identical(tmp_path, root):
    """Two builds in separate processes with different hash seeds write the same bytes (two
    whole builds with pyLODE: `make test-slow`)."""
    first, second = tmp_path / "a", tmp_path / "b"
    for out, seed in ((first, "1"), (second, "2")):
        run = subprocess.run(
            [sys.executable, "-m", "nkelections", "build", "-q", "--dist", str(out)],
            env={**os.environ, "NKELECTIONS_ROOT": str(root), "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
    names = sorted(p.name for p in first.iterdir() if p.is_file())
    assert names == sorted(p.name for p in second.iterdir() if p.is_file())
    assert {"nkelections.ttl", "nkelections.trig", "nkelections.nq", "nkelections.jsonld"} <= set(
        names
    )
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert not mismatch and not errors
    assert not [p.name for p in first.iterdir() if p.name.startswith(".")]  # nothing staged


def test_index_writes_the_store_of_the_built_quads(tmp_path, root):
    """The build leaves no store (an old one answers for old files); `index` makes it from the
    N-Quads, holding the quads of the file, no more."""
    env = {**os.environ, "NKELECTIONS_ROOT": str(root)}
    out = tmp_path / "dist"
    (out / "store").mkdir(parents=True)
    (out / "store" / "CURRENT").write_text("a store of an older build\n")

    def nke(*args):
        run = subprocess.run(
            [sys.executable, "-m", "nkelections", *args, "--dist", str(out)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        return run.stdout

    nke("build", "-q")
    assert not (out / "store").exists()
    assert "pyLODE" in (out / "docs" / "ontology.html").read_text(encoding="utf-8")
    assert nke("index") == f"indexed {out / 'store'}\n"
    store = ox.Store.read_only(str(out / "store"))
    written = ox.Store()  # normalises literals as the store does
    written.bulk_load(path=str(out / "nkelections.nq"), format=ox.RdfFormat.N_QUADS)
    assert {str(q) for q in store} == {str(q) for q in written}
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_serializations_hold_the_same_triples(dist):
    trig = Dataset()
    trig.parse(dist / "nkelections.trig", format="trig")
    nquads = Dataset()
    nquads.parse(dist / "nkelections.nq", format="nquads")
    jsonld = Dataset()
    jsonld.parse(dist / "nkelections.jsonld", format="json-ld")
    turtle = Graph().parse(dist / "nkelections.ttl", format="turtle")
    ntriples = Graph().parse(dist / "nkelections.nt", format="nt")
    for ds in (trig, nquads, jsonld):
        for name in (ONTOLOGY_GRAPH, DATA_GRAPH):
            assert len(ds.graph(URIRef(name))) > 0
        assert len(ds) == len(turtle)
    assert isomorphic(turtle, ntriples)


def test_turtle_and_quads_parse_in_a_second_toolkit(dist):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    store.load(path=str(dist / "nkelections.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    assert len(store) == sum(1 for _ in open(dist / "nkelections.nq", encoding="utf-8"))
    graph = pyoxigraph.Store()
    graph.load(path=str(dist / "nkelections.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(graph) == len(Graph().parse(dist / "nkelections.ttl"))


def test_riot_validates_the_outputs_without_warnings(dist):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import jena  # bench/jena.py: Debian's Jena tools, shared with the benchmarks

    if not jena.available():
        pytest.skip("Apache Jena (Debian libapache-jena-java) is not installed")
    names = ("nkelections.ttl", "nkelections.trig", "nkelections.nq", "nkelections.nt")
    # one Java start-up for the four files; riot then says which file it reads before each
    run = subprocess.run(
        jena.command("riot", "--validate", *(str(dist / n) for n in names)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    said = [
        line
        for line in run.stderr.splitlines()
        if not re.fullmatch(r"\[main\] INFO org\.apache\.jena\.riot - File: .*", line)
    ]
    assert run.returncode == 0 and not run.stdout.strip() and not said, (run.stdout, run.stderr)
    assert run.stderr.count(" - File: ") == len(names)


# --- bad input -------------------------------------------------------------------------------

WIKI = "data/statements/wikipedia.yaml"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _break_quote(p):
    _replace(
        p / WIKI,
        "were held in North Korea on 26 November 2023",
        "were held in North Korea on 27 November 2023",
    )


def _quote_in_excluded_range(p):
    (p / "data/statements/zz-bad.yaml").write_text(
        "document: qonversations-is-there-dissent\nevidence:\n"
        '  - quote: "Ghanaian socialite pleads guilty"\n    facts: [kcna]\n',
        encoding="utf-8",
    )


def _unknown_entity(p):
    _replace(
        p / WIKI,
        "[election-2023-local, jurisdiction, north-korea]",
        "[election-2023-local, jurisdiction, north-koreaa]",
    )


def _malformed_date(p):
    _replace(p / WIKI, '"2023-11-26"', '"26 November 2023"')


def _malformed_number(p):
    _replace(p / "data/entities/elections.yaml", 'value: "99.63"', 'value: "99,63"')


def _duplicate_id(p):
    path = p / "data/entities/places.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n  - id: north-korea\n    type: Country\n    label: DPRK\n",
        encoding="utf-8",
    )


def _invalid_yaml(p):
    _replace(
        p / WIKI,
        "evidence:\n",
        "evidence:\n  - quote: [unclosed\n",
    )


def _unknown_property(p):
    _replace(
        p / WIKI,
        "[election-2023-local, jurisdiction, north-korea]",
        "[election-2023-local, jurisdictoin, north-korea]",
    )


def _changed_text(p):
    path = p / "data/sources/wikipedia-2023-north-korean-local-elections.txt"
    path.write_bytes(path.read_bytes().replace(b"99.63", b"99.64", 1))


def _credit_not_named(p):
    # KCNA is named in the encyclopedia article, but not in the paragraph of this quote
    _replace(p / WIKI, "    stated_by: unification-ministry\n", "    stated_by: kcna\n")


def _credit_span_not_in_text(p):
    _replace(
        p / WIKI,
        "    stated_by: unification-ministry\n",
        "    stated_by: unification-ministry\n    stated_by_span: the ministry's spokesman\n",
    )


DISAGREEMENTS = "data/entities/disagreements.yaml"


def _disagreement_quote_of_another_fact(p):
    # the turnout sentence is quoted, but for the turnout, not for the voters abroad
    _replace(
        p / DISAGREEMENTS,
        'quote: "with 0.37% of the population not voting',
        'quote: "the turnout of the election was 99.63%"}\n      - {document: '
        'wikipedia-2023-north-korean-local-elections, quote: "with 0.37% of the population '
        "not voting",
    )


def _disagreement_fact_without_quote(p):
    _replace(
        p / DISAGREEMENTS,
        '      - {document: kinu-co-23-37, quote: "it is difficult to '
        'attribute the decrease in voter turnout to this cause"}\n',
        "",
    )


def _outlet_not_in_footnote(p):
    # footnote 3 names Rodong Sinmun, not KCNA
    _replace(
        p / "data/statements/kinu.yaml",
        "reported_by: rodong-sinmun  # named in footnote 3",
        "reported_by: kcna",
    )


BAD_INPUTS = {
    "outlet-not-in-footnote": (
        _outlet_not_in_footnote,
        "'reported_by: kcna' is not named in the quote's paragraph",
    ),
    "disagreement-quote-of-another-fact": (
        _disagreement_quote_of_another_fact,
        "'the turnout of the election was 99.63%' of disagreement "
        "'disagreement-why-voters-did-not-vote' is in no quote",
    ),
    "disagreement-fact-without-quote": (
        _disagreement_fact_without_quote,
        "no quote of disagreement 'disagreement-why-voters-did-not-vote' states "
        "'claim-kinu-decrease-not-due-to-abroad'",
    ),
    "credit-not-named-in-paragraph": (
        _credit_not_named,
        "'stated_by: kcna' is not named in the quote's paragraph",
    ),
    "credit-span-not-in-text": (_credit_span_not_in_text, "is neither in the quote's paragraph"),
    "quote-not-in-text": (_break_quote, "closest passage"),
    "quote-in-excluded-range": (_quote_in_excluded_range, "excluded range"),
    "unknown-entity": (_unknown_entity, "unknown entity 'north-koreaa'"),
    "malformed-date": (_malformed_date, "is not a date"),
    "malformed-number": (_malformed_number, "is not a decimal"),
    "duplicate-id": (_duplicate_id, "duplicate id 'north-korea'"),
    "invalid-yaml": (_invalid_yaml, "invalid YAML"),
    "unknown-property": (_unknown_property, "did you mean jurisdiction"),
    "changed-source-text": (_changed_text, "has changed"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gets_one_line_and_leaves_dist_alone(case, project_copy):
    breaker, expected = BAD_INPUTS[case]
    dist = project_copy / "dist"
    dist.mkdir()
    (dist / "nkelections.ttl").write_text("previous build\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    breaker(project_copy)
    run = subprocess.run(
        [sys.executable, "-m", "nkelections", "build"],
        cwd=project_copy,
        env={**os.environ, "NKELECTIONS_ROOT": str(project_copy)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert expected in lines[0]
    assert "yaml:" in lines[0] or "manifest" in lines[0] or case == "changed-source-text"
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before
