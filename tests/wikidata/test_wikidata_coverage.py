"""Sources with their publisher's URL; every entity linked or abstained; Korean names."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from nkelections.build.pipeline import Paths, build_graph
from nkelections.curation.links import coverage, load_links
from nkelections.curation.ontology import Ontology
from nkelections.errors import CurationError, SourceError
from nkelections.rdf.namespaces import DATA_GRAPH, NKR, SCHEMA, SKOS
from nkelections.sources.corpus import load_corpus


@pytest.fixture(scope="module")
def links(root):
    return load_links(root / "data" / "wikidata.yaml")


def test_every_non_fact_entity_is_linked_or_abstained(built, root, links):
    """A new or split entity (e.g. the government split into government/authorities/regime)
    fails here until a curator links it or abstains with a reason in data/wikidata.yaml."""
    ontology = Ontology.load(Paths(root).ontology)
    found = coverage(
        built.dataset.graph(DATA_GRAPH), links, lambda t: {t} | ontology.superclasses.get(t, set())
    )
    assert found.unlisted == [], f"neither linked nor abstained: {found.unlisted}"
    assert len(found.linked) >= 10 and len(found.abstained) > len(found.linked)
    for entity in ("canada", "juche", "north-korean-government", "north-korea"):
        assert entity in found.linked
    assert "disagreement-share-against-just-under-1pct" in found.abstained  # by its class
    assert "election-2023-local" in found.abstained


def test_sources_carry_their_publishers_url(built, root):
    data = built.dataset.graph(DATA_GRAPH)
    corpus = load_corpus(root / "data" / "sources", root)
    with_url = {d.id: d for d in corpus if d.url}
    assert len(with_url) == 4 and "kinu-co-23-37" not in with_url
    for doc in with_url.values():
        assert (NKR[doc.id], SCHEMA.url, URIRef(doc.url)) in data
        assert doc.url_seen_at.startswith("https://") and doc.url_matched in doc.text
    assert (NKR["kinu-co-23-37"], SCHEMA.url, None) not in data


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_matched_sentence_not_in_the_text_fails(project_copy):
    _edit(
        project_copy / "data" / "sources" / "manifest.yaml",
        "url_matched: ASIAPRESS asked",
        "url_matched: ASIAPRESS never asked",
    )
    with pytest.raises(SourceError, match="'url_matched' is not in the text"):
        build_graph(Paths(project_copy))


def test_a_url_without_its_evidence_fails(project_copy):
    manifest = project_copy / "data" / "sources" / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        re.sub(r"    url_seen_at: https://www\.asiapress[^\n]*\n", "", text), encoding="utf-8"
    )
    with pytest.raises(SourceError, match="needs 'url_seen_at'"):
        build_graph(Paths(project_copy))


def test_korean_names_are_in_the_graph_as_ko_aliases(built, links):
    data = built.dataset.graph(DATA_GRAPH)
    assert len(links.korean) >= 5
    for name in links.korean.values():
        for text in (name.label, *name.aliases):
            assert (NKR[name.entity], SKOS.altLabel, Literal(text, lang="ko")) in data
            assert text in name.snippet and name.seen_at.startswith("http")
    assert (NKR["kcna"], SKOS.altLabel, Literal("조선중앙통신", lang="ko")) in data


def test_a_korean_name_the_snippet_does_not_show_fails(project_copy):
    _edit(project_copy / "data" / "wikidata.yaml", "    label: 김정은\n", "    label: 김정일\n")
    with pytest.raises(CurationError, match="is not Hangul shown by the snippet"):
        build_graph(Paths(project_copy))


def _nkelections(project, *args):
    return subprocess.run(
        [str(Path(sys.executable).parent / "nkelections"), *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={"NKELECTIONS_ROOT": str(project), "PATH": "/usr/bin:/bin"},
    )


def test_status_counts_and_names_the_unlisted(project_copy, dist):
    path = project_copy / "data" / "wikidata.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"  - entity: socialist-womens-union\n    reason: >-\n(?:      .*\n)+", "", text),
        encoding="utf-8",
    )
    done = _nkelections(project_copy, "link", "--status", "--dist", str(dist))
    assert done.returncode == 1, done.stderr
    assert "unlisted: socialist-womens-union " in done.stdout and "1 unlisted" in done.stdout


def test_apply_carries_a_curators_decisions(project_copy, tmp_path, dist):
    import yaml

    review = tmp_path / "review.yaml"
    proposals = [
        {
            "entity": "rodong-sinmun",
            "qid": "Q1234567",
            "accept": True,
            "reason": "r",
            "seen_at": "https://example.org/a-page",
            "snippet": 'Rodong Sinmun "Q1234567"',
        },
        {
            "entity": "getty-images",
            "qid": None,
            "accept": False,
            "note": "a photo agency",
            "reason": "no candidate",
        },
        {"entity": "yonhap", "qid": "Q7654321", "accept": None, "reason": "r"},
    ]
    review.write_text(yaml.safe_dump({"proposals": proposals}), encoding="utf-8")
    done = _nkelections(project_copy, "link", "--apply", str(review), "--dist", str(dist))
    assert done.returncode == 0, done.stderr
    assert "1 linked" in done.stdout and "1 proposals still undecided" in done.stdout
    links = load_links(project_copy / "data" / "wikidata.yaml")
    assert links.qid_of("rodong-sinmun") == "Q1234567"
    assert "rodong-sinmun" not in links.abstentions  # the link replaced the abstention
    assert "yonhap" not in links.by_entity
    data = build_graph(Paths(project_copy)).dataset.graph(DATA_GRAPH)
    assert (
        NKR["rodong-sinmun"],
        SCHEMA.sameAs,
        URIRef("http://www.wikidata.org/entity/Q1234567"),
    ) in data


def test_apply_refuses_an_id_without_its_page(project_copy, tmp_path, dist):
    import yaml

    before = (project_copy / "data" / "wikidata.yaml").read_text(encoding="utf-8")
    review = tmp_path / "review.yaml"
    review.write_text(
        yaml.safe_dump({"proposals": [{"entity": "yonhap", "qid": "Q7654321", "accept": True}]}),
        encoding="utf-8",
    )
    done = _nkelections(project_copy, "link", "--apply", str(review), "--dist", str(dist))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "seen_at" in done.stderr
    assert (project_copy / "data" / "wikidata.yaml").read_text(encoding="utf-8") == before
