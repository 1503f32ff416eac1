"""Every IRI the code uses comes from here.

schema.org: we use http://schema.org/, the namespace Wikidata's RDF uses, so that federated
queries join on the same terms; rdflib's SDO namespace is https://schema.org/ and is not used.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/nkelections/"
NKE = Namespace(BASE + "ontology#")
NKV = Namespace(BASE + "vocab/")
NKR = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
SHAPES = Namespace(BASE + "shapes#")
ONTOLOGY_IRI = BASE + "ontology"
ONTOLOGY_GRAPH = GRAPH["ontology"]
DATA_GRAPH = GRAPH["data"]

OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("http://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

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
    "BASE", "NKE", "NKV", "NKR", "GRAPH", "SHAPES", "ONTOLOGY_IRI", "ONTOLOGY_GRAPH", "DATA_GRAPH",
    "OA", "ORG", "SCHEMA", "ELI", "VOID", "DCAT", "SH", "WD", "WDT", "PREFIXES",
    "DCTERMS", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD",
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
