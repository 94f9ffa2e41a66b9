#!/usr/bin/env bash
# Builds everything and runs the gateway's main job end to end on embedded defaults: the dev-console creates a
# gateway with a PIN; the agent pairs and registers; a vCenter (vcsim) is validated through the control stream; the
# admin's "Configure" (vCenter, placement, a static IP pool, NODES nodes) makes the agent create its kind management
# cluster, install Cluster API, render and apply the gateway cluster, answer the node address claims from the pool,
# and pivot into the new cluster. It ends by printing the gateway's state, nodes, IPs and where the Cluster API objects
# live. kind and the Cluster API controllers cannot run without a container engine, so a SIMULATED site stands in
# for them (simulators/, never shipped): real kube-apiservers, simulated providers that clone real VMs in vcsim, and
# the real clusterctl for the move. Cleans up on exit.
# Usage: scripts/demo.sh            NODES=3 for a 3-node gateway; KEEP=1 leaves the temp folder with logs and state
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
NODES=${NODES:-1}
[[ $NODES == 1 || $NODES == 3 ]] || { echo "NODES must be 1 or 3 (the gateway cluster has 1 or 3 nodes), got '$NODES'" >&2; exit 2; }

step() { printf '\n== %s\n' "$*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

WORK=$(mktemp -d /tmp/pcg-demo.XXXXXX)
PIDS=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $status -ne 0 ]]; then
    echo "demo failed; last lines of the logs:" >&2
    tail -n 20 "$WORK"/*.log >&2 2>/dev/null || true
  fi
  if [[ -n "${KEEP:-}" ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# wait_for <seconds> <description> <command...>: retries the command until it succeeds.
wait_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS >= deadline )); then echo "timed out after ${seconds}s waiting for $what" >&2; return 1; fi
    sleep 0.2
  done
}

step "Building (mvn package)"
mvn -B -q -ntp package -DskipTests
CONSOLE_JAR=$(ls dev-console/target/dev-console-*-all.jar)
# The agent's own classes plus the simulation module (the NTP answer vcsim lacks); the site's classes come along.
SIM_CP="agent-simulation/target/classes:$(cat agent-simulation/target/runtime.classpath)"

API_PORT=$(free_port); GRPC_PORT=$(free_port); HEALTH_PORT=$(free_port); VC_PORT=$(free_port)
API="http://127.0.0.1:$API_PORT/api"

step "Starting the dev-console (admin API 127.0.0.1:$API_PORT, agents on TLS port $GRPC_PORT)"
MICRONAUT_SERVER_PORT=$API_PORT PCG_CONSOLE_GRPC_PORT=$GRPC_PORT PCG_CONSOLE_DATA_DIR="$WORK/console" \
  java -jar "$CONSOLE_JAR" >"$WORK/console.log" 2>&1 &
PIDS+=($!)
wait_for 60 "the dev-console admin API" curl -fsS "$API/gateways"

step "Creating gateway 'pcg-demo' with a PIN"
CREATED=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"name":"pcg-demo"}' "$API/gateways")
GATEWAY_ID=$(jq -r .id <<<"$CREATED")
PIN=$(jq -r .pin <<<"$CREATED")
echo "gateway $GATEWAY_ID created; PIN issued (not shown: it is a secret)"

step "Starting a vCenter (vcsim on 127.0.0.1:$VC_PORT) with a node template and the guide's zone tags"
VC_PASSWORD=$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
"$VCSIM_BIN/vcsim" -l "127.0.0.1:$VC_PORT" -username demo-admin -password "$VC_PASSWORD" >"$WORK/vcsim.log" 2>&1 &
PIDS+=($!)
wait_for 30 "vcsim" curl -fsSk "https://127.0.0.1:$VC_PORT/about"
govc_demo() { GOVC_URL="https://127.0.0.1:$VC_PORT/sdk" GOVC_USERNAME=demo-admin GOVC_PASSWORD="$VC_PASSWORD" GOVC_INSECURE=1 "$VCSIM_BIN/govc" "$@"; }
govc_demo tags.category.create k8s-region >/dev/null && govc_demo tags.create -c k8s-region region1 >/dev/null
govc_demo tags.category.create k8s-zone >/dev/null && govc_demo tags.create -c k8s-zone az1 >/dev/null
govc_demo tags.attach region1 /DC0 && govc_demo tags.attach az1 /DC0/host/DC0_C0
govc_demo vm.create -on=false -ds LocalDS_0 -pool /DC0/host/DC0_C0/Resources -net "VM Network" -c 2 -m 4096 \
  -g ubuntu64Guest pcg-node-template && govc_demo vm.markastemplate /DC0/vm/pcg-node-template
echo "node template: /DC0/vm/pcg-node-template"

step "Starting the SIMULATED site: kind and Cluster API stand-ins (real kube-apiservers, VMs cloned in vcsim)"
PCG_SITE_VCENTER="127.0.0.1:$VC_PORT" PCG_SITE_VCENTER_USERNAME=demo-admin PCG_SITE_VCENTER_PASSWORD="$VC_PASSWORD" \
  java -cp "$SIM_CP" -Dpcg.vcsim.bin="$VCSIM_BIN" -Dpcg.kube.bin="$KUBE_APISERVER_BIN" -Dpcg.clusterctl.bin="$CLUSTERCTL_BIN" \
  io.pcg.simulators.site.SimulatedSite "$WORK/site" >"$WORK/site.log" 2>&1 &
PIDS+=($!)
wait_for 60 "the simulated site" test -s "$WORK/site/site.json"
jq -r '"site at \(.url); the agent runs \(.kind) and \(.clusterctl)"' "$WORK/site/site.json"

step "Starting the agent (health on 127.0.0.1:$HEALTH_PORT)"
printf 'KUBERNETES_VERSION=v1.34.4\nCAPI_VERSION=v1.13.5\nCAPV_VERSION=v1.16.1\nIPAM_IN_CLUSTER_VERSION=v1.0.3\n' >"$WORK/versions.env"
# What the installer writes to /etc/pcg/agent.yml on the appliance, mode 0600 because it holds the PIN; the tools
# and the NTP answer are the simulated site's.
umask 077
cat >"$WORK/agent.yml" <<YAML
micronaut:
  server:
    port: $HEALTH_PORT
pcg:
  agent:
    name: pcg-demo
    console-endpoint: https://localhost:$GRPC_PORT
    pairing-code: $PIN
    state-dir: $WORK/agent-state
    console-ca-file: $WORK/console/ca.pem
    status-banner-file: $WORK/banner.issue
    bootstrap:
      versions-file: $WORK/versions.env
      kind: $(jq -r .kind "$WORK/site/site.json")
      clusterctl: $(jq -r .clusterctl "$WORK/site/site.json")
  test:
    vcsim-ntp: true
YAML
umask 022
MICRONAUT_CONFIG_FILES="$WORK/agent.yml" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xmx256m \
  -cp "$SIM_CP" io.pcg.agent.GatewayAgentApplication >"$WORK/agent.log" 2>&1 &
PIDS+=($!)
wait_for 60 "the agent to pair and register" curl -fsS "http://127.0.0.1:$HEALTH_PORT/health/agent"
curl -fsS "http://127.0.0.1:$HEALTH_PORT/health/agent" | jq '{phase, gatewayId}'
echo "identity: $(ls "$WORK/agent-state/identity" | tr '\n' ' ')(key.pem mode $(stat -c %a "$WORK/agent-state/identity/key.pem"))"

step "Sending agent.ping over the control stream"
COMMAND_ID=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"type":"agent.ping","payload":{"hello":"from the console"}}' "$API/gateways/$GATEWAY_ID/commands" | jq -r .commandId)
curl -fsS "$API/gateways/$GATEWAY_ID/commands/$COMMAND_ID?waitSeconds=10" | jq '{type, status, result}'

step "Validating the vCenter through the gateway"
# send_command <type> <payload-json on stdin>: the payload is piped, so the vCenter password is never on a command line.
send_command() {
  local id
  id=$(jq -c --arg type "$1" '{type: $type, payload: .}' | curl -fsS -X POST -H 'Content-Type: application/json' \
    --data-binary @- "$API/gateways/$GATEWAY_ID/commands" | jq -r .commandId)
  curl -fsS "$API/gateways/$GATEWAY_ID/commands/$id?waitSeconds=60"
}
THUMBPRINT=$(jq -n --arg s "127.0.0.1:$VC_PORT" '{server: $s}' | send_command vsphere.thumbprint | jq -r .result.sha256)
echo "vCenter certificate SHA-256 (what the admin confirms): $THUMBPRINT"
VC=$(jq -n --arg s "127.0.0.1:$VC_PORT" --arg p "$VC_PASSWORD" --arg t "$THUMBPRINT" \
  '{server: $s, username: "demo-admin", password: $p, thumbprint: $t}')
send_command vsphere.inventory <<<"$VC" | jq -r '.result.inventory.datacenters[] |
  "datacenter \(.name): \(.clusters | length) compute cluster(s), \(.datastores | length) datastore(s), \(.networks | length) network(s)"'
jq '. + {placement: {datacenter: "DC0", cluster: "DC0_C0", datastore: "LocalDS_0", network: "VM Network"}}' <<<"$VC" \
  | send_command vsphere.validate | jq -r '"validation: \(.result.status)", (.result.checks[] | "  \(.status)\t\(.id)\t\(.message)")'
echo "(vcsim models no NTP; the simulated site answers the ntp check as a vCenter whose hosts use pool.ntp.org)"

step "Configure: $NODES node(s), static IPs from pool 10.10.183.10-10.10.183.20"
# The vCenter part (with its password) goes through stdin, never onto a command line.
CONFIGURE=$(jq --argjson nodes "$NODES" '{
  vcenter: .,
  placement: {datacenter: "DC0", computeCluster: "DC0_C0", datastore: "LocalDS_0", network: "VM Network"},
  nodeTemplate: "pcg-node-template",
  sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB5wvFKz0zqo3V2qfXo0lUlrD8Tve2dcJu4Mvsc7u5GP admin@example"],
  ntpServers: ["pool.ntp.org"],
  ipAllocation: {type: "static", pool: {name: "gateway-pool", networkType: "range", start: "10.10.183.10",
    end: "10.10.183.20", prefix: 24, gateway: "10.10.183.1", nameServers: ["10.10.183.2"], restrictToSingleCluster: true}},
  nodeCount: $nodes}' <<<"$VC")
ID=$(curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @- "$API/gateways/$GATEWAY_ID/configure" <<<"$CONFIGURE" | jq -r .commandId)
curl -fsS "$API/gateways/$GATEWAY_ID/commands/$ID?waitSeconds=60" | jq -r '"gateway.configure: \(.status) \(.error.message // "")"'

step "Provisioning (the console's view: state and each milestone event as it arrives)"
seen=0; state=""
deadline=$((SECONDS + 600))
while :; do
  now=$(curl -fsS "$API/gateways/$GATEWAY_ID/cluster" | jq -r .state 2>/dev/null || true)
  if [[ -n $now && $now != "$state" ]]; then state=$now; echo "state: $state"; fi
  events=$(curl -fsS "$API/gateways/$GATEWAY_ID/events")
  jq -r --argjson from "$seen" '.[$from:][] | "  \(.severity)\t\(.reason)\t\(.message)"' <<<"$events"
  seen=$(jq length <<<"$events")
  [[ $state == Running ]] && break
  if (( SECONDS >= deadline )); then echo "the gateway cluster did not reach Running in 10 minutes (state: $state)" >&2; exit 1; fi
  sleep 1
done

step "The gateway"
curl -fsS "$API/gateways/$GATEWAY_ID" | jq -r '"name: \(.name)\nstate: \(.state)\nagent version: \(.version)"'
curl -fsS "$API/gateways/$GATEWAY_ID/cluster" | jq -r '"gateway cluster: \(.state)",
  (.nodes[] | "  node \(.name)\t\(.role)\t\(.ip)\tready=\(.ready)"),
  "Cluster API objects live on: the \(.managementCluster) cluster"'
curl -fsS "$(jq -r .url "$WORK/site/site.json")/clusters" | jq -r '"kind clusters left: \(.kind | length)",
  (.workloads | to_entries[] | "gateway cluster \(.key): API server \(.value)")'
VMS=$(govc_demo find /DC0/vm -type m -name 'pcg-demo-*')
echo "VMs in vCenter: $(wc -l <<<"$VMS")"
while read -r vm; do
  [[ -n $vm ]] && echo "  $vm  ip=$(govc_demo vm.info -json "$vm" | jq -r '.VirtualMachines[0].Guest.IpAddress // "-"')"
done <<<"$VMS"
echo
# The agent rewrites the banner every few seconds: wait for the one that follows the Running state.
for _ in $(seq 1 30); do
  grep -q "Power off this installer VM" "$WORK/banner.issue" 2>/dev/null && break
  sleep 1
done
echo "The installer VM's console banner now says:"
sed 's/^/  | /' "$WORK/banner.issue"
