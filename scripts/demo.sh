#!/usr/bin/env bash
# Builds everything and runs the gateway's main job on embedded defaults: the dev-console creates a gateway with a
# PIN, the agent pairs and registers, a vCenter (vcsim) is validated through the control stream, an IP pool is
# created and node address claims on the simulated management cluster are answered by the agent; then it prints the
# registered gateway. Cleans up on exit.
# Usage: scripts/demo.sh            (KEEP=1 leaves the temp folder with logs and state behind)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh

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
AGENT_JAR=$(ls gateway-agent/target/gateway-agent-*-all.jar)

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

step "Starting the simulated management cluster (a real kube-apiserver + etcd with the CAPI/CAPV/IPAM CRDs)"
java -cp "bench/target/classes:$(cat bench/target/runtime.classpath)" -Dpcg.kube.bin="$KUBE_APISERVER_BIN" \
  io.pcg.bench.SimulatedManagementCluster "$WORK/management.kubeconfig" pcg-system >"$WORK/management.log" 2>&1 &
PIDS+=($!)
wait_for 120 "the management cluster API" test -s "$WORK/management.kubeconfig"
KUBE_API=$(awk '/server:/ {print $2}' "$WORK/management.kubeconfig"); KUBE_API=${KUBE_API%/}
awk '/certificate-authority-data:/ {print $2}' "$WORK/management.kubeconfig" | base64 -d >"$WORK/management-ca.pem"
# kube_curl <curl args...>: the management cluster's API as its admin; the token goes through a header file, never argv.
printf 'Authorization: Bearer %s\n' "$(awk '/token:/ {print $2}' "$WORK/management.kubeconfig")" >"$WORK/management.auth"
chmod 600 "$WORK/management.auth"
kube_curl() { curl -fsS --cacert "$WORK/management-ca.pem" -H "@$WORK/management.auth" "$@"; }

step "Starting the agent (health on 127.0.0.1:$HEALTH_PORT)"
# What the installer writes to /etc/pcg/agent.yml on the appliance, mode 0600 because it holds the PIN.
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
    kube:
      kubeconfig: $WORK/management.kubeconfig
YAML
umask 022
MICRONAUT_CONFIG_FILES="$WORK/agent.yml" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xmx128m -Xms32m -Xmn8m \
  -Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1 -Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1 \
  -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -jar "$AGENT_JAR" >"$WORK/agent.log" 2>&1 &
PIDS+=($!)
wait_for 60 "the agent to pair and register" curl -fsS "http://127.0.0.1:$HEALTH_PORT/health/agent"
curl -fsS "http://127.0.0.1:$HEALTH_PORT/health/agent" | jq '{phase, gatewayId}'
echo "identity: $(ls "$WORK/agent-state/identity" | tr '\n' ' ')(key.pem mode $(stat -c %a "$WORK/agent-state/identity/key.pem"))"

step "Sending agent.ping over the control stream"
COMMAND_ID=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"type":"agent.ping","payload":{"hello":"from the console"}}' "$API/gateways/$GATEWAY_ID/commands" | jq -r .commandId)
curl -fsS "$API/gateways/$GATEWAY_ID/commands/$COMMAND_ID?waitSeconds=10" | jq '{type, status, result}'

