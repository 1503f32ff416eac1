"""GraphML, GEXF, DOT and node-link JSON written a node or an edge at a time, as text chunks,
giving the same characters as networkx's writers (and pydot's, for DOT).

Why not networkx's own writers: its GraphML and GEXF writers build an ElementTree of the whole
graph before writing a byte, and its DOT export builds a whole pydot graph; for a full
election's entity graph each of those held over a GB and took most of the export's time.
These writers stream instead, and reuse the libraries' own pieces wherever the output depends
on them: networkx's type names and namespaces, ElementTree's escaping, pydot's quoting, and
json's string encoder. A graph using what they do not cover (GEXF's reserved attributes such
as viz or spells, graph-level defaults, names other than str, values other than str, int,
float and bool) goes to the library writer (LIBRARY), so the output is the same either way;
tests compare the two.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from xml.etree.ElementTree import (  # type: ignore[attr-defined]  # private: not in typeshed
    _escape_attrib,  # what ElementTree writes
    _escape_cdata,
)

import networkx as nx
import pydot.core
from networkx.readwrite.gexf import GEXF
from networkx.readwrite.graphml import GraphML

XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
PLAIN_TYPES = frozenset({str, int, float, bool})
FLAT_TYPES, STR_TYPE = PLAIN_TYPES | {type(None)}, frozenset({str})  # for JSON objects
JSON_RUN = 1000  # flat objects encoded at once
GEXF_VERSION = "1.2draft"
# Data keys networkx's GEXF writer turns into XML attributes or elements of their own.
GEXF_NODE_RESERVED = frozenset({"id", "pid", "start", "end", "parents", "spells", "slices",
                                "viz"})
GEXF_EDGE_RESERVED = frozenset({"id", "weight", "type", "start", "end", "spells", "slices",
                                "viz", "key", "networkx_key"})
# Graph keys that the writers turn into defaults, ids or modes.
GRAPH_RESERVED = frozenset({"id", "node_default", "edge_default", "mode", "graph", "node",
                            "edge"})
DOT_DEFAULT_NODES = ("graph", "node", "edge")  # names pydot leaves unquoted in node lines


class Unsupported(Exception):
    """The graph uses something only the library writer writes."""


def _check_graph(graph: nx.Graph) -> None:
    if not GRAPH_RESERVED.isdisjoint(graph.graph):
        raise Unsupported


def _edges(graph: nx.Graph) -> Iterator[tuple]:
    """(u, v, key, data), the key None in a graph that is not a multigraph."""
    if isinstance(graph, nx.MultiGraph):  # MultiDiGraph too
        return iter(graph.edges(keys=True, data=True))
    return ((u, v, None, d) for u, v, d in graph.edges(data=True))


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f' {k}="{_escape_attrib(v)}"' for k, v in attrs.items())


def _leaf(level: int, tag: str, attrs: dict[str, str], text: str = "") -> str:
    """An element without children on its own line, as networkx's indent() lays it out (an
    empty text gives ElementTree's short form)."""
    pad = "  " * level
    if text:
        return f"{pad}<{tag}{_attrs(attrs)}>{_escape_cdata(text)}</{tag}>\n"
    return f"{pad}<{tag}{_attrs(attrs)} />\n"


# GraphML


def graphml(graph: nx.Graph) -> Iterator[str]:
    """What nx.write_graphml(graph) writes (pretty-printed, utf-8)."""
    try:
        keys = graphml_keys(graph)
    except Unsupported:
        yield library_graphml(graph)
        return
    yield XML_DECLARATION + "<graphml" + _attrs({
        "xmlns": GraphML.NS_GRAPHML, "xmlns:xsi": GraphML.NS_XSI,
        "xsi:schemaLocation": GraphML.SCHEMALOCATION}) + ">\n"
    # networkx inserts each new key before the others: the last one found comes first
    for (name, xml_type, scope), key in reversed(keys.items()):
        yield _leaf(1, "key", {"id": key, "for": scope, "attr.name": name,
                               "attr.type": xml_type})
    tag = _attrs({"edgedefault": "directed" if graph.is_directed() else "undirected"})
    if not (graph.graph or len(graph)):
        yield f"  <graph{tag} />\n"
    else:
        yield f"  <graph{tag}>\n"
        data = _GraphMLData(keys)
        yield from _graphml_items(graph, data)
        yield data.lines(graph.graph, "graph")  # networkx adds them after nodes and edges
        yield "  </graph>\n"
    yield "</graphml>\n"


