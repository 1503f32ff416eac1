"""argparse types shared by the commands: numbers in a range, files and folders to write.
Each refuses a bad value with one usage line before any work starts."""

from __future__ import annotations

import argparse
from pathlib import Path


def number_in(kind: type, low: float, high: float, what: str):
    """An argparse type: a number of `kind` from low to high, else a one-line usage error."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or value != value or not low <= value <= high:  # NaN fails too
            raise argparse.ArgumentTypeError(f"{text!r} is not {what} ({low:.15g} to {high:.15g})")
        return value

    return parse


SECONDS = number_in(float, 0.1, 86400, "a number of seconds")


def output_file(text: str) -> Path:
    """An argparse type: a file to write, not an existing folder, in a folder (or a place for
    one) that is not a file."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; name a file to write")
    _no_file_above(path.parent, text)
    return path


def output_dir(text: str) -> Path:
    """An argparse type: a folder to write into, not an existing file."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file; name a folder to write into")
    _no_file_above(path.parent, text)
    return path


def _no_file_above(folder: Path, text: str) -> None:
    for above in (folder, *folder.parents):
        if above.exists():
            if not above.is_dir():
                raise argparse.ArgumentTypeError(f"{text} is inside {above}, which is a file")
            return
