"""The shapes, the validate library and command, and the catalogue of broken graphs.

Each file in tests/shapes/ is a copy of the real triples of a few subjects with one defect,
and `# expect: SHAPE COMPONENT PATH FOCUS` lines (PATH `-` when the result has none). The case
replaces those subjects' triples in the built graph, so the rest of the real graph gives the
context and every result comes from the defect.

`make test` validates each case on its neighbourhood: the whole graph is there, but only the
focus nodes near the defect are validated (the case's subjects, what they point at, what points
at them, and the focus nodes its `# expect:` lines name), by both engines in one test. The
whole-graph run of every case, which would also see a stray result farther away, is marked
`slow` (`make test-slow`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from nkelections.build.serialize import union_graph
from nkelections.cli.main import main
from nkelections.rdf.dataset import OxData, from_graph
from nkelections.rdf.namespaces import NKE, OWL, RDF, SCHEMA, SH, bind_prefixes
from nkelections.validate.shacl import (
    DEFAULT_ENGINE,
    ENGINES,
    SHAPES_PREFIX,
    Report,
    format_json,
    format_text,
    load_graph,
    merge,
    read_results,
    validate,
)

ROOT = Path(__file__).resolve().parents[2]
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
CASES = sorted((Path(__file__).parents[1] / "shapes").glob("*.ttl"))
CASE_PARAMS = [pytest.param(c, id=c.stem) for c in CASES]
# The whole-graph runs: one xdist group per case, so both tests of a case run on one worker and
# share its pySHACL report (`--dist loadgroup`); pySHACL is most of each case's time.
WHOLE_PARAMS = [
    pytest.param(c, id=c.stem, marks=[pytest.mark.slow, pytest.mark.xdist_group(c.stem)])
    for c in CASES
]
EXPECT = re.compile(r"^# expect: (\S+) (\S+) (\S+) (\S+)$", re.M)
NKESH = SHAPES_PREFIX[1]
# Parameter -> constraint component, for the SHACL Core and SPARQL parameters the shapes use.
COMPONENTS = {
    "minCount": "MinCount",
    "maxCount": "MaxCount",
    "datatype": "Datatype",
    "class": "Class",
    "pattern": "Pattern",
    "languageIn": "LanguageIn",
    "node": "Node",
    "in": "In",
    "or": "Or",
    "hasValue": "HasValue",
    "equals": "Equals",
    "nodeKind": "NodeKind",
    "minLength": "MinLength",
    "minInclusive": "MinInclusive",
    "qualifiedMinCount": "QualifiedMinCount",
    "qualifiedMaxCount": "QualifiedMaxCount",
    "sparql": "SPARQL",
}


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load_graph([SHAPES_FILE])


@pytest.fixture(scope="session")
def base(built) -> Graph:
    """The real graph: data and ontology merged, as `nkelections validate` sees dist/."""
    return union_graph(built.dataset)


def short(graph: Graph, term) -> str:
    graph.bind(*SHAPES_PREFIX)
    return (
        graph.namespace_manager.curie(term, generate=False)
        if str(term).startswith(("https://w3id.org/nkelections/shapes#",))
        else str(term)
    )


def expected(case: Path) -> set[tuple[str, str, str, str]]:
    return {m.groups() for m in EXPECT.finditer(case.read_text(encoding="utf-8"))}


def overlay(base: Graph, case: Path) -> Graph:
    piece = Graph().parse(case, format="turtle")
    graph = merge([base])
    for subject in set(piece.subjects()):
        graph.remove((subject, None, None))
    for triple in piece:
        graph.add(triple)
    return graph


def found(report) -> set[tuple[str, str, str, str]]:
    return {(r.shape, r.component, r.path or "-", r.focus) for r in report.results}


# --- the real graph --------------------------------------------------------------------


def test_built_graph_passes(base, shapes):
    """What `make run` validates with (the default engine); pySHACL gives the same records
    (test_oxigraph_matches_pyshacl_on_the_real_graph)."""
    report = validate(base, shapes, engine=DEFAULT_ENGINE)
    violations = [r for r in report.results if r.severity == "Violation"]
    assert report.passes, format_text(report)
    assert not violations
    # SHACL 3.6.1: a warning or an info is a result, and any result makes sh:conforms false
    assert report.results and set(report.graph.objects(None, SH.conforms)) == {Literal(False)}


def test_shapes_graph_conforms_to_shacl_for_shacl(shapes):
    import pyshacl

    conforms, _, text = pyshacl.validate(
        shapes, shacl_graph=None, meta_shacl=True, inference="none"
    )
    assert conforms, text


def test_every_nke_class_and_every_class_the_data_uses_is_a_target(built, shapes):
    targets = set(shapes.objects(None, SH.targetClass))
    ontology = built.dataset.graph(URIRef("https://w3id.org/nkelections/graph/ontology"))
    declared = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(NKE))}
    data = built.dataset.graph(URIRef("https://w3id.org/nkelections/graph/data"))
    used = set(data.objects(None, RDF.type))
    assert declared, "the ontology declares no nke: classes"
    assert sorted(declared - targets) == []
    assert sorted(used - targets) == []


def _constraints(shapes: Graph) -> set[tuple[str, str]]:
    """(shape, component) for every constraint of a targeted shape and its property shapes;
    helper shapes reached only through sh:node, sh:or or sh:qualifiedValueShape are checked
    through the constraint that uses them."""
    node_shapes = {
        s
        for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetNode)
        for s in shapes.subjects(p, None)
    }
    shapes_ = node_shapes | {p for s in node_shapes for p in shapes.objects(s, SH.property)}
    pairs = set()
    for shape in shapes_:
        for param, component in COMPONENTS.items():
            if (shape, SH[param], None) in shapes:
                name = f"sh:{component}ConstraintComponent"
                pairs.add((short(shapes, shape), name))
    return pairs


def test_every_constraint_is_exercised_by_a_case(shapes):
    exercised = {(e[0], e[1]) for case in CASES for e in expected(case)}
    missing = sorted(_constraints(shapes) - exercised)
    assert missing == [], "constraints no case in tests/shapes/ exercises"


def test_every_constraint_has_a_message_and_a_deliberate_severity(shapes):
    for shape_name, _ in _constraints(shapes):
        shape = URIRef(NKESH + shape_name.split(":", 1)[1])
        sparql = list(shapes.objects(shape, SH.sparql))
        for holder in sparql or [shape]:
            messages = list(shapes.objects(holder, SH.message))
            assert messages and all(m.language == "en" for m in messages), shape_name
        assert shapes.value(shape, SH.severity) in (None, SH.Violation, SH.Warning, SH.Info)
    severities = set(shapes.objects(None, SH.severity))
    assert {SH.Warning, SH.Info} <= severities


def test_at_least_forty_cases_each_with_an_expectation():
    assert len(CASES) >= 40
    for case in CASES:
        assert expected(case), f"{case.name} has no '# expect:' line"


@pytest.fixture(scope="session")
def reference() -> dict:
    """pySHACL's reports by case, so the oxigraph comparison does not run pySHACL again."""
    return {}


