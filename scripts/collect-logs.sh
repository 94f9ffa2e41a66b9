#!/usr/bin/env bash
# Collects what support needs to troubleshoot a PCG installer VM into /tmp/pcg-logs-<host>-<UTC time>.tgz:
# cloud-init logs, kernel log, syslog (rotated ones too), the kubelet/containerd/agent journals, container logs and
# the agent's own logs. It never takes the agent's config file (it holds the pairing code), its identity keys, the
# proxy drop-ins or /etc/environment (they hold the proxy password), and it redacts credentials in URLs, the pairing
# code, password/token variables and private key blocks from everything it does take.
#
# Usage: sudo collect-logs.sh
# Tests set PCG_LOGS_ROOT (a tree standing in for /), PCG_LOGS_DEST (instead of /tmp) and PCG_JOURNALCTL.
set -euo pipefail

ROOT=${PCG_LOGS_ROOT:-}
DEST=${PCG_LOGS_DEST:-/tmp}
JOURNALCTL=${PCG_JOURNALCTL:-journalctl}

fail() {
  echo "collect-logs: ERROR $*" >&2
  exit 1
}

if [[ -z $ROOT && $EUID -ne 0 ]]; then
  fail "most logs are readable by root only: run it as 'sudo $0'"
fi
[[ -d $DEST && -w $DEST ]] || fail "cannot write to $DEST: set PCG_LOGS_DEST to a writable directory"

STAGING=$(mktemp -d "${TMPDIR:-/tmp}/pcg-logs.XXXXXX")
trap 'rm -rf "$STAGING"' EXIT
BUNDLE_DIR="$STAGING/pcg-logs"
mkdir -p "$BUNDLE_DIR"
MANIFEST="$BUNDLE_DIR/MANIFEST.txt"
echo "PCG installer log bundle, $(date -u +%Y-%m-%dT%H:%M:%SZ), host $(hostname)" > "$MANIFEST"

# Copies one file (following symlinks, as /var/log/containers holds links into /var/log/pods), unpacking .gz.
take_file() {
  local source=$1 relative target
  relative=${source#"$ROOT"}
  relative=${relative#/}
  target="$BUNDLE_DIR/$relative"
  mkdir -p "$(dirname "$target")"
  if [[ $source == *.gz ]]; then
    zcat -- "$source" > "${target%.gz}" || { echo "unreadable: /$relative" >> "$MANIFEST"; return 0; }
  else
    cp -L -- "$source" "$target" || { echo "unreadable: /$relative" >> "$MANIFEST"; return 0; }
  fi
  echo "included: /$relative" >> "$MANIFEST"
}

take() {
  local pattern=$1 found=false path
  shopt -s nullglob
  for path in $ROOT$pattern; do
    [[ -e $path ]] || continue
    found=true
    if [[ -d $path ]]; then
      while IFS= read -r -d '' file; do
        take_file "$file"
      done < <(find -L "$path" -type f -print0)
    else
      take_file "$path"
    fi
  done
  shopt -u nullglob
  $found || echo "missing: $pattern" >> "$MANIFEST"
}

take_command() {
  local name=$1
  shift
  mkdir -p "$BUNDLE_DIR/commands"
  if "$@" > "$BUNDLE_DIR/commands/$name.txt" 2>&1; then
    echo "included: $* (commands/$name.txt)" >> "$MANIFEST"
  else
    echo "failed: $* (see commands/$name.txt)" >> "$MANIFEST"
  fi
}

take /var/log/cloud-init-output.log
take /var/log/cloud-init.log
take /var/log/kern.log
take '/var/log/syslog*'
take /var/log/containers
take /var/log/pcg
take /etc/issue
take /etc/pcg/versions.env

for unit in kubelet containerd pcg-agent; do
  take_command "journal-$unit" "$JOURNALCTL" --no-pager --unit "$unit"
done
if [[ -z $ROOT ]]; then
  take_command systemctl-status systemctl status --no-pager pcg-agent containerd kubelet
  take_command ip-addr ip addr
  take_command ip-route ip route
  take_command chrony-tracking chronyc tracking
  take_command disk-usage df -h
fi

# The pairing code as the installer wrote it, to scrub it wherever a log repeated it.
PIN=""
if [[ -r $ROOT/etc/pcg/agent.yml ]]; then
  PIN=$(sed -n "s/^[[:space:]]*pairing-code:[[:space:]]*['\"]\{0,1\}\([A-Za-z0-9]*\)['\"]\{0,1\}[[:space:]]*$/\1/p" "$ROOT/etc/pcg/agent.yml" | head -n 1)
fi

while IFS= read -r -d '' file; do
  sed -i -E \
    -e 's#(://[^/:@[:space:]]+):[^@[:space:]/]*@#\1:<redacted>@#g' \
    -e 's#((pairing[-_]?code|pin)["'"'"']?[[:space:]]*[:=][[:space:]]*)[^[:space:],}]+#\1<redacted>#Ig' \
    -e 's#(([A-Za-z_]*(PASSWORD|PASSWD|TOKEN|SECRET)[A-Za-z_]*)["'"'"']?[[:space:]]*[:=][[:space:]]*)[^[:space:],}]+#\1<redacted>#Ig' \
    -e '/-----BEGIN [A-Z ]*PRIVATE KEY-----/,/-----END [A-Z ]*PRIVATE KEY-----/c\<private key redacted>' \
    "$file"
  if [[ -n $PIN ]]; then
    sed -i "s/$PIN/<redacted>/g" "$file"
  fi
done < <(find "$BUNDLE_DIR" -type f ! -name MANIFEST.txt -print0)

BUNDLE="$DEST/pcg-logs-$(hostname)-$(date -u +%Y%m%dT%H%M%SZ).tgz"
umask 077
if ! tar --create --gzip --file "$BUNDLE" -C "$STAGING" pcg-logs; then
  fail "could not write $BUNDLE (is $DEST full?)"
fi
echo "collect-logs: wrote $BUNDLE ($(du -h "$BUNDLE" | cut -f1)); attach it to the support ticket"
