"""Reading curated files through the curation schema (nkelections.curation.schema), with
pydantic's errors turned into one line: the first problem by line, its file and line found by
following the error's location through the line marks yamlio keeps, and a hint."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from nkelections.curation.schema import (
    EntityFile,
    Manifest,
    StatementFile,
    all_keys,
    describe_value,
)
from nkelections.curation.yamlio import Node, Seq, display_name, load_yaml
from nkelections.errors import CurationError, printable
from nkelections.process.runtime import Forked

# From this many bytes of curated YAML on, a forked copy of this process reads the last
# FORKED_SHARE of them while this one reads the rest and makes the records (curated_files).
FORK_FROM_BYTES = 2 * 2**20
FORKED_SHARE = 0.6


def read_checked(
    path: Path,
    model: type[BaseModel],
    root: Path | None = None,
    lines: bool = True,
    context: dict[str, Any] | None = None,
):
    """load_yaml(path), then the file checked against `model`; the first problem (by line)
    raises CurationError. The context may hold `ontology`, `entities` and `documents` (sets of
    ids) for the checks that need them."""
    doc = load_yaml(path, root, lines)
    check(doc, model, display_name(path, root), context)
    return doc


def check(doc, model: type[BaseModel], shown: str, context: dict[str, Any] | None = None):
    try:
        model.model_validate(doc, context=context)
    except ValidationError as exc:
        raise _one_line(exc, doc, shown) from None


def curated_files(
    data_dir: Path, corpus, ontology, root: Path | None = None, lines: bool = True
) -> Iterator[tuple[str, Path, Node]]:
    """("entities" | "statements", path, document) for each curated file, in the order the
    build reads them, each checked first; once the entities are known, the manifest's
    publishers and authors are checked against them."""
    context = {"ontology": ontology, "documents": set(corpus.documents)}
    entities = [("entities", path, EntityFile) for path in _yaml_files(data_dir, "entities")]
    statements = [
        ("statements", path, StatementFile) for path in _yaml_files(data_dir, "statements")
    ]
    docs = _read_in_order([*entities, *statements], root, lines, context)
    ids: set[str] = set()
    for kind, path, _ in entities:
        doc = next(docs)
        ids.update(entry["id"] for entry in doc["entities"])
        yield kind, path, doc
    read_checked(corpus.manifest_path, Manifest, root, True, {"entities": ids})
    for kind, path, _ in statements:
        yield kind, path, next(docs)


def _yaml_files(data_dir: Path, folder: str) -> list[Path]:
    return sorted((data_dir / folder).glob("*.yaml"))


def _read_in_order(files: list, root: Path | None, lines: bool, context: dict) -> Iterator:
    """Each file read and checked, in order. From FORK_FROM_BYTES on, a forked copy of this
    process reads the last files (FORKED_SHARE of the bytes) while this one reads the first
    and the caller turns them into records; its documents come back pickled, which costs a
    tenth of reading them. An error in its files is raised where it stands in the order."""
    sizes = [_size(path) for _, path, _ in files]
    split = len(files)
    if sum(sizes) >= FORK_FROM_BYTES:
        while split > 1 and sum(sizes[split - 1 :]) <= FORKED_SHARE * sum(sizes):
            split -= 1
    later = Forked(_read_files, files[split:], root, lines, context) if split < len(files) else None
    try:
        for _, path, model in files[:split]:
            yield read_checked(path, model, root, lines, context)
        if later is not None:
            docs, error = later.result()
            yield from docs
            if error is not None:
                raise error
    finally:
        if later is not None:
            later.stop()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reading it names the problem, in its turn
        return 0


def _read_files(files: list, root: Path | None, lines: bool, context: dict) -> tuple[list, Any]:
    """The documents read and checked until the first error, and that error (or None)."""
    docs = []
    try:
        for _, path, model in files:
            docs.append(read_checked(path, model, root, lines, context))
    except CurationError as exc:
        return docs, exc
    return docs, None


def _one_line(exc: ValidationError, doc, shown: str) -> CurationError:
    """The first error by line, as one sentence with where it is and a hint."""
    located = []
    for error in exc.errors(include_url=False):
        context = error.get("ctx") or {}
        below = tuple(k for k in ("key", "index") if k in context)
        line, names = _where(doc, (*error["loc"], *(context[k] for k in below)))
        located.append((line or 10**9, line, names, error))
    _, line, names, error = min(located, key=lambda item: item[0])
    message, hint = _describe_error(error, names)
    return CurationError(printable(message), where=f"{shown}:{line}" if line else shown, hint=hint)


def _where(doc, loc: tuple) -> tuple[int, list]:
    """The line of the deepest part of loc found in doc, and the keys and indexes walked.
    Parts of loc that are no key or index (union tags, validator names) are passed over."""
    node, line, names = doc, getattr(doc, "line", 0), []
    for part in loc:
        if isinstance(node, Node) and isinstance(part, str) and part in node:
            line = (node.key_lines or {}).get(part, line)
        elif isinstance(node, Seq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part] if node.item_lines else line
        elif isinstance(node, Node) and isinstance(part, str) and part not in names:
            names.append(part)  # a missing key: the line stays the mapping's
            continue
        else:
            continue
        node = node[part]
        names.append(part)
    return line, names


EXPECTED = {
    "string_type": "a single text",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list [subject, property, value]",
}


def _describe_error(error: ErrorDetails, names: list) -> tuple[str, str | None]:
    kind, context = error["type"], error.get("ctx") or {}
    keys = [n for n in names if isinstance(n, str)]
    field = keys[-1] if keys else "the file"
    named = f"'{field}'" if keys else field
    if keys:  # the items and parts below the last key: 'facts', item 2, part 3
        below = names[len(names) - names[::-1].index(field) :]
        named += "".join(f", {'item' if i == 0 else 'part'} {n + 1}" for i, n in enumerate(below))
    if kind == "missing" and isinstance(error["loc"][-1], int):
        return f"{named} has too few items (item {error['loc'][-1] + 1} is missing)", None
    if kind == "missing":
        return f"'{field}' is missing", f"add '{field}:'"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(field, sorted(ALL_KEYS), n=3, cutoff=0.6)
        return (
            f"unknown key '{field}'",
            ("did you mean " + ", ".join(close) + "?")
            if close
            else "see data/README.md for the keys of each file",
        )
    if kind in EXPECTED:
        return f"{named} must be {EXPECTED[kind]}, not {describe_value(error.get('input'))}", None
    if kind == "literal_error":
        shown = "" if error.get("input") == field else f" is {error.get('input')!r}"
        return f"{named}{shown}: not {context.get('expected')}", None
    if kind in ("too_short", "too_long", "string_too_long"):
        return f"{named}: {error['msg'][0].lower()}{error['msg'][1:]}", None
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return f"{named} is {describe_value(error.get('input'))}: {error['msg']}", None
    return f"{named}: {error['msg']}", context.get("hint")


ALL_KEYS = all_keys()
