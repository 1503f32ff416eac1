"""Validate a graph against the SHACL shapes: load, run an engine, group the results by shape.

`validate_files(paths, shapes)` (what the command calls) and `validate(graph, shapes)` return a
`Report`; engines are looked up by name in `ENGINES`: "oxigraph" (the default: pyoxigraph reads
the files, every shape is evaluated over the whole graph at once, see `shacl_oxigraph`) and
"pyshacl" (the reference: rdflib reads the files, pySHACL validates node by node). Each engine
reads the data its own way and returns a standard SHACL validation report graph, which `Report`
reads.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from nkelections.errors import ValidationError
from nkelections.rdf.contexts import inline_contexts
from nkelections.rdf.dataset import OxData, rdf_file_format
from nkelections.rdf.namespaces import (
    ONTOLOGY_IRI,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    SH,
    SHAPES,
    bind_prefixes,
)

SHAPES_PREFIX = ("nkesh", str(SHAPES))
SEVERITIES = ("Violation", "Warning", "Info")
# File extension -> rdflib parser name. Quads formats are read into a Dataset and merged.
FORMATS = {
    ".trig": "trig",
    ".nq": "nquads",
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}
QUAD_FORMATS = {"trig", "nquads", "json-ld"}


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, with IRIs shortened to CURIEs for people."""

    shape: str
    component: str
    severity: str
    focus: str
    label: str | None
    path: str | None
    value: str | None
    message: str


@dataclass
class Report:
    results: list[Result]
    engine: str
    seconds: float
    triples: int
    graph: Graph = field(repr=False)

    @property
    def conforms(self) -> bool:
        """sh:conforms as SHACL defines it: true only when there is no result of any severity."""
        return not self.results

    @property
    def passes(self) -> bool:
        """True when nothing is a violation: warnings and infos are reported, never fatal.
        This, not `conforms`, decides the command's exit code."""
        return not any(r.severity == "Violation" for r in self.results)

    def counts(self) -> dict[str, int]:
        return {s: sum(r.severity == s for r in self.results) for s in SEVERITIES}

    def by_shape(self) -> dict[str, list[Result]]:
        grouped: dict[str, list[Result]] = {}
        for result in sorted(self.results, key=_order):
            grouped.setdefault(result.shape, []).append(result)
        return grouped


def _order(result: Result) -> tuple:
    return (
        SEVERITIES.index(result.severity),
        result.shape,
        result.focus,
        result.path or "",
        result.value or "",
        result.message,
    )


# --- engines: (data graph, shapes graph) -> SHACL validation report graph ---------------


def _pyshacl(data: Graph, shapes: Graph, focus: frozenset | None = None) -> Graph:
    import pyshacl

    from nkelections.compat import parse_each_query_once

    # No inference: the ontology is part of the data graph, so sh:class and sh:targetClass
    # already see rdfs:subClassOf; RDFS entailment would only cost time.
    with parse_each_query_once():
        # allow_warnings/allow_infos stay off: SHACL says sh:conforms is false whenever there
        # is a result, whatever its severity (the exit code looks at severities instead).
        if focus is not None:
            return _pyshacl_on(data, shapes, focus)
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False)
    if not isinstance(report, Graph):  # pyshacl returns its failure instead of raising it
        raise ValidationError(f"the shapes cannot be used: {_first_line(report)}", where="pyshacl")
    return report


Data = TypeVar("Data")  # an engine's own holder of the data: an rdflib Graph, an OxData


def _pyshacl_on(data: Graph, shapes: Graph, focus: frozenset) -> Graph:
    """pySHACL on those of each shape's focus nodes that are in `focus`, as pySHACL's own loop
    over the shapes runs them (default options: no inference, no SHACL-AF, no severity allowed).
    Its `focus_nodes` option cannot serve: it also filters the nodes handed to nested shapes,
    so an sh:or on a literal value, which is no focus node, always conforms (pySHACL 0.40)."""
    from nkelections.compat import SHACLExecutor, ShapesGraph, Validator

    shapes_graph, executor, reports = ShapesGraph(shapes), SHACLExecutor(), []
    classes = {
        node: {
            c
            for t in data.objects(node, RDF.type)
            for c in data.transitive_objects(t, RDFS.subClassOf)
        }
        for node in focus
    }
    for shape in shapes_graph.shapes:
        nodes, targeted, implicit, objects_of, subjects_of = map(set, shape.target())
        targeted |= implicit
        chosen = [
            node
            for node in sorted(focus)
            if node in nodes
            or classes[node] & targeted
            or any((node, p, None) in data for p in subjects_of)
            or any((None, p, node) in data for p in objects_of)
        ]
        if chosen:  # the nodes pySHACL's Shape.focus_nodes would find, asked node by node
            reports += shape.validate(executor, data, focus=chosen)[1]
    return Validator.create_validation_report(shapes_graph, not reports, reports)[0]


