#!/usr/bin/env bash
# Builds Go commands from their modules (the module proxy and Go's checksum database vouch for the source) with
# -trimpath, so that the same toolchain gives the same bytes. Idempotent: returns at once when OUT_DIR exists.
# Usage: go-install.sh OUT_DIR PACKAGE@VERSION...   Prints OUT_DIR.
set -euo pipefail
out=${1:?OUT_DIR}
shift
if [[ -d $out ]]; then
  echo "$out"
  exit 0
fi
GO=${PCG_GO:-/usr/local/go/bin/go}
[[ -x $GO ]] || GO=$(command -v go) || { echo "go-install: no Go toolchain (expected /usr/local/go/bin/go)" >&2; exit 1; }
# go install writes into GOBIN directly: build into a scratch folder so that a half-built set never looks done.
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
for package in "$@"; do
  GOBIN="$out.tmp" CGO_ENABLED=0 GOTOOLCHAIN=local "$GO" install -trimpath -ldflags "-s -w" "$package" >&2
done
mv "$out.tmp" "$out"
echo "$out"
