"""SHACL validation of a whole pyoxigraph store at once, with pySHACL's results.

pySHACL (the reference) validates one focus node at a time: a SPARQL constraint runs once per
focus node. Here every shape is evaluated over all its focus nodes together: one query per target
set and per property path, one query per SPARQL constraint with `$this` joined to the target set.
The per-value checks and the result records are pySHACL's own constraint components, handed the
(focus -> value nodes) maps computed in bulk, so results and messages are those pySHACL writes.

What this engine cannot evaluate in bulk (paths with `*`, `+` or `?`, SPARQL-based targets and
constraint components, SPARQL constraints whose meaning depends on pre-binding) is refused with
one line that suggests `--engine pyshacl`; nothing is skipped silently.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from contextlib import contextmanager

import pyoxigraph as ox
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
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ValidationFailure
from pyshacl.helper.path_helper import shacl_path_to_sparql_path
from pyshacl.pytypes import SHACLExecutor
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from nkelections.errors import ValidationError
from nkelections.namespaces import RDF, RDFS, SH
from nkelections.oxigraph_data import OxData, to_ox, to_rdflib, view_graph
from nkelections.shacl_sparql import BulkQuery, bulk_query

ALLOWED = {SH.Info, SH.Warning}  # severities that do not make a shape fail (pySHACL's flags)
UNBOUNDED_PATHS = (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
FLOATING = {URIRef("http://www.w3.org/2001/XMLSchema#" + t) for t in ("decimal", "double", "float")}
VALUES_LIMIT = 2000  # focus sets larger than this are filtered in Python, not sent as VALUES
QMAX, QMIN = SH.QualifiedMaxCountConstraintComponent, SH.QualifiedMinCountConstraintComponent
HINT = "use --engine pyshacl, the reference engine, for this shapes graph"


def unsupported(what: str) -> ValidationError:
    return ValidationError(f"the oxigraph engine does not support {what}", hint=HINT)


class Report:
    """One result: its focus node, its severity and pySHACL's (text, node, triples) record."""

    __slots__ = ("focus", "severity", "record")

    def __init__(self, record):
        self.record = record
        triples = record[2]
        self.focus = next(o[1] for _, p, o in triples if p == SH.focusNode)
        self.severity = next(o for _, p, o in triples if p == SH.resultSeverity)


def validate_store(data: OxData, shapes: Graph) -> Graph:
    """Validate the union of the store's graphs; returns a SHACL validation report graph."""
    try:
        engine = _Engine(data, shapes)
        with _without_descriptions():
            reports = engine.run()
    except (ConstraintLoadError, ReportableRuntimeError, ValidationFailure) as exc:
        text = " ".join(str(getattr(exc, "message", exc)).split())[:300]
        raise ValidationError(f"the shapes cannot be used: {text}", where="oxigraph") from exc
    conforms = not any(r.severity not in ALLOWED for r in reports)
    graph, _ = Validator.create_validation_report(engine.sg, conforms,
                                                  [r.record for r in reports])
    return graph


@contextmanager
def _without_descriptions():
    """pySHACL also writes a text description of every result, looking up prefixes for each
    node (most of its time on nested shapes); the report graph never uses that text."""
    describe = ConstraintComponent.make_v_result_description
    ConstraintComponent.make_v_result_description = lambda *args, **kwargs: ""
    try:
        yield
    finally:
        ConstraintComponent.make_v_result_description = describe


