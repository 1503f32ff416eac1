"""Elements of a large XML document written a run at a time (graphml.py, gexf.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from xml.etree.ElementTree import Element, tostring

_RUN = "run"


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
