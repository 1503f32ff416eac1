"""JSON-LD contexts when reading: never fetched. A `@context` that names a document is read
from a local copy (LOCAL_CONTEXTS: the context the build writes, dist/context.jsonld, under the
IRI it is published at) or refused; rdflib would fetch it from the web, and wait as long as the
server makes it wait."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

from nkelections.errors import ValidationError
from nkelections.layout import CONTEXT, dist_dir
from nkelections.rdf.namespaces import BASE

CONTEXT_IRI = BASE + CONTEXT
LOCAL_CONTEXTS: dict[str, Path] = {
    CONTEXT_IRI: dist_dir(Path(__file__).resolve().parents[2]) / CONTEXT
}


def inline_contexts(path: Path) -> str:
    """The JSON-LD text of path with each @context that names a document replaced by its
    local copy; ValidationError for any other one, or for text that is not JSON."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        message = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ValidationError(f"is not valid JSON: {message}", where=str(path)) from None
    return json.dumps(_inline(doc, path))


def _inline(node, path: Path):
    if isinstance(node, list):
        return [_inline(item, path) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _inline(value, path) for key, value in node.items()}
    if "@context" in node:
        out["@context"] = _context(node["@context"], path)
    return out


def _context(value, path: Path):
    if isinstance(value, list):
        return [_context(item, path) for item in value]
    if not isinstance(value, str):
        return value
    local = LOCAL_CONTEXTS.get(value) or LOCAL_CONTEXTS.get(
        urllib.parse.urljoin(path.resolve().as_uri(), value)
    )
    if local is None or not local.is_file():
        raise ValidationError(
            f"refers to the JSON-LD context {value!r}, which is not read: "
            "validation never fetches anything",
            where=str(path),
            hint=f"put the context in the file, or use {CONTEXT_IRI} (dist/context.jsonld)",
        )
    return json.loads(local.read_text(encoding="utf-8"))["@context"]
