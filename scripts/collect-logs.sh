#!/usr/bin/env bash
# Collects what support needs to troubleshoot a PCG appliance into one bundle, pcg-logs-<host>-<UTC time>.tgz, with
# every secret masked (lib/redact.pl): see usage below and docs/installer.md, "Troubleshooting".
set -euo pipefail
# Logs and configuration hold secrets until redaction has run: nothing written here may be readable by others.
umask 077

usage() {
  cat <<'EOF'
Usage: sudo collect-logs.sh [--root DIR] [--out DIR] [--max-lines N] [--max-total-mb N]

Writes pcg-logs-<host>-<UTC time>.tgz (mode 0600) and prints its path on the last line of standard output.
It holds cloud-init, kernel, syslog and container logs, the pcg-agent/kubelet/containerd journals, the agent's logs,
configuration and state (never a private or encryption key), the OVF environment, kubectl dumps of the appliance's
clusters (never a Secret), manifest.yaml (what is in the bundle, what was cut or left out and why) and skipped.txt.
Every secret is masked as ***REDACTED***: the pairing code, passwords, tokens, Authorization headers, private keys,
Secret data, and every secret value configured in /etc/pcg, the proxy settings or the OVF environment.

  --root DIR          read every path under DIR instead of / (a mounted disk, tests); default: /
  --out DIR           where to write the bundle; default: /tmp
  --max-lines N       keep the last N lines of each log and journal; default: 10000
  --max-total-mb N    leave out what would make the bundle's content exceed N MiB; default: 200
  --help              this text

Environment (the same settings, for scripts): PCG_LOGS_ROOT, PCG_LOGS_DEST, PCG_LOGS_MAX_LINES,
PCG_LOGS_MAX_TOTAL_MB; the programs used: PCG_JOURNALCTL, PCG_KUBECTL, PCG_VMTOOLSD.
Exit status: 0 when the bundle was written (whatever it had to skip), 1 when no bundle could be written, 2 for
wrong arguments.
EOF
}

fail() {
  echo "collect-logs: ERROR $*" >&2
  exit 1
}

usage_error() {
  echo "collect-logs: $*" >&2
  usage >&2
  exit 2
}

ROOT=${PCG_LOGS_ROOT:-}
OUT=${PCG_LOGS_DEST:-/tmp}
MAX_LINES=${PCG_LOGS_MAX_LINES:-10000}
MAX_TOTAL_MB=${PCG_LOGS_MAX_TOTAL_MB:-200}
JOURNALCTL=${PCG_JOURNALCTL:-journalctl}
KUBECTL=${PCG_KUBECTL:-kubectl}
VMTOOLSD=${PCG_VMTOOLSD:-vmtoolsd}

