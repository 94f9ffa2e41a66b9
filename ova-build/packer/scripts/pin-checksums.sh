#!/usr/bin/env bash
# Replaces every digest in pcg-installer.pkrvars.hcl that is empty or a file:<url> by its literal sha256, computed
# from the artifact itself. Run it (with internet access) whenever a version in that file changes, and commit.
set -euo pipefail
cd "$(dirname "$0")/.."
VARS=pcg-installer.pkrvars.hcl

value() { sed -n "s/^$1 *= *\"\(.*\)\"/\1/p" "$VARS"; }

declare -A ARTIFACTS=(
  [containerd_sha256]="https://github.com/containerd/containerd/releases/download/v$(value containerd_version)/containerd-$(value containerd_version)-linux-amd64.tar.gz"
  [kubeadm_sha256]="https://dl.k8s.io/release/v$(value kubernetes_version)/bin/linux/amd64/kubeadm"
  [kubelet_sha256]="https://dl.k8s.io/release/v$(value kubernetes_version)/bin/linux/amd64/kubelet"
  [kubectl_sha256]="https://dl.k8s.io/release/v$(value kubernetes_version)/bin/linux/amd64/kubectl"
  [kind_sha256]="https://github.com/kubernetes-sigs/kind/releases/download/v$(value kind_version)/kind-linux-amd64"
  [clusterctl_sha256]="https://github.com/kubernetes-sigs/cluster-api/releases/download/v$(value capi_version)/clusterctl-linux-amd64"
)

for name in "${!ARTIFACTS[@]}"; do
  current=$(value "$name")
  if [[ $current =~ ^[0-9a-f]{64}$ ]]; then
    continue
  fi
  digest=$(curl -fsSL --retry 3 "${ARTIFACTS[$name]}" | sha256sum | cut -d' ' -f1)
  sed -i "s|^$name *=.*|$name = \"$digest\"|" "$VARS"
  echo "$name = $digest"
done
packer fmt "$VARS" >/dev/null