@dataclass(frozen=True)
class Engine(Generic[Data]):
    """How one SHACL engine reads the data and validates it. `load` reads files (adding the
    ontology file when the data lacks the ontology), `adopt` takes an rdflib graph already in
    memory; both return the engine's own holder of the data, which `run` validates into a SHACL
    report graph (only the given focus nodes, when it is given a set) and which `label` and
    `size` read."""

    load: Callable[[list[Path], Path | None], Data]
    adopt: Callable[[Graph], Data]
    run: Callable[[Data, Graph, frozenset | None], Graph]
    label: Callable[[Data, Node], str | None]
    size: Callable[[Data], int]


def _rdflib_load(paths: list[Path], ontology: Path | None) -> Graph:
    data = load_graph(paths)
    return data if ontology is None or has_ontology(data) else merge([data, _parse(ontology)])


def _rdflib_label(data: Graph, node: Node) -> str | None:
    """The smallest rdfs:label of `node`, as the oxigraph engine picks: stable when it has two."""
    labels = data.objects(node, RDFS.label) if node is not None else ()
    return min(map(str, labels), default=None) or None


def _oxigraph() -> Engine[OxData]:
    from nkelections.rdf import dataset as oxigraph_data
    from nkelections.validate import oxigraph_engine as shacl_oxigraph

    return Engine(
        load=oxigraph_data.load_files,
        adopt=oxigraph_data.from_graph,
        run=shacl_oxigraph.validate_store,
        label=lambda d, n: d.label(n),
        size=lambda d: d.triples,
    )


ENGINES: dict[str, Callable[[], Engine[Any]]] = {
    "oxigraph": _oxigraph,
    "pyshacl": lambda: Engine(
        load=_rdflib_load, adopt=lambda g: g, run=_pyshacl, label=_rdflib_label, size=len
    ),
}
DEFAULT_ENGINE = "oxigraph"


def _engine(name: str) -> Engine:
    if name not in ENGINES:
        raise ValidationError(f"unknown engine '{name}'", hint="one of " + ", ".join(ENGINES))
    return ENGINES[name]()


def validate(
    data: Graph,
    shapes: Graph,
    *,
    ontology: Graph | None = None,
    engine: str = "pyshacl",
    focus: Iterable[Node] | None = None,
) -> Report:
    """Validate `data` (plus `ontology`, when given, for the class hierarchy and the concept
    schemes) against `shapes`; with `focus` (IRIs), only those of the shapes' focus nodes, as
    pySHACL's `focus_nodes` does (the rest of the graph still gives the context). Never prints;
    raises ValidationError if it cannot run."""
    chosen = _engine(engine)
    merged = merge([data] if ontology is None else [data, ontology])
    return _run(
        chosen,
        engine,
        chosen.adopt(merged),
        shapes,
        focus=None if focus is None else frozenset(focus),
    )


def validate_files(
    paths: list[Path], shapes: Graph, *, ontology: Path | None = None, engine: str = DEFAULT_ENGINE
) -> Report:
    """Validate RDF files read together; `ontology` is added when they do not carry the
    ontology. The engine reads the files itself (pyoxigraph never goes through rdflib)."""
    chosen = _engine(engine)
    started = time.perf_counter()
    data = chosen.load(list(paths), ontology)
    return _run(chosen, engine, data, shapes, started)


def _run(
    chosen: Engine,
    name: str,
    data,
    shapes: Graph,
    started: float | None = None,
    focus: frozenset | None = None,
) -> Report:
    started = time.perf_counter() if started is None else started
    report_graph = chosen.run(data, shapes, focus)
    seconds = time.perf_counter() - started
    results = read_results(report_graph, lambda node: chosen.label(data, node), shapes)
    return Report(results, name, seconds, chosen.size(data), report_graph)


