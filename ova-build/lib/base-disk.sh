#!/usr/bin/env bash
# The appliance's base disk from Debian packages, as root on a plain build machine: no loop devices, no mounts.
# mmdebstrap builds the root tree; the GPT disk is assembled in a file: an EFI system partition made by mkfs.fat and
# filled by mtools (systemd-boot, the kernel and its initrd), and the root file system made by `mkfs.ext4 -d` at its
# partition's offset inside the same file.
# Usage: base-disk.sh OUT_RAW BUILD_USER BUILD_PASSWORD   (env: PCG_OVA_CACHE, PCG_DEBIAN_SUITE, PCG_DISK_GIB)
set -euo pipefail
out=${1:?OUT_RAW}
build_user=${2:?BUILD_USER}
build_password=${3:?BUILD_PASSWORD}
cache=${PCG_OVA_CACHE:-/var/cache/pcg-ova}
suite=${PCG_DEBIAN_SUITE:-bookworm}
# Thin in the OVA (the VMDK stores only written blocks); the seed's minimum for a 1-node gateway is 30 GB.
disk_gib=${PCG_DISK_GIB:-40}
esp_mib=256

# What the appliance runs, all from Debian: the OS, cloud-init and VMware Tools, chrony, the JRE for the agent and
# the installer, Docker (kind's container engine; it brings containerd and runc) and kind's host tools.
packages=(
  linux-image-amd64 systemd systemd-sysv systemd-resolved dbus udev kmod iproute2 iputils-ping procps less
  openssh-server sudo cloud-init open-vm-tools chrony ca-certificates curl perl
  openjdk-17-jre-headless docker.io conntrack socat ebtables ethtool
)

work=$(mktemp -d "$cache/base.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$cache/apt-archives"

# The build account exists only for packer's SSH provisioning; provision.sh locks it and removes its sudo rule.
password_hash=$(openssl passwd -6 -stdin <<<"$build_password")
root_uuid=$(cat /proc/sys/kernel/random/uuid)

mmdebstrap --mode=root --variant=apt --include="$(IFS=,; echo "${packages[*]}")" \
  --aptopt='Acquire::Retries "3"' \
  --skip=essential/unlink \
  --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
  --setup-hook="sync-in '$cache/apt-archives' /var/cache/apt/archives" \
  --customize-hook="sync-out /var/cache/apt/archives '$cache/apt-archives'" \
  --customize-hook="chroot \"\$1\" useradd --create-home --shell /bin/bash --groups sudo '$build_user'" \
  --customize-hook="chroot \"\$1\" usermod --password '$password_hash' '$build_user'" \
  --customize-hook="echo '$build_user ALL=(ALL) NOPASSWD:ALL' > \"\$1/etc/sudoers.d/90-pcg-build\"; chmod 0440 \"\$1/etc/sudoers.d/90-pcg-build\"" \
  --customize-hook="echo 'UUID=$root_uuid / ext4 errors=remount-ro 0 1' > \"\$1/etc/fstab\"" \
  --customize-hook='echo pcg-installer > "$1/etc/hostname"; printf "127.0.0.1 localhost\n127.0.1.1 pcg-installer\n" > "$1/etc/hosts"' \
  --customize-hook='printf "[Match]\nName=e*\n\n[Network]\nDHCP=ipv4\n" > "$1/etc/systemd/network/20-pcg-dhcp.network"' \
  --customize-hook='chroot "$1" systemctl enable systemd-networkd systemd-resolved ssh' \
  --customize-hook='ln -sfn ../run/systemd/resolve/stub-resolv.conf "$1/etc/resolv.conf"' \
  `# cloud-init waits for the deployed VM: the build boot must not become its first instance (provision.sh enables it)` \
  --customize-hook='touch "$1/etc/cloud/cloud-init.disabled"' \
  --customize-hook='rm -f "$1/var/cache/apt/archives/"*.deb; rm -rf "$1/var/lib/apt/lists/"*' \
  --customize-hook=': > "$1/etc/machine-id"' \
  "$suite" "$rootfs" >"$work/mmdebstrap.log" 2>&1 || { tail -50 "$work/mmdebstrap.log" >&2; exit 1; }

kernel=$(ls "$rootfs"/boot/vmlinuz-* | sort -V | tail -1)
initrd=$rootfs/boot/initrd.img-${kernel##*/vmlinuz-}
[[ -f $initrd ]] || { echo "base-disk: no initrd for $kernel" >&2; exit 1; }

# GPT in the file: ESP (1 MiB .. 257 MiB), root (the rest), sizes in 512-byte sectors.
rm -f "$out"
truncate -s "${disk_gib}G" "$out"
sgdisk --clear --new=1:2048:+${esp_mib}M --typecode=1:ef00 --change-name=1:ESP \
  --new=2:0:0 --typecode=2:8304 --change-name=2:root "$out" >/dev/null
esp_start=$(sgdisk --info=1 "$out" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
root_start=$(sgdisk --info=2 "$out" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
root_end=$(sgdisk --info=2 "$out" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')

# 512-byte clusters: FAT32 needs at least 65525 of them, more than 256 MiB holds in 4 KiB ones.
mkfs.fat -F 32 -s 1 -n ESP --offset "$esp_start" "$out" $((esp_mib * 1024)) >/dev/null 2>&1
esp="$out@@$((esp_start * 512))"
mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries
mcopy -i "$esp" /usr/lib/systemd/boot/efi/systemd-bootx64.efi ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$esp" "$kernel" ::/vmlinuz
mcopy -i "$esp" "$initrd" ::/initrd.img
printf 'default pcg.conf\ntimeout 0\n' >"$work/loader.conf"
# Serial console last: it is /dev/console, so the banner and boot messages reach the serial port (boot test, vSphere
# serial log) as well as the VGA console the vSphere web console shows.
printf 'title PCG installer\nlinux /vmlinuz\ninitrd /initrd.img\noptions root=UUID=%s ro console=tty0 console=ttyS0,115200 quiet\n' \
  "$root_uuid" >"$work/pcg.conf"
mcopy -i "$esp" "$work/loader.conf" ::/loader/loader.conf
mcopy -i "$esp" "$work/pcg.conf" ::/loader/entries/pcg.conf

mkfs.ext4 -q -F -U "$root_uuid" -L root -d "$rootfs" -E offset=$((root_start * 512)) "$out" \
  $(((root_end - root_start + 1) / 2))k
echo "$out"