class _Engine:
    def __init__(self, data: OxData, shapes: Graph):
        self.data = data
        self.view = view_graph(data)
        self.sg = ShapesGraph(shapes)
        self.executor = SHACLExecutor(allow_infos=True, allow_warnings=True)
        self.instances: dict[Node, set[Node]] = {}
        if self.sg.custom_constraints:
            raise unsupported("SHACL-SPARQL constraint components (sh:ConstraintComponent)")
        for shape in self.sg.shapes:  # refuse up front, whether or not the data reaches it
            if shape.is_property_shape:
                _sparql_path(self.sg, shape.path())

    def run(self) -> list[Report]:
        reports = []
        for shape in self.sg.shapes:
            if shape.deactivated:
                continue
            if list(self.sg.objects(shape.node, SH.target)):
                raise unsupported(f"SPARQL-based targets (sh:target) on {shape.node}")
            pattern = _target_pattern(shape)
            if pattern is None:
                continue
            foci = [to_rdflib(row[0]) for row in self.data.query(
                f"SELECT DISTINCT ?this WHERE {{ {pattern} }}")]
            if foci:
                reports += self.evaluate(shape, foci, pattern)
        return reports

    # --- one shape over a set of focus nodes ------------------------------------------

    def evaluate(self, shape, foci: list[Node], pattern: str | None = None) -> list[Report]:
        """The results of `shape` on every node of `foci`; `pattern`, when given, is a SPARQL
        pattern binding ?this to exactly those nodes (so queries can join instead of list)."""
        if shape.deactivated or not foci:
            return []
        fv = self.value_nodes(shape, foci, pattern)
        reports: list[Report] = []
        done = set()
        for param, _ in self.sg.graph.predicate_objects(shape.node):
            component = CONSTRAINT_PARAMETERS_MAP.get(param)
            if component is None or component in done:
                continue
            done.add(component)
            reports += self.constraint(component(shape), fv, foci, pattern)
        return reports

    def constraint(self, c, fv, foci, pattern) -> list[Report]:
        if isinstance(c, PropertyConstraintComponent):
            return self.property_shapes(c, fv, foci, pattern)
        if isinstance(c, NodeConstraintComponent):
            return self.node_shapes(c, fv)
        if isinstance(c, (OrConstraintComponent, AndConstraintComponent,
                          NotConstraintComponent, XoneConstraintComponent)):
            return self.logical(c, fv)
        if isinstance(c, QualifiedValueShapeConstraintComponent):
            return self.qualified(c, fv)
        if isinstance(c, ClassConstraintComponent):
            return self.classes(c, fv)
        if isinstance(c, SPARQLBasedConstraint):
            return self.sparql(c, fv, pattern)
        # Value-by-value components (datatype, pattern, in, min/maxCount, ...) only read the
        # map and, for property pairs, the graph: pySHACL's own code is exact and fast enough.
        _, records = c.evaluate(self.executor, self.view, fv, [])
        return [Report(r) for r in records]

    def value_nodes(self, shape, foci, pattern) -> dict[Node, set[Node]]:
        if not shape.is_property_shape:
            return {f: {f} for f in foci}
        path = shape.path()
        predicate = ox.NamedNode(str(path)) if isinstance(path, URIRef) else None
        fv: dict[Node, set[Node]] = {f: set() for f in foci}
        original = self.data.original
        for f, v in self.pairs(_sparql_path(self.sg, path), foci, pattern):
            focus = to_rdflib(f)
            if focus in fv:
                fv[focus].add(to_rdflib(original(f, predicate, v) if predicate else v))
        return fv

    def pairs(self, path: str, foci, pattern):
        if pattern is not None:
            where = f"{{ SELECT DISTINCT ?this WHERE {{ {pattern} }} }} ?this {path} ?v ."
        elif len(foci) <= VALUES_LIMIT and not any(isinstance(f, BNode) for f in foci):
            where = f"VALUES ?this {{ {' '.join(to_ox(f) for f in foci)} }} ?this {path} ?v ."
        else:
            where = f"?this {path} ?v ."
        for row in self.data.query(f"SELECT DISTINCT ?this ?v WHERE {{ {where} }}"):
            yield row[0], row[1]

    # --- shape-based constraints: the inner shape runs once over all value nodes --------

    def results_by_node(self, shape, nodes) -> dict[Node, list[Report]]:
        grouped: dict[Node, list[Report]] = defaultdict(list)
        for report in self.evaluate(shape, sorted(set(nodes), key=str)):
            grouped[report.focus].append(report)
        return grouped

    def conforming(self, shape, nodes) -> set[Node]:
        """The nodes that conform to `shape` as pySHACL decides it with warnings and infos
        allowed: a shape of severity Warning or Info always conforms, others when none of
        their results is a violation."""
        if shape.severity in ALLOWED:
            return set(nodes)
        failed = self.results_by_node(shape, nodes)
        return {n for n in nodes if all(r.severity in ALLOWED for r in failed.get(n, ()))}

    def property_shapes(self, c, fv, foci, pattern) -> list[Report]:
        counts = Counter(v for values in fv.values() for v in values)
        if not counts:
            return []
        node_shape = not c.shape.is_property_shape
        reports = []
        for node in c.property_shapes:
            if self.sg.is_filtered_out_shape(node):
                continue
            inner = self._shape(node, "sh:property")
            found = self.evaluate(inner, foci if node_shape else sorted(counts, key=str),
                                  pattern if node_shape else None)
            reports += [r for r in found for _ in range(1 if node_shape else counts[r.focus])]
        return reports

    def node_shapes(self, c, fv) -> list[Report]:
        values = {v for vs in fv.values() for v in vs}
        reports = []
        for node in c.node_shapes:
            inner = self._shape(node, "sh:node")
            failed = self.results_by_node(inner, values)
            for f, vs in fv.items():
                for v in vs:
                    if v in failed:
                        text, r_node, triples = c.make_v_result(self.view, f, value_node=v)
                        for sub in failed[v]:
                            triples.append((r_node, SH.detail, sub.record[1]))
                            triples.extend(sub.record[2])
                        reports.append(Report((text, r_node, triples)))
        return reports

    def logical(self, c, fv) -> list[Report]:
        values = {v for vs in fv.values() for v in vs}
        lists = {OrConstraintComponent: "or_list", AndConstraintComponent: "and_list",
                 XoneConstraintComponent: "xone_nodes", NotConstraintComponent: "not_list"}
        reports = []
        for holder in getattr(c, lists[type(c)]):
            members = [holder] if isinstance(c, NotConstraintComponent) \
                else list(self.sg.graph.items(holder))
            shapes = [self._shape(m, "a logical constraint") for m in members
                      if not self.sg.is_filtered_out_shape(m)]
            if not shapes:
                continue
            passing = [self.conforming(s, values) for s in shapes]
            for f, vs in fv.items():
                for v in vs:
                    if not _logic_passes(c, sum(v in p for p in passing), len(shapes)):
                        reports.append(Report(c.make_v_result(self.view, f, value_node=v)))
        return reports

    def qualified(self, c, fv) -> list[Report]:
        values = {v for vs in fv.values() for v in vs}
        reports = []
        for node in c.value_shapes:
            passing = self.conforming(self._shape(node, "sh:qualifiedValueShape"), values)
            for sibling in self._siblings(c, node):
                passing -= self.conforming(sibling, values)
            for f, vs in fv.items():
                count = sum(v in passing for v in vs)
                if c.max_count is not None and count > c.max_count:
                    reports.append(self._qualified_result(c, f, QMAX))
                if c.min_count is not None and count < c.min_count:
                    reports.append(self._qualified_result(c, f, QMIN))
        return reports

    def _qualified_result(self, c, focus, component) -> Report:
        return Report(c.make_v_result(self.view, focus, constraint_component=component))

    def _siblings(self, c, node) -> list:
        if not c.is_disjoint:
            return []
        found = set()
        for parent in self.sg.subjects(SH.property, c.shape.node):
            for prop in self.sg.objects(parent, SH.property):
                found |= {s for s in self.sg.objects(prop, SH.qualifiedValueShape) if s != node}
        return [s for s in (c.shape.get_other_shape(n) for n in found) if s is not None]

    def classes(self, c, fv) -> list[Report]:
        reports = []
        for rule in c.class_rules:
            members = self._instances(rule)
            for f, vs in fv.items():
                reports += [Report(c.make_v_result(self.view, f, value_node=v))
                            for v in vs if v not in members]
        return reports

    def _instances(self, cls: Node) -> set[Node]:
        if cls not in self.instances:
            rows = self.data.query(f"SELECT DISTINCT ?x WHERE {{ ?x <{RDF.type}>/"
                                   f"<{RDFS.subClassOf}>* {to_ox(cls)} }}")
            self.instances[cls] = {to_rdflib(row[0]) for row in rows}
        return self.instances[cls]

    def _shape(self, node, where: str):
        shape = self.sg.lookup_shape_from_node(node)
        if shape is None:
            raise ReportableRuntimeError(f"the shape {node} referenced by {where} does not exist")
        return shape

    # --- SPARQL constraints: one query over the whole target set -----------------------

    def sparql(self, c, fv, pattern) -> list[Report]:
        reports = []
        for helper in c.sparql_constraints:
            if helper.deactivated:
                continue
            _, text = helper.pre_bind_variables(URIRef("urn:nkelections:focus"))
            plan = bulk_query(helper.apply_prefixes(text), helper.node)
            rows = self._sparql_rows(plan, fv, pattern)
            for f, found in rows.items():
                if plan.needs_rdflib(found, helper.messages):
                    found = c._validate_sparql_query(helper.apply_prefixes(text), {"this": f},
                                                     self.view)
                reports += self._sparql_reports(c, helper, f, found)
        return reports

    def _sparql_rows(self, plan: BulkQuery, fv, pattern) -> dict[Node, list]:
        if pattern is None:
            if any(isinstance(f, BNode) for f in fv):
                raise unsupported("a SPARQL constraint on blank-node focus nodes reached "
                                  "through another shape")
            pattern = f"VALUES ?this {{ {' '.join(to_ox(f) for f in fv)} }}"
        grouped: dict[Node, list] = defaultdict(list)
        results = self.data.query(plan.text(pattern))
        names = [v.value for v in results.variables]
        for row in results:
            raw = dict(zip(names, row, strict=True))
            if isinstance(raw.get("path"), ox.NamedNode) and raw.get("this") is not None:
                raw["value"] = self.data.original(raw["this"], raw["path"], raw.get("value"))
            bound = {n: to_rdflib(t) for n, t in raw.items() if t is not None}
            focus = bound["this"] if plan.projects_this else bound.pop("this")
            if focus in fv:
                _add_row(grouped[focus], bound)
        return grouped

    def _sparql_reports(self, c, helper, f, violations) -> list[Report]:
        """pySHACL's SPARQLBasedConstraint._evaluate_sparql_constraint for one focus node."""
        kwargs = {"source_constraint": helper.node, "extra_messages": helper.messages or None}
        result_val = None if c.shape.is_property_shape else f
        reports = []
        for v in violations:
            if len(v) == 2:
                record = c.make_v_result(self.view, f, value_node=result_val,
                                         bound_vars=v[1], **kwargs)
            else:
                t, p, value, var_dict = v
                value = result_val if value is None else value
                record = c.make_v_result(self.view, t or f, value_node=value, result_path=p,
                                         bound_vars=(t, p, value, var_dict), **kwargs)
            reports.append(Report(record))
        return reports