def read_results(report: Graph, label: Callable[[Node], str | None], shapes: Graph) -> list[Result]:
    """The sh:ValidationResult nodes of a SHACL report, as Result records; `label` gives a
    focus node's rdfs:label from the data."""
    names = Graph(bind_namespaces="none")
    bind_prefixes(names)
    names.bind(*SHAPES_PREFIX)
    results = []
    nested = set(report.objects(None, SH.detail))  # pySHACL also reports sh:node's inner results
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if node in nested:
            continue

        def one(prop, node=node):
            return report.value(node, prop)

        focus = one(SH.focusNode)
        severity = str(one(SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1]
        results.append(
            Result(
                shape=_name(one(SH.sourceShape), names, shapes),
                component=_name(one(SH.sourceConstraintComponent), names),
                severity=severity,
                focus=_name(focus, names),
                label=label(focus),
                path=_name(one(SH.resultPath), names, report) if one(SH.resultPath) else None,
                value=_name(one(SH.value), names) if one(SH.value) is not None else None,
                message=str(one(SH.resultMessage) or ""),
            )
        )
    return results


def _name(term: Node | None, names: Graph, where: Graph | None = None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return names.namespace_manager.curie(term, generate=False)
        except (KeyError, ValueError):
            return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term)
        return json.dumps(text if len(text) <= 200 else text[:197] + "...", ensure_ascii=False)
    if isinstance(term, BNode) and where is not None:
        return _blank_path(term, names, where)
    return "[]"


def _blank_path(term: BNode, names: Graph, where: Graph) -> str:
    """A readable rendering of a blank-node path or shape: its property list, one level."""
    pairs = sorted(where.predicate_objects(term))
    items = [f"{_name(p, names)} {_name(o, names)}" for p, o in pairs]
    return "[ " + " ; ".join(items) + " ]" if items else "[]"


# --- loading --------------------------------------------------------------------------


def load_graph(paths: Iterable[Path]) -> Graph:
    """Read RDF files (TriG, N-Quads, Turtle, N-Triples, JSON-LD) into one merged graph.
    A file that cannot be read or parsed raises ValidationError naming the file and line."""
    graphs = [_parse(Path(p)) for p in paths]
    return merge(graphs)


def _parse(path: Path) -> Graph:
    fmt = rdf_file_format(path, FORMATS)
    holder = Dataset() if fmt in QUAD_FORMATS else Graph(bind_namespaces="none")
    try:
        if fmt == "json-ld":
            holder.parse(data=inline_contexts(path), format=fmt, publicID=path.resolve().as_uri())
        else:
            holder.parse(path, format=fmt)
    except ValidationError:
        raise
    except Exception as exc:  # rdflib raises many types; each becomes one line for the user
        raise ValidationError(
            f"is not valid {fmt}: {_parse_message(exc, path)}", where=str(path)
        ) from exc
    if isinstance(holder, Dataset):
        return merge(holder.graphs())
    return holder


def _parse_message(exc: Exception, path: Path) -> str:
    """The parser's complaint in one line, with the line number where the parser knows it."""
    text = _first_line(exc)
    text = re.sub(r" at \^ in:.*$", "", text).replace(" of <>", "")
    quoted = re.search(r"Invalid line \((.*)\): '(.*)'$", text)
    if quoted:  # the N-Triples/N-Quads parser quotes the line but does not number it
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        number = next((n for n, line in enumerate(lines, 1) if line.strip() == quoted[2]), None)
        text = f"line {number}: {quoted[1]}" if number else text
    return text


def _first_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


def merge(graphs: Iterable[Graph]) -> Graph:
    union = Graph(bind_namespaces="none")
    bind_prefixes(union)
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    return union


def load_shapes(path: Path) -> Graph:
    return _parse(path)


def has_ontology(graph: Graph) -> bool:
    """Whether the graph already holds the nkelections ontology (as dist/ files do)."""
    return (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in graph


# --- formats: Report -> text ------------------------------------------------------------


def format_text(report: Report, source: str = "") -> str:
    counts = report.counts()
    head = (
        f"{_verdict(report)}: "
        f"{counts['Violation']} violation(s), {counts['Warning']} warning(s), "
        f"{counts['Info']} info(s)"
    )
    lines = [
        head
        + (f" in {source}" if source else "")
        + f" ({report.triples} triples, {report.engine}, {report.seconds:.1f} s)"
    ]
    for shape, results in report.by_shape().items():
        first = results[0]
        lines += ["", f"{shape}  [{first.severity}, {first.component}]  {len(results)} result(s)"]
        for r in results:
            lines.append(f"  {r.focus}" + (f'  "{r.label}"' if r.label else ""))
            if r.path:
                lines.append(f"    path:    {r.path}")
            if r.value is not None:
                lines.append(f"    value:   {r.value}")
            lines.append(f"    message: {r.message}")
    return "\n".join(lines) + "\n"


def _verdict(report: Report) -> str:
    if report.conforms:
        return "conforms"
    if report.passes:
        return "does not conform (no violation; passes)"
    return "does not conform"


def format_json(report: Report, source: str = "") -> str:
    doc = {
        "conforms": report.conforms,
        "passes": report.passes,
        "source": source,
        "counts": report.counts(),
        "triples": report.triples,
        "engine": report.engine,
        "shapes": [
            {"shape": shape, "results": [asdict(r) for r in results]}
            for shape, results in report.by_shape().items()
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def format_turtle(report: Report, source: str = "") -> str:
    graph = report.graph
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    graph.bind(*SHAPES_PREFIX)
    return graph.serialize(format="turtle")


FORMATTERS: dict[str, Callable[[Report, str], str]] = {
    "text": format_text,
    "turtle": format_turtle,
    "json": format_json,
}

__all__ = [
    "Result",
    "Report",
    "Engine",
    "ENGINES",
    "DEFAULT_ENGINE",
    "FORMATTERS",
    "validate",
    "validate_files",
    "load_graph",
    "load_shapes",
    "merge",
    "has_ontology",
    "read_results",
]