while [[ $# -gt 0 ]]; do
  case $1 in
    --root) [[ $# -ge 2 ]] || usage_error "--root needs a directory"; ROOT=$2; shift 2 ;;
    --out) [[ $# -ge 2 ]] || usage_error "--out needs a directory"; OUT=$2; shift 2 ;;
    --max-lines) [[ $# -ge 2 ]] || usage_error "--max-lines needs a number"; MAX_LINES=$2; shift 2 ;;
    --max-total-mb) [[ $# -ge 2 ]] || usage_error "--max-total-mb needs a number"; MAX_TOTAL_MB=$2; shift 2 ;;
    --help | -h) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
[[ $MAX_LINES =~ ^[1-9][0-9]*$ ]] || usage_error "--max-lines must be a positive number, not '$MAX_LINES'"
[[ $MAX_TOTAL_MB =~ ^[1-9][0-9]*$ ]] || usage_error "--max-total-mb must be a positive number, not '$MAX_TOTAL_MB'"
ROOT=${ROOT%/}
MAX_TOTAL_BYTES=$((MAX_TOTAL_MB * 1024 * 1024))

# The image links /usr/local/bin/collect-logs.sh to /opt/pcg/scripts/, where lib/ sits next to the real file.
REDACT="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/redact.pl"
[[ -r $REDACT ]] || fail "$REDACT is missing: without it nothing can be redacted, so no bundle is written"
command -v perl >/dev/null || fail "perl is not installed: without it nothing can be redacted, so no bundle is written"
[[ -d $OUT && -w $OUT ]] || fail "cannot write the bundle to $OUT: not a writable directory (choose one with --out DIR)"
if [[ -z $ROOT && $EUID -ne 0 ]]; then
  echo "collect-logs: not running as root: files only root may read are skipped (run 'sudo $0' for a complete bundle)" >&2
fi

# The host the logs are from: with --root, the one whose disk it is.
HOST=$(hostname)
if [[ -n $ROOT && -s $ROOT/etc/hostname ]]; then
  HOST=$(head -n 1 "$ROOT/etc/hostname")
fi
HOST=${HOST//[^A-Za-z0-9.-]/_}
CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
NAME="pcg-logs-$HOST-$(date -u -d "$CREATED" +%Y%m%dT%H%M%SZ)"

STAGING=$(mktemp -d "${TMPDIR:-/tmp}/pcg-logs.XXXXXX") || fail "cannot create a staging directory in ${TMPDIR:-/tmp}"
trap 'rm -rf "$STAGING"' EXIT
BUNDLE_DIR="$STAGING/$NAME"
mkdir "$BUNDLE_DIR"
# The OVF environment as VMware Tools hands it over, kept outside the bundle: redaction reads its secret values here.
OVF_ENVIRONMENT="$STAGING/ovf-env.xml"

# What went into the bundle and what did not: "bundle path<TAB>source", "source<TAB>reason", "bundle path<TAB>note".
INCLUDED=()
SKIPPED=()
TRUNCATED=()
STAGED_BYTES=0
# Commands get this long; kubectl's own --request-timeout covers each request within it.
COMMAND_TIMEOUT=120s

skip() {
  SKIPPED+=("$1"$'\t'"$2")
  echo "collect-logs: skipped $1: $2" >&2
}

# Keeps a staged file if it fits under the total cap; a file that does not fit is left out, and smaller ones may still fit.
account() {
  local relative=$1 source=$2 size
  size=$(stat -c %s -- "$BUNDLE_DIR/$relative")
  if ((STAGED_BYTES + size > MAX_TOTAL_BYTES)); then
    rm -f -- "$BUNDLE_DIR/$relative"
    skip "$source" "$size bytes would exceed the total cap of $MAX_TOTAL_MB MiB (--max-total-mb)"
    return 0
  fi
  STAGED_BYTES=$((STAGED_BYTES + size))
  INCLUDED+=("$relative"$'\t'"$source")
}

read_source() {
  if [[ $1 == *.gz ]]; then zcat -- "$1"; else cat -- "$1"; fi
}

# A file (a rotated .gz one unpacked) at the same path in the bundle: of a log, only its last MAX_LINES lines; a
# configuration or state file is whole, as a part of it could mislead.
stage_file() {
  local file=$1 kind=$2 source=${1#"$ROOT"} relative lines keep
  relative=${source#/}
  relative=${relative%.gz}
  mkdir -p -- "$(dirname -- "$BUNDLE_DIR/$relative")"
  keep=$([[ $kind == log ]] && echo "$MAX_LINES" || echo +1)
  if ! lines=$(read_source "$file" | wc -l) || ! read_source "$file" | tail -n "$keep" > "$BUNDLE_DIR/$relative"; then
    rm -f -- "$BUNDLE_DIR/$relative"
    skip "$source" "unreadable"
    return 0
  fi
  if [[ $kind == log ]] && ((lines > MAX_LINES)); then
    TRUNCATED+=("$relative"$'\t'"kept the last $MAX_LINES of $lines lines (--max-lines)")
  fi
  account "$relative" "$source"
}

# Key files are left out, not redacted: a key file holds nothing else worth reading.
is_key_material() {
  local relative=${1#"$ROOT"}
  case ${relative##*/} in
    *.key | *key.pem | *.p12 | *.pfx | *.jks | *.keystore | id_rsa | id_ecdsa | id_ed25519) return 0 ;;
  esac
  [[ $relative == */keys/* ]] || grep -qE -- '-----BEGIN [A-Z0-9 ]*PRIVATE KEY' "$1" 2>/dev/null
}

# Every file a pattern (relative to the root, globs allowed) names; a directory means every file below it.
# Sources of kind "config" hold state and settings: their key files stay out of the bundle.
collect() {
  local pattern=$1 kind=$2 path file found=false
  shopt -s nullglob
  # The pattern is globbed on purpose; the root is quoted, so a root with spaces still works.
  # shellcheck disable=SC2206
  local paths=("$ROOT"$pattern)
  shopt -u nullglob
  for path in "${paths[@]}"; do
    [[ -e $path ]] || continue
    found=true
    while IFS= read -r -d '' file; do
      if [[ $kind == config ]] && is_key_material "$file"; then
        skip "${file#"$ROOT"}" "private or encryption key: never collected"
      else
        stage_file "$file" "$kind"
      fi
    done < <(find -H "$path" -type f -print0 | sort -z)
  done
  $found || skip "$pattern" "not found"
}

has_program() {
  command -v "$1" >/dev/null 2>&1
}

# A command's output (standard error too: its complaints explain a failure) as a file of the bundle.
collect_command() {
  local relative=$1 status=0
  shift
  if ! has_program "$1"; then
    skip "$*" "$1 is not installed"
    return 0
  fi
  mkdir -p -- "$(dirname -- "$BUNDLE_DIR/$relative")"
  timeout "$COMMAND_TIMEOUT" "$@" > "$BUNDLE_DIR/$relative" 2>&1 || status=$?
  if ((status != 0)); then
    skip "$*" "exited with status $status; its output is in $relative"
  fi
  account "$relative" "$*"
}

collect_journals() {
  local unit where=()
  if ! has_program "$JOURNALCTL"; then
    skip "journals of pcg-agent, kubelet, containerd" "$JOURNALCTL is not installed"
    return 0
  fi
  if [[ -n $ROOT ]]; then
    if [[ ! -d $ROOT/var/log/journal ]]; then
      skip "journals of pcg-agent, kubelet, containerd" "no /var/log/journal under the root"
      return 0
    fi
    where=(--directory "$ROOT/var/log/journal")
  fi
  for unit in pcg-agent kubelet containerd; do
    collect_command "journal/$unit.log" "$JOURNALCTL" --no-pager --unit "$unit" --lines "$MAX_LINES" "${where[@]}"
  done
}

# vSphere hands the OVF environment (pairing code, proxy URLs) to VMware Tools and nobody stores it: it is read here,
# both for the bundle and so that its secret values are masked in every file.
collect_ovf_environment() {
  if ! has_program "$VMTOOLSD"; then
    skip "OVF environment" "$VMTOOLSD is not installed"
    return 0
  fi
  if ! timeout "$COMMAND_TIMEOUT" "$VMTOOLSD" --cmd "info-get guestinfo.ovfEnv" > "$OVF_ENVIRONMENT" 2>/dev/null; then
    skip "OVF environment" "$VMTOOLSD --cmd 'info-get guestinfo.ovfEnv' failed"
    return 0
  fi
  cp -- "$OVF_ENVIRONMENT" "$BUNDLE_DIR/ovf-environment.xml"
  account ovf-environment.xml "$VMTOOLSD --cmd 'info-get guestinfo.ovfEnv'"
}

# The clusters the appliance may run, by the kubeconfig the agent or kubeadm keeps for each (the agent's default state
# folder /var/lib/pcg): the kind bootstrap cluster, the gateway cluster after the pivot, a kubeadm control plane.
KUBECONFIGS=(bootstrap=/var/lib/pcg/bootstrap.kubeconfig gateway=/var/lib/pcg/gateway.kubeconfig admin=/etc/kubernetes/admin.conf)
# Secrets are not in this list and must never be: their data is what the redaction would otherwise have to catch.
KUBE_RESOURCES=(
  nodes pods deployments daemonsets statefulsets configmaps events
  clusters.cluster.x-k8s.io machines.cluster.x-k8s.io machinesets.cluster.x-k8s.io machinedeployments.cluster.x-k8s.io
  kubeadmcontrolplanes.controlplane.cluster.x-k8s.io kubeadmconfigs.bootstrap.cluster.x-k8s.io
  vsphereclusters.infrastructure.cluster.x-k8s.io vspheremachines.infrastructure.cluster.x-k8s.io
  vspheremachinetemplates.infrastructure.cluster.x-k8s.io vspherevms.infrastructure.cluster.x-k8s.io
  ipaddressclaims.ipam.cluster.x-k8s.io ipaddresses.ipam.cluster.x-k8s.io
  inclusterippools.ipam.cluster.x-k8s.io globalinclusterippools.ipam.cluster.x-k8s.io
)
# A CRD's schema runs to thousands of lines and says nothing about this appliance: its name and versions do.
CRD_COLUMNS='NAME:.metadata.name,VERSIONS:.spec.versions[*].name,STORED:.status.storedVersions'

collect_kubernetes() {
  local entry cluster kubeconfig resource found=false
  for entry in "${KUBECONFIGS[@]}"; do
    cluster=${entry%%=*}
    kubeconfig=$ROOT${entry#*=}
    [[ -f $kubeconfig ]] || continue
    found=true
    if ! has_program "$KUBECTL"; then
      skip "kubectl dumps of the $cluster cluster" "$KUBECTL is not installed"
      continue
    fi
    local get=("$KUBECTL" --kubeconfig "$kubeconfig" --request-timeout 20s get)
    for resource in "${KUBE_RESOURCES[@]}"; do
      collect_command "kubernetes/$cluster/$resource.yaml" "${get[@]}" "$resource" --all-namespaces --output yaml
    done
    collect_command "kubernetes/$cluster/customresourcedefinitions.txt" "${get[@]}" customresourcedefinitions \
      --output "custom-columns=$CRD_COLUMNS"
  done
  $found || skip "kubectl dumps" "no kubeconfig: none of ${KUBECONFIGS[*]#*=}"
}

# Container logs: /var/log/containers only links into /var/log/pods, so the links are listed, not copied twice.
collect_container_logs() {
  collect /var/log/pods log
  if [[ -d $ROOT/var/log/containers ]]; then
    collect_command var/log/containers.txt find "$ROOT/var/log/containers" -mindepth 1 -maxdepth 1 -printf '%f -> %l\n'
    while IFS= read -r -d '' file; do
      stage_file "$file" log
    done < <(find "$ROOT/var/log/containers" -maxdepth 1 -type f -print0 | sort -z)
  else
    skip /var/log/containers "not found"
  fi
}

# Only meaningful for the system this runs on, not for a disk mounted under --root.
collect_live_system() {
  if [[ -n $ROOT ]]; then
    skip "systemctl status, ip addr, ip route, chronyc tracking, df" "they describe the running system, not --root"
    return 0
  fi
  collect_command commands/systemctl-status.txt systemctl status --no-pager pcg-agent containerd kubelet
  collect_command commands/ip-addr.txt ip addr
  collect_command commands/ip-route.txt ip route
  collect_command commands/chrony-tracking.txt chronyc tracking
  collect_command commands/disk-usage.txt df -h
}

# Masks every secret in every file of the bundle; the configuration files name the values to mask literally.
redact_bundle() {
  local sources=() file
  for file in "$ROOT"/etc/pcg/* "$ROOT/etc/environment" "$ROOT"/etc/systemd/system/*.service.d/*.conf \
    "$ROOT"/var/lib/pcg/*.kubeconfig "$ROOT/etc/kubernetes/admin.conf" "$OVF_ENVIRONMENT"; do
    if [[ -f $file ]]; then
      sources+=(--secrets-from "$file")
    fi
  done
  find "$BUNDLE_DIR" -type f -print0 | xargs -0 --no-run-if-empty perl "$REDACT" "${sources[@]}"
}

yaml_string() {
  printf "'%s'" "${1//\'/\'\'}"
}

# manifest.yaml: what is in the bundle and where it came from, what was cut, what was left out and why.
write_manifest() {
  local entry
  {
    echo "# Written by collect-logs.sh. Every secret in these files is masked as ***REDACTED*** (docs/installer.md)."
    echo "bundle: $(yaml_string "$NAME")"
    echo "created: $CREATED"
    echo "host: $(yaml_string "$HOST")"
    echo "root: $(yaml_string "${ROOT:-/}")"
    echo "limits:"
    echo "  maxLinesPerFile: $MAX_LINES"
    echo "  maxTotalMiB: $MAX_TOTAL_MB"
    echo "files:"
    for entry in "${INCLUDED[@]}"; do
      echo "  - path: $(yaml_string "${entry%%$'\t'*}")"
      echo "    source: $(yaml_string "${entry#*$'\t'}")"
    done
    echo "truncated:"
    for entry in "${TRUNCATED[@]}"; do
      echo "  - path: $(yaml_string "${entry%%$'\t'*}")"
      echo "    note: $(yaml_string "${entry#*$'\t'}")"
    done
    echo "skipped:"
    for entry in "${SKIPPED[@]}"; do
      echo "  - source: $(yaml_string "${entry%%$'\t'*}")"
      echo "    reason: $(yaml_string "${entry#*$'\t'}")"
    done
  } > "$BUNDLE_DIR/manifest.yaml"
  for entry in "${SKIPPED[@]}"; do
    echo "${entry%%$'\t'*}: ${entry#*$'\t'}"
  done > "$BUNDLE_DIR/skipped.txt"
}

# Most useful first: when the total cap is reached, what is left out is the bulk of system and container logs.
collect /etc/pcg config
collect '/etc/systemd/system/*.service.d' config
collect /var/lib/pcg config
collect_ovf_environment
collect '/var/log/pcg*' log
collect_journals
collect '/var/log/cloud-init*.log' log
collect_kubernetes
collect_live_system
collect /etc/issue config
collect /var/log/kern.log log
collect '/var/log/syslog*' log
collect_container_logs

redact_bundle || fail "redaction failed, so no bundle was written (the staging directory is removed)"
write_manifest

BUNDLE="$OUT/$NAME.tgz"
if ! tar --create --gzip --file "$BUNDLE" --directory "$STAGING" "$NAME"; then
  rm -f -- "$BUNDLE"
  fail "could not write $BUNDLE (is $OUT full?)"
fi
echo "collect-logs: wrote $BUNDLE ($(du -h "$BUNDLE" | cut -f1), ${#SKIPPED[@]} sources skipped: see skipped.txt); attach it to the support ticket" >&2
echo "$BUNDLE"