def graphml_keys(graph: nx.Graph) -> dict[tuple[str, str, str], str]:
    """GraphML key ids by (name, type, scope), numbered in the order networkx finds them:
    the graph's data, then each node's, then each edge's."""
    _check_graph(graph)
    xml_type = _plain_types(_graphml_types())
    keys: dict[tuple[str, str, str], str] = {}
    scoped = itertools.chain([("graph", graph.graph)],
                             (("node", d) for _, d in graph.nodes(data=True)),
                             (("edge", d) for *_, d in graph.edges(data=True)))
    for scope, data in scoped:
        for name, value in data.items():
            xtype = xml_type.get(type(value))
            if xtype is None:
                raise Unsupported
            key = (name, xtype, scope)
            if key not in keys:
                if type(name) is not str:
                    raise Unsupported
                keys[key] = f"d{len(keys)}"
    return keys


def _plain_types(xml_type: dict[type, str]) -> dict[type, str]:
    return {t: xml_type[t] for t in PLAIN_TYPES}


@lru_cache(maxsize=1)
def _graphml_types() -> dict[type, str]:
    spec = GraphML()
    spec.construct_types()
    return spec.xml_type


class _GraphMLData:
    """<data> lines, each key's markup made once: the graph's own two levels deep, a node's
    or an edge's three."""

    def __init__(self, keys: dict[tuple[str, str, str], str]) -> None:
        self.xml_type = _graphml_types()
        self.markup = {}
        for (name, xml_type, scope), key in keys.items():
            pad = "    " if scope == "graph" else "      "
            tag = f'{pad}<data key="{_escape_attrib(key)}"'
            self.markup[name, xml_type, scope] = (tag + ">", tag + " />\n")

    def lines(self, data: dict, scope: str) -> str:
        xml_type, markup, out = self.xml_type, self.markup, []
        for name, value in data.items():
            start, empty = markup[name, xml_type[type(value)], scope]
            text = str(value)
            out.append(f"{start}{_escape_cdata(text)}</data>\n" if text else empty)
        return "".join(out)


def _graphml_items(graph: nx.Graph, data: _GraphMLData) -> Iterator[str]:
    for node, values in graph.nodes(data=True):
        tag = f' id="{_escape_attrib(str(node))}"'
        yield _graphml_element("node", tag, data.lines(values, "node"))
    multigraph = graph.is_multigraph()
    for u, v, key, values in _edges(graph):
        tag = f' source="{_escape_attrib(str(u))}" target="{_escape_attrib(str(v))}"'
        if multigraph:
            tag += f' id="{_escape_attrib(str(key))}"'
        yield _graphml_element("edge", tag, data.lines(values, "edge"))


def _graphml_element(tag: str, attrs: str, lines: str) -> str:
    if not lines:
        return f"    <{tag}{attrs} />\n"
    return f"    <{tag}{attrs}>\n{lines}    </{tag}>\n"


# GEXF


def gexf(graph: nx.Graph) -> Iterator[str]:
    """What nx.write_gexf(graph, version="1.2draft") writes, less the date networkx stamps
    into <meta> (optional in GEXF, and it would make two builds of the same data differ)."""
    try:
        attributes = gexf_attributes(graph)
    except Unsupported:
        yield library_gexf(graph)
        return
    spec = _gexf_spec()
    yield XML_DECLARATION + "<gexf" + _attrs({
        "xmlns": spec.NS_GEXF, "xmlns:xsi": spec.NS_XSI,
        "xsi:schemaLocation": spec.SCHEMALOCATION, "version": spec.VERSION}) + ">\n"
    yield f"  <meta>\n    <creator>NetworkX {nx.__version__}</creator>\n  </meta>\n"
    yield "  <graph" + _attrs({
        "defaultedgetype": "directed" if graph.is_directed() else "undirected",
        "mode": "static", "name": graph.graph.get("name", "")}) + ">\n"
    # networkx inserts each class's <attributes> before the others: the edges' come first
    for scope in ("edge", "node"):
        if attributes[scope]:
            yield _gexf_declarations(scope, attributes[scope])
    values = {scope: _GEXFValues(found) for scope, found in attributes.items()}
    yield from _gexf_list("nodes", len(graph), _gexf_nodes(graph, values["node"]))
    yield from _gexf_list("edges", graph.number_of_edges(), _gexf_edges(graph, values["edge"]))
    yield "  </graph>\n</gexf>\n"