def _add_row(violations: list, var_dict: dict) -> None:
    """pySHACL's _validate_sparql_query, one row at a time."""
    if var_dict.pop("failure", None) is not None:
        if not any(len(v) == 2 for v in violations):
            violations.append((True, var_dict))
        return
    p, v, t = var_dict.pop("path", None), var_dict.pop("value", None), var_dict.pop("this", None)
    if (p, v, t) != (None, None, None) and (t, p, v, var_dict) not in violations:
        violations.append((t, p, v, var_dict))


def _logic_passes(c, conforming: int, total: int) -> bool:
    if isinstance(c, OrConstraintComponent):
        return conforming > 0
    if isinstance(c, AndConstraintComponent):
        return conforming == total
    if isinstance(c, XoneConstraintComponent):
        return conforming == 1
    return conforming == 0  # sh:not


def _target_pattern(shape) -> str | None:
    """A SPARQL pattern that binds ?this to exactly the shape's focus nodes, as pySHACL finds
    them (instances of a target class include those of its subclasses, no inference)."""
    nodes, classes, implicit, objects_of, subjects_of = shape.target()
    parts = [f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {to_ox(c)} }}"
             for c in sorted(set(classes) | set(implicit), key=str)]
    parts += [f"{{ ?this {to_ox(p)} [] }}" for p in sorted(subjects_of, key=str)]
    parts += [f"{{ [] {to_ox(p)} ?this }}" for p in sorted(objects_of, key=str)]
    parts += [f"{{ VALUES ?this {{ {to_ox(n)} }} }}" for n in sorted(nodes, key=str)
              if not isinstance(n, BNode)]
    if any(isinstance(n, BNode) for n in nodes):
        raise unsupported(f"blank-node sh:targetNode values on {shape.node}")
    return " UNION ".join(parts) or None


def _sparql_path(sg, path) -> str:
    if isinstance(path, URIRef):
        return to_ox(path)
    if isinstance(path, Literal):
        raise ReportableRuntimeError(f"sh:path {path} is a literal")
    _refuse_unbounded(sg, path, set())
    return shacl_path_to_sparql_path(sg, path, prefixes={})


def _refuse_unbounded(sg, node, seen: set) -> None:
    """Paths with *, + or ? have zero-length matches for every node of the graph, which a
    whole-graph query cannot enumerate exactly; they are left to pySHACL."""
    if node in seen or not isinstance(node, BNode):
        return
    seen.add(node)
    for p, o in sg.predicate_objects(node):
        if p in UNBOUNDED_PATHS:
            raise unsupported(f"the property path {re.sub('.*#', 'sh:', str(p))}")
        _refuse_unbounded(sg, o, seen)
