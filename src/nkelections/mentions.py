"""Every occurrence of every entity's label or alias in every text, found automatically."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from nkelections.sources import Document

# Texts mix straight and typographic apostrophes ("people's", "people’s"); a label matches both.
APOSTROPHES = "['\u2019]"


@dataclass(frozen=True)
class Mention:
    entity: str
    document: str
    start: int
    end: int
    surface: str


def label_pattern(labels: Iterable[str]) -> re.Pattern:
    """One regex for all spellings of a name, whole words only, longest alternative first."""
    parts = sorted({label for label in labels if label.strip()}, key=len, reverse=True)
    escaped = [re.sub("['\u2019]", lambda _: APOSTROPHES, re.escape(p)) for p in parts]
    return re.compile(r"(?<!\w)(?:" + "|".join(escaped) + r")(?!\w)")


def find_mentions(doc: Document, names: dict[str, list[str]]) -> Iterator[Mention]:
    """Mentions of each entity (id -> its label and aliases) in doc, outside excluded ranges."""
    for entity, labels in sorted(names.items()):
        if not labels:
            continue
        for match in label_pattern(labels).finditer(doc.text):
            if not doc.is_excluded(match.start(), match.end()):
                yield Mention(entity, doc.id, match.start(), match.end(), match.group())
