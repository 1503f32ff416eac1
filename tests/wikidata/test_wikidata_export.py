"""Identity links from data/wikidata.yaml in the graph, and the QuickStatements export."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from nkelections.build.pipeline import Paths, build_graph
from nkelections.curation.links import load_links
from nkelections.errors import CurationError
from nkelections.rdf.namespaces import DATA_GRAPH, NKE, NKR, PROV, RDF, RDFS, SCHEMA, WD, XSD
from nkelections.wikidata.quickstatements import NO_PROPERTY, dry_run, export, load_property_map

NS = "http://wikidata.fixture.invalid/entity/"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "wikidata"
ITEM = r"Q[1-9][0-9]*"
# QuickStatements V1: a string or monolingual text runs to its last quote (so it may hold one),
# never across a tab; times carry their precision; a quantity is a plain number.
VALUE = (
    rf'(?:{ITEM}|"[^\t]*"|[a-z][a-z-]*:"[^\t]*"|[+-][0-9]{{4,}}-[0-9]{{2}}-[0-9]{{2}}'
    r"T00:00:00Z/(?:9|10|11)|[+-]?[0-9]+(?:\.[0-9]+)?)"
)
V1_LINE = re.compile(rf"^{ITEM}\tP[1-9][0-9]*\t{VALUE}(?:\t[PS][1-9][0-9]*\t{VALUE})*$")
V1_TERM = re.compile(r'^Q[1-9][0-9]*\t[LAD][a-z]{2,3}\t"[^\t]+"$')


@pytest.fixture(scope="module")
def links(root, built):
    known = {
        str(s)[len(str(NKR)) :]
        for s in built.dataset.graph(DATA_GRAPH).subjects(RDF.type, None)
        if str(s).startswith(str(NKR))
    }
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
            data.objects(NKR[link.entity], URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))
        )
        names.append(
            data.value(NKR[link.entity], URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        )
        assert any(n is not None and squash(str(n)) in squash(link.snippet) for n in names), (
            f"{link.entity}: the snippet does not name it"
        )
        assert re.search(rf"(?<![0-9]){link.qid[1:]}(?![0-9])", link.snippet)
    linked = {link.entity for link in links.links}
    assert not linked & set(links.abstentions)


def _append(project: Path, text: str) -> None:
    path = project / "data" / "wikidata.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("links:\n", "links:\n" + text, 1), encoding="utf-8"
    )


def test_a_link_to_an_unknown_entity_fails_the_build(project_copy):
    _append(
        project_copy,
        "  - {entity: no-such-entity, qid: Q1, seen_at: 'https://x.invalid/',"
        " title: t, snippet: 'Q1'}\n",
    )
    with pytest.raises(CurationError, match="unknown entity 'no-such-entity'"):
        build_graph(Paths(project_copy))


def test_a_snippet_without_the_id_fails(project_copy):
    _append(
        project_copy,
        "  - {entity: kang-yun-sok, qid: Q12345, seen_at: 'https://x.invalid/',"
        " title: t, snippet: 'no id here'}\n",
    )
    with pytest.raises(CurationError, match="does not contain the id Q12345"):
        build_graph(Paths(project_copy))


def test_build_reports_a_bad_link_in_one_line(project_copy):
    _append(
        project_copy,
        "  - {entity: no-such-entity, qid: Q1, seen_at: 'https://x.invalid/',"
        " title: t, snippet: 'Q1'}\n",
    )
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "nkelections"),
            "build",
            "--dist",
            str(project_copy / "dist"),
        ],
        cwd=project_copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={"NKELECTIONS_ROOT": str(project_copy), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def pmap(root):
    return load_property_map(root / "data" / "wikidata-properties.yaml", root)


@pytest.fixture(scope="module")
def fixture_labels():
    """Property id -> English label, from the fixture of the properties in Wikidata's RDF."""
    graph = Graph().parse(FIXTURES / "properties.ttl")
    return {str(s).rsplit("/", 1)[-1]: str(o) for s, o in graph.subject_objects(RDFS.label)}


@pytest.fixture(scope="module")
def real(built, pmap, links):
    """The export of the real data, with its real links."""
    korean = {e: k.label for e, k in links.korean.items()}
    return export(built.dataset.graph(DATA_GRAPH), pmap, dt.date(2024, 1, 2), korean=korean)


def _linked_election(built):
    graph = Graph()
    for triple in built.dataset.graph(DATA_GRAPH):
        graph.add(triple)
    graph.add((NKR["election-2023-local"], SCHEMA.sameAs, WD["Q9000601"]))  # a fixture id
    return graph


@pytest.fixture(scope="module")
def exported(built, pmap):
    """The export with the 2023 election linked to a fixture item (test only)."""
    return export(_linked_election(built), pmap, dt.date(2024, 1, 2))


def test_every_property_id_and_label_matches_the_fixture(pmap, fixture_labels):
    assert len(pmap.properties) >= 15
    for prop in pmap.properties.values():
        assert fixture_labels.get(prop.pid) == prop.label, f"{prop.pid} {prop.label!r}"
        assert prop.seen_at.startswith("https://")


