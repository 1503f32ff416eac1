"""One test per entry of nkelections.compat: each fails when an rdflib or pySHACL release changes
what the entry relies on (a name, a signature, a behaviour, or code the engine mirrors), and
each patch is shown to give the same results as running without it."""

from __future__ import annotations

import hashlib
import inspect

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql import prepareQuery, processor

from nkelections import compat
from nkelections.compat import CompValue
from nkelections.rdf.namespaces import SH
from nkelections.validate import sparql_rewrite as shacl_sparql

EX = "http://example.org/"
DATA = f"""
@prefix ex: <{EX}> .
ex:a a ex:Person ; ex:name "A" , "B" ; ex:knows ex:b .
ex:b a ex:Person ; ex:name "C" ; ex:age "x" .
ex:c a ex:Person .
"""
SHAPES = f"""
@prefix ex: <{EX}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:Name a sh:PropertyShape ; sh:path ex:name ; sh:minCount 1 .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path ex:name ; sh:maxCount 1 ] ;
  sh:property [ sh:path ex:age ; sh:datatype xsd:integer ] ;
  sh:property [ sh:path ex:knows ; sh:class ex:Person ; sh:node ex:Named ;
                sh:qualifiedValueShape ex:Named ; sh:qualifiedMinCount 1 ] ;
  sh:or ( ex:Named [ sh:path ex:age ; sh:minCount 1 ] ) ;
  sh:and ( ex:Named ) ; sh:xone ( ex:Named ) ; sh:not [ sh:path ex:knows ; sh:minCount 3 ] ;
  sh:sparql [ sh:message "{{$this}} knows nobody" ;
    sh:select "SELECT $this WHERE {{ FILTER NOT EXISTS {{ $this <{EX}knows> ?x }} }}" ] .
ex:Named a sh:NodeShape ; sh:property ex:Name .
"""


@pytest.fixture(scope="module")
def graphs():
    return Graph().parse(data=DATA, format="turtle"), Graph().parse(data=SHAPES, format="turtle")


def _shapes_graph(shapes: Graph):
    """pySHACL's shapes graph with its shapes gathered (as the engine does before any lookup)."""
    sg = compat.ShapesGraph(shapes)
    assert sg.shapes
    return sg


def _source_hash(function) -> str:
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()[:16]


# --- patches 1 and 2: rdflib's processor.parseQuery / processor.translateQuery ---------------


def test_rdflib_processor_has_the_two_functions_the_patch_replaces():
    assert list(inspect.signature(processor.parseQuery).parameters) == ["q"]
    assert list(inspect.signature(processor.translateQuery).parameters)[:3] == [
        "q",
        "base",
        "initNs",
    ]


def test_rdflib_query_goes_through_the_patched_names(graphs):
    """If rdflib stopped calling the module's names, the patch would silently do nothing."""
    data, _ = graphs
    text = f"SELECT ?s WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?s # compat-{id(data)}"
    before = compat._translated.cache_info()
    with compat.parse_each_query_once():
        first = [tuple(row) for row in data.query(text)]
        second = [tuple(row) for row in data.query(text)]
    after = compat._translated.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)
    assert first == second == [tuple(row) for row in data.query(text)]
    assert processor.parseQuery.__module__.startswith("rdflib")  # restored


def test_pyshacl_report_is_the_same_with_queries_parsed_once(graphs):
    data, shapes = graphs
    _, plain, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    with compat.parse_each_query_once():
        _, patched, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert len(list(plain.subjects(SH.resultMessage, Literal(f"{EX}c knows nobody")))) == 1
    assert isomorphic(plain, patched)


# --- patch 3: pySHACL's ConstraintComponent.make_v_result_description ------------------------


def test_pyshacl_make_v_result_still_calls_the_description_method():
    params = list(
        inspect.signature(compat.ConstraintComponent.make_v_result_description).parameters
    )
    assert params[:4] == ["self", "datagraph", "focus_node", "severity"]
    assert "self.make_v_result_description(" in inspect.getsource(
        compat.ConstraintComponent.make_v_result
    )


