"""Read curated YAML keeping line numbers and leaving every scalar a string.

Scalars stay strings because YAML's implicit typing would turn 99.63 into a float and
2023-11-26 into a date before we know what the property expects; the ontology's ranges
decide how a value is parsed, and errors can then name the line.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import ryml
import yaml

from nkelections.errors import CurationError, printable

# libyaml when PyYAML was built with it (about 5 times faster), else the pure-Python loader.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NULLS = ("", "~", "null")  # the plain scalars read as "no value" (not Null or NULL)
NULL_TAG = "tag:yaml.org,2002:null"
NO_NODE = 2**64 - 1  # rapidyaml's "no such node" (size_t -1)
# Limits for hostile files. The curated data nests about 6 levels deep, and a file of the
# benchmark at 3 times the real election has 10 MB and some 300,000 values.
MAX_BYTES = 24 * 2**20
MAX_NODES = 1_000_000  # values of one file, counted with every alias expanded
MAX_DEPTH = 50
# What starts a YAML value or separates values: counted before parsing, an upper bound of the
# values (about one per 32 bytes in real files, one per 2 bytes in a file of "[[[[").
NODE_MARKS = ("[", "{", ",", "- ", ": ", ":\n")
# anchors, aliases and tags: left to PyYAML, which resolves them as the curation expects
FAST_UNSUPPORTED = (
    ryml.KEYANCH | ryml.VALANCH | ryml.KEYREF | ryml.VALREF | ryml.KEYTAG | ryml.VALTAG
)


class Node(dict):
    """A YAML mapping that remembers where it stands, and where each of its keys does."""

    file: str = ""
    line: int = 0
    key_lines: dict[str, int] | None = None  # key -> line; None when read without lines

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


class Seq(list):
    """A YAML sequence that remembers where it stands, and where each of its items does."""

    file: str = ""
    line: int = 0
    item_lines: list[int] | None = None  # the line of each item; None when read without lines

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def load_yaml(path: Path, root: Path | None = None, lines: bool = True):
    """Load a YAML file into Node/Seq/str values; any problem becomes one CurationError line.

    lines=False reads with rapidyaml, about a hundred times faster than PyYAML's composer but
    without line numbers (every `where` is the file alone). A caller that meets an error must
    read again with lines=True to name the line; a file rapidyaml rejects, or one that uses
    anchors, tags or a key twice, is read by PyYAML at once. Size, node count, nesting depth
    and alias expansion are limited before anything is expanded (see the constants above).
    """
    shown = display_name(path, root)
    text = _decode(_read_bytes(path, shown), shown)
    _check_node_estimate(text, shown)
    if not lines:
        fast = _load_fast(text, shown)
        if fast is not None:
            return fast
    try:
        return _Builder(shown).build(yaml.parse(text, Loader=LOADER))
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text, shown) from None


def _read_bytes(path: Path, shown: str) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise CurationError(
                "not a regular file", where=shown, hint="curated YAML must be an ordinary file"
            )
        if info.st_size > MAX_BYTES:
            raise CurationError(
                f"the file has {info.st_size:,} bytes, more than the {MAX_BYTES:,} allowed",
                where=shown,
                hint="split it into several files",
            )
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CurationError(f"cannot read the file: {exc.strerror or exc}", where=shown) from None


def _decode(raw: bytes, shown: str) -> str:
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if raw.startswith(bom):
            raise CurationError(
                f"the file is {name}, not UTF-8", where=shown, hint="save it as UTF-8"
            )
    try:
        return raw.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CurationError(
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)",
            where=f"{shown}:{line}",
            hint="save it as UTF-8; binary files do not belong in data/",
        ) from None


def _check_node_estimate(text: str, shown: str) -> None:
    """Refuse, before parsing, a file that would make millions of nodes: parsers spend
    hundreds of bytes on each, so a few megabytes of "[[[[" would take gigabytes."""
    estimate = sum(text.count(mark) for mark in NODE_MARKS)
    if estimate > MAX_NODES:
        raise CurationError(
            f"the file would hold about {estimate:,} YAML values, more than "
            f"the {MAX_NODES:,} allowed",
            where=shown,
            hint="split it into several files",
        )


def _syntax_error(exc: yaml.YAMLError, text: str, shown: str) -> CurationError:
    mark = getattr(exc, "problem_mark", None)
    hint = "check indentation and quote values that contain ': ' or start with a symbol"
    if mark is not None:
        line = mark.line + 1
    elif isinstance(position := getattr(exc, "position", None), int):  # a bad character
        line = text[:position].count("\n") + 1
        hint = "remove the control character; binary data does not belong in data/"
    else:
        line = 0
    problem = (
        getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc).splitlines()[0]
    )
    return CurationError(
        f"invalid YAML: {problem}", where=f"{shown}:{line}" if line else shown, hint=hint
    )


class _Builder:
    """Makes Node/Seq/str values from PyYAML's event stream, without recursion.

    An alias is the anchored value itself, shared, never a copy; what a reader of the result
    would walk (the value with every alias expanded) is counted as it is built, so a "billion
    laughs" file stops here after reading each of its few lines once.
    """

    def __init__(self, shown: str):
        self.shown = shown
        self.anchors: dict[str, tuple[object, int]] = {}  # anchor -> (value, expanded size)
        self.stack: list[list] = []  # [container, expanded size, pending key, anchor]
        self.documents = 0
        self.root = None

    def build(self, events):
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.fail(
                        "a file holds one YAML document; this is a second one",
                        _line(event),
                        "remove the '---' line",
                    )
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                self.open(event)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                container, size, _, anchor = self.stack.pop()
                self.add(container, size, anchor, container.line)
            elif isinstance(event, yaml.ScalarEvent):
                self.add(self.scalar(event), 1, event.anchor, _line(event))
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor is None or event.anchor not in self.anchors:
                    self.fail(
                        f"the alias '*{event.anchor}' names no anchor made before it",
                        _line(event),
                        "an alias may only repeat a value anchored earlier, outside itself",
                    )
                value, size = self.anchors[event.anchor]
                self.add(value, size, None, _line(event))
        return self.root

    def open(self, event) -> None:
        if len(self.stack) >= MAX_DEPTH:
            self.fail(
                f"values nest deeper than {MAX_DEPTH} levels",
                _line(event),
                "curated files need only a few levels",
            )
        line = _line(event)
        container: Node | Seq
        if isinstance(event, yaml.MappingStartEvent):
            container = Node()
            container.key_lines = {}
        else:
            container = Seq()
            container.item_lines = []
        container.file, container.line = self.shown, line
        self.stack.append([container, 1, _NO_KEY, event.anchor])

    @staticmethod
    def scalar(event) -> str | None:
        plain = event.tag is None and not event.style
        if (plain or event.tag == NULL_TAG) and event.value in NULLS:
            return None
        return event.value

    def add(self, value, size: int, anchor: str | None, line: int) -> None:
        """Put a finished value (written at line) into the open container, or make it the
        root."""
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        frame[1] += size
        if frame[1] > MAX_NODES:
            self.fail(
                f"aliases expand this value to more than {MAX_NODES:,} values",
                line,
                "repeat values by writing them, not by aliases of aliases",
            )
        parent = frame[0]
        if isinstance(parent, Seq):
            parent.append(value)
            assert parent.item_lines is not None  # open() gave every Seq it builds a list
            parent.item_lines.append(line)
        elif frame[2] is _NO_KEY:
            if not isinstance(value, str):
                self.fail("a key must be a plain text", line, "write 'key: value'")
            if value in parent:
                self.fail(
                    f"the key '{printable(value)}' appears twice in one mapping",
                    line,
                    "remove or rename one of them",
                )
            frame[2] = value
            parent.key_lines[value] = line
        else:
            parent[frame[2]] = value
            frame[2] = _NO_KEY

    def fail(self, message: str, line: int, hint: str) -> NoReturn:
        raise CurationError(message, where=f"{self.shown}:{line}", hint=hint)


def _line(event) -> int:
    return event.start_mark.line + 1


_NO_KEY = object()  # a mapping frame waiting for its next key


@contextmanager
def _stderr_silenced():
    """Send file descriptor 2 to /dev/null for a moment (a C library writing there directly)."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class _NeedsPyYAML(Exception):
    """A feature the fast reader leaves to PyYAML, which reads it exactly or names the error."""


