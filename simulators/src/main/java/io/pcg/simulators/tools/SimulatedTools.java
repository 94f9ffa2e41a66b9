package io.pcg.simulators.tools;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pcg.common.process.CommandRunner;
import io.pcg.common.process.ProcessCommandRunner;
import io.pcg.simulators.ClusterctlInventory;
import io.pcg.simulators.Delays;
import io.pcg.simulators.Faults;
import io.pcg.simulators.SimulatedCapi;
import io.pcg.simulators.WorkloadClusters;
import io.pcg.simulators.timing.InfrastructureTime;
import io.pcg.simulators.vsphere.VcenterAccess;
import io.pcg.testkit.kube.KubeApiServer;
import io.pcg.testkit.kube.UpstreamCrds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulator: the tools the agent's bootstrap runs, for a machine without a container engine. {@code kind} starts a
 * real kube-apiserver (with the upstream CRDs) instead of a node container; {@code clusterctl init} installs what
 * {@code clusterctl move} reads (the provider inventory, the upstream IPAM controller the agent must turn off) and
 * starts the simulated Cluster API providers against that cluster, since the real ones cannot run here. Everything
 * else, {@code clusterctl move} above all, runs the real binary.
 *
 * <p>The agent sees the same command lines, exit codes and files as with the real tools: its bootstrap code runs
 * unchanged.
 */
