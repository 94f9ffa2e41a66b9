#!/usr/bin/env bash
# Packs the provisioned disk into the OVA: a stream-optimized VMDK, the OVF descriptor (../ovf/pcg-installer.ovf
# with the vApp properties of ../ovf/product-section.xml injected by the installer's ProductSectionInjector), a SHA256
# manifest, and one tar in OVF order: descriptor, manifest, disk.
# Usage: package-ova.sh DISK VERSION INSTALLER_JAR OUT.ova   (DISK: the provisioned qcow2)
set -euo pipefail
disk_image=${1:?DISK}
version=${2:?VERSION}
installer_jar=${3:?INSTALLER_JAR}
ova=${4:?OUT.ova}
ovf_dir=$(cd "$(dirname "$0")/../ovf" && pwd)
name=$(basename "$ova" .ova)
disk=$name-disk1.vmdk

staging=$(mktemp -d "$(dirname "$ova")/.package.XXXXXX")
trap 'rm -rf "$staging"' EXIT

qemu-img convert -f qcow2 -O vmdk -o subformat=streamOptimized "$disk_image" "$staging/$disk"
sed -e "s|@VM_NAME@|$name|g" -e "s|@VERSION@|$version|g" -e "s|@DISK_FILE@|$disk|g" \
  -e "s|@DISK_FILE_SIZE@|$(stat -c %s "$staging/$disk")|g" -e "s|@DISK_CAPACITY@|$(qemu-img info --output=json "$disk_image" | sed -n 's/.*"virtual-size": \([0-9]*\).*/\1/p')|g" \
  "$ovf_dir/pcg-installer.ovf" >"$staging/$name.ovf"
java -cp "$installer_jar" io.pcg.installer.ovf.ProductSectionInjector "$staging/$name.ovf" "$ovf_dir/product-section.xml" >/dev/null
(cd "$staging" && for file in "$name.ovf" "$disk"; do
  echo "SHA256($file)= $(sha256sum "$file" | cut -d' ' -f1)"
done >"$name.mf")
tar --format=ustar -C "$staging" -cf "$staging/$name.ova" "$name.ovf" "$name.mf" "$disk"
mv "$staging/$name.ova" "$ova"
echo "$ova"
