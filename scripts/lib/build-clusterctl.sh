#!/usr/bin/env bash
# Builds the real clusterctl of Cluster API v1.13.5 (the release our CRDs come from) with `go install` from the Go
# module proxy; tests run `clusterctl move` with it between two real kube-apiservers.
# Usage: build-clusterctl.sh [OUT_DIR]   (default: ~/.cache/pcg/clusterctl-<version>)
# Prints the bin folder (clusterctl) on its last line. Idempotent: returns at once when the binary exists.
# A first build takes about a minute on 2 cores; Go's build cache makes a rebuild quick.
set -euo pipefail
CLUSTERCTL_VERSION=${PCG_CLUSTERCTL_VERSION:-1.13.5}
OUT=${1:-${CLUSTERCTL_HOME:-$HOME/.cache/pcg/clusterctl-v$CLUSTERCTL_VERSION}}
BIN="$OUT/bin"
if [[ -x "$BIN/clusterctl" ]]; then echo "$BIN"; exit 0; fi

GO=${PCG_GO:-/usr/local/go/bin/go}
[[ -x $GO ]] || GO=$(command -v go) || { echo "build-clusterctl: no Go toolchain (expected /usr/local/go/bin/go)" >&2; exit 1; }
mkdir -p "$BIN"
# go install writes into GOBIN directly; build into a scratch folder so a half-written binary never looks done.
TMP_BIN="$OUT/bin.tmp"
rm -rf "$TMP_BIN" && mkdir -p "$TMP_BIN"
GOBIN="$TMP_BIN" CGO_ENABLED=0 GOTOOLCHAIN=local \
  "$GO" install -trimpath -ldflags "-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=v$CLUSTERCTL_VERSION \
    -X sigs.k8s.io/cluster-api/version.gitMajor=${CLUSTERCTL_VERSION%%.*} -X sigs.k8s.io/cluster-api/version.gitMinor=$(cut -d. -f2 <<<"$CLUSTERCTL_VERSION")" \
    "sigs.k8s.io/cluster-api/cmd/clusterctl@v$CLUSTERCTL_VERSION" >&2
mv "$TMP_BIN/clusterctl" "$BIN/clusterctl"
rm -rf "$TMP_BIN"
echo "$BIN"
