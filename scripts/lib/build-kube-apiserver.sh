#!/usr/bin/env bash
# Builds a current kube-apiserver and etcd from Go modules (the Go module proxy), the pair upstream Cluster API
# tests against (envtest). Usage: build-kube-apiserver.sh [OUT_DIR]   (default: ~/.cache/pcg/kube-apiserver-<ver>)
# Prints the bin folder (kube-apiserver, etcd) on its last line. Idempotent: returns at once when both exist.
# A first build takes about 6-10 minutes on 2 cores; Go's build cache makes a rebuild quick.
#
# Why a wrapper module: k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/apiserver, ...) at
# v0.0.0 and replaces them with ./staging paths, which `go install pkg@version` refuses. The wrapper requires
# k8s.io/kubernetes and maps every staging module to its published v0.<minor>.<patch>; etcd's server module
# likewise replaces its sibling modules with relative paths, so it is required from a wrapper too.
#
# Versions: Kubernetes 1.34 is inside the range that Cluster API v1.13 (the CRDs in shared/crds) supports for
# management clusters; etcd 3.6 is the release Kubernetes 1.34 ships with.
set -euo pipefail
KUBE_VERSION=${PCG_KUBE_VERSION:-1.34.4}
ETCD_VERSION=${PCG_ETCD_VERSION:-3.6.16}
OUT=${1:-${KUBE_APISERVER_HOME:-$HOME/.cache/pcg/kube-apiserver-$KUBE_VERSION}}
BIN="$OUT/bin"
if [[ -x "$BIN/kube-apiserver" && -x "$BIN/etcd" ]]; then echo "$BIN"; exit 0; fi

GO=${PCG_GO:-/usr/local/go/bin/go}
[[ -x $GO ]] || GO=$(command -v go) || { echo "build-kube-apiserver: no Go toolchain (expected /usr/local/go/bin/go)" >&2; exit 1; }
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local
mkdir -p "$BIN" "$OUT/work"

build_kube_apiserver() {
  local dir="$OUT/work/kube-apiserver" gomod
  rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
  gomod=$("$GO" mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [[ -f $gomod ]] || { echo "build-kube-apiserver: k8s.io/kubernetes v$KUBE_VERSION not found on the module proxy" >&2; return 1; }
  {
    echo "module pcg.local/kube-apiserver"
    echo
    echo "go 1.24.0"
    echo
    echo "require k8s.io/kubernetes v$KUBE_VERSION"
    echo
    echo "replace ("
    # every `k8s.io/x => ./staging/src/k8s.io/x` of Kubernetes' own go.mod becomes `k8s.io/x => k8s.io/x v0.N.P`
    sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => ./staging/src/.*#\1#p' "$gomod" \
      | while read -r m; do echo "	$m => $m v0.${KUBE_VERSION#1.}"; done
    echo ")"
  } > go.mod
  printf '//go:build tools\n\npackage main\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' > tools.go
  "$GO" mod tidy -e >/dev/null 2>&1 || true
  "$GO" build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${KUBE_VERSION#1.}" \
    -o "$BIN/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  mv "$BIN/kube-apiserver.tmp" "$BIN/kube-apiserver"
}

build_etcd() {
  local dir="$OUT/work/etcd"
  rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
  printf 'module pcg.local/etcd\n\ngo 1.24.0\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' "$ETCD_VERSION" > go.mod
  printf '//go:build tools\n\npackage main\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go
  "$GO" mod tidy -e >/dev/null 2>&1 || true
  "$GO" build -trimpath -ldflags "-s -w" -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$BIN/etcd.tmp" "$BIN/etcd"
}

[[ -x "$BIN/etcd" ]] || (build_etcd) >&2
[[ -x "$BIN/kube-apiserver" ]] || (build_kube_apiserver) >&2
echo "$BIN"
