"""Identity links from data/wikidata.yaml in the graph, and the QuickStatements export."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from nkelections.build import Paths, build_graph
from nkelections.errors import CurationError
from nkelections.namespaces import DATA_GRAPH, NKE, NKR, PROV, RDF, SCHEMA, WD
from nkelections.quickstatements import NO_PROPERTY, PROPERTIES, export
from nkelections.wikidata import load_links

NS = "http://wikidata.fixture.invalid/entity/"
ITEM = r"Q[1-9][0-9]*"
VALUE = (rf'(?:{ITEM}|"[^"\t]*"|[a-z][a-z-]*:"[^"\t]*"|[+-][0-9]{{4,}}-[0-9]{{2}}-[0-9]{{2}}'
         r'T00:00:00Z/(?:9|10|11)|[+-]?[0-9]+(?:\.[0-9]+)?)')
V1_LINE = re.compile(rf"^{ITEM}\tP[1-9][0-9]*\t{VALUE}(?:\t[PS][1-9][0-9]*\t{VALUE})*$")


@pytest.fixture(scope="module")
def links(root, built):
    known = {str(s)[len(str(NKR)):] for s in built.dataset.graph(DATA_GRAPH).subjects(
        RDF.type, None) if str(s).startswith(str(NKR))}
    return load_links(root / "data" / "wikidata.yaml", known, root)


def test_every_link_is_in_the_graph_with_its_evidence(built, links):
    data = built.dataset.graph(DATA_GRAPH)
    assert links.links, "data/wikidata.yaml has no links"
    for link in links.links:
        entity = NKR[link.entity]
        assert (entity, SCHEMA.sameAs, WD[link.qid]) in data
        node = NKR["wikidata-link/" + link.entity]
        assert (node, RDF.type, NKE.IdentityLink) in data
        assert (node, NKE.linkedItem, WD[link.qid]) in data
        assert (node, SCHEMA.url, URIRef(link.seen_at)) in data
        assert link.qid[1:] in str(data.value(node, PROV.value))


def test_no_link_contradicts_its_evidence(built, links):
    """The snippet shows the id, and names the entity (its label or an alias)."""
    data = built.dataset.graph(DATA_GRAPH)
    squash = lambda text: re.sub(r"[^0-9a-z]", "", text.casefold())  # noqa: E731
    for link in links.links:
        names = [data.value(NKR[link.entity], SCHEMA.name)] + list(
            data.objects(NKR[link.entity], URIRef("http://www.w3.org/2004/02/skos/core#altLabel")))
        names.append(data.value(NKR[link.entity], URIRef(
            "http://www.w3.org/2000/01/rdf-schema#label")))
        assert any(n is not None and squash(str(n)) in squash(link.snippet) for n in names), \
            f"{link.entity}: the snippet does not name it"
        assert re.search(rf"(?<![0-9]){link.qid[1:]}(?![0-9])", link.snippet)
    linked = {link.entity for link in links.links}
    assert not linked & set(links.abstentions)


def _append(project: Path, text: str) -> None:
    path = project / "data" / "wikidata.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("links:\n", "links:\n" + text, 1),
                    encoding="utf-8")


def test_a_link_to_an_unknown_entity_fails_the_build(project_copy):
    _append(project_copy, "  - {entity: no-such-entity, qid: Q1, seen_at: 'https://x.invalid/',"
                          " title: t, snippet: 'Q1'}\n")
    with pytest.raises(CurationError, match="unknown entity 'no-such-entity'"):
        build_graph(Paths(project_copy))


def test_a_snippet_without_the_id_fails(project_copy):
    _append(project_copy, "  - {entity: kang-yun-sok, qid: Q12345, seen_at: 'https://x.invalid/',"
                          " title: t, snippet: 'no id here'}\n")
    with pytest.raises(CurationError, match="does not contain the id Q12345"):
        build_graph(Paths(project_copy))


def test_build_reports_a_bad_link_in_one_line(project_copy):
    _append(project_copy, "  - {entity: no-such-entity, qid: Q1, seen_at: 'https://x.invalid/',"
                          " title: t, snippet: 'Q1'}\n")
    done = subprocess.run([str(Path(sys.executable).parent / "nkelections"), "build",
                           "--dist", str(project_copy / "dist")], cwd=project_copy,
                          capture_output=True, text=True, timeout=300,
                          env={"NKELECTIONS_ROOT": str(project_copy), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def exported(built):
    """The export over our graph with the 2023 election linked to a fixture item (test only)."""
    graph = Graph()
    for triple in built.dataset.graph(DATA_GRAPH):
        graph.add(triple)
    graph.add((NKR["election-2023-local"], SCHEMA.sameAs, URIRef(NS + "Q9000601")))
    return export(graph, dt.date(2024, 1, 2), NS)


def test_quickstatements_lines_parse_as_v1(exported):
    assert exported.lines, "nothing exported for a linked election"
    for line in exported.lines:
        assert V1_LINE.match(line), f"not V1 syntax: {line!r}"
        fields = line.split("\t")
        refs = dict(zip(fields[3::2], fields[4::2], strict=True))
        assert refs["S854"].startswith('"https://w3id.org/nkelections/id/')
        assert refs["S813"] == "+2024-01-02T00:00:00Z/11"
        assert "S1683" not in refs or re.match(r'^[a-z]+:"', refs["S1683"])


def test_election_date_is_exported_as_point_in_time(exported):
    date = PROPERTIES["point in time"].pid
    assert any(line.startswith(f"Q9000601\t{date}\t+2023-11-26T00:00:00Z/11")
               for line in exported.lines)


def test_turnout_is_skipped_with_the_reason(exported):
    reasons = {s.fact: s.reason for s in exported.skipped}
    assert reasons.get("figure-2023-turnout") == NO_PROPERTY
