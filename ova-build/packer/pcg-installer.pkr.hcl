# The PCG installer appliance: Ubuntu LTS, autoinstalled, with the pinned Kubernetes and Cluster API tooling, the
# gateway agent, the first-boot installer, the pcg CLI and their systemd units. Packer 1.6 HCL2 with builders compiled in
# (no required_plugins). Build from this directory, e.g.:
#   packer build -only=vsphere-iso.installer -var-file=pcg-installer.pkrvars.hcl -var vcenter_password=... .
# The vsphere-iso build exports an OVF; scripts/package-ova.sh adds the vApp properties and packs the OVA.

variable "appliance_version" {
  type        = string
  description = "Version stamped into the OVA name and /etc/pcg/versions.env."
}

variable "ubuntu_iso_url" {
  type        = string
  description = "Ubuntu LTS live-server ISO."
}

variable "ubuntu_iso_checksum" {
  type        = string
  description = "Checksum of the ISO, as packer's iso_checksum (sha256:<hex> or file:<SHA256SUMS url>)."
}

variable "build_username" {
  type        = string
  description = "Account created by the autoinstall (http/user-data); its password is locked at the end of the build."
}

variable "build_password" {
  type        = string
  description = "Build-time password of build_username, matching the hash in http/user-data. Locked in the image."
}

variable "containerd_version" {
  type = string
}

variable "containerd_sha256" {
  type        = string
  description = "sha256 of containerd-<version>-linux-amd64.tar.gz: 64 hex digits, or file:<url of the upstream digest>."
}

variable "kubernetes_version" {
  type        = string
  description = "Version of kubeadm, kubelet and kubectl."
}

variable "kubeadm_sha256" {
  type = string
}

variable "kubelet_sha256" {
  type = string
}

variable "kubectl_sha256" {
  type = string
}

variable "kind_version" {
  type = string
}

variable "kind_sha256" {
  type = string
}

variable "capi_version" {
  type        = string
  description = "Cluster API release: the clusterctl binary and the core/kubeadm providers (../shared/crds/SOURCES.md)."
}

variable "clusterctl_sha256" {
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
  type = number
}

variable "output_directory" {
  type        = string
  description = "Parent of vsphere/ (exported OVF and the OVA) and qemu/ (qcow2 image); must not exist yet."
}

variable "vcenter_server" {
  type    = string
  default = ""
}

variable "vcenter_username" {
  type    = string
  default = ""
}

variable "vcenter_password" {
  type        = string
  default     = ""
  description = "Pass with -var or PKR_VAR_vcenter_password; never commit it."
}

variable "vcenter_insecure" {
  type    = bool
  default = false
}

variable "vcenter_datacenter" {
  type    = string
  default = ""
}

variable "vcenter_cluster" {
  type    = string
  default = ""
}

variable "vcenter_datastore" {
  type    = string
  default = ""
}

variable "vcenter_network" {
  type    = string
  default = ""
}

variable "vcenter_folder" {
  type    = string
  default = ""
}

locals {
  vm_name = "pcg-installer-${var.appliance_version}"
  # Ubuntu live-server: boot the installer kernel with autoinstall, fetching http/user-data from packer's server.
  boot_command = [
    "c<wait>",
    "linux /casper/vmlinuz --- autoinstall ds='nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/'<enter><wait>",
    "initrd /casper/initrd<enter><wait>",
    "boot<enter>",
  ]
}

source "vsphere-iso" "installer" {
  vcenter_server      = var.vcenter_server
  username            = var.vcenter_username
  password            = var.vcenter_password
  insecure_connection = var.vcenter_insecure
  datacenter          = var.vcenter_datacenter
  cluster             = var.vcenter_cluster
  datastore           = var.vcenter_datastore
  folder              = var.vcenter_folder

  vm_name       = local.vm_name
  guest_os_type = "ubuntu64Guest"
  CPUs          = var.cpus
  RAM           = var.memory_mb
  firmware      = "efi"

  disk_controller_type = ["pvscsi"]
  storage {
    disk_size             = var.disk_size_mb
    disk_thin_provisioned = true
  }
  network_adapters {
    network      = var.vcenter_network
    network_card = "vmxnet3"
  }

  iso_url        = var.ubuntu_iso_url
  iso_checksum   = var.ubuntu_iso_checksum
  http_directory = "${path.root}/http"
  boot_wait      = "5s"
  boot_command   = local.boot_command

  ssh_username           = var.build_username
  ssh_password           = var.build_password
  ssh_timeout            = "45m"
  ssh_handshake_attempts = 100
  shutdown_command       = "sudo shutdown -P now"

  export {
    name             = local.vm_name
    output_directory = "${var.output_directory}/vsphere"
    force            = true
    manifest         = "sha256"
  }
}

source "qemu" "installer" {
  vm_name          = "${local.vm_name}.qcow2"
  output_directory = "${var.output_directory}/qemu"
  format           = "qcow2"
  accelerator      = "kvm"
  headless         = true
  cpus             = var.cpus
  memory           = var.memory_mb
  disk_size        = "${var.disk_size_mb}M"
  net_device       = "virtio-net"
  disk_interface   = "virtio"

  iso_url        = var.ubuntu_iso_url
  iso_checksum   = var.ubuntu_iso_checksum
  http_directory = "${path.root}/http"
  boot_wait      = "5s"
  boot_command   = local.boot_command

  ssh_username           = var.build_username
  ssh_password           = var.build_password
  ssh_timeout            = "45m"
  ssh_handshake_attempts = 100
  shutdown_command       = "sudo shutdown -P now"
}

build {
  sources = ["source.vsphere-iso.installer", "source.qemu.installer"]

  provisioner "shell" {
    inline = ["mkdir -p /tmp/pcg/systemd"]
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
      "CONTAINERD_VERSION=${var.containerd_version}",
      "CONTAINERD_SHA256=${var.containerd_sha256}",
      "KUBERNETES_VERSION=${var.kubernetes_version}",
      "KUBEADM_SHA256=${var.kubeadm_sha256}",
      "KUBELET_SHA256=${var.kubelet_sha256}",
      "KUBECTL_SHA256=${var.kubectl_sha256}",
      "KIND_VERSION=${var.kind_version}",
      "KIND_SHA256=${var.kind_sha256}",
      "CAPI_VERSION=${var.capi_version}",
      "CLUSTERCTL_SHA256=${var.clusterctl_sha256}",
      "CAPV_VERSION=${var.capv_version}",
      "IPAM_IN_CLUSTER_VERSION=${var.ipam_in_cluster_version}",
    ]
    script = "${path.root}/scripts/provision.sh"
  }

  post-processor "shell-local" {
    only = ["vsphere-iso.installer"]
    environment_vars = [
      "EXPORT_DIRECTORY=${var.output_directory}/vsphere",
      "VM_NAME=${local.vm_name}",
      "INSTALLER_JAR=${var.installer_jar}",
      "PRODUCT_SECTION=${path.root}/../ovf/product-section.xml",
    ]
    script = "${path.root}/scripts/package-ova.sh"
  }
}
