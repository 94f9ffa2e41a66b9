#!/usr/bin/env bash
# Runs inside the image during the packer build, as root, on the base disk of ova-build/lib/base-disk.sh. Installs the
# pinned CAPI tools (each checked against its sha256), the agent, the installer, the pcg CLI and their units, then resets
# the machine so that every VM deployed from the OVA boots as a new cloud-init instance.
set -euo pipefail

for name in APPLIANCE_VERSION BUILD_USERNAME KUBERNETES_VERSION KIND_VERSION KIND_SHA256 CAPI_VERSION CLUSTERCTL_SHA256 \
  CAPV_VERSION IPAM_IN_CLUSTER_VERSION; do
  if [[ -z "${!name:-}" ]]; then
    echo "provision: $name is empty: set it in ova-build/packer/pcg-installer.pkrvars.hcl" >&2
    exit 1
  fi
done

STAGING=/tmp/pcg

# The base disk (ova-build/lib/base-disk.sh) brings every Debian package: the build VM has no mirror to reach.
# perl runs collect-logs.sh's redaction (scripts/lib/redact.pl); docker.io is kind's container engine.
required_packages=(open-vm-tools chrony openjdk-17-jre-headless cloud-init openssh-server docker.io containerd runc
  conntrack socat ebtables ethtool curl ca-certificates perl)
missing=()
for package in "${required_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "provision: the base disk lacks ${missing[*]}: add them to ova-build/lib/base-disk.sh" >&2
  exit 1
fi

# A staged tool is installed only with the sha256 pinned for it.
install_pinned() {
  local source=$1 digest=$2 target=$3
  if [[ ! $digest =~ ^[0-9a-f]{64}$ ]]; then
    echo "provision: '$digest' (for $target) is not a sha256 digest" >&2
    return 1
  fi
  if ! echo "$digest  $source" | sha256sum --check --status; then
    echo "provision: checksum mismatch for $target (expected $digest, got $(sha256sum "$source" | cut -d' ' -f1))" >&2
    return 1
  fi
  install -m 0755 "$source" "$target"
}
install_pinned "$STAGING/tools/kind" "$KIND_SHA256" /usr/local/bin/kind
install_pinned "$STAGING/tools/clusterctl" "$CLUSTERCTL_SHA256" /usr/local/bin/clusterctl

# kind's container engine: the distribution's Docker, kind's default and best-tested provider. The kindest/node image
# cannot be pulled on this build machine (its only registries are the package ones), so the appliance pulls it when
# the agent first runs kind.
systemctl enable docker.service

# The agent's own system user (pcg-agent.service User=pcg): home and state in /var/lib/pcg, no login. The docker group
# lets it drive kind; it is root-equivalent on this host, the trade-off docs/agent.md explains.
useradd --system --user-group --home-dir /var/lib/pcg --no-create-home --shell /usr/sbin/nologin pcg
usermod --append --groups docker pcg
install -d -m 0755 /opt/pcg /usr/share/doc/pcg
# root:pcg with the sticky bit: the agent may replace its own agent.yml (to take the PIN out after pairing) and write
# its status banner, but neither delete nor replace root's files there (versions.env, the console banner's other parts).
install -d -m 1770 -o root -g pcg /etc/pcg
install -d -m 1775 -o root -g pcg /etc/issue.d
install -m 0644 "$STAGING/gateway-agent.jar" /opt/pcg/gateway-agent.jar
install -m 0644 "$STAGING/pcg-installer.jar" /opt/pcg/pcg-installer.jar
install -m 0644 "$STAGING/pcg-cli.jar" /opt/pcg/pcg-cli.jar
# collect-logs.sh finds its redaction in lib/ next to the real file, so the command on the PATH is a link to it.
install -d -m 0755 /opt/pcg/scripts/lib
install -m 0755 "$STAGING/collect-logs.sh" /opt/pcg/scripts/collect-logs.sh
install -m 0644 "$STAGING/redact.pl" /opt/pcg/scripts/lib/redact.pl
ln -sfn /opt/pcg/scripts/collect-logs.sh /usr/local/bin/collect-logs.sh
cat > /usr/local/bin/pcg-installer <<'WRAPPER'
#!/bin/sh
exec /usr/bin/java -jar /opt/pcg/pcg-installer.jar "$@"
WRAPPER
chmod 0755 /usr/local/bin/pcg-installer
# Troubleshooting over SSH (docs/cli.md). Small heap and C1 only: it runs for seconds beside the agent.
cat > /usr/local/bin/pcg <<'WRAPPER'
#!/bin/sh
exec /usr/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m -jar /opt/pcg/pcg-cli.jar "$@"
WRAPPER
chmod 0755 /usr/local/bin/pcg

