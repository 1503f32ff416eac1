"""The ontology's HTML documentation, made with pyLODE (self-contained: no CDN)."""

from __future__ import annotations

import importlib.metadata
import logging
import sys
import types
from pathlib import Path

from rdflib import RDF, SKOS, Graph

from nkelections.errors import BuildError
from nkelections.rdf.files import write_atomic


def _import_pylode():
    # pylode 3.4.1's wheel reads its version from a pyproject.toml it does not ship; give it
    # the version from the installed metadata instead.
    if "pylode.version" not in sys.modules:
        shim = types.ModuleType("pylode.version")
        vars(shim)["__version__"] = importlib.metadata.version("pylode")
        sys.modules["pylode.version"] = shim
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from pylode import OntPub  # it configures the root logger at import; undo that

    root.handlers[:] = handlers
    root.setLevel(level)
    return OntPub


def ontology_html(ontology: Path) -> str:
    """The ontology's documentation as one HTML page."""
    try:
        return _import_pylode()(ontology=_for_pylode(ontology)).make_html()
    except Exception as exc:  # pylode raises plain Exceptions on ontologies it cannot read
        raise BuildError(
            f"pyLODE could not document the ontology: {exc}", where=str(ontology)
        ) from None


def _for_pylode(ontology: Path) -> Graph:
    """The ontology without the typing of its SKOS concept schemes. pyLODE takes every
    skos:ConceptScheme for the document's own ontology: its header ran the thirteen schemes'
    titles together with the ontology's and showed the last one's IRI, and its schema.org
    block listed them in hash order, so the page changed from one build to the next. pyLODE
    documents classes and properties, not concepts, so nothing else of the page is lost."""
    graph = Graph(bind_namespaces="core").parse(ontology, format="turtle")
    graph.remove((None, RDF.type, SKOS.ConceptScheme))
    return graph


def write_docs(ontology: Path, out: Path) -> Path:
    """Write the ontology's documentation to out (atomically); returns out."""
    write_atomic(out, ontology_html(ontology))
    return out
