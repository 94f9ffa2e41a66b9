#!/usr/bin/env bash
# Prints the qemu accelerator to use: "kvm" only when KVM really runs a guest, "tcg" otherwise. /dev/kvm may exist while
# KVM fails with an emulation failure as soon as the firmware runs, so the probe boots the UEFI firmware with KVM
# (no disk, no network) and asks for KVM only when it reaches the UEFI shell.
# Usage: kvm-probe.sh [FIRMWARE] [SECONDS]   (default /usr/share/ovmf/OVMF.fd, 30 s)
set -euo pipefail
firmware=${1:-/usr/share/ovmf/OVMF.fd}
seconds=${2:-30}
if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
  echo tcg
  exit 0
fi
log=$(mktemp)
trap 'rm -f "$log" "$log.err"' EXIT
qemu-system-x86_64 -machine q35,accel=kvm -m 256 -display none -serial "file:$log" -monitor none -bios "$firmware" \
  -net none -no-reboot 2>"$log.err" &
pid=$!
verdict=tcg
for _ in $(seq 1 "$seconds"); do
  sleep 1
  if grep -q 'Shell>' "$log"; then
    verdict=kvm
    break
  fi
  # KVM's failure leaves qemu hanging: no need to wait out the time.
  if grep -q -e 'KVM internal error' -e 'emulation failure' "$log.err"; then
    break
  fi
  kill -0 "$pid" 2>/dev/null || break
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
echo "$verdict"
