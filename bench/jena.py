"""Run Apache Jena's command-line tools from Debian's libapache-jena-java.

`java -cp '/usr/share/java/*'` does not work with that package: several SLF4J bindings clash,
and Jena's relocated Xerces cannot find its message bundles. What works (see
shared/BENCHMARK-FACTS.md): the jars of the package's dependency closure, one SLF4J binding,
and a small jar that puts Xerces' .properties where the relocated code looks for them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path

PACKAGE = "libapache-jena-java"
JAVA_DIR = "/usr/share/java/"
DROP = {
    "log4j-over-slf4j.jar",
    "slf4j-jcl.jar",
    "slf4j-jdk14.jar",
    "slf4j-log4j12.jar",
    "slf4j-nop.jar",
    "slf4j-migrator.jar",
}  # keep slf4j-simple as the one binding
MAIN = {
    "riot": "riotcmd.riot",
    "sparql": "arq.sparql",
    "shacl": "shacl.shacl",
    "tdbloader": "tdb2.tdbloader",
    "tdbquery": "tdb2.tdbquery",
}
MESSAGES = "org/apache/jena/ext/xerces/"


def available() -> bool:
    return shutil.which("java") is not None and Path(JAVA_DIR, "jena-core.jar").exists()


def _closure(package: str) -> set[str]:
    seen, todo = set(), [package]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Depends}", name], capture_output=True, text=True
        )
        for alternative in out.stdout.split(","):
            dep = alternative.split("|")[0].strip().split(" ")[0].split(":")[0]
            if dep:
                todo.append(dep)
    return seen


def _messages_jar(cache: Path) -> Path:
    jar = cache / "jena-xerces-messages-v2.jar"
    if not jar.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = jar.with_suffix(".tmp")
        with (
            zipfile.ZipFile(Path(JAVA_DIR, "jena-core.jar")) as src,
            zipfile.ZipFile(tmp, "w") as out,
        ):
            for name in src.namelist():
                if name.startswith(MESSAGES) and name.endswith(".properties"):
                    out.writestr("xerces/" + name[len(MESSAGES) :], src.read(name))
        tmp.replace(jar)
    return jar


@lru_cache(maxsize=1)
def classpath(cache: Path = Path(".cache/jena")) -> str:
    jars = []
    for package in sorted(_closure(PACKAGE)):
        listing = subprocess.run(["dpkg-query", "-L", package], capture_output=True, text=True)
        for path in listing.stdout.split():
            name = Path(path).name
            if (
                path.startswith(JAVA_DIR)
                and name.endswith(".jar")
                and name not in DROP
                and not re.search(r"-\d[\d.]*\.jar$", name)
            ):
                jars.append(path)
    return ":".join([*sorted(set(jars)), str(_messages_jar(cache.resolve()))])


def command(tool: str, *args: str, heap: str = "2g") -> list[str]:
    """The argv that runs a Jena tool (riot, sparql, shacl, tdbloader, tdbquery)."""
    return ["java", f"-Xmx{heap}", "-cp", classpath(), MAIN[tool], *args]
