#!/usr/bin/env bash
# Builds everything, starts the dev-console and the gateway agent, creates a gateway with a PIN, lets the agent pair
# and register, sends it an agent.ping command and prints the registered gateway. Cleans up on exit.
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

API_PORT=$(free_port); GRPC_PORT=$(free_port); HEALTH_PORT=$(free_port)
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
YAML
umask 022
MICRONAUT_CONFIG_FILES="$WORK/agent.yml" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xmx128m \
  -jar "$AGENT_JAR" >"$WORK/agent.log" 2>&1 &
PIDS+=($!)
wait_for 60 "the agent to pair and register" curl -fsS "http://127.0.0.1:$HEALTH_PORT/health/agent"
curl -fsS "http://127.0.0.1:$HEALTH_PORT/health/agent" | jq '{phase, gatewayId}'
echo "identity: $(ls "$WORK/agent-state/identity" | tr '\n' ' ')(key.pem mode $(stat -c %a "$WORK/agent-state/identity/key.pem"))"

step "Sending agent.ping over the control stream"
COMMAND_ID=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"type":"agent.ping","payload":{"hello":"from the console"}}' "$API/gateways/$GATEWAY_ID/commands" | jq -r .commandId)
curl -fsS "$API/gateways/$GATEWAY_ID/commands/$COMMAND_ID?waitSeconds=10" | jq '{type, status, result}'

step "Registered gateway"
curl -fsS "$API/gateways/$GATEWAY_ID" | jq -r '"name: \(.name)\nstate: \(.state)\nIP: \(.ipAddresses | join(", "))\nhostname: \(.hostname)\nagent version: \(.version)"'