def pyshacl_report(reference: dict, key: str, graph: Graph, shapes: Graph):
    if key not in reference:
        reference[key] = validate(graph, shapes, engine="pyshacl")
    return reference[key]


@pytest.fixture(scope="session")
def base_results(base, shapes) -> set[tuple[str, str, str, str]]:
    """What the real graph already reports (warnings and infos only, as it conforms), by the
    default engine: pySHACL's whole-graph run takes ~9 s a worker, and it gives the same
    records (test_oxigraph_matches_pyshacl_on_the_real_graph)."""
    return found(validate(base, shapes, engine=DEFAULT_ENGINE))


# --- each case on its neighbourhood, both engines ----------------------------------------


@pytest.fixture(scope="session")
def scratch(base) -> Graph:
    """A copy of the real graph that the catalogue cases change in place, one at a time."""
    return merge([base])


@pytest.fixture(scope="session")
def base_store(base) -> OxData:
    """The real graph as the oxigraph engine holds it (with the literals as written), which
    the catalogue cases change in place, one at a time (replaced_store)."""
    return from_graph(base)


@contextmanager
def replaced_store(base: OxData, piece: Graph) -> Iterator[OxData]:
    """The real graph's store with the piece's subjects' quads replaced by the piece's, put back
    as it was when the block ends (as `replaced` does to an rdflib graph): a copy per case took
    an eighth of the catalogue's time."""
    import pyoxigraph as ox

    added = from_graph(piece)
    subjects = {ox.NamedNode(str(s)) for s in piece.subjects() if isinstance(s, URIRef)}
    store = base.store
    removed = [q for s in subjects for q in store.quads_for_pattern(s, None, None)]
    for quad in removed:
        store.remove(quad)
    store.extend(added.store)
    kept = {k: v for k, v in base.originals.items() if k[0] not in subjects}
    try:
        yield OxData(store, kept | added.originals)
    finally:
        for quad in added.store:
            store.remove(quad)
        store.extend(removed)