def gexf_attributes(graph: nx.Graph) -> dict[str, dict[str, tuple[str, str]]]:
    """Per class, each attribute's (id, type), numbered across classes in the order networkx
    finds them: nodes first, then edges; an attribute's first value gives its type. A label
    is an XML attribute, and a multigraph's key an attribute networkx_key after the data."""
    _check_graph(graph)
    xml_type, ids = _plain_types(_gexf_spec().xml_type), itertools.count()
    found: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}

    def declare(scope: dict, data: dict, reserved: frozenset) -> None:
        if not reserved.isdisjoint(data):
            raise Unsupported
        for name, value in data.items():
            if type(value) not in xml_type:
                raise Unsupported
            if name not in scope and name != "label":
                if type(name) is not str:
                    raise Unsupported
                scope[name] = (str(next(ids)), xml_type[type(value)])

    for _, data in graph.nodes(data=True):
        declare(found["node"], data, GEXF_NODE_RESERVED)
    multigraph = graph.is_multigraph()
    for _, _, key, data in _edges(graph):
        declare(found["edge"], data, GEXF_EDGE_RESERVED)
        if multigraph:
            declare(found["edge"], {"networkx_key": key}, frozenset())
    return found


@lru_cache(maxsize=1)
def _gexf_spec() -> GEXF:
    spec = GEXF()
    spec.construct_types()
    spec.set_version(GEXF_VERSION)
    return spec


def _gexf_declarations(scope: str, attributes: dict[str, tuple[str, str]]) -> str:
    lines = [f'    <attributes mode="static" class="{scope}">\n']
    lines += [_leaf(3, "attribute", {"id": key, "title": title, "type": xml_type})
              for title, (key, xml_type) in attributes.items()]
    lines.append("    </attributes>\n")
    return "".join(lines)


class _GEXFValues:
    """<attvalues> of a node or an edge, each attribute's markup made once."""

    def __init__(self, attributes: dict[str, tuple[str, str]]) -> None:
        self.markup = {title: f'          <attvalue for="{_escape_attrib(key)}" value="'
                       for title, (key, _) in attributes.items()}

    def lines(self, values: Iterator[tuple[str, object]]) -> str:
        markup = self.markup
        lines = [f'{markup[name]}{_escape_attrib(_gexf_value(value))}" />\n'
                 for name, value in values]
        if not lines:
            return ""
        return "        <attvalues>\n" + "".join(lines) + "        </attvalues>\n"


def _gexf_value(value) -> str:
    if type(value) is str:
        return value
    if type(value) is bool:
        return str(value).lower()
    text = str(value)
    if type(value) is float:
        return {"inf": "INF", "nan": "NaN", "-inf": "-INF"}.get(text, text)
    return text


def _gexf_list(tag: str, count: int, items: Iterator[str]) -> Iterator[str]:
    if not count:
        yield f"    <{tag} />\n"
        return
    yield f"    <{tag}>\n"
    yield from items
    yield f"    </{tag}>\n"


def _gexf_nodes(graph: nx.Graph, values: _GEXFValues) -> Iterator[str]:
    for node, data in graph.nodes(data=True):
        tag = f' id="{_escape_attrib(str(node))}"' \
              f' label="{_escape_attrib(str(data.get("label", node)))}"'
        yield _gexf_element("node", tag, values.lines(
            (k, v) for k, v in data.items() if k != "label"))


