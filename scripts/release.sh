#!/bin/sh
# Build a release of HEAD from a clean clone: release/nkelections-VERSION.tar.gz holding the
# redacted dist/ (docs/decisions/0005), LICENSE, README, CHANGELOG and SHA256SUMS, and
# release/nkelections-VERSION.tar.gz.sha256. Run by `make release`; PYTHON is the venv's python.
# Commits only: uncommitted changes are not in the clone, and the script says so.
set -eu
PYTHON=${PYTHON:-.venv/bin/python}
PYTHON=$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON")
version=$("$PYTHON" -c 'import nkelections; print(nkelections.__version__)')
name="nkelections-$version"
out="$(pwd)/release"
work="$out/work"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "release: uncommitted changes are left out (the release is built from HEAD, $(git rev-parse --short HEAD))" >&2
fi
rm -rf "$work" && mkdir -p "$work"
git clone --quiet --no-hardlinks . "$work/clone"
clone="$work/clone"
grep -q "^## $version — [0-9]" "$clone/CHANGELOG.md" || {
  echo "release: CHANGELOG.md has no dated entry '## $version — YYYY-MM-DD'; add it and commit" >&2
  exit 2
}
date=$(sed -n "s/^## $version — \([0-9-]*\).*/\1/p" "$clone/CHANGELOG.md" | head -n 1)
nke() { (cd "$clone" && NKELECTIONS_ROOT="$clone" PYTHONPATH="$clone/src" "$PYTHON" -m nkelections "$@"); }
# The full build is validated (the shapes need the texts); the release is the redacted build.
nke build -q --dist "$work/full"
# JSON (no timings) and the file named as in the archive, so the same commit gives the same bytes.
nke validate --format json "$work/full/nkelections.trig" > "$work/report.json" || {
  echo "release: the build has violations (nkelections validate); nothing released" >&2
  exit 1
}
sed "s|$work/full/|dist/ (before --redact-texts) |" "$work/report.json" > "$work/validation.json"
nke build -q --redact-texts --dist "$work/$name/dist"
cp "$clone/LICENSE" "$clone/README.md" "$clone/CHANGELOG.md" "$work/$name/"
cp "$work/validation.json" "$work/$name/validation.json"
(cd "$work/$name" && find . -type f ! -name SHA256SUMS | LC_ALL=C sort | sed 's|^\./||' \
  | xargs sha256sum > SHA256SUMS)
mkdir -p "$out"
# Same bytes from the same commit: sorted names, fixed owner and time, gzip without a name.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$date 00:00:00Z" \
  -C "$work" -cf - "$name" | gzip -9n > "$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
rm -rf "$work"
echo "release/$name.tar.gz ($(git rev-parse --short HEAD)): $(cut -d' ' -f1 "$out/$name.tar.gz.sha256")"