@contextmanager
def replaced(graph: Graph, piece: Graph):
    """`graph` with the piece's subjects' triples replaced by the piece's (as `overlay`), put
    back as it was when the block ends."""
    removed = [t for s in set(piece.subjects()) for t in graph.triples((s, None, None))]
    for triple in removed:
        graph.remove(triple)
    graph += piece
    try:
        yield graph
    finally:
        graph -= piece
        graph += removed


def neighbourhood(graph: Graph, piece: Graph, case: Path) -> frozenset:
    """The case's subjects, the IRIs they point at, the nodes that point at them, and the
    focus nodes its `# expect:` lines name (some lie two steps away: the source whose
    evidence nodes a removed publisher leaves without one)."""
    names = Graph(bind_namespaces="none")
    bind_prefixes(names)
    subjects = set(piece.subjects())
    near = set(subjects)
    for subject in subjects:
        near |= {o for o in graph.objects(subject) if isinstance(o, URIRef)}
        near |= set(graph.subjects(None, subject))
    for *_, focus in expected(case):
        near.add(
            URIRef(focus[1:-1])
            if focus.startswith("<")
            else names.namespace_manager.expand_curie(focus)
        )
    return frozenset(n for n in near if isinstance(n, URIRef))


def engine_report(name: str, data, shapes: Graph, focus: frozenset) -> Report:
    """The report of engine `name` on data already in its own form (no copy of the graph)."""
    engine = ENGINES[name]()
    graph = engine.run(data, shapes, focus)
    results = read_results(graph, lambda node: engine.label(data, node), shapes)
    return Report(results, name, 0.0, engine.size(data), graph)


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_catalogue_case(case, scratch, base_store, shapes, base_results):
    """Near the defect, pySHACL finds exactly the expected results beyond those the real graph
    already has, and the oxigraph engine the same records."""
    piece = Graph().parse(case, format="turtle")
    with replaced(scratch, piece) as graph:
        focus = neighbourhood(graph, piece, case)
        theirs = engine_report("pyshacl", graph, shapes, focus)
    with replaced_store(base_store, piece) as store:
        ours = engine_report("oxigraph", store, shapes, focus)
    assert found(theirs) - base_results == expected(case), format_text(theirs)
    assert records(ours) == records(theirs), (
        f"only oxigraph: {sorted(records(ours) - records(theirs), key=repr)}\n"
        f"only pyshacl: {sorted(records(theirs) - records(ours), key=repr)}"
    )


def test_a_case_leaves_the_graph_as_it_was(scratch, base):
    piece = Graph().parse(CASES[0], format="turtle")
    with replaced(scratch, piece):
        assert not scratch.isomorphic(base)
    assert len(scratch) == len(base) and not (set(scratch) ^ set(base))


def test_a_case_leaves_the_store_as_it_was(base_store):
    before = set(base_store.store)
    piece = Graph().parse(CASES[0], format="turtle")
    with replaced_store(base_store, piece) as store:
        assert set(store.store) != before
    assert set(base_store.store) == before


# pySHACL's whole-graph run of the real graph (~9 s) is made once, on one worker, for the tests
# of this group (the `reference` fixture keeps it).
PYSHACL_WHOLE = pytest.mark.xdist_group("pyshacl-whole-graph")


