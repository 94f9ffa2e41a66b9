# Pinned inputs of the installer appliance. CAPI, CAPV and IPAM match ../shared/crds/SOURCES.md.
# kind and clusterctl are built from their Go modules with -trimpath (../lib/go-tools.sh), so the pinned toolchain
# (/usr/local/go, GOTOOLCHAIN=local) gives these exact bytes; build.sh and provision.sh refuse any other. After a
# version bump, run ../lib/go-tools.sh and put the new binaries' sha256 here.

appliance_version = "0.1.0"

build_username = "ubuntu"
build_password = "pcg-build-only"

kubernetes_version = "1.34.1"

kind_version = "0.30.0"
kind_sha256  = "58087c2ae5031fe2350d15af5b6e1aaef1f1d2dd0be83c4b42305ea8fafae2f6"

capi_version            = "1.13.5"
clusterctl_sha256       = "1cf5b7cb2d2dec0eb2f906a57886e2f7443d306aefa977878f3fae97a1a4c727"
capv_version            = "1.16.1"
ipam_in_cluster_version = "1.0.3"

cpus         = 2
memory_mb    = 2048
disk_size_mb = 40960
