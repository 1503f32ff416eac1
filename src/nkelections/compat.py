"""Every place where the validate stage reaches into rdflib's or pySHACL's internals.

The whole-graph SHACL engine (`shacl_oxigraph`, `shacl_sparql`) and the pySHACL engine's speed-up
(`validate._pyshacl`) depend on code that rdflib and pySHACL do not publish as API: two
monkey-patches (three functions replaced while they run), one private method, pySHACL's
constraint-component classes and their attributes, and rdflib's SPARQL algebra nodes. They are
all named here, so that an upgrade is one module to read. Each one says why it is needed.

Checked against rdflib 7.6.0, pySHACL 0.40.1 and pyoxigraph 0.5.13 (the pins in
constraints.txt). pyproject.toml caps these three below their next minor release; raising a cap
means running tests/validate/test_compat.py (one test per entry here, failing when upstream changes
what the entry relies on), tests/validate/test_w3c_shacl.py and the engine comparison tests of
tests/validate/test_validate.py. docs/decisions/0006-whole-graph-shacl-engine.md explains why the
engine exists.

Outside the validate stage, and not handled here: network/triples.py imports rdflib's private
`rdflib.plugins.serializers.nt._quoteLiteral`; network/graphml.py and network/gexf.py drive
networkx's `GraphMLWriter` and `GEXFWriter` element by element (their `add_*` methods and
`indent`), so that a full election's exports stream instead of building one tree (900 MB
each at scale 1): networkx is capped below its next minor release in pyproject.toml, and
tests/network/test_export_streaming.py fails when the bytes differ from networkx's own
`write_graphml`/`write_gexf`; network/dot.py writes pydot's Node and Edge lines one at a
time between the head and tail of the graph pydot writes without them, as networkx's
`to_pydot(graph).to_string()` would all at once (pydot is capped below its next minor release;
the same test file compares the bytes); query/sparql.py sets rdflib's documented
`rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS` flag.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from unittest import mock

# pySHACL's public API is `pyshacl.validate` and `Validator`. The engine also reuses the classes
# below, so that its results, messages and report graph are pySHACL's own: the shapes graph
# wrapper, one class per constraint component (with the attributes shacl_oxigraph reads: or_list,
# and_list, xone_nodes, not_list, node_shapes, property_shapes, value_shapes, min_count,
# max_count, is_disjoint, class_rules, sparql_constraints), SHACL path -> SPARQL path, and the
# report builder. tests/validate/test_compat.py checks each of these names and attributes.
from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
from pyshacl.constraints.constraint_component import ConstraintComponent
from pyshacl.constraints.core.logical_constraints import (
    AndConstraintComponent,
    NotConstraintComponent,
    OrConstraintComponent,
    XoneConstraintComponent,
)
from pyshacl.constraints.core.shape_based_constraints import (
    NodeConstraintComponent,
    PropertyConstraintComponent,
    QualifiedValueShapeConstraintComponent,
)
from pyshacl.constraints.core.value_constraints import ClassConstraintComponent
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
from pyshacl.errors import (
    ConstraintLoadError,
    ConstraintLoadWarning,
    ReportableRuntimeError,
    ValidationFailure,
)
from pyshacl.helper.path_helper import shacl_path_to_sparql_path
from pyshacl.pytypes import SHACLExecutor
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator

# shacl_sparql also reads rdflib's SPARQL algebra, internal to rdflib: its node type and the node
# names (`CompValue.name`: "Minus", "ToMultiSet", "LeftJoin", ...), to decide whether a constraint
# can run over the whole graph at once; tests/validate/test_compat.py checks that rdflib still
# makes each name it reads.
from rdflib.plugins.sparql.parserutils import CompValue

# --- patch 1 and 2: rdflib parses each SPARQL constraint once --------------------------------


@contextmanager
def parse_each_query_once():
    """pySHACL hands rdflib the text of a SPARQL constraint once per focus node, and rdflib
    parses it every time (about 20 ms, most of a pySHACL run on our shapes). rdflib has no hook
    for this: `Graph.query` calls the module functions `processor.parseQuery` and
    `processor.translateQuery` by name, so for the duration both are replaced: parsing is
    deferred and the translation of a text is cached (`_translated`). A parsed query can be run
    again with other bindings (that is what rdflib's prepareQuery is for), so the results are
    the same. Checked against rdflib 7.6.0 (`processor.py` imports both names at module level
    and `SPARQLProcessor.query` calls them through the module)."""
    from rdflib.plugins.sparql import processor

    parse, translate = processor.parseQuery, processor.translateQuery

    def deferred_parse(text):
        return _QueryText(text) if isinstance(text, str) else parse(text)

    def cached_translate(tree, base=None, init_ns=None):
        if not isinstance(tree, _QueryText):
            return translate(tree, base, init_ns)
        return _translated(str(tree), base, tuple(sorted((init_ns or {}).items())))

    processor.parseQuery, processor.translateQuery = deferred_parse, cached_translate
    try:
        yield
    finally:
        processor.parseQuery, processor.translateQuery = parse, translate


@lru_cache(maxsize=1024)
def _translated(text: str, base, namespaces: tuple):
    """Kept across runs, so a process that validates many graphs with one shapes graph (the
    test catalogue, a long session) parses each constraint once, not once per graph."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    return translateQuery(parseQuery(text), base, dict(namespaces) or None)


class _QueryText(str):
    """A query text whose parsing is left to the cached translation."""


# --- patch 3: pySHACL writes no text description of each result -----------------------------


@contextmanager
def without_result_descriptions():
    """pySHACL also writes a text description of every result, looking up prefixes for each
    node (most of its time on nested shapes); the report graph never uses that text, which
    goes only into pySHACL's printed report. Checked against pySHACL 0.40.1, where
    `ConstraintComponent.make_v_result` calls `self.make_v_result_description(...)` and puts
    its return value only into the text it returns, never into the report triples."""
    with mock.patch.object(
        ConstraintComponent, "make_v_result_description", lambda *args, **kwargs: ""
    ):
        yield


# --- private API: pySHACL's evaluation of a SPARQL constraint for one focus node -------------


def validate_sparql_query(constraint: SPARQLBasedConstraint, text: str, bindings: dict, graph):
    """pySHACL's own rows for one focus node, evaluated by rdflib: the engine falls back to it
    when a row holds a computed decimal that Oxigraph and rdflib write differently (see
    `shacl_sparql.BulkQuery.needs_rdflib`), so the message is the one pySHACL writes. The
    method is private (`_validate_sparql_query(query, init_binds, target_graph)` in pySHACL
    0.40.1) and returns a list of (True, bindings) or (this, path, value, bindings)."""
    return constraint._validate_sparql_query(text, bindings, graph)


__all__ = [
    "AndConstraintComponent",
    "CONSTRAINT_PARAMETERS_MAP",
    "ClassConstraintComponent",
    "CompValue",
    "ConstraintComponent",
    "ConstraintLoadError",
    "ConstraintLoadWarning",
    "NodeConstraintComponent",
    "NotConstraintComponent",
    "OrConstraintComponent",
    "PropertyConstraintComponent",
    "QualifiedValueShapeConstraintComponent",
    "ReportableRuntimeError",
    "SHACLExecutor",
    "SPARQLBasedConstraint",
    "ShapesGraph",
    "ValidationFailure",
    "Validator",
    "XoneConstraintComponent",
    "parse_each_query_once",
    "shacl_path_to_sparql_path",
    "validate_sparql_query",
    "without_result_descriptions",
]
