"""The ontology's HTML documentation, made with pyLODE (self-contained: no CDN)."""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import sys
import tempfile
import types
from collections.abc import Iterator
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
        ont_pub = _import_pylode()
        with _while_pylode_caches():
            page = ont_pub(ontology=_for_pylode(ontology))
        return page.make_html()
    except Exception as exc:  # pylode raises plain Exceptions on ontologies it cannot read
        raise BuildError(
            f"pyLODE could not document the ontology: {exc}", where=str(ontology)
        ) from None


@contextlib.contextmanager
def _while_pylode_caches() -> Iterator[None]:
    """Hold a lock while pyLODE starts. On first use it pickles its background ontologies into
    refs.pickle in its own package folder, written in place: a process starting meanwhile (the
    tests' workers on a fresh install) read the half-written file and failed with "Ran out of
    input". Whether the file is whole cannot be told from outside, so the lock is always taken;
    it costs nothing when one process runs."""
    try:
        import fcntl
    except ImportError:  # no POSIX locks: as pyLODE itself
        yield
        return
    with open(Path(tempfile.gettempdir()) / "nkelections-pylode.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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
