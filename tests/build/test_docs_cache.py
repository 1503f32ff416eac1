"""pyLODE's first use on a fresh install: it pickles its background ontologies into its own
package folder, in place. Processes that start meanwhile must not read the half-written file
(it failed the tests' workers with "Ran out of input" on a fresh clone)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from nkelections.build.docs import _import_pylode

ROOT = Path(__file__).resolve().parents[2]
# each process documents the ontology with pyLODE's background ontologies in a fresh folder
# (a copy without the pickle), as on a fresh install
SCRIPT = """
import sys
from pathlib import Path
from nkelections.build.docs import _import_pylode, ontology_html
_import_pylode()  # pyLODE needs the version shim before any of its modules loads
from pylode import utils
utils.RDF_FOLDER = Path(sys.argv[1])
assert "<html" in ontology_html(Path(sys.argv[2]))
"""


def test_processes_starting_while_pylode_makes_its_cache_all_document_the_ontology(
    tmp_path: Path,
):
    _import_pylode()
    from pylode import utils

    folder = tmp_path / "rdf"
    shutil.copytree(utils.RDF_FOLDER, folder, ignore=shutil.ignore_patterns("refs.pickle"))
    ontology = ROOT / "ontology" / "nkelections.ttl"
    started = []
    for _ in range(6):  # staggered, so that some start while another writes the pickle
        started.append(
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT, str(folder), str(ontology)],
                stderr=subprocess.PIPE,
            )
        )
        time.sleep(0.3)
    failures = [p.communicate(timeout=120)[1].decode()[-300:] for p in started]
    assert [p.returncode for p in started] == [0] * 6, failures
    assert (folder / "refs.pickle").is_file()
