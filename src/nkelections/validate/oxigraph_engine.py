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
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from nkelections.compat import (
    CONSTRAINT_PARAMETERS_MAP,
    AndConstraintComponent,
    ClassConstraintComponent,
    ConstraintLoadError,
    ConstraintLoadWarning,
    NodeConstraintComponent,
    NotConstraintComponent,
    OrConstraintComponent,
    PropertyConstraintComponent,
    QualifiedValueShapeConstraintComponent,
    ReportableRuntimeError,
    SHACLExecutor,
    ShapesGraph,
    SPARQLBasedConstraint,
    ValidationFailure,
    Validator,
    XoneConstraintComponent,
    shacl_path_to_sparql_path,
    validate_sparql_query,
    without_result_descriptions,
)
from nkelections.errors import ValidationError
from nkelections.process.runtime import paused_gc
from nkelections.rdf.dataset import OxData, view_graph
from nkelections.rdf.namespaces import RDF, RDFS, SH
from nkelections.rdf.terms import XSD_STRING, sparql_text, to_rdflib
from nkelections.validate.sparql_rewrite import BulkQuery, bulk_query

UNBOUNDED_PATHS = (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
VALUES_LIMIT = 2000  # focus sets larger than this are filtered in Python, not sent as VALUES
QMAX, QMIN = SH.QualifiedMaxCountConstraintComponent, SH.QualifiedMinCountConstraintComponent
HINT = "use --engine pyshacl, the reference engine, for this shapes graph"


def unsupported(what: str) -> ValidationError:
    return ValidationError(f"the oxigraph engine does not support {what}", hint=HINT)


class Report:
    """One result: its focus node, its severity and pySHACL's (text, node, triples) record.

    A record can be made when first read (`Report.later`): the results of a nested shape are
    mostly only counted (does this value conform?), and pySHACL's record is most of their cost
    (at scale, 100,000 selectors that are not quote selectors, for sh:qualifiedValueShape)."""

    __slots__ = ("focus", "severity", "_record", "_make")
    _record: tuple | None
    _make: Callable[[], tuple] | None  # set until the record is made

    def __init__(self, record):
        self._record, self._make = record, None
        triples = record[2]
        self.focus = next(o[1] for _, p, o in triples if p == SH.focusNode)
        self.severity = next(o for _, p, o in triples if p == SH.resultSeverity)

    @classmethod
    def later(cls, c, focus, make) -> Report:
        """The result of constraint `c` on `focus` whose record `make()` returns: pySHACL's
        make_v_result gives it the focus node and the shape's severity."""
        report = cls.__new__(cls)
        report.focus, report.severity = focus, c.shape.severity
        report._record, report._make = None, make
        return report

    @property
    def record(self):
        if self._make is not None:
            self._record, self._make = self._make(), None
        return self._record

    def again(self) -> Report:
        """A second result with the same content, on its own result node (one record added
        twice to pySHACL's report is one sh:result, where pySHACL reports both)."""
        copy = Report.__new__(Report)
        copy.focus, copy.severity, copy._make = self.focus, self.severity, self._make
        copy._record = None if self._make is not None else _relabelled(self._record)
        return copy


def _relabelled(record):
    """pySHACL's (text, node, triples) record with a new blank node for the result."""
    text, node, triples = record
    fresh = BNode()
    return (
        text,
        fresh,
        [(fresh if s == node else s, p, fresh if o == node else o) for s, p, o in triples],
    )


def validate_store(data: OxData, shapes: Graph, focus: frozenset | None = None) -> Graph:
    """Validate the union of the store's graphs (only the shapes' focus nodes that are in
    `focus`, when given, as pySHACL's `focus_nodes`); returns a SHACL validation report graph."""
    try:
        engine = _Engine(data, shapes, focus)
        with without_result_descriptions(), paused_gc():
            reports = engine.run()
            records = [r.record for r in reports]
    except (ConstraintLoadError, ReportableRuntimeError, ValidationFailure) as exc:
        text = " ".join(str(getattr(exc, "message", exc)).split())[:300]
        raise ValidationError(f"the shapes cannot be used: {text}", where="oxigraph") from exc
    conforms = not reports  # SHACL: any result, of any severity, makes sh:conforms false
    graph, _ = Validator.create_validation_report(engine.sg, conforms, records)
    return graph


class _Engine:
    def __init__(self, data: OxData, shapes: Graph, focus: frozenset | None = None):
        self.data = data
        self.focus = focus
        self.view = view_graph(data)
        self.sg = ShapesGraph(shapes)
        self.executor = SHACLExecutor(allow_infos=True, allow_warnings=True)
        self.instances: dict[Node, set[Node]] = {}
        self.iris: dict[str, URIRef] = {}
        self.uses: dict[ox.NamedNode, int] = {}
        self.prefetched: dict[str, Future] = {}
        if self.sg.custom_constraints:
            raise unsupported("SHACL-SPARQL constraint components (sh:ConstraintComponent)")
        for shape in self.sg.shapes:  # refuse up front, whether or not the data reaches it
            if shape.is_property_shape:
                _sparql_path(self.sg, shape.path())

    def run(self) -> list[Report]:
        reports = []
        targets = self._targets()
        with self._prefetching(targets):
            for shape, pattern in targets:
                foci = _as_written(
                    shape,
                    [
                        self.term(this)
                        for (this,) in self.data.query(
                            f"SELECT DISTINCT ?this WHERE {{ {pattern} }}"
                        )
                    ],
                )
                if foci:
                    reports += self.evaluate(shape, foci, pattern)
        return reports

    def _targets(self) -> list[tuple]:
        """(shape, target pattern) for every active shape with targets. Those with SPARQL
        constraints come last, so that their queries, run meanwhile in another thread, are
        done by the time their results are read."""
        targets = []
        for shape in self.sg.shapes:
            if shape.deactivated:
                continue
            if list(self.sg.objects(shape.node, SH.target)):
                raise unsupported(f"SPARQL-based targets (sh:target) on {shape.node}")
            pattern = _target_pattern(shape)
            if pattern is not None and self.focus is not None:
                pattern = f"{{ {pattern} }} {_values(self.focus)}"
            if pattern is not None:
                targets.append((shape, pattern))
        return sorted(targets, key=lambda target: self._has_sparql(target[0]))

    def _has_sparql(self, shape) -> bool:
        return (shape.node, SH.sparql, None) in self.sg.graph

    @contextmanager
    def _prefetching(self, targets):
        """Run the targeted shapes' SPARQL constraints in a second thread while this one
        evaluates the rest. Oxigraph releases the GIL while it evaluates, and these queries
        (each a join over the whole graph, with few rows) are most of its time, so on two
        cores they cost next to nothing. The value-node queries stay here: they return a row
        per value, every row takes the GIL back, and threads that hand it over for each row
        are slower than one."""
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nkelections-sparql")
        try:
            for shape, pattern in targets:
                for text in self._sparql_texts(shape, pattern):
                    self.prefetched[text] = pool.submit(self._solutions, text)
            yield
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self.prefetched.clear()

    def _sparql_texts(self, shape, pattern: str) -> list[str]:
        """The bulk queries `sparql` will run for `shape` over `pattern`; none for a constraint
        that cannot run in bulk, which `sparql` refuses when it reaches it."""
        if not self._has_sparql(shape) or not self.data.query(f"ASK {{ {pattern} }}"):
            return []  # (a shape without focus nodes is not evaluated, nor parsed)
        try:
            helpers = SPARQLBasedConstraint(shape).sparql_constraints
            return [_plan(h)[1].text(pattern) for h in helpers if not h.deactivated]
        except (ValidationError, ConstraintLoadError, ReportableRuntimeError):
            return []

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
            try:
                made = component(shape)
            except ConstraintLoadWarning:
                continue  # pySHACL skips such a component too (sh:qualifiedValueShape on a node
                # shape), with a warning in its log
            reports += self.constraint(made, fv, foci, pattern)
        return reports

    def constraint(self, c, fv, foci, pattern) -> list[Report]:
        if isinstance(c, PropertyConstraintComponent):
            return self.property_shapes(c, fv, foci, pattern)
        if isinstance(c, NodeConstraintComponent):
            return self.node_shapes(c, fv)
        if isinstance(
            c,
            (
                OrConstraintComponent,
                AndConstraintComponent,
                NotConstraintComponent,
                XoneConstraintComponent,
            ),
        ):
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
        term = self.term
        if pattern is not None and predicate is not None and self._few_uses(predicate, foci):
            pattern = None  # every pair of the predicate, the foci's kept below
        for f, v in self.pairs(_sparql_path(self.sg, path), foci, pattern):
            values = fv.get(term(f))
            if values is not None:
                if predicate is not None and type(v) is ox.Literal:  # noqa: E721 (exact type)
                    v = self.original(f, predicate, v)
                values.add(term(v))
        return fv

    def original(self, subject, predicate, value: ox.Literal) -> ox.Literal:
        """`value` as the file wrote it (see OxData.original). Most subjects have one typed
        literal for the predicate, and then the value read back is that literal: comparing it
        through rdflib, as the general case must, costs more than the rest of the row."""
        written = self.data.originals.get((subject, predicate))
        if not written or value.language or value.datatype.value == XSD_STRING:
            return value  # not a typed literal, so written as read
        if len(written) == 1:
            return next(iter(written))
        return self.data.original(subject, predicate, value)

    def term(self, node) -> Node:
        """The rdflib term of a store term. IRIs are made once each, so the maps and sets here
        (and pySHACL's) find them by identity: rdflib's __eq__ is Python code, and building
        a URIRef checks its characters, both once per row otherwise."""
        if type(node) is ox.NamedNode:  # noqa: E721 (the common case, checked exactly)
            iri = node.value
            found = self.iris.get(iri)
            if found is None:
                found = self.iris[iri] = URIRef(iri)
            return found
        return to_rdflib(node)

    def _few_uses(self, predicate: ox.NamedNode, foci) -> bool:
        """Whether the graph uses `predicate` in hardly more triples than there are focus nodes
        (a figure's unit, a selector's offsets): then reading all its pairs and keeping the
        foci's costs about half of joining them with the target pattern, which evaluates the
        class and its subclasses again for every property."""
        uses = self.uses.get(predicate)
        if uses is None:
            rows = self.data.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s {predicate} ?o }}")
            uses = self.uses[predicate] = int(next(iter(rows))[0].value)
        return uses <= 2 * len(foci)

    def pairs(self, path: str, foci, pattern):
        if pattern is not None:
            where = f"{{ SELECT DISTINCT ?this WHERE {{ {pattern} }} }} ?this {path} ?v ."
        elif len(foci) <= VALUES_LIMIT and not any(isinstance(f, BNode) for f in foci):
            where = f"VALUES ?this {{ {' '.join(sparql_text(f) for f in foci)} }} ?this {path} ?v ."
        else:
            where = f"?this {path} ?v ."
        yield from self.data.query(f"SELECT DISTINCT ?this ?v WHERE {{ {where} }}")

    # --- shape-based constraints: the inner shape runs once over all value nodes --------

    def results_by_node(self, shape, nodes) -> dict[Node, list[Report]]:
        grouped: dict[Node, list[Report]] = defaultdict(list)
        for report in self.evaluate(shape, sorted(set(nodes), key=str)):
            grouped[report.focus].append(report)
        return grouped

    def conforming(self, shape, nodes) -> set[Node]:
        """The nodes that conform to `shape` as SHACL defines it (and pySHACL decides it with
        warnings and infos not allowed): those with no result at all, whatever its severity."""
        failed = self.results_by_node(shape, nodes)
        return {n for n in nodes if not failed.get(n)}

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
            found = self.evaluate(
                inner,
                foci if node_shape else sorted(counts, key=str),
                pattern if node_shape else None,
            )
            # pySHACL reports a value's result once per focus node that reaches the value
            reports += [
                r if i == 0 else r.again()
                for r in found
                for i in range(1 if node_shape else counts[r.focus])
            ]
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
                        reports.append(
                            Report.later(c, f, partial(self._node_record, c, f, v, failed[v]))
                        )
        return reports

    def _node_record(self, c, focus, value, details: list[Report]):
        text, r_node, triples = c.make_v_result(self.view, focus, value_node=value)
        for sub in details:
            triples.append((r_node, SH.detail, sub.record[1]))
            triples.extend(sub.record[2])
        return text, r_node, triples

    def logical(self, c, fv) -> list[Report]:
        values = {v for vs in fv.values() for v in vs}
        lists = {
            OrConstraintComponent: "or_list",
            AndConstraintComponent: "and_list",
            XoneConstraintComponent: "xone_nodes",
            NotConstraintComponent: "not_list",
        }
        reports = []
        for holder in getattr(c, lists[type(c)]):
            members = (
                [holder]
                if isinstance(c, NotConstraintComponent)
                else list(self.sg.graph.items(holder))
            )
            shapes = [
                self._shape(m, "a logical constraint")
                for m in members
                if not self.sg.is_filtered_out_shape(m)
            ]
            if not shapes:
                continue
            passing = [self.conforming(s, values) for s in shapes]
            for f, vs in fv.items():
                for v in vs:
                    if not _logic_passes(c, sum(v in p for p in passing), len(shapes)):
                        reports.append(self._result(c, f, v))
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
        return Report.later(
            c, focus, partial(c.make_v_result, self.view, focus, constraint_component=component)
        )

    def _result(self, c, focus, value) -> Report:
        return Report.later(c, focus, partial(c.make_v_result, self.view, focus, value_node=value))

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
                reports += [self._result(c, f, v) for v in vs if v not in members]
        return reports

    def _instances(self, cls: Node) -> set[Node]:
        if cls not in self.instances:
            pattern = f"?x <{RDF.type}>/<{RDFS.subClassOf}>* {sparql_text(cls)}"
            rows = self.data.query(f"SELECT DISTINCT ?x WHERE {{ {pattern} }}")
            self.instances[cls] = {self.term(x) for (x,) in rows}
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
            text, plan = _plan(helper)
            rows = self._sparql_rows(plan, fv, pattern)
            for f, found in rows.items():
                if plan.needs_rdflib(found, helper.messages):
                    found = validate_sparql_query(c, text, {"this": f}, self.view)
                reports += self._sparql_reports(c, helper, f, found)
        return reports

    def _sparql_rows(self, plan: BulkQuery, fv, pattern) -> dict[Node, list]:
        if pattern is None:
            if any(isinstance(f, BNode) for f in fv):
                raise unsupported(
                    "a SPARQL constraint on blank-node focus nodes reached through another shape"
                )
            pattern = f"VALUES ?this {{ {' '.join(sparql_text(f) for f in fv)} }}"
        grouped: dict[Node, list] = defaultdict(list)
        text = plan.text(pattern)
        pending = self.prefetched.pop(text, None)
        names, rows = pending.result() if pending is not None else self._solutions(text)
        for row in rows:
            raw = dict(zip(names, row, strict=True))
            if isinstance(raw.get("path"), ox.NamedNode) and raw.get("this") is not None:
                raw["value"] = self.data.original(raw["this"], raw["path"], raw.get("value"))
            bound = {n: self.term(t) for n, t in raw.items() if t is not None}
            focus = bound["this"] if plan.projects_this else bound.pop("this")
            if focus in fv:
                _add_row(grouped[focus], bound)
        return grouped

    def _solutions(self, text: str) -> tuple[list[str], list]:
        """A query's variable names and all its rows (read in whichever thread runs it)."""
        results = self.data.query(text)
        return [v.value for v in results.variables], list(results)

    def _sparql_reports(self, c, helper, f, violations) -> list[Report]:
        """pySHACL's SPARQLBasedConstraint._evaluate_sparql_constraint for one focus node."""
        kwargs = {"source_constraint": helper.node, "extra_messages": helper.messages or None}
        result_val = None if c.shape.is_property_shape else f
        reports = []
        for v in violations:
            if len(v) == 2:
                record = c.make_v_result(
                    self.view, f, value_node=result_val, bound_vars=v[1], **kwargs
                )
            else:
                t, p, value, var_dict = v
                value = result_val if value is None else value
                record = c.make_v_result(
                    self.view,
                    t or f,
                    value_node=value,
                    result_path=p,
                    bound_vars=(t, p, value, var_dict),
                    **kwargs,
                )
            reports.append(Report(record))
        return reports