def test_report_graph_is_the_same_without_descriptions(graphs):
    data, shapes = graphs
    _, plain, plain_text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    with compat.without_result_descriptions():
        _, patched, patched_text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert isomorphic(plain, patched)
    assert len(patched_text) < len(plain_text)  # the patch takes effect
    assert (
        compat.ConstraintComponent.make_v_result_description.__name__ == "make_v_result_description"
    )  # restored


# --- private API: SPARQLBasedConstraint._validate_sparql_query, and the code the engine mirrors

# shacl_oxigraph._add_row and _Engine._sparql_reports repeat, row by row, what these two pySHACL
# methods do for a whole focus node. A changed method must be read again and the copies
# brought in line; then update the hash.
MIRRORED = {
    "_validate_sparql_query": "c130bbe83ce6539c",
    "_evaluate_sparql_constraint": "9e05028e71cffaf5",
}


@pytest.mark.parametrize("name", sorted(MIRRORED))
def test_pyshacl_sparql_code_the_engine_mirrors_is_unchanged(name):
    method = getattr(compat.SPARQLBasedConstraint, name)
    assert _source_hash(method) == MIRRORED[name], (
        f"pySHACL changed SPARQLBasedConstraint.{name}: compare shacl_oxigraph's copy"
    )


def test_validate_sparql_query_gives_the_rows_for_one_focus(graphs):
    data, shapes = graphs
    sg = _shapes_graph(shapes)
    shape = sg.lookup_shape_from_node(URIRef(f"{EX}PersonShape"))
    constraint = compat.SPARQLBasedConstraint(shape)
    (helper,) = constraint.sparql_constraints
    bindings, text = helper.pre_bind_variables(URIRef(f"{EX}c"))
    assert bindings == {"this": URIRef(f"{EX}c")}
    text = helper.apply_prefixes(text)
    rows = compat.validate_sparql_query(constraint, text, bindings, data)
    assert rows == [(URIRef(f"{EX}c"), None, None, {})]
    assert compat.validate_sparql_query(constraint, text, {"this": URIRef(f"{EX}a")}, data) == []


# --- pySHACL classes and attributes the engine reads -----------------------------------------

COMPONENT_ATTRIBUTES = {
    SH["or"]: ("OrConstraintComponent", ["or_list"]),
    SH["and"]: ("AndConstraintComponent", ["and_list"]),
    SH.xone: ("XoneConstraintComponent", ["xone_nodes"]),
    SH["not"]: ("NotConstraintComponent", ["not_list"]),
    SH.sparql: ("SPARQLBasedConstraint", ["sparql_constraints"]),
    SH.property: ("PropertyConstraintComponent", ["property_shapes"]),
}
PROPERTY_ATTRIBUTES = {
    SH.node: ("NodeConstraintComponent", ["node_shapes"]),
    SH["class"]: ("ClassConstraintComponent", ["class_rules"]),
    SH.qualifiedValueShape: (
        "QualifiedValueShapeConstraintComponent",
        ["value_shapes", "min_count", "max_count", "is_disjoint"],
    ),
}


@pytest.mark.parametrize(
    "shape_iri, table", [(f"{EX}PersonShape", COMPONENT_ATTRIBUTES), (None, PROPERTY_ATTRIBUTES)]
)
def test_pyshacl_components_have_the_attributes_the_engine_reads(graphs, shape_iri, table):
    _, shapes = graphs
    sg = _shapes_graph(shapes)
    if shape_iri is None:  # the property shape on ex:knows
        node = shapes.value(predicate=SH.path, object=URIRef(f"{EX}knows"))
    else:
        node = URIRef(shape_iri)
    shape = sg.lookup_shape_from_node(node)
    for parameter, (class_name, attributes) in table.items():
        component = compat.CONSTRAINT_PARAMETERS_MAP[parameter]
        assert component is getattr(compat, class_name)
        made = component(shape)
        for attribute in attributes:
            assert hasattr(made, attribute), f"{class_name}.{attribute}"


