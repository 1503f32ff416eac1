"""The source corpus: texts, their manifest, and finding quotes in them."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from nkelections.curation.check import read_checked
from nkelections.curation.schema import DOCUMENT_KINDS, SLUG, Manifest
from nkelections.curation.yamlio import Node
from nkelections.errors import SourceError

CONTEXT_CHARS = 32  # length of oa:prefix and oa:suffix
MAX_TEXT_BYTES = 64 * 2**20  # a source text; the longest real one has some 20 KB


@dataclass(frozen=True)
class Range:
    start: int
    end: int
    reason: str = ""

    def overlaps(self, start: int, end: int) -> bool:
        return start < self.end and self.start < end


@dataclass
class Document:
    id: str
    file: str
    text: str
    sha256: str
    title: str
    kind: str
    language: str
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_year: str | None = None
    published_basis: str | None = None
    publisher_basis: str | None = None
    series_number: str | None = None
    original: str | None = None
    url: str | None = None
    url_seen_at: str | None = None
    url_matched: str | None = None
    licence: str | None = None
    rights: str | None = None
    licence_basis: str | None = None
    excluded: list[Range] = field(default_factory=list)
    where: str = ""

    def is_excluded(self, start: int, end: int) -> bool:
        return any(r.overlaps(start, end) for r in self.excluded)

    def occurrences(self, needle: str, wanted: int | None = None) -> list[int]:
        """Start offsets of the occurrences of needle that lie wholly in the document proper:
        all of them, or only the first `wanted` (each further search reads the rest of the
        text, which for thousands of quotes in a long text is most of the build's time: so
        none follows the last one wanted, where a quote is most often the only one)."""
        found: list[int] = []
        at = self.text.find(needle)
        while at >= 0 and (wanted is None or len(found) < wanted):
            if not self.is_excluded(at, at + len(needle)):
                found.append(at)
                if len(found) == wanted:
                    break
            at = self.text.find(needle, at + 1)
        return found

    def context(self, start: int, end: int) -> tuple[str, str]:
        return self.text[max(0, start - CONTEXT_CHARS) : start], self.text[
            end : end + CONTEXT_CHARS
        ]

    def closest_passage(self, quote: str) -> str:
        """The passage of the text most like quote, to show a curator what they probably meant."""
        width = max(len(quote), 1)
        step = max(1, width // 4)
        best, best_ratio = "", -1.0
        for at in range(0, max(1, len(self.text) - width + 1), step):
            window = self.text[at : at + width]
            ratio = difflib.SequenceMatcher(None, quote, window, autojunk=False).quick_ratio()
            if ratio > best_ratio:
                best, best_ratio = window, ratio
        return " ".join(best.split())


@dataclass
class Corpus:
    documents: dict[str, Document]
    manifest_path: Path

    def __iter__(self):
        return iter(self.documents.values())


def load_corpus(sources_dir: Path, root: Path | None = None) -> Corpus:
    """Read data/sources/manifest.yaml and every text it names, checking digests and ranges."""
    manifest_path = sources_dir / "manifest.yaml"
    manifest = read_checked(manifest_path, Manifest, root)
    if not isinstance(manifest, Node) or not isinstance(manifest.get("documents"), list):
        raise SourceError("the manifest must have a 'documents' list", where=str(manifest_path))
    documents: dict[str, Document] = {}
    for entry in manifest["documents"]:
        doc = _document(entry, sources_dir)
        if doc.id in documents:
            raise SourceError(
                f"duplicate document id '{doc.id}'",
                where=entry.where,
                hint="each document needs its own id",
            )
        documents[doc.id] = doc
    return Corpus(documents, manifest_path)


def _licence(entry: Node) -> str | None:
    # that it is an http(s) address the manifest's schema has checked (curation_schema.Http)
    licence = entry.get("licence")
    if licence and not entry.get("rights"):
        raise SourceError(
            "a document with a 'licence' needs 'rights'",
            where=entry.where,
            hint="say in one sentence whose text it is and what reuse requires",
        )
    return licence or None


def _folded(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def _document(entry: Node, sources_dir: Path) -> Document:
    for key in ("id", "file", "sha256", "title", "kind", "language"):
        if not entry.get(key):
            raise SourceError(f"the document entry lacks '{key}'", where=entry.where)
    if not SLUG.match(entry["id"]):
        raise SourceError(
            f"document id '{entry['id']}' is not a slug",
            where=entry.where,
            hint="use lower-case letters, digits and single hyphens",
        )
    if entry["kind"] not in DOCUMENT_KINDS:
        raise SourceError(
            f"unknown document kind '{entry['kind']}'",
            where=entry.where,
            hint="one of " + ", ".join(sorted(DOCUMENT_KINDS)),
        )
    raw = _read_text_file(sources_dir / entry["file"], entry)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != entry["sha256"]:
        raise SourceError(
            f"'{entry['file']}' has changed: its SHA-256 is {digest}",
            where=entry.where,
            hint="texts must stay byte for byte as published; restore the file",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"'{entry['file']}' is not UTF-8 (byte {exc.start})",
            where=entry.where,
            hint="the texts are kept as UTF-8",
        ) from None
    doc = Document(
        id=entry["id"],
        file=entry["file"],
        text=text,
        sha256=digest,
        title=entry["title"],
        kind=entry["kind"],
        language=entry["language"],
        publisher=entry.get("publisher"),
        authors=list(entry.get("authors") or []),
        published=entry.get("published"),
        published_year=entry.get("published_year"),
        published_basis=entry.get("published_basis"),
        publisher_basis=entry.get("publisher_basis"),
        series_number=entry.get("series_number"),
        original=entry.get("original"),
        licence=_licence(entry),
        rights=_folded(entry.get("rights")),
        licence_basis=_folded(entry.get("licence_basis")),
        where=entry.where,
        **_address(entry, text),
    )
    doc.excluded = [_excluded_range(r, doc) for r in entry.get("exclude") or []]
    return doc


def _read_text_file(path: Path, entry: Node) -> bytes:
    try:
        if not path.is_file():
            raise SourceError(
                f"the text file '{entry['file']}' is missing or not a file",
                where=entry.where,
                hint=f"put it in {path.parent}",
            )
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise SourceError(
                f"'{entry['file']}' has {size:,} bytes, more than the "
                f"{MAX_TEXT_BYTES:,} allowed for a text",
                where=entry.where,
            )
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(
            f"cannot read the text file '{entry['file']}': {exc.strerror}", where=entry.where
        ) from None


class _Address(TypedDict, total=False):
    url: str
    url_seen_at: str
    url_matched: str


def _address(entry: Node, text: str) -> _Address:
    """The publisher's URL with where it was seen and the sentence found in both; a URL without
    its evidence, or a matched sentence our text lacks, is an error (a URL is never guessed)."""
    url = entry.get("url")
    if url is None:
        return {}
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise SourceError(f"'url' {url!r} is not an http(s) address", where=entry.where)
    for key in ("url_seen_at", "url_matched"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise SourceError(
                f"a document with a 'url' needs '{key}'",
                where=entry.where,
                hint="say which stored page showed the text and quote a sentence found in both",
            )
    if " ".join(entry["url_matched"].split()) not in " ".join(text.split()):
        raise SourceError(
            "'url_matched' is not in the text",
            where=entry.where,
            hint="quote a sentence of the text as it is",
        )
    return {"url": url, "url_seen_at": entry["url_seen_at"], "url_matched": entry["url_matched"]}


def _excluded_range(entry: Node, doc: Document) -> Range:
    try:
        start, end = int(entry["start"]), int(entry["end"])
    except (KeyError, TypeError, ValueError):
        raise SourceError(
            "an excluded range needs whole-number 'start' and 'end'", where=entry.where
        ) from None
    if not 0 <= start < end <= len(doc.text):
        raise SourceError(
            f"excluded range {start}-{end} lies outside the text (0-{len(doc.text)})",
            where=entry.where,
        )
    begins = entry.get("begins") or ""
    if not doc.text.startswith(begins, start):
        raise SourceError(
            f"excluded range {start}-{end} should begin with {begins!r} but begins "
            f"with {doc.text[start : start + len(begins)]!r}",
            where=entry.where,
            hint="fix the offsets to match the text",
        )
    return Range(start, end, entry.get("reason") or "")
