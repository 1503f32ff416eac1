"""The built dataset: the one way every command after `build` opens what the build wrote."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset

from nkelections.errors import NkeError
from nkelections.layout import nquads


def built_nquads(dist: Path) -> Path:
    """dist/nkelections.nq, or one line saying to build first."""
    path = nquads(dist)  # every named graph; the other dist/ files are views of it
    if not path.is_file():
        raise NkeError(f"{path} does not exist", hint="run `nkelections build` first")
    return path


def open_dataset(dist: Path) -> Dataset:
    """The built dataset as an rdflib Dataset (its named graphs kept), read from dist/."""
    dataset = Dataset()
    dataset.parse(built_nquads(dist), format="nquads")
    return dataset
