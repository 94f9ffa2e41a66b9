#!/usr/bin/env bash
# Installs what the build, the tests and the demo need on a fresh Debian machine, then exports VCSIM_BIN,
# KUBE_APISERVER_BIN and CLUSTERCTL_BIN.
# Sourced by scripts/test.sh, scripts/demo.sh and scripts/bench.sh. Idempotent and quiet when all is there.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED_DIR=${PCG_SHARED_DIR:-$ROOT/../shared}
export PCG_SHARED_DIR=$SHARED_DIR

pcg_install_packages() {
  local missing=()
  command -v mvn >/dev/null || missing+=(maven)
  command -v tinyproxy >/dev/null || [[ -x /usr/bin/tinyproxy || -x /usr/sbin/tinyproxy ]] || missing+=(tinyproxy)
  command -v packer >/dev/null || missing+=(packer)
  command -v cloud-init >/dev/null || missing+=(cloud-init)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v jq >/dev/null || missing+=(jq)
  command -v curl >/dev/null || missing+=(curl)
  # systemd-analyze: AgentUnitSecurityIT reviews pcg-agent.service offline.
  command -v systemd-analyze >/dev/null || missing+=(systemd)
  if [[ ${#missing[@]} -gt 0 ]]; then
    local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    echo "installing: ${missing[*]}" >&2
    $sudo apt-get update -qq
    # policy-rc.d keeps Debian from starting tinyproxy as a system service: tests start their own.
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

pcg_build_vcsim() {
  if [[ ! -x "$SHARED_DIR/tools/build-vcsim.sh" ]]; then
    echo "error: $SHARED_DIR/tools/build-vcsim.sh not found; set PCG_SHARED_DIR to the shared/ folder" >&2
    return 1
  fi
  VCSIM_BIN=$(bash "$SHARED_DIR/tools/build-vcsim.sh" | tail -n 1)
  export VCSIM_BIN
}

# A current kube-apiserver + etcd built from Go modules (scripts/lib/build-kube-apiserver.sh); where that cannot be
# built, the verified fallback: kube-apiserver 1.20.2 from Debian's source (shared/tools), with its known limits.
pcg_build_kube_apiserver() {
  local log="${TMPDIR:-/tmp}/pcg-build-kube-apiserver.log"
  if KUBE_APISERVER_BIN=$(bash "$ROOT/scripts/lib/build-kube-apiserver.sh" 2>"$log" | tail -n 1) && [[ -n $KUBE_APISERVER_BIN ]]; then
    export KUBE_APISERVER_BIN
    return 0
  fi
  echo "warning: building kube-apiserver from Go modules failed (see $log); using the 1.20.2 fallback" >&2
  KUBE_APISERVER_BIN=$(bash "$SHARED_DIR/tools/build-kube-apiserver.sh" | tail -n 1)
  export KUBE_APISERVER_BIN
}

# The real clusterctl (scripts/lib/build-clusterctl.sh) for the clusterctl move tests of the simulators. Without a Go
# module proxy it cannot be built: only the tests that run clusterctl then fail, saying so.
pcg_build_clusterctl() {
  local log="${TMPDIR:-/tmp}/pcg-build-clusterctl.log"
  if CLUSTERCTL_BIN=$(bash "$ROOT/scripts/lib/build-clusterctl.sh" 2>"$log" | tail -n 1) && [[ -n $CLUSTERCTL_BIN ]]; then
    export CLUSTERCTL_BIN
    return 0
  fi
  echo "warning: building clusterctl failed (see $log); tests running clusterctl move will fail" >&2
}

pcg_install_packages
pcg_build_vcsim
pcg_build_kube_apiserver
pcg_build_clusterctl
