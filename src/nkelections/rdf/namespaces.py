"""Every IRI the code uses comes from here.

schema.org: we use http://schema.org/, the namespace Wikidata's RDF uses, so that federated
queries join on the same terms; rdflib's SDO namespace is https://schema.org/ and is not used.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib import namespace as rdflib_namespaces

from nkelections.rdf.curie import Shortener


class Vocabulary(Namespace):
    """rdflib's Namespace, but each term is made once. rdflib makes (and checks) a new URIRef
    on every attribute access, which a full-scale build does millions of times."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term  # found by plain attribute lookup from now on
        return term


DCTERMS = Vocabulary(str(rdflib_namespaces.DCTERMS))
OWL = Vocabulary(str(rdflib_namespaces.OWL))
PROV = Vocabulary(str(rdflib_namespaces.PROV))
RDF = Vocabulary(str(rdflib_namespaces.RDF))
RDFS = Vocabulary(str(rdflib_namespaces.RDFS))
SKOS = Vocabulary(str(rdflib_namespaces.SKOS))
XSD = Vocabulary(str(rdflib_namespaces.XSD))

BASE = "https://w3id.org/nkelections/"
NKE = Vocabulary(BASE + "ontology#")
NKV = Vocabulary(BASE + "vocab/")
NKR = Vocabulary(BASE + "id/")
GRAPH = Vocabulary(BASE + "graph/")
SHAPES = Vocabulary(BASE + "shapes#")
ONTOLOGY_IRI = BASE + "ontology"
ONTOLOGY_GRAPH = GRAPH["ontology"]
DATA_GRAPH = GRAPH["data"]

OA = Vocabulary("http://www.w3.org/ns/oa#")
ORG = Vocabulary("http://www.w3.org/ns/org#")
SCHEMA = Vocabulary("http://schema.org/")
ELI = Vocabulary("http://data.europa.eu/eli/ontology#")
VOID = Vocabulary("http://rdfs.org/ns/void#")
DCAT = Vocabulary("http://www.w3.org/ns/dcat#")
SH = Vocabulary("http://www.w3.org/ns/shacl#")
WD = Vocabulary("http://www.wikidata.org/entity/")
WDT = Vocabulary("http://www.wikidata.org/prop/direct/")

PREFIXES: dict[str, Namespace] = {
    "nke": NKE,
    "nkv": NKV,
    "nkr": NKR,
    "nkesh": SHAPES,
    "dcterms": Namespace(str(DCTERMS)),
    "eli": ELI,
    "oa": OA,
    "org": ORG,
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "schema": SCHEMA,
    "skos": Namespace(str(SKOS)),
    "xsd": Namespace(str(XSD)),
    "wd": WD,
    "wdt": WDT,
    "void": VOID,
    "dcat": DCAT,
    "sh": SH,
}

__all__ = [
    "BASE",
    "NKE",
    "NKV",
    "NKR",
    "GRAPH",
    "SHAPES",
    "ONTOLOGY_IRI",
    "ONTOLOGY_GRAPH",
    "DATA_GRAPH",
    "OA",
    "ORG",
    "SCHEMA",
    "ELI",
    "VOID",
    "DCAT",
    "SH",
    "WD",
    "WDT",
    "PREFIXES",
    "DCTERMS",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
]


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset, replacing any defaults."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def expand_curie(curie: str) -> str | None:
    """Expand 'prefix:local' with the project's prefixes; None when the prefix is unknown."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES:
        return None
    return str(PREFIXES[prefix]) + local


def shorten(iri: str) -> str:
    """A CURIE with the project's prefixes where one fits, else the IRI as it is."""
    return _SHORTEN(iri) or str(iri)


_SHORTEN = Shortener(PREFIXES)
