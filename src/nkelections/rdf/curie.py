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


class Shortener:
    """curie() for one fixed set of prefixes, made ready once (the build shortens about a
    million IRIs): one regular expression finds the longest namespace the IRI starts with."""

    def __init__(self, prefixes: Mapping[str, object], local: re.Pattern = ANY_LOCAL):
        named = [(prefix, str(namespace)) for prefix, namespace in prefixes.items()]
        # sorted() is stable: of two equal namespaces the first named wins, as in curie()
        self.table = sorted(((p, base) for p, base in named if base), key=lambda n: -len(n[1]))
        self.prefix: dict[str, str] = {}
        for prefix, base in self.table:
            self.prefix.setdefault(base, prefix)
        # Alternatives are tried in order, so the longest namespace that fits is matched.
        self.longest = re.compile("|".join(re.escape(base) for _, base in self.table))
        self.prefixes = prefixes
        self.local = local

    def __call__(self, iri: str) -> str | None:
        text = str(iri)
        found = self.longest.match(text) if self.table else None
        if found is None:
            return None
        if self.local.fullmatch(text, found.end()):
            return f"{self.prefix[found.group()]}:{text[found.end() :]}"
        return curie(text, self.prefixes, self.local)  # a shorter namespace may fit
