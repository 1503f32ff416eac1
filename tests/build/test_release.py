"""What a release publishes and how it is named: the texts left out by --redact-texts, the
sources' terms, the versions, the date, the ontology page's header and its stable bytes."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys

import pytest
from rdflib import Literal, URIRef

from nkelections import __version__
from nkelections.build.describe import DATASET, VOID_GRAPH, release_date
from nkelections.build.pipeline import Paths, build_graph
from nkelections.errors import CurationError
from nkelections.rdf.namespaces import DATA_GRAPH, DCTERMS, NKE, OA, OWL, PROV, RDF, SCHEMA
from nkelections.sources.corpus import load_corpus

WIKIPEDIA = URIRef("https://w3id.org/nkelections/id/wikipedia-2023-north-korean-local-elections")
FOX = URIRef("https://w3id.org/nkelections/id/foxnews-votes-against-first-time-since-1956")


@pytest.fixture(scope="module")
def redacted(root):
    return build_graph(Paths(root), redact=True).dataset.graph(DATA_GRAPH)


def test_redacted_build_has_no_words_of_unlicensed_texts(redacted, built):
    full = built.dataset.graph(DATA_GRAPH)
    texts = set(redacted.subjects(SCHEMA.text, None))
    documents = set(full.subjects(RDF.type, NKE.SourceDocument))
    assert texts & documents == {WIKIPEDIA}  # the one text whose licence allows it
    # and its paragraphs and passages (nke:Passage), slices of its text; no other text's
    paragraphs = set(full.subjects(RDF.type, NKE.Passage))
    assert texts - documents == {
        p for p in paragraphs if (p, PROV.wasDerivedFrom, WIKIPEDIA) in full
    }
    assert texts - documents
    for doc in documents - {WIKIPEDIA}:
        assert (doc, DCTERMS.license, None) not in full
        assert any("leaves out the text" in str(n) for n in redacted.objects(doc, NKE.curatorNote))
        assert (doc, NKE.sha256, full.value(doc, NKE.sha256)) in redacted
    quoted = {str(o) for o in redacted.objects(None, OA.exact)}
    fox_quote = "Voter turnout across the communist hermit nation was reported at 99.63%."
    assert fox_quote in {str(o) for o in full.objects(None, OA.exact)}
    assert fox_quote not in quoted
    # the offsets stay, for every selector of the full build
    assert len(list(redacted.subject_objects(OA.start))) == len(
        list(full.subject_objects(OA.start))
    )
    # the Wikipedia quotes stay
    wikipedia_text = str(full.value(WIKIPEDIA, SCHEMA.text))
    assert any(q in wikipedia_text for q in quoted)


def test_each_source_states_its_terms(built):
    data = built.dataset.graph(DATA_GRAPH)
    docs = set(data.subjects(RDF.type, NKE.SourceDocument))
    assert len(docs) == 5
    for doc in docs:
        assert data.value(doc, DCTERMS.rights) is not None, doc
    assert data.value(WIKIPEDIA, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by-sa/4.0/"
    )
    void = built.dataset.graph(VOID_GRAPH)
    sentences = [str(r) for r in void.objects(None, DCTERMS.rights)]
    wikipedia = next(s for s in sentences if "wikipedia.org" in s)
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in wikipedia
    assert any(str(data.value(FOX, DCTERMS.rights)) in s for s in sentences)
    # The description repeats no triple of the data: a union default graph would double rows.
    assert not set(void) & set(data)


def test_a_licence_that_is_not_an_iri_is_refused(project_copy):
    manifest = project_copy / "data" / "sources" / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace(
            "licence: https://creativecommons.org/licenses/by-sa/4.0/", "licence: CC BY-SA", 1
        ),
        encoding="utf-8",
    )
    # one error, from the manifest's schema (curation_schema.Http): the file, the line, the key
    with pytest.raises(
        CurationError,
        match=r"^data/sources/manifest\.yaml:\d+: 'licence': "
        r"'CC BY-SA' is not an http\(s\) address",
    ):
        load_corpus(project_copy / "data" / "sources", project_copy)


def test_versions_agree_and_the_release_is_dated(root, built):
    onto = built.dataset.graph(URIRef("https://w3id.org/nkelections/graph/ontology"))
    ontology = URIRef("https://w3id.org/nkelections/ontology")
    assert onto.value(ontology, OWL.versionInfo) == Literal(__version__)
    assert onto.value(ontology, OWL.versionIRI) == URIRef(f"{ontology}/{__version__}")
    # the package's version has one source, which pyproject.toml reads
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version = {attr = "nkelections.__version__"}' in pyproject
    assert importlib.metadata.version("nkelections") == __version__
    date = release_date(root / "CHANGELOG.md")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
    assert f"## {__version__} — {date}" in (root / "CHANGELOG.md").read_text(encoding="utf-8")
    # the description's date is the release's, not a date from the data
    modified = built.dataset.graph(VOID_GRAPH).value(DATASET, DCTERMS.modified)
    assert str(modified) == date


def test_release_date_without_a_dated_entry(tmp_path):
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 0.2.0 — unreleased\n- x\n", encoding="utf-8")
    assert release_date(changelog) is None
    assert release_date(tmp_path / "missing.md") is None


def test_ontology_page_header_is_the_ontology_and_stable(root, tmp_path):
    script = (
        "import sys; from pathlib import Path; from nkelections.build.docs import "
        "ontology_html; sys.stdout.write(ontology_html(Path(sys.argv[1])))"
    )
    pages = []
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", script, str(root / "ontology" / "nkelections.ttl")],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert run.returncode == 0, run.stderr
        pages.append(run.stdout)
    assert pages[0] == pages[1]  # byte-identical whatever the hash seed
    metadata = pages[0][pages[0].index('id="metadata"') :]
    assert re.search(r"<h1>(.*?)</h1>", metadata)[1] == "nkelections ontology"
    assert re.search(r"<code>(.*?)</code>", metadata)[1] == "https://w3id.org/nkelections/ontology"
    assert "assembly levels" not in metadata[:2000]  # no vocabulary title in the header


def test_w3id_rules_cover_the_namespace(root):
    rules = (root / "w3id" / ".htaccess").read_text(encoding="utf-8")
    for path in ("ontology", "id|vocab|graph", "dataset", "sparql"):
        assert f"^{path}" in rules or f"^({path})" in rules, path
    assert "NOT YET REGISTERED" in rules
    assert "not yet registered" in (root / "README.md").read_text(encoding="utf-8")


def _copied_share(words: list[str], values: set[str], run: int = 8) -> float:
    """The share of a text's words that stand in a run of `run` words some value copies."""
    grams = set()
    for value in values:
        vw = value.split()
        grams |= {tuple(vw[i : i + run]) for i in range(len(vw) - run + 1)}
    covered: set[int] = set()
    for i in range(len(words) - run + 1):
        if tuple(words[i : i + run]) in grams:
            covered.update(range(i, i + run))
    return len(covered) / len(words)


def test_the_release_copies_little_of_a_copyrighted_text(redacted, built):
    """docs/decisions/0005: beyond the Wikipedia text and quotes, the release's values (titles,
    labels, the law's articles, claim texts) copy under a quarter of each copyrighted text in
    runs of 8 words; the full build's quotes alone copy most of it."""
    full = built.dataset.graph(DATA_GRAPH)
    evidence = (SCHEMA.text, OA.exact, OA.prefix, OA.suffix)
    texts = {
        doc: str(text).split()
        for doc, text in full.subject_objects(SCHEMA.text)
        if (doc, DCTERMS.license, None) not in full and (doc, RDF.type, NKE.SourceDocument) in full
    }
    assert len(texts) == 4

    def values(graph, leave_out=()):
        return {
            " ".join(str(o).split())
            for _, p, o in graph
            if isinstance(o, Literal) and p not in leave_out
        }

    released = values(redacted, evidence)
    quoted = values(full, (SCHEMA.text,))
    for doc, words in texts.items():
        assert _copied_share(words, released) < 0.25, doc
        assert _copied_share(words, quoted) > 0.5, doc  # the measure sees a copy