public final class SimulatedTools implements CommandRunner, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedTools.class);

    /** Where {@code clusterctl init} puts the upstream in-cluster IPAM controller. */
    static final String UPSTREAM_IPAM_NAMESPACE = "capi-ipam-in-cluster-system";

    static final String UPSTREAM_IPAM_DEPLOYMENT = "capi-ipam-in-cluster-controller-manager";

    private final VcenterAccess vcenter;
    private final Delays delays;
    private final Faults faults;
    private final WorkloadClusters.OnDemand workloads;
    private final Path clusterctl;
    private final CommandRunner real = new ProcessCommandRunner(Duration.ofMinutes(10))
            .withEnvironment(Map.of("CLUSTERCTL_DISABLE_VERSIONCHECK", "true"));
    private final Map<String, KubeApiServer> kindClusters = new LinkedHashMap<>();
    /** Simulated providers by API server URL: one set per cluster Cluster API was "installed" in. */
    private final Map<String, Installed> providers = new LinkedHashMap<>();

    private final List<List<String>> commands = new ArrayList<>();
    /** Command prefixes (e.g. "clusterctl move") that fail once each, with the message a real tool might print. */
    private final Map<String, String> failOnce = new LinkedHashMap<>();

    /**
     * @param vcenter    where the simulated CAPV clones its VMs
     * @param delays     how long each simulated provider step takes
     * @param faults     the failures the simulated providers inject
     * @param clusterctl the real clusterctl, which runs every clusterctl command but {@code init}
     */
    public SimulatedTools(VcenterAccess vcenter, Delays delays, Faults faults, Path clusterctl) {
        this(vcenter, delays, faults, clusterctl, WorkloadClusters.onDemand());
    }

    /** @param workloads where the workload clusters live, e.g. {@link WorkloadClusters#onDemandSharing} */
    public SimulatedTools(
            VcenterAccess vcenter, Delays delays, Faults faults, Path clusterctl, WorkloadClusters.OnDemand workloads) {
        this.workloads = workloads;
        this.vcenter = vcenter;
        this.clusterctl = clusterctl;
        this.delays = delays;
        this.faults = faults;
    }

    @Override
    public synchronized Result run(List<String> command) throws IOException {
        long started = System.nanoTime();
        Result result = null;
        try {
            result = workloads.infrastructureTime().measure(() -> runTimed(command));
            return result;
        } finally {
            long took = System.nanoTime() - started;
            LOG.info(
                    "Simulator: {} took {} ms{}",
                    String.join(" ", command.subList(0, Math.min(3, command.size())))
                            .replaceFirst("^\\S*/", ""),
                    took / 1_000_000,
                    result == null ? " and failed" : " (exit " + result.exitCode() + ")");
        }
    }

    /**
     * The time during which the caller waited on a stand-in for infrastructure, overlaps counted once: command lines,
     * simulated ones (a kube-apiserver started for kind) and real ones ({@code clusterctl move}) alike, workload API
     * servers booting, and vCenter creating and powering on the simulated providers' VMs. What the caller spent on
     * its own work is the wall clock less this (benchmarks).
     */
    public InfrastructureTime infrastructureTime() {
        return workloads.infrastructureTime();
    }

    private Result runTimed(List<String> command) throws IOException {
        commands.add(List.copyOf(command));
        String tool = Path.of(command.get(0)).getFileName().toString();
        List<String> args = command.subList(1, command.size());
        String line = tool + " " + String.join(" ", args);
        for (var failure : failOnce.entrySet()) {
            if (line.startsWith(failure.getKey())) {
                failOnce.remove(failure.getKey());
                return new Result(1, "", failure.getValue());
            }
        }
        if (tool.equals("kind")) {
            return kind(args);
        }
        if (tool.equals("clusterctl") && !args.isEmpty() && args.get(0).equals("init")) {
            return init(flag(args, "--kubeconfig"));
        }
        if (tool.equals("clusterctl")) {
            List<String> realCommand = new ArrayList<>(command);
            realCommand.set(0, clusterctl.toString());
            return real.run(realCommand);
        }
        return new Result(127, "", "simulated tools do not know '" + tool + "'");
    }

    /**
     * Makes the next command line starting with {@code commandPrefix} (tool name and arguments, e.g.
     * {@code "clusterctl move"}) fail with exit code 1 and {@code message} on stderr, as an interrupted step would.
     */
    public synchronized void failOnce(String commandPrefix, String message) {
        failOnce.put(commandPrefix, message);
    }

    /** Every command line run so far, in order. */
    public synchronized List<List<String>> commands() {
        return List.copyOf(commands);
    }

    /** The workload clusters the simulated providers created (the gateway cluster's API server among them). */
    public WorkloadClusters.OnDemand workloads() {
        return workloads;
    }

    /** The faults the simulated providers inject. */
    public Faults faults() {
        return faults;
    }

    /** The kind clusters that exist now, by name. */
    public synchronized Map<String, KubeApiServer> kindClusters() {
        return Map.copyOf(kindClusters);
    }

    private Result kind(List<String> args) throws IOException {
        String verb = String.join(" ", args.subList(0, Math.min(2, args.size())));
        switch (verb) {
            case "get clusters" -> {
                return ok(
                        kindClusters.isEmpty()
                                ? "No kind clusters found.\n"
                                : String.join("\n", kindClusters.keySet()) + "\n");
            }
            case "create cluster" -> {
                String name = flag(args, "--name");
                if (kindClusters.containsKey(name)) {
                    return new Result(
                            1,
                            "",
                            "ERROR: failed to create cluster: node(s) already exist for a cluster with the name \""
                                    + name + "\"");
                }
                KubeApiServer server = KubeApiServer.start();
                UpstreamCrds.install(server.client());
                kindClusters.put(name, server);
                String kubeconfig = flag(args, "--kubeconfig");
                if (kubeconfig != null) {
                    Files.copy(
                            server.kubeconfig(),
                            Path.of(kubeconfig),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                return ok("Creating cluster \"" + name + "\" ...\n");
            }
            case "get kubeconfig" -> {
                KubeApiServer server = kindClusters.get(flag(args, "--name"));
                return server == null
                        ? new Result(1, "", "ERROR: could not locate any control plane nodes")
                        : ok(Files.readString(server.kubeconfig()));
            }
            case "delete cluster" -> {
                KubeApiServer server = kindClusters.remove(flag(args, "--name"));
                if (server != null) {
                    Installed installed = providers.remove(key(server.url().toString()));
                    if (installed != null) {
                        installed.close();
                    }
                    server.close();
                }
                return ok("Deleting cluster ...\n");
            }
            default -> {
                return new Result(2, "", "simulated kind does not know '" + String.join(" ", args) + "'");
            }
        }
    }

    private Result init(String kubeconfig) throws IOException {
        Config config = Config.fromKubeconfig(Files.readString(Path.of(kubeconfig)));
        KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build();
        if (client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName("clusters.cluster.x-k8s.io")
                        .get()
                == null) {
            UpstreamCrds.install(client); // a workload cluster: clusterctl init brings the CRDs along
        }
        ClusterctlInventory.install(client);
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(UPSTREAM_IPAM_NAMESPACE)
                        .endMetadata()
                        .build())
                .serverSideApply();
        client.apps()
                .deployments()
                .inNamespace(UPSTREAM_IPAM_NAMESPACE)
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(UPSTREAM_IPAM_DEPLOYMENT)
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(1)
                        .withNewSelector()
                        .addToMatchLabels("app", "ipam")
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .addToLabels("app", "ipam")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("manager")
                        .withImage("registry.k8s.io/capi-ipam-ic/cluster-api-ipam-in-cluster-controller")
                        .endContainer()
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .serverSideApply();
        // Like the real init, which returns once its providers' controllers run: by then new kinds are served.
        UpstreamCrds.awaitCreatesServed(client);
        String server = key(config.getMasterUrl());
        if (providers.containsKey(server)) {
            client.close();
        } else {
            providers.put(
                    server,
                    new Installed(
                            client,
                            SimulatedCapi.builder(client)
                                    .workloads(workloads)
                                    .vcenter(vcenter)
                                    .delays(delays)
                                    .faults(faults)
                                    .infrastructureTime(workloads.infrastructureTime())
                                    .start()));
        }
        return ok("Your management cluster has been initialized successfully!\n");
    }

    /** Simulated providers and the client they use. */
    private record Installed(KubernetesClient client, SimulatedCapi capi) implements AutoCloseable {
        @Override
        public void close() {
            capi.close();
            client.close();
        }
    }

    private static String key(String serverUrl) {
        return serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
    }

    private static String flag(List<String> args, String name) {
        int at = args.indexOf(name);
        return at < 0 || at + 1 >= args.size() ? null : args.get(at + 1);
    }

    private static Result ok(String stdout) {
        return new Result(0, stdout, "");
    }

    @Override
    public synchronized void close() {
        providers.values().forEach(Installed::close);
        providers.clear();
        kindClusters.values().forEach(KubeApiServer::close);
        kindClusters.clear();
        workloads.close();
    }
}
