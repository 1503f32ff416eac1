"""Elements of a large XML document written a run at a time (graphml.py, gexf.py): the
document is made once with a placeholder element where the runs go, and split there."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import BinaryIO
from xml.etree.ElementTree import Element, tostring

ENCODING = "utf-8"
RUN_SIZE = 2_000  # elements made and joined before one write
_RUN = "run"
_HOLE = "nkelections-stream-here"


def hole() -> Element:
    """The placeholder for where the streamed elements go in the document's skeleton."""
    return Element(_HOLE)


def split_at_holes(document: bytes) -> list[bytes]:
    """The skeleton's bytes around each placeholder (a part after one starts with the
    whitespace that follows the last element put there)."""
    return document.split(f"<{_HOLE} />".encode())


def write_runs(
    runs: Iterable[list[Element]], stream: BinaryIO, level: int, indent: Callable[..., None]
) -> None:
    """Each run of elements written as it stands in the pretty-printed whole document, with
    the whitespace between two runs as between two elements."""
    separator = ""
    for run in runs:
        if run:
            stream.write(
                (separator + element_run(run, level, indent)).encode(ENCODING, "xmlcharrefreplace")
            )
            separator = "\n" + "  " * level


def element_run(elements: Iterable[Element], level: int, indent: Callable[..., None]) -> str:
    """The elements as they stand one after another in the pretty-printed whole document:
    each indented at `level` (by the writer's own `indent`), the whitespace between them,
    none after the last (what follows writes it). One tostring for the run, under a bare
    parent whose tags are cut off: one call per element cost a third of the writing."""
    parent = Element(_RUN)
    separator = "\n" + "  " * level
    for element in elements:
        indent(element, level)
        element.tail = separator
        parent.append(element)
    if not len(parent):
        return ""
    parent[-1].tail = None
    return tostring(parent, encoding="unicode")[len(f"<{_RUN}>") : -len(f"</{_RUN}>")]