def _gexf_edges(graph: nx.Graph, values: _GEXFValues) -> Iterator[str]:
    # networkx numbers the edges from 0 when none has an id of its own (an id is reserved)
    multigraph = graph.is_multigraph()
    for number, (u, v, key, data) in enumerate(_edges(graph)):
        tag = f' source="{_escape_attrib(str(u))}" target="{_escape_attrib(str(v))}"' \
              f' id="{number}"'
        if "label" in data:
            tag += f' label="{_escape_attrib(str(data["label"]))}"'
        pairs: Iterator[tuple] = ((k, x) for k, x in data.items() if k != "label")
        if multigraph:
            pairs = itertools.chain(pairs, [("networkx_key", key)])
        yield _gexf_element("edge", tag, values.lines(pairs))


def _gexf_element(tag: str, attrs: str, lines: str) -> str:
    if not lines:
        return f"      <{tag}{attrs} />\n"
    return f"      <{tag}{attrs}>\n{lines}      </{tag}>\n"


# DOT


def dot(graph: nx.Graph) -> Iterator[str]:
    """What nx.nx_pydot.to_pydot(graph).to_string() gives."""
    try:
        _check_dot(graph)
    except Unsupported:
        yield library_dot(graph)
        return
    with _fast_quoting():
        # most values repeat (types, labels, counts): each answer is remembered for this graph
        quote_attr = lru_cache(maxsize=1 << 16)(pydot.core.quote_attr_if_necessary)
        ids = {node: pydot.core.quote_id_if_necessary(str(node)) for node in graph}
        yield _dot_header(graph)
        for node, data in graph.nodes(data=True):
            yield _dot_node(str(node), ids[node], data, quote_attr)
        arrow = "->" if graph.is_directed() else "--"
        multigraph = graph.is_multigraph()
        for u, v, key, data in _edges(graph):
            if multigraph:  # to_pydot passes the key first, in place of any "key" in the data
                data = {"key": key} | {k: x for k, x in data.items() if k != "key"}
            yield f"{ids[u]} {arrow} {ids[v]}{_dot_attrs(data, quote_attr)};\n"
        yield "}\n"


@contextmanager
def _fast_quoting():
    """pydot asks of every id and value whether any character is above 0x7F or NUL, one
    character at a time in Python: most of the DOT export's time for a large view. For the
    duration, its any_needs_quotes asks str.isascii instead; the answers are the same."""
    saved = pydot.core.any_needs_quotes
    patterns = (pydot.core.re_numeric, pydot.core.re_dbl_quoted, pydot.core.re_html)

    def any_needs_quotes(s: str) -> bool | None:
        if s.isascii() and "\0" not in s and not s.isdigit() and not s.isalnum():
            # what pydot's function returns when there is no such character
            return False if any(p.match(s) for p in patterns) else None
        return saved(s)

    pydot.core.any_needs_quotes = any_needs_quotes
    try:
        yield
    finally:
        pydot.core.any_needs_quotes = saved


def _check_dot(graph: nx.Graph) -> None:
    """pydot splits a node name at a colon into a name and a port, and leaves a quoted name
    as it is: such graphs go to pydot, as do graph-level attributes."""
    _check_graph(graph)
    for node in graph:
        name = str(node)
        if ":" in name or name.startswith('"'):
            raise Unsupported


def _dot_header(graph: nx.Graph) -> str:
    strict = nx.number_of_selfloops(graph) == 0 and not graph.is_multigraph()
    words = ["strict"] if strict else []
    words.append("digraph" if graph.is_directed() else "graph")
    if graph.name:
        words.append(pydot.core.quote_id_if_necessary(f'"{graph.name}"'))
    return " ".join([*words, "{\n"])


def _dot_node(name: str, quoted: str, data: dict, quote_attr: Callable) -> str:
    if name.lower() in DOT_DEFAULT_NODES:
        quoted = name  # pydot leaves these unquoted in node lines, in any case,
        if name in DOT_DEFAULT_NODES and not data:
            return "\n"  # and writes nothing for a default node without attributes
    return f"{quoted}{_dot_attrs(data, quote_attr)};\n"


def _dot_attrs(data: dict, quote_attr: Callable) -> str:
    if not data:
        return ""
    return " [" + ", ".join(f"{k}={quote_attr(_dot_value(v))}" for k, v in data.items()) + "]"


