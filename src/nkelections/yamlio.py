"""Read curated YAML keeping line numbers and leaving every scalar a string.

Scalars stay strings because YAML's implicit typing would turn 99.63 into a float and
2023-11-26 into a date before we know what the property expects; the ontology's ranges
decide how a value is parsed, and errors can then name the line.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import ryml
import yaml

from nkelections.errors import CurationError

# libyaml when PyYAML was built with it (about 5 times faster), else the pure-Python loader.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NULLS = ("", "~", "null")  # the plain scalars read as "no value" (not Null or NULL)
NO_NODE = 2**64 - 1  # rapidyaml's "no such node" (size_t -1)
# anchors, aliases and tags: left to PyYAML, which resolves them as the curation expects
FAST_UNSUPPORTED = ryml.KEYANCH | ryml.VALANCH | ryml.KEYREF | ryml.VALREF | ryml.KEYTAG | \
    ryml.VALTAG


class Node(dict):
    """A YAML mapping that remembers where it stands."""

    file: str = ""
    line: int = 0

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


class Seq(list):
    file: str = ""
    line: int = 0


def load_yaml(path: Path, root: Path | None = None, lines: bool = True):
    """Load a YAML file into Node/Seq/str values; a syntax error becomes one CurationError line.

    lines=False reads with rapidyaml, about a hundred times faster than PyYAML's composer but
    without line numbers (every `where` is the file alone). A caller that meets an error must
    read again with lines=True to name the line; a file rapidyaml rejects, or one that uses
    anchors, tags or a key twice, is read by PyYAML at once.
    """
    shown = _display(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CurationError(f"cannot read the file: {exc.strerror}", where=shown) from None
    if not lines:
        fast = _load_fast(text, shown)
        if fast is not None:
            return fast
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CurationError(
            f"invalid YAML: {problem}", where=f"{shown}:{line}",
            hint="check indentation and quote values that contain ': ' or start with a symbol",
        ) from None
    return _convert(node, shown) if node is not None else None


def _convert(node, shown: str):
    if isinstance(node, yaml.MappingNode):
        out = Node()
        out.file, out.line = shown, node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = key_node.value
            if key in out:
                raise CurationError(
                    f"the key '{key}' appears twice in one mapping",
                    where=f"{shown}:{key_node.start_mark.line + 1}",
                    hint="remove or rename one of them",
                )
            out[key] = _convert(value_node, shown)
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = Seq(_convert(item, shown) for item in node.value)
        seq.file, seq.line = shown, node.start_mark.line + 1
        return seq
    if node.tag == "tag:yaml.org,2002:null" and node.value in NULLS:
        return None
    return node.value


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
    except (ryml.ExceptionParse, _NeedsPyYAML):
        return None


def _convert_fast(tree, node: int, shown: str):
    kind = tree.type(node)  # one call for the node's kind bits: this runs per YAML node
    if kind & FAST_UNSUPPORTED:
        raise _NeedsPyYAML
    if kind & ryml.MAP:
        out = Node()
        out.file = shown
        for child in _children(tree, node):
            key = bytes(tree.key(child)).decode("utf-8")
            if key in out:
                raise _NeedsPyYAML  # PyYAML's reader names both lines
            out[key] = _convert_fast(tree, child, shown)
        return out
    if kind & ryml.SEQ:
        seq = Seq(_convert_fast(tree, child, shown) for child in _children(tree, node))
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


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)
