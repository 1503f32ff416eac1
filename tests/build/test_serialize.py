"""The build's quad set and its writers: N-Quads text, streamed JSON-LD, conversions in
processes of their own, the JSON-LD written by a forked copy, the chunked store load."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Literal, URIRef

from nkelections.build import serialize
from nkelections.build.serialize import write_outputs
from nkelections.errors import BuildError, StoreError
from nkelections.query import embedded
from nkelections.rdf.namespaces import DATA_GRAPH, NKE, NKR, RDF, XSD
from nkelections.rdf.quads import Quads

AWKWARD_TEXTS = [
    'a "quoted" word',
    "back\\slash",
    "line\nbreak\r\ttab",
    "bell\x07 and del\x7f",
    "non-ASCII: 조선 – ’",
    '{"@value": "not JSON-LD"}',
    "",
]


def awkward_quads() -> Quads:
    return _fill_awkward(Quads())


def _fill_awkward(quads: Quads) -> Quads:
    g = quads.graph(DATA_GRAPH)
    node = NKR["thing"]
    g.add((node, RDF.type, NKE.Figure))
    for n, text in enumerate(AWKWARD_TEXTS):
        g.add((node, NKE[f"plain{n}"], Literal(text)))
        g.add((node, NKE[f"english{n}"], Literal(text, lang="en")))
    g.add((node, NKE.value, Literal("99.63", datatype=XSD.decimal)))
    g.add((node, NKE.other, ox.Literal("7", datatype=ox.NamedNode("http://example.org/dt#x"))))
    g.add((node, NKE.link, URIRef("http://example.org/no-prefix//x")))
    g.add((ox.NamedNode("http://example.org/outside"), RDF.type, NKE.Figure))
    quads.graph(URIRef("http://example.org/graph/second")).add((node, RDF.type, NKE.Figure))
    return quads


def as_set(quads) -> set[str]:
    return {str(q) for q in quads}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("awkward")
    write_outputs(awkward_quads(), out)
    return out


def test_blank_nodes_are_refused():
    with pytest.raises(ValueError, match="blank node"):
        Quads().graph(DATA_GRAPH).add((BNode(), RDF.type, NKE.Figure))


@pytest.mark.parametrize(
    "name, fmt",
    [("nkelections.trig", ox.RdfFormat.TRIG), ("nkelections.jsonld", ox.RdfFormat.JSON_LD)],
)
def test_awkward_literals_survive_every_quad_format(written, name, fmt):
    expected = as_set(ox.parse(path=str(written / "nkelections.nq"), format=ox.RdfFormat.N_QUADS))
    assert len(expected) == 2 * len(AWKWARD_TEXTS) + 6
    assert as_set(ox.parse(path=str(written / name), format=fmt)) == expected


def test_jsonld_reads_the_same_in_rdflib(written):
    ours, theirs = Dataset(), Dataset()
    ours.parse(written / "nkelections.jsonld", format="json-ld")
    theirs.parse(written / "nkelections.nq", format="nquads")
    assert {(s, p, o, g.identifier) for g in ours.graphs() for s, p, o in g} == {
        (s, p, o, g.identifier) for g in theirs.graphs() for s, p, o in g
    }


def test_jsonld_uses_the_prefixes_and_leaves_other_iris_whole(written):
    text = (written / "nkelections.jsonld").read_text(encoding="utf-8")
    assert '"@id": "nkr:thing"' in text and '"@type": ["nke:Figure"]' in text
    assert '"@type": "xsd:decimal"' in text
    assert '"http://example.org/no-prefix//x"' in text


def test_triples_in_two_graphs_appear_once_in_the_merged_formats(written):
    lines = (written / "nkelections.nt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)) == 2 * len(AWKWARD_TEXTS) + 5
    assert lines == sorted(lines)


def test_store_loaded_in_chunks_holds_every_quad(written, tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "LOAD_CHUNK_LINES", 3)  # many chunks from a small file
    store = ox.Store.read_only(
        str(embedded.write_store(written / "nkelections.nq", tmp_path / "store"))
    )
    expected = as_set(ox.parse(path=str(written / "nkelections.nq"), format=ox.RdfFormat.N_QUADS))
    assert as_set(store) == expected


def test_bad_nquads_name_their_line_and_leave_no_store(written, tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "LOAD_CHUNK_LINES", 3)  # the bad line is in a later chunk
    lines = (written / "nkelections.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(7, '<http://example.org/s> <http://example.org/p> "no end .\n')
    (tmp_path / "nkelections.nq").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(StoreError, match="cannot index the N-Quads: .*line 8") as caught:
        embedded.index_dist(tmp_path)
    assert caught.value.where == f"{tmp_path / 'nkelections.nq'}:8"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nkelections.nq"]


def test_large_conversions_run_elsewhere_and_write_the_same_bytes(written, tmp_path, monkeypatch):
    started = []

    class Spy(serialize._Conversion):
        def __init__(self, *args):
            started.append(args[1].name)
            super().__init__(*args)

    monkeypatch.setattr(serialize, "CONVERT_ELSEWHERE_BYTES", 0)  # every conversion is large
    monkeypatch.setattr(serialize, "_Conversion", Spy)
    write_outputs(awkward_quads(), tmp_path)
    assert sorted(started) == ["nkelections.trig", "nkelections.ttl"]
    for name in started:
        assert (tmp_path / name).read_bytes() == (written / name).read_bytes()


def test_a_failed_conversion_is_one_error_and_nothing_moves(tmp_path, monkeypatch):
    failing = tmp_path / "python"
    failing.write_text(
        "#!/bin/sh\necho 'OSError: [Errno 28] No space left on device' >&2\nexit 1\n"
    )
    failing.chmod(0o755)
    monkeypatch.setattr(serialize, "CONVERT_ELSEWHERE_BYTES", 0)
    monkeypatch.setattr(serialize.sys, "executable", str(failing))
    dist = tmp_path / "dist"
    with pytest.raises(BuildError, match="could not write nkelections.trig: OSError.*No space"):
        write_outputs(awkward_quads(), dist)
    assert list(dist.iterdir()) == []


def test_a_forked_jsonld_writer_writes_the_same_bytes(written, tmp_path, monkeypatch):
    forked = []

    class Spy(serialize.Forked):
        def __init__(self, fn, *args):
            forked.append(fn.__name__)
            super().__init__(fn, *args)

    monkeypatch.setattr(serialize, "FORK_FROM_QUADS", 0)  # every graph is large
    monkeypatch.setattr(serialize, "Forked", Spy)
    write_outputs(awkward_quads(), tmp_path)
    assert forked == ["_write_jsonld_file"]
    name = "nkelections.jsonld"
    assert (tmp_path / name).read_bytes() == (written / name).read_bytes()


def test_jsonld_written_in_blocks_is_the_same_document(built, monkeypatch):
    """Node objects are joined a block at a time: blocks of two give the bytes of one block
    for the whole graph (the real graph's data graph has thousands of nodes)."""
    import io

    from nkelections.build import jsonld

    whole, blocks = io.StringIO(), io.StringIO()
    monkeypatch.setattr(jsonld, "NODE_BLOCK", 10**9)
    jsonld.write_jsonld(built.quads, whole)
    monkeypatch.setattr(jsonld, "NODE_BLOCK", 2)
    jsonld.write_jsonld(built.quads, blocks)
    assert blocks.getvalue() == whole.getvalue() and whole.getvalue().count('"@id"') > 1000