def test_pyshacl_shapes_graph_and_shape_api_the_engine_reads(graphs):
    _, shapes = graphs
    sg = _shapes_graph(shapes)
    shape = sg.lookup_shape_from_node(URIRef(f"{EX}PersonShape"))
    nodes, classes, implicit, objects_of, subjects_of = shape.target()
    assert set(classes) == {URIRef(f"{EX}Person")}
    assert list(shape.target_nodes()) == list(nodes) == []
    assert not sg.custom_constraints
    assert not sg.is_filtered_out_shape(shape.node)
    assert shape.severity == SH.Violation and not shape.deactivated
    assert not shape.is_property_shape and callable(shape.get_other_shape)
    name = sg.lookup_shape_from_node(URIRef(f"{EX}Name"))
    assert name.is_property_shape and name.path() == URIRef(f"{EX}name")
    assert list(inspect.signature(compat.Validator.create_validation_report).parameters) == [
        "sg",
        "conforms",
        "results",
    ]
    executor = compat.SHACLExecutor(allow_infos=True, allow_warnings=True)
    assert executor.allow_infos and executor.allow_warnings


def test_pyshacl_make_v_result_takes_the_keywords_the_engine_passes():
    params = inspect.signature(compat.ConstraintComponent.make_v_result).parameters
    for keyword in (
        "value_node",
        "result_path",
        "constraint_component",
        "source_constraint",
        "extra_messages",
        "bound_vars",
    ):
        assert keyword in params, keyword


def test_pyshacl_path_helper_writes_sparql_paths():
    path = Graph().parse(
        data=f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        [] sh:path ( <{EX}p> [ sh:inversePath <{EX}q> ] ) .""",
        format="turtle",
    )
    sg = compat.ShapesGraph(path)
    node = next(path.objects(None, SH.path))
    assert compat.shacl_path_to_sparql_path(sg, node, prefixes={}) == f"<{EX}p> / ^<{EX}q>"


# --- rdflib's SPARQL algebra node names, read by shacl_sparql --------------------------------

QUERY_NAMES = {
    "SELECT ?x WHERE { ?x ?p ?o MINUS { ?x ?p 1 } }": "Minus",
    "SELECT ?x (COUNT(?o) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x": "Group",
    "SELECT (COUNT(?o) AS ?n) WHERE { ?x ?p ?o }": "AggregateJoin",
    "SELECT ?x WHERE { ?x ?p ?o } LIMIT 1": "Slice",
    "SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }": "ToMultiSet",
    "SELECT ?x WHERE { SERVICE <http://x/> { ?x ?p ?o } }": "ServiceGraphPattern",
    "SELECT ?x WHERE { VALUES ?x { 1 } }": "values",
    "SELECT DISTINCT ?x WHERE { ?x ?p ?o } ORDER BY ?x": "OrderBy",
    "SELECT REDUCED ?x WHERE { ?x ?p ?o }": "Reduced",
    "SELECT ?x WHERE { ?x ?p ?o OPTIONAL { ?o ?q ?r } }": "LeftJoin",
    "SELECT ?x WHERE { { ?x ?p ?o } UNION { ?o ?p ?x } }": "Union",
    "SELECT ?x WHERE { ?x ?p ?o FILTER(?o) BIND(1 AS ?y) }": "Extend",
    "SELECT ?x WHERE { GRAPH ?g { ?x ?p ?o } }": "Graph",
}


def _names(node) -> set[str]:
    found = set()
    if isinstance(node, CompValue):
        found.add(node.name)
        for value in node.values():
            found |= _names(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            found |= _names(value)
    return found


@pytest.mark.parametrize("query", sorted(QUERY_NAMES))
def test_rdflib_algebra_still_names_nodes_as_shacl_sparql_expects(query):
    name = QUERY_NAMES[query]
    assert name in set(shacl_sparql.REFUSED) | shacl_sparql.WRAPPERS | {
        "LeftJoin",
        "Union",
        "Extend",
        "Graph",
    }
    assert name in _names(prepareQuery(query).algebra)
    assert {"SelectQuery", "Project", "BGP", "Filter", "Join"} <= _names(
        prepareQuery("SELECT ?x WHERE { ?x ?p ?o FILTER(?o) { ?x ?q ?r } }").algebra
    )
