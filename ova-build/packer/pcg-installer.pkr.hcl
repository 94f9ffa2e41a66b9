# The PCG installer appliance: Debian's own packer 1.6.6 (HCL2, builders compiled in, no required_plugins) boots the
# base disk that ../lib/base-disk.sh made from Debian packages (qemu builder, disk_image = true), copies the agent,
# the installer, the pcg CLI, their units, the cloud-init config and the pinned CAPI tools in, and runs
# scripts/provision.sh. ../build.sh runs it and packs the result into the OVA; by hand, from this directory:
#   packer build -var-file=pcg-installer.pkrvars.hcl -var base_disk=... -var base_disk_sha256=... .

variable "appliance_version" {
  type        = string
  description = "Version stamped into the OVA name and /etc/pcg/versions.env."
}

variable "base_disk" {
  type        = string
  description = "The base disk from ../lib/base-disk.sh, as qcow2 (build.sh converts it: a compact copy of the sparse raw file)."
}

variable "base_disk_sha256" {
  type        = string
  description = "sha256 of base_disk (build.sh computes it): packer checks it before booting the disk."
}

variable "accelerator" {
  type        = string
  default     = "kvm"
  description = "kvm where it really works, tcg otherwise: ../lib/kvm-probe.sh decides with a short real boot."
}

variable "efi_firmware" {
  type        = string
  default     = "/usr/share/ovmf/OVMF.fd"
  description = "UEFI firmware for qemu (Debian's ovmf): the base disk boots systemd-boot from its EFI system partition."
}

variable "build_username" {
  type        = string
  description = "Account base-disk.sh creates for packer's SSH; provision.sh locks it at the end of the build."
}

variable "build_password" {
  type        = string
  description = "Build-time password of build_username. Locked in the image."
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes version of the kind node image and the gateway cluster (/etc/pcg/versions.env)."
}

variable "kind_version" {
  type = string
}

variable "kind_sha256" {
  type        = string
  description = "sha256 of kind_binary: the reproducible build of sigs.k8s.io/kind@v<kind_version> (../lib/go-tools.sh)."
}

variable "kind_binary" {
  type = string
}

variable "capi_version" {
  type        = string
  description = "Cluster API release: the clusterctl binary and the core/kubeadm providers (../shared/crds/SOURCES.md)."
}

variable "clusterctl_sha256" {
  type        = string
  description = "sha256 of clusterctl_binary: the reproducible build of sigs.k8s.io/cluster-api/cmd/clusterctl@v<capi_version>."
}

variable "clusterctl_binary" {
  type = string
}

variable "capv_version" {
  type        = string
  description = "Cluster API Provider vSphere release (../shared/crds/SOURCES.md)."
}

variable "ipam_in_cluster_version" {
  type        = string
  description = "Cluster API IPAM in-cluster provider release (../shared/crds/SOURCES.md)."
}

variable "agent_jar" {
  type        = string
  description = "The gateway agent's runnable jar (mvn package: gateway-agent/target/gateway-agent-*-all.jar)."
}

variable "installer_jar" {
  type        = string
  description = "The installer's runnable jar (mvn package: installer/target/installer-*-all.jar)."
}

variable "pcg_cli_jar" {
  type        = string
  description = "The pcg troubleshooting CLI's runnable jar (mvn package: pcg-cli/target/pcg-cli-*-all.jar)."
}

variable "cpus" {
  type = number
}

variable "memory_mb" {
  type = number
}

variable "disk_size_mb" {
  type        = number
  description = "Size of the base disk (base-disk.sh makes it this size): packer must not resize it."
}

variable "output_directory" {
  type        = string
  description = "Where the provisioned disk (qcow2) goes; must not exist yet."
}

source "qemu" "installer" {
  vm_name          = "pcg-installer-${var.appliance_version}.qcow2"
  output_directory = var.output_directory
  disk_image       = true
  iso_url          = var.base_disk
  iso_checksum     = "sha256:${var.base_disk_sha256}"
  format           = "qcow2"
  disk_size        = "${var.disk_size_mb}M"
  skip_resize_disk = true
  accelerator      = var.accelerator
  # packer 1.6.6 has no firmware setting: OVMF as qemu's -bios (the combined image, no separate variable store).
  # The serial console goes to a file beside the output: the build boot's own log.
  qemuargs       = [["-bios", var.efi_firmware], ["-serial", "file:${var.output_directory}.serial.log"]]
  headless       = true
  cpus           = var.cpus
  memory         = var.memory_mb
  net_device     = "virtio-net"
  disk_interface = "virtio"

  ssh_username           = var.build_username
  ssh_password           = var.build_password
  ssh_timeout            = "20m"
  ssh_handshake_attempts = 100
  # provision.sh leaves the build account's sudo rule for this last command: it removes the rule, then powers off.
  shutdown_command = "sudo -n sh -c 'rm -f /etc/sudoers.d/90-pcg-build && systemctl poweroff'"
}

build {
  sources = ["source.qemu.installer"]

  provisioner "shell" {
    inline = ["mkdir -p /tmp/pcg/systemd /tmp/pcg/tools"]
  }

  provisioner "file" {
    source      = var.agent_jar
    destination = "/tmp/pcg/gateway-agent.jar"
  }

  provisioner "file" {
    source      = var.installer_jar
    destination = "/tmp/pcg/pcg-installer.jar"
  }

  provisioner "file" {
    source      = var.pcg_cli_jar
    destination = "/tmp/pcg/pcg-cli.jar"
  }

  provisioner "file" {
    source      = var.kind_binary
    destination = "/tmp/pcg/tools/kind"
  }

  provisioner "file" {
    source      = var.clusterctl_binary
    destination = "/tmp/pcg/tools/clusterctl"
  }

  provisioner "file" {
    source      = "${path.root}/../../scripts/collect-logs.sh"
    destination = "/tmp/pcg/collect-logs.sh"
  }

  provisioner "file" {
    source      = "${path.root}/../../scripts/lib/redact.pl"
    destination = "/tmp/pcg/redact.pl"
  }

  provisioner "file" {
    source      = "${path.root}/../../cloud-init/pcg-installer.cfg"
    destination = "/tmp/pcg/pcg-installer.cfg"
  }

  provisioner "file" {
    source      = "${path.root}/../../packaging/systemd/"
    destination = "/tmp/pcg/systemd"
  }

  provisioner "shell" {
    execute_command = "sudo env {{ .Vars }} bash '{{ .Path }}'"
    environment_vars = [
      "APPLIANCE_VERSION=${var.appliance_version}",
      "BUILD_USERNAME=${var.build_username}",
      "KUBERNETES_VERSION=${var.kubernetes_version}",
      "KIND_VERSION=${var.kind_version}",
      "KIND_SHA256=${var.kind_sha256}",
      "CAPI_VERSION=${var.capi_version}",
      "CLUSTERCTL_SHA256=${var.clusterctl_sha256}",
      "CAPV_VERSION=${var.capv_version}",
      "IPAM_IN_CLUSTER_VERSION=${var.ipam_in_cluster_version}",
    ]
    script = "${path.root}/scripts/provision.sh"
  }
}