def _dot_value(value) -> str:
    text = value if type(value) is str else str(value)
    return text or '""'


# node-link JSON


def node_link_json(graph: nx.Graph) -> Iterator[str]:
    """What json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False, indent=1,
    sort_keys=True) + "\\n" gives, without holding a copy of every node's and edge's data:
    each node and edge is encoded on its own and indented to its depth."""
    encode = json.JSONEncoder(ensure_ascii=False, indent=1, sort_keys=True).encode
    members = {"directed": graph.is_directed(), "multigraph": graph.is_multigraph(),
               "graph": graph.graph, "nodes": _link_nodes(graph), "edges": _link_edges(graph)}
    yield "{"
    for i, name in enumerate(sorted(members)):
        yield ("," if i else "") + f"\n {encode(name)}: "
        value = members[name]
        if isinstance(value, Iterator):
            yield from _json_list(value, encode)
        else:  # JSON text has no raw newline inside a string: indenting is a replace
            yield encode(value).replace("\n", "\n ")
    yield "\n}\n"


def _link_nodes(graph: nx.Graph) -> Iterator[dict]:
    return ({**data, "id": node} for node, data in graph.nodes(data=True))


def _link_edges(graph: nx.Graph) -> Iterator[dict]:
    if graph.is_multigraph():
        return ({**d, "source": u, "target": v, "key": k} for u, v, k, d in _edges(graph))
    return ({**d, "source": u, "target": v} for u, v, _, d in _edges(graph))


def _json_list(items: Iterator[dict], encode: Callable) -> Iterator[str]:
    """A list one level down in the document, its items two levels down."""
    first = True
    for text in _json_objects(items, encode):
        yield ("[\n  " if first else ",\n  ") + text
        first = False
    yield "[]" if first else "\n ]"


def _json_objects(items: Iterator[dict], encode: Callable) -> Iterator[str]:
    """The items two levels down, as runs of objects separated as in their list. json's
    encoder runs in Python when it indents, a generator per value, and in C when it does not:
    objects of strings, numbers, bools and nulls (every node and edge here) are encoded a
    run at a time in C, with a separator that carries the newline and indent; any other
    object goes to the indenting encoder."""
    flat = json.JSONEncoder(ensure_ascii=False, sort_keys=True,
                            separators=(",\n   ", ": ")).encode
    run: list[dict] = []
    for item in items:
        if item and FLAT_TYPES.issuperset(map(type, item.values())) and \
                STR_TYPE.issuperset(map(type, item)):
            run.append(item)
            if len(run) == JSON_RUN:
                yield _flat_objects(run, flat)
                run = []
            continue
        if run:
            yield _flat_objects(run, flat)
            run = []
        yield encode(item).replace("\n", "\n  ")
    if run:
        yield _flat_objects(run, flat)


def _flat_objects(run: list[dict], flat: Callable) -> str:
    """[{a},\\n   {b}] as {\\n   a\\n  },\\n  {\\n   b\\n  }: a raw newline is only ever in a
    separator, and only between two objects does one follow "}" and precede "{"."""
    text = flat(run)
    return "{\n   " + text[2:-2].replace("},\n   {", "\n  },\n  {\n   ") + "\n  }"


# The libraries' own writers, for graphs the writers above do not cover (and for tests).


def library_graphml(graph: nx.Graph) -> str:
    from networkx.readwrite.graphml import GraphMLWriter

    writer = GraphMLWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(graph)
    return _library_xml(writer)


def library_gexf(graph: nx.Graph) -> str:
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version=GEXF_VERSION)
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    writer.add_graph(graph)
    return _library_xml(writer)


def _library_xml(writer) -> str:
    from xml.etree.ElementTree import tostring

    writer.indent(writer.xml)
    return XML_DECLARATION + tostring(writer.xml, encoding="unicode")


def library_dot(graph: nx.Graph) -> str:
    return nx.nx_pydot.to_pydot(graph).to_string()


def library_json(graph: nx.Graph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


LIBRARY: dict[str, Callable[[nx.Graph], str]] = {
    "graphml": library_graphml, "gexf": library_gexf, "json": library_json, "dot": library_dot,
}
