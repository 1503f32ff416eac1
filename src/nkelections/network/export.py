"""Network files by format, deterministically and atomically. FORMATS maps a file suffix to a
renderer giving text chunks (see writers: the same text as networkx's writers, streamed);
adding a format is one entry."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import networkx as nx

from nkelections.network import writers

# A file's content: bytes, or text chunks to encode as UTF-8 and write as they come.
Content = bytes | Iterable[str]

FORMATS: dict[str, Callable[[nx.MultiDiGraph], Iterator[str]]] = {
    "graphml": writers.graphml,
    "gexf": writers.gexf,
    "json": writers.node_link_json,
    "dot": writers.dot,
}


def as_bytes(content: Content) -> bytes:
    return content if isinstance(content, bytes) else "".join(content).encode("utf-8")


def write_files(folder: Path,
                files: dict[str, Content] | Iterable[tuple[str, Content]]) -> list[Path]:
    """Stage every file (a dict, or (name, content) pairs written as they come), then move
    each into place with one rename; a failure while staging leaves the folder as it was."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    try:
        names = []
        for name, content in files.items() if isinstance(files, dict) else files:
            _write(staging / name, content)
            names.append(name)
        written = []
        for name in sorted(names):
            os.replace(staging / name, folder / name)
            written.append(folder / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(path: Path, content: Content) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
        return
    with path.open("w", encoding="utf-8", newline="") as stream:  # newline="": as given
        stream.writelines(content)