@pytest.mark.parametrize(
    "engine", [pytest.param("pyshacl", marks=PYSHACL_WHOLE), pytest.param("oxigraph")]
)
def test_focus_gives_the_whole_graph_results_of_those_nodes(engine, base, shapes, reference):
    """Validating some focus nodes gives what the same engine's whole-graph run gives for those
    nodes, and nothing for the others."""
    whole = (
        pyshacl_report(reference, "", base, shapes)
        if engine == "pyshacl"
        else validate(base, shapes, engine=engine)
    )
    names = Graph(bind_namespaces="none")
    bind_prefixes(names)
    by_name = {_curie(names, n): n for n in set(base.subjects()) if isinstance(n, URIRef)}
    with_results = sorted({r.focus for r in whole.results})
    assert len(with_results) >= 2, "the real graph has results on two nodes or more"
    focus = {by_name[with_results[0]], *sorted(by_name.values())[:40]} - {by_name[with_results[1]]}
    report = validate(base, shapes, engine=engine, focus=focus)
    kept = {_curie(names, n) for n in focus}
    assert records(report) == Counter(r for r in whole.results if r.focus in kept)
    assert with_results[0] in {r.focus for r in report.results}


def _curie(names: Graph, node: URIRef) -> str:
    try:
        return names.namespace_manager.curie(node, generate=False)
    except (KeyError, ValueError):
        return f"<{node}>"


# --- the whole graph, every case (slow) ----------------------------------------------------


@pytest.mark.parametrize("case", WHOLE_PARAMS)
def test_catalogue_case_on_the_whole_graph(case, base, shapes, base_results, reference):
    report = pyshacl_report(reference, case.stem, overlay(base, case), shapes)
    assert found(report) - base_results == expected(case), format_text(report)


# --- the oxigraph engine gives pySHACL's results, record for record ----------------------


def records(report) -> Counter:
    return Counter(report.results)


@PYSHACL_WHOLE
def test_oxigraph_matches_pyshacl_on_the_real_graph(base, shapes, reference):
    ours = validate(base, shapes, engine="oxigraph")
    assert records(ours) == records(pyshacl_report(reference, "", base, shapes))
    assert ours.results, "the real graph has a warning and infos to compare"


@pytest.mark.parametrize("case", WHOLE_PARAMS)
def test_oxigraph_matches_pyshacl_on_catalogue_case_on_the_whole_graph(
    case, base, shapes, reference
):
    graph = overlay(base, case)
    theirs = records(pyshacl_report(reference, case.stem, graph, shapes))
    ours = records(validate(graph, shapes, engine="oxigraph"))
    assert ours - theirs == Counter() and theirs - ours == Counter(), (
        f"only oxigraph: {sorted(ours - theirs, key=repr)}\n"
        f"only pyshacl: {sorted(theirs - ours, key=repr)}"
    )