step "Validating a vCenter through the gateway (vcsim on 127.0.0.1:$VC_PORT)"
VC_PASSWORD=$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
"$VCSIM_BIN/vcsim" -l "127.0.0.1:$VC_PORT" -username demo-admin -password "$VC_PASSWORD" >"$WORK/vcsim.log" 2>&1 &
PIDS+=($!)
wait_for 30 "vcsim" curl -fsSk "https://127.0.0.1:$VC_PORT/about"
# send_command <type> <payload-json on stdin>: the payload is piped, so the vCenter password is never on a command line.
send_command() {
  local id
  id=$(jq -c --arg type "$1" '{type: $type, payload: .}' | curl -fsS -X POST -H 'Content-Type: application/json'     --data-binary @- "$API/gateways/$GATEWAY_ID/commands" | jq -r .commandId)
  curl -fsS "$API/gateways/$GATEWAY_ID/commands/$id?waitSeconds=60"
}
# Zone tags as the guide asks for them (k8s-region on the datacenter, k8s-zone on the compute cluster).
govc_demo() { GOVC_URL="https://127.0.0.1:$VC_PORT/sdk" GOVC_USERNAME=demo-admin GOVC_PASSWORD="$VC_PASSWORD" GOVC_INSECURE=1 "$VCSIM_BIN/govc" "$@"; }
govc_demo tags.category.create k8s-region >/dev/null && govc_demo tags.create -c k8s-region region1 >/dev/null
govc_demo tags.category.create k8s-zone >/dev/null && govc_demo tags.create -c k8s-zone az1 >/dev/null
govc_demo tags.attach region1 /DC0 && govc_demo tags.attach az1 /DC0/host/DC0_C0
THUMBPRINT=$(jq -n --arg s "127.0.0.1:$VC_PORT" '{server: $s}' | send_command vsphere.thumbprint | jq -r .result.sha256)
echo "vCenter certificate SHA-256 (what the admin confirms): $THUMBPRINT"
VC=$(jq -n --arg s "127.0.0.1:$VC_PORT" --arg p "$VC_PASSWORD" --arg t "$THUMBPRINT" \
  '{server: $s, username: "demo-admin", password: $p, thumbprint: $t}')
send_command vsphere.inventory <<<"$VC" | jq -r '.result.inventory.datacenters[] |
  "datacenter \(.name): \(.clusters | length) compute cluster(s), \(.datastores | length) datastore(s), \(.networks | length) network(s)"'
jq '. + {placement: {datacenter: "DC0", cluster: "DC0_C0", datastore: "LocalDS_0", network: "VM Network"}}' <<<"$VC" \
  | send_command vsphere.validate | jq -r '"validation: \(.result.status)", (.result.checks[] | "  \(.status)\t\(.id)\t\(.message)")'
echo "(vcsim models no NTP configuration on its hosts, so the ntp check fails here as it would on a real vCenter without NTP)"

step "Static IPs: an IP pool created from the console, node address claims answered by the agent"
jq -n '{name: "gateway-pool", networkType: "range", start: "10.10.183.10", end: "10.10.183.20", prefix: 24,
        gateway: "10.10.183.1", nameServers: ["10.10.183.2"], restrictToSingleCluster: true}' \
  | send_command ipam.pool.create | jq -r '"pool \(.result.pool.name // .result.name): \(.status)"'
# What CAPV does for each node NIC with addressesFromPools: one IPAddressClaim per node.
CLAIMS="$KUBE_API/apis/ipam.cluster.x-k8s.io/v1beta2/namespaces/pcg-system/ipaddressclaims"
for node in cp-0 cp-1 cp-2; do
  jq -n --arg name "pcg-demo-$node" '{apiVersion: "ipam.cluster.x-k8s.io/v1beta2", kind: "IPAddressClaim",
      metadata: {name: $name, namespace: "pcg-system"},
      spec: {clusterName: "pcg-demo", poolRef: {apiGroup: "ipam.cluster.x-k8s.io", kind: "InClusterIPPool", name: "gateway-pool"}}}' \
    | kube_curl -X POST -H 'Content-Type: application/json' --data-binary @- "$CLAIMS" >/dev/null
done
claims_answered() { [[ $(kube_curl "$CLAIMS" | jq '[.items[] | select(.status.addressRef.name != null)] | length') == 3 ]]; }
wait_for 30 "the agent to answer the three claims" claims_answered
kube_curl "$KUBE_API/apis/ipam.cluster.x-k8s.io/v1beta2/namespaces/pcg-system/ipaddresses" \
  | jq -r '.items[] | "  \(.spec.claimRef.name) -> \(.spec.address)/\(.spec.prefix) via \(.spec.gateway)"'
jq -n '{}' | send_command ipam.pool.list | jq -r '.result.pools[] |
  "pool \(.pool.name): \(.used) of \(.total) used, \(.free) free, reserved for \(.reservedFor // "nobody")"'

step "Registered gateway"
curl -fsS "$API/gateways/$GATEWAY_ID" | jq -r '"name: \(.name)\nstate: \(.state)\nIP: \(.ipAddresses | join(", "))\nhostname: \(.hostname)\nagent version: \(.version)"'
