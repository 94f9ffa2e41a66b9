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

kind_dir=$("$repo/ova-build/lib/go-install.sh" "$out/kind-v$kind_version" "sigs.k8s.io/kind@v$kind_version")
echo "$kind_dir/kind"

clusterctl_bin=$(PCG_CLUSTERCTL_VERSION=$capi_version "$repo/scripts/lib/build-clusterctl.sh" "$out/clusterctl-v$capi_version" | tail -1)
echo "$clusterctl_bin/clusterctl"
