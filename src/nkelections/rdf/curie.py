"""The one IRI shortener. No rdflib here: `query`'s default path prints CURIEs and must not
import it (namespaces.shorten applies it with the project's prefixes)."""

from __future__ import annotations

import re
from collections.abc import Mapping

ANY_LOCAL = re.compile(r".+", re.DOTALL)


def curie(iri: str, prefixes: Mapping[str, object], local: re.Pattern = ANY_LOCAL) -> str | None:
    """'prefix:local' for an IRI in one of the namespaces, by the longest namespace whose local
    name `local` matches (any non-empty one unless given); None when no namespace fits."""
    text, best = str(iri), None
    for prefix, namespace in prefixes.items():
        base = str(namespace)
        if (
            base
            and text.startswith(base)
            and local.fullmatch(text[len(base) :])
            and (best is None or len(base) > len(best[1]))
        ):
            best = (prefix, base)
    return None if best is None else f"{best[0]}:{text[len(best[1]) :]}"