def _plan(helper) -> tuple[str, BulkQuery]:
    """A SPARQL constraint's query text (prefixes applied, $PATH substituted) and its plan."""
    _, text = helper.pre_bind_variables(URIRef("urn:nkelections:focus"))
    text = helper.apply_prefixes(text)
    return text, bulk_query(text, helper.node)


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
    parts = [
        f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {sparql_text(c)} }}"
        for c in sorted(set(classes) | set(implicit), key=str)
    ]
    parts += [f"{{ ?this {sparql_text(p)} [] }}" for p in sorted(subjects_of, key=str)]
    parts += [f"{{ [] {sparql_text(p)} ?this }}" for p in sorted(objects_of, key=str)]
    parts += [
        f"{{ VALUES ?this {{ {sparql_text(n)} }} }}"
        for n in sorted(nodes, key=str)
        if not isinstance(n, BNode)
    ]
    if any(isinstance(n, BNode) for n in nodes):
        raise unsupported(f"blank-node sh:targetNode values on {shape.node}")
    return " UNION ".join(parts) or None


def _as_written(shape, foci: list[Node]) -> list[Node]:
    """Literal sh:targetNode values as the shapes graph wrote them: the store gives back
    "4.0"^^xsd:decimal as "4"^^xsd:decimal, which the report would show."""
    literals = [n for n in shape.target_nodes() if isinstance(n, Literal)]
    if not literals:
        return foci
    return [
        next((n for n in literals if _same_value(n, f)), f) if isinstance(f, Literal) else f
        for f in foci
    ]


def _same_value(written: Literal, read: Literal) -> bool:
    if written.datatype != read.datatype or written.language != read.language:
        return False
    try:
        return written.eq(read)
    except TypeError:  # rdflib cannot compare an ill-typed literal ("aldi"^^xsd:integer)
        return written == read


def _values(focus: frozenset) -> str:
    """A VALUES clause binding ?this to the IRIs of `focus` (as pySHACL, which ignores blank
    nodes in its focus list)."""
    iris = sorted(sparql_text(n) for n in focus if isinstance(n, URIRef))
    return f"VALUES ?this {{ {' '.join(iris)} }}"


def _sparql_path(sg, path) -> str:
    if isinstance(path, URIRef):
        return sparql_text(path)
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