# What the agent installs into the management cluster, pinned with the image.
cat > /etc/pcg/versions.env <<VERSIONS
PCG_APPLIANCE_VERSION=${APPLIANCE_VERSION}
KUBERNETES_VERSION=v${KUBERNETES_VERSION}
CONTAINERD_VERSION=$(dpkg-query -W -f='${Version}' containerd)
KIND_VERSION=v${KIND_VERSION}
CAPI_VERSION=v${CAPI_VERSION}
CAPV_VERSION=v${CAPV_VERSION}
IPAM_IN_CLUSTER_VERSION=v${IPAM_IN_CLUSTER_VERSION}
VERSIONS
chmod 0644 /etc/pcg/versions.env

# A unit whose program this image does not have is not installed: containerd comes from Debian (with its own unit)
# and kubelet runs inside kind's node containers.
for unit in "$STAGING"/systemd/*.service "$STAGING"/systemd/*.path; do
  program=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
  if [[ -z $program || -x $program ]]; then
    install -m 0644 "$unit" /etc/systemd/system/
  fi
done
systemctl daemon-reload
systemctl enable pcg-console-banner.path

# The agent's class-data-sharing archive (about a third off its start-up on 2 vCPUs). One training run of the
# installed jar with the unit's own command line, the archive flag swapped: an archive only matches the jar and flags
# it was made with. The console endpoint is a closed local port, so the agent goes through start-up, key generation
# and a pairing attempt (TLS, gRPC, failure handling) and then retries; SIGTERM ends it and the JVM writes the archive.
build_agent_cds_archive() {
  local unit=/etc/systemd/system/pcg-agent.service work pid archive=""
  local -a unit_command training_command=()
  read -r -a unit_command <<<"$(sed -n 's/^ExecStart=//p' "$unit")"
  for arg in "${unit_command[@]:1}"; do
    case $arg in
      -XX:SharedArchiveFile=*) archive=${arg#*=} ;;
      *) training_command+=("$arg") ;;
    esac
  done
  if [[ -z $archive ]]; then
    echo "provision: $unit has no -XX:SharedArchiveFile= in ExecStart" >&2
    return 1
  fi
  work=$(mktemp -d)
  cat >"$work/agent.yml" <<YAML
pcg:
  agent:
    name: cds-training
    console-endpoint: https://127.0.0.1:9
    pairing-code: CDSTRAIN
    state-dir: $work/state
YAML
  MICRONAUT_CONFIG_FILES="$work/agent.yml" "${unit_command[0]}" "-XX:ArchiveClassesAtExit=$archive" \
    "${training_command[@]}" >"$work/agent.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    # 503 with the problem code once the pairing attempt has failed (NEEDS_OPERATOR: it will not try at all).
    if curl -s http://127.0.0.1:8899/health/agent 2>/dev/null | grep -q -E 'TCP_CONNECT_FAILED|NEEDS_OPERATOR'; then
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 1
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  if [[ ! -s $archive ]]; then
    echo "provision: the agent's training run wrote no $archive; its output:" >&2
    cat "$work/agent.log" >&2
    rm -rf "$work"
    return 1
  fi
  chmod 0644 "$archive"
  rm -rf "$work"
}
build_agent_cds_archive

# Started by pcg-installer after validation.
systemctl disable pcg-agent.service 2>/dev/null || true

install -m 0644 "$STAGING/pcg-installer.cfg" /etc/cloud/cloud.cfg.d/99-pcg-installer.cfg
# The build boot ran without cloud-init (base-disk.sh); every VM deployed from the OVA runs it on its first boot.
rm -f /etc/cloud/cloud-init.disabled

# Reset identity: new machine-id, SSH host keys and cloud-init instance on first boot of each deployed VM.
# The build account's sudo rule goes with packer's shutdown_command, the last command it runs.
passwd --lock "$BUILD_USERNAME"
rm -f "/home/$BUILD_USERNAME/.ssh/authorized_keys" /etc/ssh/ssh_host_*
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id
rm -rf "$STAGING"
cloud-init clean --logs --seed
