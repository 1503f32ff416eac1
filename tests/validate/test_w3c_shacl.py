"""The W3C SHACL test suite (Core and SPARQL manifests, tests/w3c-shacl/) run against both engines.

Each sht:Validate entry names a data graph, a shapes graph and the expected validation report.
A case passes when the engine's report agrees on sh:conforms and on the multiset of results, each
result compared on its focus node, path, value, source shape, constraint component and
severity; blank nodes (paths, shapes, values) are compared by their structure, as graphs are
compared by isomorphism, since each engine names them its own way. A case whose expected result
is sht:Failure passes when the engine refuses the shapes.

The cases an engine fails are listed, each with its reason, in KNOWN_GAPS: they run as strict
xfails, so a gap that closes, or a new failure, turns the run red. The pass counts are stated in
the README (its validation section), and `test_readme_states_the_pass_counts` keeps them true.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection

from nkelections.errors import ValidationError
from nkelections.rdf.namespaces import RDF, SH
from nkelections.validate.shacl import validate

SUITE = Path(__file__).parents[1] / "w3c-shacl"
README = Path(__file__).parents[2] / "README.md"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
COMPARED = (
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.sourceShape,
    SH.sourceConstraintComponent,
    SH.resultSeverity,
)
ENGINES = ("oxigraph", "pyshacl")

# Why a case fails, for the reasons shared by several cases.
UNBOUNDED = (
    "refused: paths with *, + or ? match every node at length zero, which a "
    "whole-graph query cannot enumerate (ontology/shapes.ttl uses only IRI paths)"
)
COMPONENTS = (
    "refused: SHACL-SPARQL constraint components (sh:ConstraintComponent); our shapes "
    "use sh:sparql constraints only"
)
PRE_BINDING = (
    "refused: $this is read where a join with the focus nodes differs from "
    "pre-binding (see shacl_sparql); our constraints bind $this in a triple pattern"
)
STRANGE_PATH = (
    "the path node is ill-formed (a list that is also an sh:inversePath): pySHACL "
    "and so both engines copy it whole into sh:resultPath, the expected report "
    "keeps only the list; our shapes' paths are IRIs"
)
UNIQUE_LANG = (
    'pySHACL (whose component both engines use) reads sh:uniqueLang "1"^^xsd:boolean '
    "as true, where SHACL activates it only for true; our shapes have no sh:uniqueLang"
)
PREFIXES = (
    "pySHACL (whose prefix handling both engines use) does not follow owl:imports from an "
    "sh:prefixes node to the sh:declare it holds; our shapes declare prefixes directly"
)
SHAPES_GRAPH = (
    "pySHACL (whose SPARQL helper both engines use) does not support $shapesGraph; "
    "our constraints do not use it"
)

# (engine, case id) -> why the engine fails the case. The oxigraph engine covers what the
# project's shapes use (ontology/shapes.ttl); the rest is left to pySHACL, the reference engine.
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("oxigraph", "core/complex/shacl-shacl"): UNBOUNDED,
    ("oxigraph", "core/path/path-complex-001"): UNBOUNDED,
    ("oxigraph", "core/path/path-oneOrMore-001"): UNBOUNDED,
    ("oxigraph", "core/path/path-zeroOrMore-001"): UNBOUNDED,
    ("oxigraph", "core/path/path-zeroOrOne-001"): UNBOUNDED,
    ("oxigraph", "core/path/path-strange-001"): STRANGE_PATH,
    ("oxigraph", "core/path/path-strange-002"): STRANGE_PATH,
    ("oxigraph", "core/property/or-datatypes-001"): (
        'rdflib reads the ill-formed "none"^^xsd:boolean as "false" (flagging it ill-typed), '
        "and a graph in memory reaches Oxigraph as N-Triples written by rdflib, so the engine "
        "sees a well-formed false; files are read by Oxigraph itself"
    ),
    ("oxigraph", "core/property/uniqueLang-002"): UNIQUE_LANG,
    ("oxigraph", "sparql/component/optional-001"): COMPONENTS,
    ("oxigraph", "sparql/component/propertyValidator-select-001"): COMPONENTS,
    ("oxigraph", "sparql/component/validator-001"): COMPONENTS,
    ("oxigraph", "sparql/node/prefixes-001"): PREFIXES,
    ("oxigraph", "sparql/pre-binding/pre-binding-002"): PRE_BINDING,
    ("oxigraph", "sparql/pre-binding/pre-binding-003"): PRE_BINDING,
    ("oxigraph", "sparql/pre-binding/pre-binding-004"): PRE_BINDING,
    ("oxigraph", "sparql/pre-binding/pre-binding-005"): PRE_BINDING,
    ("oxigraph", "sparql/pre-binding/pre-binding-007"): PRE_BINDING,
    ("oxigraph", "sparql/pre-binding/shapesGraph-001"): SHAPES_GRAPH,
    ("pyshacl", "core/path/path-strange-001"): STRANGE_PATH,
    ("pyshacl", "core/path/path-strange-002"): STRANGE_PATH,
    ("pyshacl", "core/property/uniqueLang-002"): UNIQUE_LANG,
    ("pyshacl", "sparql/node/prefixes-001"): PREFIXES,
    ("pyshacl", "sparql/pre-binding/shapesGraph-001"): SHAPES_GRAPH,
}


def _manifest_entries(manifest: Path, seen: set[Path] | None = None):
    """(case id, test file, entry node, graph of the file) for every sht:Validate entry reached
    from `manifest` through mf:include, in file order."""
    seen = set() if seen is None else seen
    if manifest in seen:
        return
    seen.add(manifest)
    graph = Graph().parse(manifest, format="turtle")
    here = URIRef(manifest.resolve().as_uri())
    for include in graph.objects(here, MF.include):
        yield from _manifest_entries(_local(include), seen)
    for entries in graph.objects(here, MF.entries):
        for entry in Collection(graph, entries):
            if (entry, RDF.type, SHT.Validate) in graph:
                name = str(entry).rsplit("/", 1)[-1]
                case = f"{manifest.parent.relative_to(SUITE).as_posix()}/{name}"
                yield case, manifest, entry, graph


def _local(iri) -> Path:
    """The vendored file an IRI of the suite names (the manifests use relative IRIs, which
    rdflib resolves against the file's own file: URI)."""
    return Path(url2pathname(urlsplit(str(iri)).path))


CASES = {
    case: (path, entry, graph)
    for case, path, entry, graph in _manifest_entries(SUITE / "manifest.ttl")
}


def _graph_of(iri, path: Path, graph: Graph) -> Graph:
    """The data or shapes graph an action names: the test file itself (`<>`) or another file."""
    target = _local(iri)
    return graph if target == path else Graph().parse(target, format="turtle")


def _render(node, where: Graph, seen: frozenset = frozenset()):
    """A term for comparison: IRIs and literals as they are, a blank node as the set of its
    (predicate, rendered object) pairs in `where` (lists and nested paths included)."""
    if not isinstance(node, BNode):
        return node
    if node in seen:
        return "cycle"
    seen = seen | {node}
    return frozenset((p, _render(o, where, seen)) for p, o in where.predicate_objects(node))


def _results(graph: Graph, report_node, where: Graph) -> Counter:
    return Counter(
        tuple(_render(graph.value(result, key), where) for key in COMPARED)
        for result in graph.objects(report_node, SH.result)
    )


def _union(*graphs: Graph) -> Graph:
    union = Graph()
    for graph in graphs:
        union += graph
    return union


def _run_case(engine: str, case: str) -> None:
    path, entry, graph = CASES[case]
    action = graph.value(entry, MF.action)
    data = _graph_of(graph.value(action, SHT.dataGraph), path, graph)
    shapes = _graph_of(graph.value(action, SHT.shapesGraph), path, graph)
    expected = graph.value(entry, MF.result)
    if expected == SHT.Failure:
        with pytest.raises(ValidationError):
            validate(data, shapes, engine=engine)
        return
    report = validate(data, shapes, engine=engine).graph
    report_node = report.value(predicate=RDF.type, object=SH.ValidationReport)
    conforms = report.value(report_node, SH.conforms)
    assert conforms == graph.value(expected, SH.conforms), f"{case}: sh:conforms differs"
    ours = _results(report, report_node, _union(report, data, shapes))
    wanted = _results(graph, expected, _union(graph, data, shapes))
    assert ours == wanted, _difference(ours, wanted)


def _difference(ours: Counter, wanted: Counter) -> str:
    extra, missing = ours - wanted, wanted - ours
    return (
        f"only in the engine's report: {list(extra)}\nonly in the expected report: {list(missing)}"
    )


def _params():
    for engine in ENGINES:
        for case in CASES:
            gap = KNOWN_GAPS.get((engine, case))
            marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
            yield pytest.param(engine, case, id=f"{engine}:{case}", marks=marks)


@pytest.mark.parametrize(("engine", "case"), list(_params()))
def test_w3c_case(engine, case):
    _run_case(engine, case)


def test_suite_is_complete():
    """The vendored manifests reach every test file: 98 Core and 22 SPARQL cases at the
    vendored commit, so a lost mf:include cannot shrink the suite unnoticed."""
    core = [c for c in CASES if c.startswith("core/")]
    sparql = [c for c in CASES if c.startswith("sparql/")]
    assert (len(core), len(sparql)) == (98, 22)


def test_known_gaps_name_real_cases():
    assert all(engine in ENGINES and case in CASES for engine, case in KNOWN_GAPS)


def pass_counts(engine: str) -> dict[str, tuple[int, int]]:
    counts = {}
    for part in ("core", "sparql"):
        cases = [c for c in CASES if c.startswith(part + "/")]
        failed = sum((engine, c) in KNOWN_GAPS for c in cases)
        counts[part] = (len(cases) - failed, len(cases))
    return counts


def test_readme_states_the_pass_counts():
    """The README's sentence on the suite is the counts the gap lists give."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    ours, theirs = pass_counts("oxigraph"), pass_counts("pyshacl")
    sentence = (
        f"W3C SHACL test suite: ours {ours['core'][0]}/{ours['core'][1]} core, "
        f"{ours['sparql'][0]}/{ours['sparql'][1]} SPARQL; pySHACL "
        f"{theirs['core'][0]}/{theirs['core'][1]} core, "
        f"{theirs['sparql'][0]}/{theirs['sparql'][1]} SPARQL"
    )
    assert sentence in text, f"the README should say: {sentence}"
    assert re.search(r"commit [0-9a-f]{40}", (SUITE / "README.md").read_text(encoding="utf-8"))
