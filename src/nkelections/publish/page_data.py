"""What a resource's page shows, read from the store: its label, its own facts each with the
quotes that support them, the claims about it, related resources; for a piece of evidence
the passage around its quote; for a document its text and the spans annotated in it.

pages.py turns these records into HTML; nothing here writes HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from nkelections.query.sparql import Term
from nkelections.rdf.dataset import select
from nkelections.rdf.namespaces import PREFIXES
from nkelections.rdf.namespaces import shorten as short

PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
PASSAGE = 400  # characters shown either side of an evidence's quote, cut at a paragraph
HIDDEN = {"rdf:type", "rdfs:label", "schema:text", "prov:wasDerivedFrom"}


@dataclass(frozen=True)
class Quote:
    """One piece of evidence as a reader needs it."""

    evidence: str
    exact: str | None
    document: str
    title: str | None
    issued: str | None
    url: str | None
    start: int | None
    end: int | None


@dataclass
class Row:
    """One property of the resource, its value, and the quotes of the statement behind it."""

    predicate: ox.NamedNode
    value: Term
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class Fact:
    """A fact node (figure, membership, claim, event, ...) with its label and its quotes."""

    iri: str
    label: str
    quotes: list[Quote]


@dataclass
class Span:
    start: int
    end: int
    target: str  # the evidence or the entity the span belongs to
    kind: str  # "evidence" or "mention"


@dataclass
class Page:
    iri: str
    label: str
    types: list[ox.NamedNode]
    rows: list[Row]
    own_quotes: list[Quote]
    facts: list[Fact]
    claims: list[Fact]
    related: list[tuple[Term, ox.NamedNode]]
    supports: list[Fact] = field(default_factory=list)
    passage: tuple[str, int, int] | None = None  # text, quote start and end within it
    text: str | None = None
    spans: list[Span] = field(default_factory=list)


class Reader:
    """Queries over the store's union of graphs, with a label cache for one page."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.labels: dict[str, str] = {}

    def rows(self, query: str, node: str, names: str) -> list[tuple]:
        found = select(
            self.store,
            PROLOGUE + query.replace("%R%", f"<{node}>"),
            use_default_graph_as_union=True,
        )
        return [tuple(s[n] for n in names.split()) for s in found]

    def label(self, term) -> str:
        """rdfs:label (English first), skos:prefLabel, else the IRI shortened."""
        if not isinstance(term, ox.NamedNode):
            return term.value if isinstance(term, ox.Literal) else str(term)
        if term.value not in self.labels:
            found = self.rows(
                """SELECT ?l WHERE { { %R% rdfs:label ?l } UNION
                { %R% skos:prefLabel ?l } UNION { %R% dcterms:title ?l } }
                ORDER BY DESC(LANGMATCHES(LANG(?l), "en")) ?l LIMIT 1""",
                term.value,
                "l",
            )
            self.labels[term.value] = found[0][0].value if found else short(term.value)
        return self.labels[term.value]

    def quotes(self, evidence: list[str]) -> list[Quote]:
        if not evidence:
            return []
        values = " ".join(f"<{e}>" for e in evidence)
        found = self.rows(
            f"""SELECT ?e ?q ?doc ?title ?issued ?url ?start ?end WHERE {{
            VALUES ?e {{ {values} }} ?e oa:hasTarget ?t . ?t oa:hasSource ?doc .
            OPTIONAL {{ ?t oa:hasSelector ?qs . ?qs oa:exact ?q }}
            OPTIONAL {{ ?t oa:hasSelector ?ps . ?ps oa:start ?start ; oa:end ?end }}
            OPTIONAL {{ ?doc dcterms:title ?title }} OPTIONAL {{ ?doc dcterms:issued ?issued }}
            OPTIONAL {{ ?doc schema:url ?url }} }} ORDER BY ?doc ?start ?e""",
            "",
            "e q doc title issued url start end",
        )
        seen, out = set(), []
        for e, q, doc, title, issued, url, start, end in found:
            if e.value not in seen:
                seen.add(e.value)
                out.append(
                    Quote(
                        e.value,
                        _value(q),
                        doc.value,
                        _value(title),
                        _value(issued),
                        _value(url),
                        _int(start),
                        _int(end),
                    )
                )
        return out

    def evidence_of(self, node: str) -> list[str]:
        return [
            e.value
            for (e,) in self.rows(
                "SELECT ?e WHERE { %R% prov:wasDerivedFrom ?e } ORDER BY ?e", node, "e"
            )
        ]

    def facts(self, query: str, node: str) -> list[Fact]:
        found = self.rows(query, node, "f")
        return [
            Fact(f.value, self.label(f), self.quotes(self.evidence_of(f.value))) for (f,) in found
        ]


