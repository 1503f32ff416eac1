"""Every occurrence of every entity's label or alias in every text, found automatically."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from nkelections.sources import Document

# Texts mix straight and typographic apostrophes ("people's", "people’s"); a label matches both.
APOSTROPHES = "['\u2019]"
WORD = re.compile(r"\w+")


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


class Gazetteer:
    """Every spelling of every entity, indexed by its first word for a one-pass scan.

    Made once for all documents: each word start of a text is checked against the labels that
    begin with that word, so the cost grows with the texts plus the labels, not their product.
    """

    def __init__(self, names: dict[str, list[str]]):
        # first word -> label length -> label -> entities: a word start costs one dictionary
        # lookup per distinct label length, however many names share that first word
        self.by_first_word: dict[str, dict[int, dict[str, list[str]]]] = {}
        self.other: dict[str, list[str]] = {}  # labels that do not begin with a word character
        for entity, labels in names.items():
            for label in {label.replace("\u2019", "'") for label in labels if label.strip()}:
                first = WORD.match(label)
                if first:
                    by_length = self.by_first_word.setdefault(first.group(), {})
                    by_length.setdefault(len(label), {}).setdefault(label, []).append(entity)
                else:
                    self.other.setdefault(entity, []).append(label)
        self.patterns = {entity: label_pattern(labels) for entity, labels in self.other.items()}

    def find(self, doc: Document) -> Iterator[Mention]:
        """Mentions in doc outside its excluded ranges, by entity, then offset."""
        spans = self._spans(doc.text.replace("\u2019", "'"))  # one code point for another
        for entity in sorted(spans):
            last = -1
            for start, end in sorted(spans[entity], key=lambda s: (s[0], -s[1])):
                if start >= last:  # like finditer: longest at each start, no overlaps
                    last = end
                    if not doc.is_excluded(start, end):
                        yield Mention(entity, doc.id, start, end, doc.text[start:end])

    def _spans(self, text: str) -> dict[str, list[tuple[int, int]]]:
        spans: dict[str, list[tuple[int, int]]] = {}
        for word in WORD.finditer(text):
            start = word.start()
            if start and _is_word(text[start - 1]):
                continue
            for length, labels in self.by_first_word.get(word.group(), {}).items():
                end = start + length
                entities = labels.get(text[start:end])
                if entities and not (end < len(text) and _is_word(text[end])):
                    for entity in entities:
                        spans.setdefault(entity, []).append((start, end))
        for entity, pattern in self.patterns.items():
            spans.setdefault(entity, []).extend(m.span() for m in pattern.finditer(text))
        return spans


def find_mentions(doc: Document, names: dict[str, list[str]]) -> Iterator[Mention]:
    """Mentions of each entity (id -> its label and aliases) in one document."""
    return Gazetteer(names).find(doc)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
