#!/usr/bin/env bash
# The pinned CAPI tools the appliance ships, built from their Go modules (the module proxy and Go's checksum database
# vouch for the source) with -trimpath, so that the same toolchain gives the same bytes; build.sh then checks each
# binary against the sha256 pinned in packer/pcg-installer.pkrvars.hcl, and provision.sh checks it again in the image.
# Usage: go-tools.sh OUT_DIR KIND_VERSION CAPI_VERSION   Prints OUT_DIR/kind and OUT_DIR/clusterctl, one a line.
set -euo pipefail
out=${1:?OUT_DIR}
kind_version=${2:?KIND_VERSION}
capi_version=${3:?CAPI_VERSION}
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"

GO=${PCG_GO:-/usr/local/go/bin/go}
[[ -x $GO ]] || GO=$(command -v go) || { echo "go-tools: no Go toolchain (expected /usr/local/go/bin/go)" >&2; exit 1; }

if [[ ! -x $out/kind-v$kind_version/kind ]]; then
  rm -rf "$out/kind.tmp" && mkdir -p "$out/kind.tmp"
  GOBIN="$out/kind.tmp" CGO_ENABLED=0 GOTOOLCHAIN=local \
    "$GO" install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@v$kind_version" >&2
  mkdir -p "$out/kind-v$kind_version"
  mv "$out/kind.tmp/kind" "$out/kind-v$kind_version/kind"
  rm -rf "$out/kind.tmp"
fi
echo "$out/kind-v$kind_version/kind"

clusterctl_bin=$(PCG_CLUSTERCTL_VERSION=$capi_version "$repo/scripts/lib/build-clusterctl.sh" "$out/clusterctl-v$capi_version" | tail -1)
echo "$clusterctl_bin/clusterctl"
