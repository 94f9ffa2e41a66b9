package io.pcg.agent.simulation;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandState;
import io.pcg.console.gateway.ClusterStatusRecord;
import io.pcg.testkit.console.DevConsole;
import io.pcg.testkit.vsphere.Vcsim;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the admin does on the simulated site: prepares the node template in vCenter, and sends "Configure" and the
 * other gateway commands from the console, waiting for their results and for the gateway's state.
 */
public final class SiteAdmin {

    /** The node template the gateway's VMs are cloned from. */
    public static final String NODE_TEMPLATE = "pcg-node-template";
    /** The static pool {@link #configureRequest} uses: 10.0.0.20–10.0.0.40. */
    public static final String FIRST_NODE_ADDRESS = "10.0.0.21";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SiteAdmin() {}

    /** Imports the node template into vcsim's DC0 (once per vcsim). */
    public static void createNodeTemplate(Vcsim vcsim) throws IOException {
        createNodeTemplate(vcsim, NODE_TEMPLATE);
    }

    /** Imports a node template named {@code name} into vcsim's DC0, e.g. a new node image for an upgrade. */
    public static void createNodeTemplate(Vcsim vcsim, String name) throws IOException {
        vcsim.govc(
                "vm.create",
                "-on=false",
                "-ds",
                "LocalDS_0",
                "-pool",
                "/DC0/host/DC0_C0/Resources",
                "-net",
                "VM Network",
                "-c",
                "2",
                "-m",
                "4096",
                "-g",
                "ubuntu64Guest",
                name);
        vcsim.govc("vm.markastemplate", "/DC0/vm/" + name);
    }

    /**
     * A {@code cluster.create} payload for a tenant cluster of one control-plane node on vcsim's DC0, cloned from
     * {@link #NODE_TEMPLATE}, with the default cloud account; callers add workers, an account or change what they test.
     *
     * @param ipAllocation e.g. {@code {"type": "static", "pool": "tenant-nodes"}}
     */
    public static Map<String, Object> tenantClusterRequest(String name, Map<String, Object> ipAllocation) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", name);
        request.put("controlPlaneCount", 1);
        request.put("allowWorkerCapability", true);
        request.put("workerPools", List.of());
        request.put(
                "placementDomains",
                List.of(Map.of(
                        "datacenter",
                        "DC0",
                        "computeCluster",
                        "DC0_C0",
                        "datastore",
                        "LocalDS_0",
                        "network",
                        "VM Network")));
        request.put("nodeTemplate", NODE_TEMPLATE);
        request.put("ipAllocation", ipAllocation);
        request.put(
                "sshKeys",
                List.of(
                        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB5wvFKz0zqo3V2qfXo0lUlrD8Tve2dcJu4Mvsc7u5GP admin@example"));
        return request;
    }

    /** "Configure" with vcsim's DC0, {@code nodes} nodes and a static pool of this gateway (the VIP is its first address). */
    public static Map<String, Object> configureRequest(Vcsim vcsim, int nodes) {
        return configureRequest(vcsim, nodes, pool("10.0.0.40"));
    }

    /** The gateway's pool "gateway-nodes", 10.0.0.20 to {@code end}, restricted to the gateway cluster. */
    public static Map<String, Object> pool(String end) {
        return pool("10.0.0.20", end);
    }

    /** The gateway's pool "gateway-nodes", {@code start} to {@code end} in 10.0.0.0/24, restricted to the gateway cluster. */
    public static Map<String, Object> pool(String start, String end) {
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("name", "gateway-nodes");
        pool.put("networkType", "range");
        pool.put("start", start);
        pool.put("end", end);
        pool.put("prefix", 24);
        pool.put("gateway", "10.0.0.1");
        pool.put("nameServers", List.of("10.0.0.2"));
        pool.put("restrictToSingleCluster", true);
        return pool;
    }

    /** "Configure" with vcsim's DC0, {@code nodes} nodes and static addresses from {@code pool}. */
    public static Map<String, Object> configureRequest(Vcsim vcsim, int nodes, Map<String, Object> pool) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put(
                "vcenter",
                Map.of(
                        "server",
                        vcsim.server(),
                        "username",
                        Vcsim.USERNAME,
                        "password",
                        Vcsim.PASSWORD,
                        "thumbprint",
                        thumbprint(vcsim)));
        request.put(
                "placement",
                Map.of(
                        "datacenter",
                        "DC0",
                        "computeCluster",
                        "DC0_C0",
                        "datastore",
                        "LocalDS_0",
                        "network",
                        "VM Network"));
        request.put("nodeTemplate", NODE_TEMPLATE);
        request.put(
                "sshKeys",
                List.of(
                        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB5wvFKz0zqo3V2qfXo0lUlrD8Tve2dcJu4Mvsc7u5GP admin@example"));
        request.put("ntpServers", List.of("pool.ntp.org"));
        request.put("ipAllocation", Map.of("type", "static", "pool", pool));
        request.put("nodeCount", nodes);
        return request;
    }

    /** vcsim's certificate SHA-256, as the admin confirms it. */
    public static String thumbprint(Vcsim vcsim) {
        try {
            return vcsim.govc("about.cert", "-k", "-thumbprint").strip().split("\\s+")[1];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a command to the gateway and waits up to two minutes for its result. */
    public static CommandRecord run(DevConsole console, String gatewayId, String type, Object payload) {
        CommandRecord submitted;
        try {
            submitted = console.commands().submit(gatewayId, type, JSON.writeValueAsString(payload));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload of " + type + " is not JSON: " + e.getOriginalMessage(), e);
        }
        return await(type + " finishes")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> console.commands().get(submitted.id()),
                        record -> record.status() == CommandState.SUCCEEDED || record.status() == CommandState.FAILED);
    }

    /** Waits until the console shows the gateway cluster in {@code state} (e.g. "Running"). */
    public static ClusterStatusRecord awaitState(DevConsole console, String gatewayId, String state, Duration atMost) {
        return await("the gateway cluster is " + state)
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> console.gateway(gatewayId).cluster(),
                        cluster -> cluster != null && state.equals(cluster.state()));
    }
}
