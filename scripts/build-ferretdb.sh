#!/usr/bin/env bash
# Builds the FerretDB binary used as the embedded MongoDB-compatible server
# (dev `npm start` without MONGODB_URI, and the test suite).
# `go install ...@v1.24.2` cannot be used: the module proxy here refuses the
# version list (403), while downloading one exact version works.
set -euo pipefail

VERSION=v1.24.2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${GITHUB_CONNECT_CACHE:-$ROOT/.cache}"
BIN="$CACHE/bin/ferretdb"
SRC="$CACHE/ferretdb-src"

# Read the whole --version output first: `| grep -q` closes the pipe early, the binary dies of
# SIGPIPE and pipefail turns a match into a failure.
has_version() { local out; out="$("$1" --version 2>/dev/null)" || return 1; grep -q "version: $VERSION\$" <<<"$out"; }

if [[ -x "$BIN" ]] && has_version "$BIN"; then
  echo "ferretdb $VERSION already built at $BIN"
  exit 0
fi

command -v go >/dev/null || { echo "build-ferretdb: 'go' is not on PATH" >&2; exit 1; }

# To stderr: shown when run by hand, and not repeated when npm start logs the build's stdout after.
echo "build-ferretdb: building FerretDB $VERSION once: downloading its Go modules (about 640 MB on a cold Go module cache) and compiling, a few minutes" >&2

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# `go mod download` only works inside a module, so give it a throwaway one.
printf 'module x\ngo 1.24\n' > "$tmp/go.mod"
dir="$(cd "$tmp" && go mod download -json "github.com/FerretDB/FerretDB@$VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[[ -n "$dir" && -d "$dir" ]] || { echo "build-ferretdb: go mod download gave no source dir" >&2; exit 1; }

# The module cache is read-only, and version.txt must be written into the tree.
rm -rf "$SRC"
mkdir -p "$CACHE/bin"
cp -r "$dir" "$SRC"
chmod -R u+w "$SRC"
# Without it the binary panics at start-up (it expects a version stamped by their Taskfile).
echo "$VERSION" > "$SRC/build/version/version.txt"
# -buildvcs=false: the copy lives inside this repo's git checkout, whose status
# (or ownership, when CI runs as root) must not affect the build.
(cd "$SRC" && go build -buildvcs=false -o "$BIN.tmp" ./cmd/ferretdb)
mv "$BIN.tmp" "$BIN"
has_version "$BIN" || { echo "build-ferretdb: built binary has the wrong version" >&2; exit 1; }
echo "built ferretdb $VERSION at $BIN"
