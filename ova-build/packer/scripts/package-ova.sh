#!/usr/bin/env bash
# packer post-processor (shell-local, on the build host) for the vsphere-iso build: adds the vApp properties to the
# exported OVF descriptor, updates its manifest digest and packs descriptor, manifest and disks into one OVA.
set -euo pipefail
: "${EXPORT_DIRECTORY:?}" "${VM_NAME:?}" "${INSTALLER_JAR:?}" "${PRODUCT_SECTION:?}"

descriptor="$EXPORT_DIRECTORY/$VM_NAME.ovf"
if [[ ! -f $descriptor ]]; then
  echo "package-ova: $descriptor not found: the vsphere-iso export did not run or used another name" >&2
  exit 1
fi
java -cp "$INSTALLER_JAR" io.pcg.installer.ovf.ProductSectionInjector "$descriptor" "$PRODUCT_SECTION"

cd "$EXPORT_DIRECTORY"
# The OVF specification wants the descriptor first in the archive, then the manifest.
mapfile -t disks < <(find . -maxdepth 1 -type f ! -name "$VM_NAME.ovf" ! -name "$VM_NAME.mf" ! -name '*.ova' -printf '%f\n' | sort)
tar --format=ustar -cf "$VM_NAME.ova" "$VM_NAME.ovf" "$VM_NAME.mf" "${disks[@]}"
echo "package-ova: wrote $EXPORT_DIRECTORY/$VM_NAME.ova"