def _load_fast(text: str, shown: str):
    try:
        with _stderr_silenced():  # rapidyaml prints its parse errors; PyYAML reports them
            tree = ryml.parse_in_arena(text.encode("utf-8"))
        root = tree.root_id()
        if tree.is_stream(root) or not (tree.is_map(root) or tree.is_seq(root)):
            return None
        return _convert_fast(tree, root, shown)
    except (ryml.ExceptionParse, _NeedsPyYAML, UnicodeDecodeError):
        # UnicodeDecodeError: an escape such as "\ud800" that is no character; PyYAML names it
        return None


def _convert_fast(tree, node: int, shown: str, depth: int = 0):
    kind = tree.type(node)  # one call for the node's kind bits: this runs per YAML node
    if kind & FAST_UNSUPPORTED or depth >= MAX_DEPTH:
        raise _NeedsPyYAML
    if kind & ryml.MAP:
        out = Node()
        out.file = shown
        for child in _children(tree, node):
            key = bytes(tree.key(child)).decode("utf-8")
            if key in out:
                raise _NeedsPyYAML  # PyYAML's reader names both lines
            out[key] = _convert_fast(tree, child, shown, depth + 1)
        return out
    if kind & ryml.SEQ:
        seq = Seq(_convert_fast(tree, child, shown, depth + 1) for child in _children(tree, node))
        seq.file = shown
        return seq
    raw = tree.val(node)
    text = bytes(raw).decode("utf-8") if raw is not None else ""
    if not kind & ryml.VALQUO and text in NULLS:
        return None
    return text


def _children(tree, node: int):
    child = tree.first_child(node)
    while child != NO_NODE:
        yield child
        child = tree.next_sibling(child)


def display_name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:  # outside the project
            pass
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
            return os.path.relpath(path, root)
    return str(path)