def _properties_of(line: str) -> list[str]:
    fields = line.split("\t")
    return [fields[1]] + [f"P{p[1:]}" for p in fields[3::2]]


def test_real_export_lines_parse_as_v1_and_are_all_referenced(real, pmap, fixture_labels, root):
    from nkelections.sources.corpus import load_corpus

    urls = {f'"{d.url}"' for d in load_corpus(root / "data" / "sources", root) if d.url}
    assert len(real.lines) >= 5, real.skipped[:5]
    by_pid = {p.pid: p.label for p in pmap.properties.values()}
    for line in real.lines:
        assert V1_LINE.match(line), f"not V1 syntax: {line!r}"
        fields = line.split("\t")
        refs = dict(zip(fields[3::2], fields[4::2], strict=True))
        assert refs.get("S854") in urls or re.fullmatch(ITEM, refs.get("S248", "")), line
        assert refs["S813"] == "+2024-01-02T00:00:00Z/11" and refs["S1476"].startswith('en:"')
        for pid in _properties_of(line):
            assert pid in by_pid and fixture_labels[pid] == by_pid[pid], f"{pid} in {line!r}"
    assert any("\tP39\tQ56876342\t" in line for line in real.lines)  # position held, not member of
    assert all(V1_TERM.match(line) for line in real.terms)
    assert 'Q423\tLko\t"조선민주주의인민공화국"' in real.terms
    assert 'Q56226\tLen\t"Kim Jong-un"' in real.terms


def test_election_statements_with_integer_counts(exported, pmap):
    pid = {p.key: p.pid for p in pmap.properties.values()}
    lines = exported.lines
    assert any(
        x.startswith(f"Q9000601\t{pid['point in time']}\t+2023-11-26T00:00:00Z/11\t") for x in lines
    )
    assert any(x.startswith(f"Q9000601\t{pid['applies to jurisdiction']}\tQ423\t") for x in lines)
    assert any(x.startswith(f"Q9000601\t{pid['number of seats']}\t27858\t") for x in lines)
    assert not any(re.search(r"\t[0-9]+\.0(\t|$)", x) for x in lines), "a count as a decimal"


def test_approximate_figures_and_unmapped_measures_are_skipped_with_reasons(exported):
    reasons = {s.fact: s.reason for s in exported.skipped}
    assert "approximate" in reasons["figure-2023-eligible-voters-approx"]
    assert reasons["figure-2023-turnout"] == NO_PROPERTY
    assert not any("\t25000000" in line for line in exported.lines)


def test_a_quote_with_double_quotes_keeps_them_and_a_title_is_no_quotation(built, pmap):
    from nkelections.rdf.namespaces import OA

    graph = _linked_election(built)
    # Every quote of the figure (several texts give it; which one a line cites is not fixed).
    selectors = [s for s, o in graph.subject_objects(OA.exact) if "27,858" in str(o)]
    assert selectors
    for selector in selectors:
        graph.set((selector, OA.exact, Literal('He said "27,858" were elected.')))
    lines = export(graph, pmap, dt.date(2024, 1, 2)).lines
    assert any('S1683\ten:"He said "27,858" were elected."' in line for line in lines)
    for line in lines:
        fields = line.split("\t")
        refs = dict(zip(fields[3::2], fields[4::2], strict=True))
        assert refs.get("S1683") != refs["S1476"]


def test_dry_run_tells_add_present_and_conflict(real):
    existing = Graph()
    existing.add((WD["Q423"], RDFS.label, Literal("North Korea", lang="en")))
    existing.add((WD["Q56226"], RDFS.label, Literal("Kim Jong Un", lang="en")))
    existing.add(
        (
            WD["Q4375957"],
            URIRef("http://www.wikidata.org/prop/direct/P571"),
            Literal("1948-09-09T00:00:00Z", datatype=XSD.dateTime),
        )
    )
    status = {
        tuple(r.line.split("\t")[:3]): r.status for r in dry_run(real.lines + real.terms, existing)
    }
    assert status[("Q423", "Len", '"North Korea"')] == "present"
    assert status[("Q56226", "Len", '"Kim Jong-un"')] == "conflict"
    assert status[("Q4375957", "P571", "+1948-00-00T00:00:00Z/9")] == "present"
    assert status[("Q56226", "P39", "Q56876342")] == "add"
    assert status[("Q56226", "Aen", '"Kim Jong Un"')] == "add"


def test_export_command_writes_readable_files_and_a_dry_run(root, tmp_path, dist):
    out = tmp_path / "qs.tsv"
    cmd = [
        str(Path(sys.executable).parent / "nkelections"),
        "export",
        "quickstatements",
        "--retrieved",
        "2024-01-02",
        "-o",
        str(out),
        "--dist",
        str(dist),
        "--dry-run",
        str(FIXTURES / "existing.ttl"),
    ]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for suffix in ("", ".terms.tsv", ".skipped.tsv", ".dry-run.tsv"):
        path = Path(f"{out}{suffix}")
        assert path.stat().st_mode & 0o777 == 0o644, path
    rows = Path(f"{out}.dry-run.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert any(r.startswith("present\tQ423\tLko\t") for r in rows)
    assert "already there" in done.stdout
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    done = subprocess.run(
        cmd[:-1] + [str(bad)], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
