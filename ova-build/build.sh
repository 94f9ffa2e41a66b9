#!/usr/bin/env bash
# Builds the PCG installer OVA on a Debian machine as root, from Debian packages, Go modules and Maven artifacts only:
#   1. the agent, installer and pcg CLI jars (Maven);
#   2. kind and clusterctl from their Go modules, checked against the sha256 pinned in packer/pcg-installer.pkrvars.hcl;
#   3. the base disk from Debian packages (lib/base-disk.sh: mmdebstrap, GPT + ESP + ext4 in a file, no loop devices);
#   4. packer's qemu builder boots it (KVM only if lib/kvm-probe.sh saw KVM work, TCG otherwise) and runs
#      packer/scripts/provision.sh;
#   5. lib/package-ova.sh: stream-optimized VMDK, OVF descriptor with the vApp properties, SHA256 manifest, OVA.
# Prints the OVA's path and size, then ova_build_s and ova_size_mb. Downloads and builds are cached in
# $PCG_OVA_CACHE (/var/cache/pcg-ova); the OVA goes to ova-build/output/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cache=${PCG_OVA_CACHE:-/var/cache/pcg-ova}
output=$here/output
vars=$here/packer/pcg-installer.pkrvars.hcl
started=$SECONDS

if [[ $(id -u) -ne 0 ]]; then
  echo "build.sh: run as root (mmdebstrap builds the root file system with root's rights)" >&2
  exit 1
fi
# name = "text" or name = number
pinned() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *$/\1/p" "$vars"; }
step() { echo "== $* ($((SECONDS - started)) s)" >&2; }

step "build tools"
missing=()
for tool in mmdebstrap:mmdebstrap qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils mcopy:mtools \
  mkfs.fat:dosfstools sgdisk:gdisk mkfs.ext4:e2fsprogs packer:packer openssl:openssl mvn:maven java:openjdk-17-jdk-headless; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
[[ -f /usr/share/ovmf/OVMF.fd ]] || missing+=(ovmf)
[[ -f /usr/lib/systemd/boot/efi/systemd-bootx64.efi ]] || missing+=(systemd-boot-efi)
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
mkdir -p "$cache" "$output"

version=$(pinned appliance_version)
name=pcg-installer-$version
accelerator=$("$here/lib/kvm-probe.sh")
step "accelerator: $accelerator"

step "jars (Maven)"
(cd "$repo" && mvn -B -ntp -q -pl gateway-agent,installer,pcg-cli -am package -DskipTests >&2)
jar() { ls "$repo/$1"/target/"$1"-*-all.jar | head -1; }
agent_jar=$(jar gateway-agent)
installer_jar=$(jar installer)
pcg_cli_jar=$(jar pcg-cli)

step "kind and clusterctl (Go modules)"
mapfile -t tools < <("$here/lib/go-tools.sh" "$cache/tools" "$(pinned kind_version)" "$(pinned capi_version)")
kind_binary=${tools[0]}
clusterctl_binary=${tools[1]}
for check in "$kind_binary:kind_sha256" "$clusterctl_binary:clusterctl_sha256"; do
  binary=${check%%:*} expected=$(pinned "${check#*:}")
  actual=$(sha256sum "$binary" | cut -d' ' -f1)
  if [[ $actual != "$expected" ]]; then
    echo "build.sh: $binary has sha256 $actual, $vars pins ${check#*:} = \"$expected\"" \
      "(another Go toolchain than /usr/local/go, or a version bump without a new digest)" >&2
    exit 1
  fi
done

work=$cache/build
rm -rf "$work" && mkdir -p "$work"
step "base disk (mmdebstrap)"
disk_gib=$(($(pinned disk_size_mb) / 1024))
PCG_OVA_CACHE=$cache PCG_DISK_GIB=$disk_gib \
  "$here/lib/base-disk.sh" "$work/base.raw" "$(pinned build_username)" "$(pinned build_password)" >/dev/null
# packer copies its input disk; as qcow2 that copy holds only the written blocks.
qemu-img convert -f raw -O qcow2 "$work/base.raw" "$work/base.qcow2"
rm -f "$work/base.raw"

step "packer (qemu, $accelerator)"
(cd "$here/packer" && PACKER_CACHE_DIR=$cache/packer_cache CHECKPOINT_DISABLE=1 packer build -color=false \
  -var-file=pcg-installer.pkrvars.hcl -var "accelerator=$accelerator" \
  -var "base_disk=$work/base.qcow2" -var "base_disk_sha256=$(sha256sum "$work/base.qcow2" | cut -d' ' -f1)" \
  -var "agent_jar=$agent_jar" -var "installer_jar=$installer_jar" -var "pcg_cli_jar=$pcg_cli_jar" \
  -var "kind_binary=$kind_binary" -var "clusterctl_binary=$clusterctl_binary" \
  -var "output_directory=$work/packer" . >"$work/packer.log" 2>&1) || { tail -40 "$work/packer.log" >&2; exit 1; }

step "OVA"
ova=$("$here/lib/package-ova.sh" "$work/packer/$name.qcow2" "$version" "$installer_jar" "$output/$name.ova")
rm -rf "$work"
size=$(stat -c %s "$ova")
echo "$ova $((size / 1024 / 1024)) MiB"
echo "ova_build_s: $((SECONDS - started)) s ($accelerator)"
echo "ova_size_mb: $((size / 1000 / 1000)) MB"
