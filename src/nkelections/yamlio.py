"""Read curated YAML keeping line numbers and leaving every scalar a string.

Scalars stay strings because YAML's implicit typing would turn 99.63 into a float and
2023-11-26 into a date before we know what the property expects; the ontology's ranges
decide how a value is parsed, and errors can then name the line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from nkelections.errors import CurationError

# libyaml when PyYAML was built with it (about 5 times faster), else the pure-Python loader.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def load_yaml(path: Path, root: Path | None = None):
    """Load a YAML file into Node/Seq/str values; a syntax error becomes one CurationError line."""
    shown = _display(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CurationError(f"cannot read the file: {exc.strerror}", where=shown) from None
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
    if node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~", "null"):
        return None
    return node.value


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)