def test_oxigraph_refuses_an_unsupported_feature_in_one_line(dist, tmp_path, capsys):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetClass rdfs:Class ;\n"
        "  sh:property [ sh:path [ sh:zeroOrMorePath rdfs:subClassOf ] ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    # one class: the engine refuses the path whatever the data, and pySHACL validates what the
    # refusal sends it (a small file: the whole graph would only cost time)
    data = tmp_path / "data.ttl"
    data.write_text("<urn:c> a <http://www.w3.org/2000/01/rdf-schema#Class> .\n", encoding="utf-8")
    assert main(["validate", str(data), "--shapes", str(shapes)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "sh:zeroOrMorePath" in err and "--engine pyshacl" in err
    assert main(["validate", str(data), "--shapes", str(shapes), "--engine", "pyshacl"]) == 0


def test_oxigraph_refuses_a_sparql_constraint_that_needs_pre_binding(tmp_path):
    from nkelections.errors import ValidationError

    # a labelled node, so that the shape has a focus node and its query is planned
    data = Graph().parse(
        data='<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .', format="turtle"
    )

    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:s> a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ; sh:sparql [ sh:select \"\"\"
            SELECT $this ?l WHERE {
                { ?x rdfs:label ?l FILTER (?x = $this) } UNION { $this rdfs:comment ?l } }
        \"\"\" ] .""",
        format="turtle",
    )
    with pytest.raises(ValidationError, match=r"\$this in a FILTER .* pyshacl"):
        validate(data, shapes, engine="oxigraph")


def test_oxigraph_finds_a_missing_optional_when_others_have_it():
    """`{ OPTIONAL { $this p ?o } FILTER (!BOUND(?o)) }` joined with the focus nodes after the
    OPTIONAL would see the other nodes' values and miss the one without: the focus must go first."""
    data = Graph().parse(
        data="""
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:a> a <urn:C> ; rdfs:label "a" .  <urn:b> a <urn:C> ; rdfs:label "b" .
        <urn:c> a <urn:C> .""",
        format="turtle",
    )
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:sparql [ sh:select \"\"\"
            SELECT $this WHERE {
                OPTIONAL { $this <http://www.w3.org/2000/01/rdf-schema#label> ?l }
                FILTER (!BOUND(?l)) }\"\"\" ] .""",
        format="turtle",
    )
    for engine in ("oxigraph", "pyshacl"):
        report = validate(data, shapes, engine=engine)
        assert [r.focus for r in report.results] == ["<urn:c>"], engine


def test_oxigraph_joins_sub_selects_that_project_this_like_pre_binding():
    """A sub-select that binds $this, joined with one that projects it unbound (as SHACL asks):
    both engines pair each unlabelled node with every other one, and no more."""
    data = Graph().parse(
        data="""
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:a> a <urn:C> ; rdfs:label "a" .  <urn:b> a <urn:C> .  <urn:c> a <urn:C> .""",
        format="turtle",
    )
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:sparql [ sh:select \"\"\"
            SELECT $this ?value WHERE {
                { SELECT $this WHERE { $this a <urn:C>
                    FILTER NOT EXISTS { $this <http://www.w3.org/2000/01/rdf-schema#label> ?l } } }
                { SELECT $this ?value WHERE { ?value a <urn:C>
                    FILTER NOT EXISTS { ?value <http://www.w3.org/2000/01/rdf-schema#label> ?m } } }
                FILTER ($this != ?value) }\"\"\" ] .""",
        format="turtle",
    )
    for engine in ("oxigraph", "pyshacl"):
        report = validate(data, shapes, engine=engine)
        assert sorted(r.focus for r in report.results) == ["<urn:b>", "<urn:c>"], engine


@pytest.mark.parametrize(
    "select, problem",
    [
        # pySHACL refuses this one itself, as the SHACL spec asks; the bulk engine as well
        (
            "SELECT ?x WHERE { $this a <urn:C> . BIND ($this AS ?x) }",
            "must be selected from a nested SELECT|does not project",
        ),
        ("SELECT $this WHERE { $this a <urn:C> } LIMIT 1", "LIMIT"),
        ("SELECT $this WHERE { { $this a <urn:C> } UNION { ?y a <urn:C> } }", "without binding it"),
    ],
)
def test_oxigraph_refuses_sub_selects_that_pre_binding_would_change(select, problem):
    from nkelections.errors import ValidationError

    data = Graph().parse(data="<urn:a> a <urn:C> .", format="turtle")
    shapes = Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:sparql [ sh:select \"\"\"
            SELECT $this WHERE {{ {{ {select} }} $this a <urn:C> }}\"\"\" ] .""",
        format="turtle",
    )
    with pytest.raises(ValidationError, match=problem):
        validate(data, shapes, engine="oxigraph")


def test_oxigraph_keeps_the_datatypes_the_file_wrote(tmp_path, capsys):
    data = tmp_path / "data.nt"
    data.write_text(
        "<https://w3id.org/nkelections/id/p> "
        "<http://www.w3.org/ns/oa#start> "
        '"5"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .\n'
        "<https://w3id.org/nkelections/id/p> "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://www.w3.org/ns/oa#TextPositionSelector> .\n",
        encoding="utf-8",
    )
    main(["validate", str(data), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    shapes_hit = {g["shape"] for g in doc["shapes"]}
    assert "nkesh:TextPositionSelector-start" not in shapes_hit  # the store says xsd:integer
    assert "nkesh:TextPositionSelector-end" in shapes_hit


# --- the SUBSTR rule agrees with Python offsets on non-ASCII text -----------------------


def test_sparql_substr_counts_code_points_like_python(base):
    texts = [str(t) for t in base.objects(None, SCHEMA.text)]
    text = next(t for t in texts if any(ord(c) > 127 for c in t))
    start = next(i for i, c in enumerate(text) if ord(c) > 127) + 1
    end = min(start + 40, len(text))
    graph = Graph()
    row = next(
        iter(
            graph.query(
                "SELECT (SUBSTR(?t, ?s + 1, ?e - ?s) AS ?x) WHERE {}",
                initBindings={"t": Literal(text), "s": Literal(start), "e": Literal(end)},
            )
        )
    )
    assert str(row.x) == text[start:end]


# --- the report and the command --------------------------------------------------------


def test_report_groups_results_by_shape_with_labels(scratch, shapes):
    piece = Graph().parse(CASES[0], format="turtle")
    with replaced(scratch, piece) as graph:
        report = validate(graph, shapes, focus=neighbourhood(graph, piece, CASES[0]))
    text = format_text(report)
    assert text.startswith("does not conform: ")
    doc = json.loads(format_json(report, "x"))
    assert doc["conforms"] is False
    assert [g["shape"] for g in doc["shapes"]] == list(report.by_shape())


def test_command_exit_codes_and_formats(dist, tmp_path, capsys):
    # The real graph has a warning and infos: no violation (exit 0), yet by SHACL it does not
    # conform, and every format says so.
    assert main(["validate", str(dist / "nkelections.trig")]) == 0
    assert capsys.readouterr().out.startswith("does not conform (no violation; passes): ")
    assert main(["validate", str(dist / "nkelections.nq"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["conforms"], doc["passes"]) == (False, True)
    assert main(["validate", str(dist / "nkelections.trig"), "--format", "turtle"]) == 0
    assert "ValidationReport" in capsys.readouterr().out


@pytest.mark.parametrize("engine", ["oxigraph", pytest.param("pyshacl", marks=pytest.mark.slow)])
def test_report_graph_says_conforms_false_with_any_result(dist, shapes, engine):
    """SHACL 3.6.1: sh:conforms is true only if the validation produced no result at all
    (pySHACL's report on the real graph in memory says so in test_built_graph_passes)."""
    from nkelections.validate.shacl import validate_files

    report = validate_files([dist / "nkelections.trig"], shapes, engine=engine)
    assert report.results and not any(r.severity == "Violation" for r in report.results)
    assert set(report.graph.objects(None, SH.conforms)) == {Literal(False)}
    assert not report.conforms and report.passes


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_report_graph_says_conforms_true_without_results(tmp_path, shapes, engine):
    from nkelections.validate.shacl import validate_files

    # One triple no shape targets (an empty file is refused as input).
    plain = tmp_path / "nothing-to-check.ttl"
    plain.write_text("<urn:example:a> <urn:example:b> <urn:example:c> .\n", encoding="utf-8")
    report = validate_files([plain], shapes, engine=engine)
    assert not report.results
    assert set(report.graph.objects(None, SH.conforms)) == {Literal(True)}
    assert report.conforms and report.passes


def test_command_fails_on_a_broken_file(dist, tmp_path, capsys):
    broken = tmp_path / "broken.ttl"
    case = next(c for c in CASES if c.stem == "figure-turnout-over-100")
    broken.write_text(case.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "nkesh:FigureTurnout" in out and "996.3" in out


@pytest.mark.parametrize(
    "content, suffix, needle",
    [
        ('@prefix x: <http://x/> .\nx:a x:b "open .\n', ".ttl", "line 2"),
        (
            "<http://x/a> <http://x/b> <http://x/c> <http://g> .\n<http://x/a> <http://x/b> .\n",
            ".nq",
            "line 2",
        ),
        ("{}", ".csv", "cannot tell the RDF format"),
    ],
)
@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_command_input_errors_exit_2_with_one_line(
    tmp_path, capsys, content, suffix, needle, engine
):
    path = tmp_path / f"bad{suffix}"
    path.write_text(content, encoding="utf-8")
    assert main(["validate", str(path), "--engine", engine]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err and needle in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.trig")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_shapes_declare_sparql_prefixes(shapes):
    declared = {
        str(p) for d in shapes.objects(None, SH.declare) for p in shapes.objects(d, SH.prefix)
    }
    for constraint in shapes.subjects(RDF.type, SH.SPARQLConstraint):
        query = str(shapes.value(constraint, SH.select))
        used = set(re.findall(r"\b([a-z]+):[A-Za-z_]", query))
        assert used <= declared, (constraint, used - declared)
        assert shapes.value(constraint, SH.prefixes) is not None
