# Pinned inputs of the installer appliance. CAPI, CAPV and IPAM match ../shared/crds/SOURCES.md.
# Digests: 64 hex digits, or file:<url> of the digest the project publishes beside that exact release.
# scripts/pin-checksums.sh replaces every file: digest by its literal value (run it when bumping a version).

appliance_version = "0.1.0"

ubuntu_iso_url      = "https://releases.ubuntu.com/24.04.3/ubuntu-24.04.3-live-server-amd64.iso"
ubuntu_iso_checksum = "sha256:c3514bf0056180d09376462a7a1b4f213c1d6e8ea67fae5c25099c6fd3d8274b"

build_username = "ubuntu"
build_password = "pcg-build-only"

containerd_version = "2.1.4"
containerd_sha256  = "file:https://github.com/containerd/containerd/releases/download/v2.1.4/containerd-2.1.4-linux-amd64.tar.gz.sha256sum"

kubernetes_version = "1.34.1"
kubeadm_sha256     = "file:https://dl.k8s.io/release/v1.34.1/bin/linux/amd64/kubeadm.sha256"
kubelet_sha256     = "file:https://dl.k8s.io/release/v1.34.1/bin/linux/amd64/kubelet.sha256"
kubectl_sha256     = "file:https://dl.k8s.io/release/v1.34.1/bin/linux/amd64/kubectl.sha256"

kind_version = "0.30.0"
kind_sha256  = "file:https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-linux-amd64.sha256sum"

capi_version            = "1.13.5"
clusterctl_sha256       = ""
capv_version            = "1.16.1"
ipam_in_cluster_version = "1.0.3"

agent_jar     = "../../gateway-agent/target/gateway-agent-0.1.0-SNAPSHOT-all.jar"
installer_jar = "../../installer/target/installer-0.1.0-SNAPSHOT-all.jar"
pcg_cli_jar   = "../../pcg-cli/target/pcg-cli-0.1.0-SNAPSHOT-all.jar"

cpus         = 2
memory_mb    = 4096
disk_size_mb = 61440

output_directory = "output"

vcenter_insecure = false
