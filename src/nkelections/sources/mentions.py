"""Every occurrence of every entity's label or alias in every text, found automatically."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from nkelections.sources.corpus import Document

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

    def find(
        self, doc: Document, exclusions: dict[str, list[str]] | None = None
    ) -> Iterator[Mention]:
        """Mentions in doc outside its excluded ranges, by entity, then offset.

        A name inside a longer name of another entity is not a mention ("constituency
        committees" in "sub-constituency committees", "Canada" in "Asia Pacific Foundation of
        Canada"), and exclusions (entity -> verbatim passages) drop the curated cases where the
        same word means something else ("Pyongyang" for the government)."""
        text = doc.text.replace("\u2019", "'")  # one code point for another
        spans = self._spans(text)
        kept = _outside_longer_names(spans)
        for entity, contexts in (exclusions or {}).items():
            blocked = _passages(text, contexts)
            kept[entity] = [s for s in kept.get(entity, ()) if not _inside(s, blocked)]
        for entity in sorted(kept):
            for start, end in kept[entity]:
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


def find_mentions(
    doc: Document, names: dict[str, list[str]], exclusions: dict[str, list[str]] | None = None
) -> Iterator[Mention]:
    """Mentions of each entity (id -> its label and aliases) in one document."""
    return Gazetteer(names).find(doc, exclusions)


def _longest_per_entity(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Like finditer: the longest name at each start, no overlaps, in order."""
    kept, last = [], -1
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= last:
            last = end
            kept.append((start, end))
    return kept


def _outside_longer_names(
    spans: dict[str, list[tuple[int, int]]],
) -> dict[str, list[tuple[int, int]]]:
    """Each entity's spans without those that lie inside a longer span of another entity.

    One sweep by start: the two spans reaching furthest so far, of two different entities,
    are enough to decide whether a span lies inside another entity's longer one."""
    per_entity = {entity: _longest_per_entity(found) for entity, found in spans.items()}
    every = sorted(
        (start, -end, entity) for entity, found in per_entity.items() for start, end in found
    )
    inside: set[tuple[str, int, int]] = set()
    reach: list[tuple[int, int, str]] = []  # (end, start, entity), at most two entities
    for start, neg_end, entity in every:
        end = -neg_end
        for r_end, r_start, r_entity in reach:
            if r_entity != entity and r_end >= end and (r_start < start or r_end > end):
                inside.add((entity, start, end))
                break
        reach = _furthest_two([*reach, (end, start, entity)])
    return {
        entity: [(s, e) for s, e in found if (entity, s, e) not in inside]
        for entity, found in per_entity.items()
    }


def _furthest_two(reach: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    # Furthest end first; on a tie the earlier start, which contains more.
    best: list[tuple[int, int, str]] = []
    for item in sorted(reach, key=lambda r: (-r[0], r[1])):
        if all(item[2] != b[2] for b in best):
            best.append(item)
        if len(best) == 2:
            break
    return best


def _passages(text: str, contexts: list[str]) -> list[tuple[int, int]]:
    found = []
    for context in contexts:
        needle = context.replace("\u2019", "'")
        start = text.find(needle)
        while start != -1:
            found.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
    return found


def _inside(span: tuple[int, int], passages: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in passages)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
