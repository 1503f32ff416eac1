"""Where things are: the project checkout (ontology/, data/, queries/) that commands work on."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout holding ontology/ and data/: $NKELECTIONS_ROOT, the working directory, or
    the tree this package was installed from (editable installs)."""
    env = os.environ.get("NKELECTIONS_ROOT")
    if env:
        return Path(env)
    cwd = Path.cwd()
    if (cwd / "ontology" / "nkelections.ttl").exists():
        return cwd
    return Path(__file__).resolve().parents[2]
