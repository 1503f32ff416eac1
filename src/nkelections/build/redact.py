"""Leave out the words of the source texts that may not be redistributed, for a release
(docs/decisions/0005-licences-and-source-texts.md).

A source document without `dcterms:license` is its publisher's copyright. The quotes that
support the facts cover 73-98 % of each text, so masking the text around them would publish
the article all the same: a release carries none of its words. Its `schema:text` goes, with
that of its paragraphs and passages (nke:Paragraph, nke:Passage), and so do the `oa:exact`,
`oa:prefix` and `oa:suffix` of every quote and mention in it; what stays is what points into it:
the offsets (`oa:TextPositionSelector`), the document's title, publisher, date and address, and
`nke:sha256` of the file, with which a reader who obtains the text checks it and rebuilds the
quotes (`nkelections build` does, from data/sources/).
"""

from __future__ import annotations

import pyoxigraph as ox

from nkelections.rdf.namespaces import DATA_GRAPH, DCTERMS, NKE, OA, PROV, RDF, SCHEMA
from nkelections.rdf.quads import Quads, iri_value

NOTE = (
    "This release leaves out the text and the quoted words of this document: its "
    "publisher's terms do not allow their redistribution. The offsets point into the "
    "text whose SHA-256 is nke:sha256."
)


def redact_unlicensed_texts(quads: Quads) -> list[str]:
    """Remove, from the data graph, the words of every source document without a licence;
    returns the IRIs of those documents."""
    data = quads.graph(DATA_GRAPH)
    text_p, licence_p = f"<{SCHEMA.text}>", f"<{DCTERMS.license}>"
    type_p, derived_p = f"<{RDF.type}>", f"<{PROV.wasDerivedFrom}>"
    licensed = {s for s, p, _ in data.triples if p == licence_p}
    slice_types = {f"<{NKE.Paragraph}>", f"<{NKE.Passage}>"}
    slices = {s for s, p, o in data.triples if p == type_p and o in slice_types}
    documents = {s for s, p, _ in data.triples if p == text_p and s not in licensed | slices}
    # a paragraph or passage (nke:Paragraph, nke:Passage, evidence.py) carries a slice of its
    # document's text
    texts = documents | {
        s for s, p, o in data.triples if p == derived_p and s in slices and o in documents
    }
    words = {f"<{OA.exact}>", f"<{OA.prefix}>", f"<{OA.suffix}>"}
    quoted = _selectors_of(data.triples, documents)
    dropped = {
        t
        for t in data.triples
        if (t[1] == text_p and t[0] in texts) or (t[1] in words and t[0] in quoted)
    }
    data.triples -= dropped
    for doc in documents:
        data.add(
            (ox.NamedNode(iri_value(doc)), ox.NamedNode(str(NKE.curatorNote)), ox.Literal(NOTE))
        )
    return sorted(map(iri_value, documents))


def _selectors_of(triples, documents: set[str]) -> set[str]:
    """The selectors (N-Triples terms) of every target whose source is one of `documents`."""
    source_p, selector_p = f"<{OA.hasSource}>", f"<{OA.hasSelector}>"
    targets = {s for s, p, o in triples if p == source_p and o in documents}
    return {o for s, p, o in triples if p == selector_p and s in targets}