def read_page(store: ox.Store, iri: str) -> Page:
    r = Reader(store)
    node = ox.NamedNode(iri)
    types = [t for (t,) in r.rows("SELECT ?t WHERE { %R% a ?t } ORDER BY ?t", iri, "t")]
    page = Page(
        iri,
        r.label(node),
        types,
        _rows(r, iri),
        r.quotes(r.evidence_of(iri)),
        facts=r.facts(
            """SELECT DISTINCT ?f WHERE { ?f a nke:Fact ; ?p %R% .
                    FILTER NOT EXISTS { ?f a nke:Claim } FILTER NOT EXISTS { ?f a nke:Statement }
                    } ORDER BY ?f""",
            iri,
        ),
        claims=r.facts(
            """SELECT DISTINCT ?f WHERE { ?f a nke:Claim ; ?p %R% }
                    ORDER BY ?f""",
            iri,
        ),
        related=[
            (s, p)
            for s, p in r.rows(
                """SELECT DISTINCT ?s ?p WHERE { ?s ?p %R%
                    FILTER NOT EXISTS { ?s a nke:Fact } FILTER NOT EXISTS { ?s a oa:Annotation }
                    FILTER NOT EXISTS { ?s a oa:SpecificResource } FILTER(isIRI(?s)) }
                    ORDER BY ?p ?s LIMIT 300""",
                iri,
                "s p",
            )
        ],
    )
    names = {short(t.value) for t in types}
    if "nke:Evidence" in names:
        _add_evidence(r, page)
    if "nke:SourceDocument" in names:
        _add_document(r, page)
    return page


def _rows(r: Reader, iri: str) -> list[Row]:
    """The resource's own properties; a property asserted by a reified statement carries the
    statement's quotes."""
    quoted: dict[tuple[str, str], list[str]] = {}
    for p, o, e in r.rows(
        """SELECT ?p ?o ?e WHERE { ?st a nke:Statement ; rdf:subject %R% ;
            rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?e }""",
        iri,
        "p o e",
    ):
        quoted.setdefault((p.value, str(o)), []).append(e.value)
    rows = []
    for p, o in r.rows("SELECT DISTINCT ?p ?o WHERE { %R% ?p ?o } ORDER BY ?p ?o", iri, "p o"):
        if short(p.value) not in HIDDEN:
            rows.append(Row(p, o, r.quotes(sorted(quoted.get((p.value, str(o)), [])))))
    return rows


def _add_evidence(r: Reader, page: Page) -> None:
    """The facts the evidence supports, and its quote within the passage of its text."""
    page.supports = r.facts("SELECT DISTINCT ?f WHERE { %R% oa:hasBody ?f } ORDER BY ?f", page.iri)
    if not page.own_quotes:
        page.own_quotes = r.quotes([page.iri])
    quote = page.own_quotes[0] if page.own_quotes else None
    if quote is None:
        return
    if page.label == short(page.iri):  # evidence has no label: name it by where it is
        page.label = f"Quote from {quote.title or short(quote.document)}"
        if quote.start is not None:
            page.label += f", characters {quote.start}–{quote.end}"
    if quote.start is None or quote.end is None:  # the query binds both or neither
        return
    found = r.rows("SELECT ?t WHERE { %R% schema:text ?t }", quote.document, "t")
    if found:
        text = found[0][0].value
        lo = text.rfind("\n\n", 0, max(0, quote.start - PASSAGE))
        lo = max(0, quote.start - PASSAGE) if lo < 0 else lo + 2
        hi = text.find("\n\n", min(len(text), quote.end + PASSAGE))
        hi = len(text) if hi < 0 else hi
        page.passage = (text[lo:hi], quote.start - lo, quote.end - lo)


def _add_document(r: Reader, page: Page) -> None:
    found = r.rows("SELECT ?t WHERE { %R% schema:text ?t }", page.iri, "t")
    page.text = found[0][0].value if found else None
    for target, kind, start, end in r.rows(
        """SELECT ?a ?kind ?start ?end WHERE {
            ?t oa:hasSource %R% ; oa:hasSelector ?s . ?s oa:start ?start ; oa:end ?end .
            { ?a a nke:Evidence ; oa:hasTarget ?t BIND("evidence" AS ?kind) } UNION
            { ?m a nke:Mention ; oa:hasTarget ?t ; oa:hasBody ?a BIND("mention" AS ?kind) } }
            ORDER BY ?start ?end ?a""",
        page.iri,
        "a kind start end",
    ):
        page.spans.append(Span(int(start.value), int(end.value), target.value, kind.value))


def _value(term) -> str | None:
    return None if term is None else term.value


def _int(term) -> int | None:
    return None if term is None else int(term.value)
