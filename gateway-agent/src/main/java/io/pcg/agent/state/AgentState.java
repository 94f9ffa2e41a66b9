package io.pcg.agent.state;

import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.ipam.IpamConfig;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.state.kube.SecretStateStorage;
import io.pcg.common.files.AtomicFiles;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's state, wherever it lives now. On the installer VM it is files in the state folder; at the pivot
 * {@link #moveIntoCluster} copies what the stores {@link #share} into a Secret of the gateway cluster, and from then on
 * every read and write goes there, so a replica of the agent that takes over the lease finds the leader's record.
 * Resetting a pivoted gateway moves it back ({@link #moveToLocal}) before the gateway cluster goes.
 *
 * <p>Which of the two holds it is decided by a marker in the state folder ({@value #MARKER}: the kubeconfig of the
 * cluster that holds it), written only after the copy succeeded, so an agent stopped half-way still reads the local
 * files and copies again. Replicas in the gateway cluster have no local state at all ({@link StateSettings#inCluster}).
 */
@Singleton
public final class AgentState implements StateStorage {

    static final String MARKER = "state-in-cluster";
    private static final Logger LOG = LoggerFactory.getLogger(AgentState.class);

    private final LocalStateStorage local;
    private final Path marker;
    private final boolean alwaysInCluster;
    private final ManagementCluster managementCluster;
    private final SecretStateStorage cluster;
    private final Set<String> shared = new ConcurrentSkipListSet<>();

    public AgentState(AgentConfig agent, StateSettings settings, ManagementCluster managementCluster, IpamConfig ipam) {
        this(agent.stateDir(), settings, managementCluster, ipam.namespace());
    }

    public AgentState(Path stateDir, StateSettings settings, ManagementCluster managementCluster, String namespace) {
        this.local = new LocalStateStorage(stateDir);
        this.marker = stateDir.resolve(MARKER);
        this.alwaysInCluster = settings.inCluster();
        this.managementCluster = managementCluster;
        this.cluster = new SecretStateStorage(managementCluster, namespace, settings.secretName());
    }

    /** State that only the local folder holds, whatever happens: e.g. for tests of a store on its own. */
    public static StateStorage local(Path stateDir) {
        return new LocalStateStorage(stateDir);
    }

    /** Names a store's state, so that it moves with the agent. */
    public void share(String... names) {
        shared.addAll(Set.of(names));
    }

    /** Whether this agent is a replica in the gateway cluster ({@link StateSettings#inCluster}), not the installer's. */
    public boolean runsInGatewayCluster() {
        return alwaysInCluster;
    }

    /** Whether the state lives in the management cluster (after the pivot, or always for the agent's replicas). */
    public boolean inCluster() {
        return alwaysInCluster || Files.exists(marker);
    }

    /**
     * Points the management cluster's client at the cluster that holds the state, if that is not where it points:
     * an installer agent restarted after the pivot campaigns there. A cluster that does not answer yet is logged; the
     * next read tries again.
     */
    public void followIntoCluster() {
        if (!inCluster()) {
            return;
        }
        try {
            clusterStorage();
        } catch (IOException e) {
            LOG.warn("the gateway cluster that holds the agent's state does not answer yet: {}", e.getMessage());
        }
    }

    @Override
    public Optional<byte[]> read(String name) throws IOException {
        return current().read(name);
    }

    @Override
    public void write(String name, byte[] content) throws IOException {
        current().write(name, content);
    }

    @Override
    public void delete(String name) throws IOException {
        current().delete(name);
    }

    @Override
    public String describe(String name) {
        return inCluster() ? cluster.describe(name) : local.describe(name);
    }

    /**
     * Copies the shared state into the cluster {@code kubeconfig} names (the management cluster's client must point
     * at it), then reads and writes only there. Repeating it after it succeeded does nothing.
     */
    public synchronized void moveIntoCluster(Path kubeconfig) throws IOException {
        if (inCluster()) {
            return;
        }
        Map<String, byte[]> contents = new TreeMap<>();
        for (String name : shared) {
            local.read(name).ifPresent(content -> contents.put(name, content));
        }
        cluster.writeAll(contents);
        AtomicFiles.write(marker, kubeconfig.toString(), AtomicFiles.OWNER_ONLY);
        for (String name : shared) {
            local.delete(name); // so nothing reads a stale copy
        }
        LOG.info("the agent's state ({}) moved into the gateway cluster", String.join(", ", contents.keySet()));
    }

    /**
     * Copies the shared state back into the state folder and reads and writes there again, while the gateway cluster
     * still answers. Doing it again after it succeeded does nothing.
     */
    public synchronized void moveToLocal() throws IOException {
        if (alwaysInCluster) {
            throw new IOException("this replica of the agent runs in the gateway cluster and has no state folder of"
                    + " its own; the installer VM's agent resets a pivoted gateway");
        }
        if (!Files.exists(marker)) {
            return;
        }
        SecretStateStorage from = clusterStorage();
        for (String name : shared) {
            Optional<byte[]> content = from.read(name);
            if (content.isPresent()) {
                local.write(name, content.get());
            } else {
                local.delete(name);
            }
        }
        Files.delete(marker);
        from.delete(shared);
        LOG.info("the agent's state moved back into its state folder");
    }

    private StateStorage current() throws IOException {
        return inCluster() ? clusterStorage() : local;
    }

    /**
     * The Secret, reached through the cluster the marker names: an installer agent restarted after the pivot starts
     * on its configured (bootstrap) kubeconfig and must first follow its state to the gateway cluster.
     */
    private SecretStateStorage clusterStorage() throws IOException {
        if (!alwaysInCluster) {
            Path kubeconfig =
                    Path.of(Files.readString(marker, StandardCharsets.UTF_8).strip());
            if (managementCluster.kubeconfig().filter(kubeconfig::equals).isEmpty()) {
                try {
                    managementCluster.repoint(kubeconfig);
                } catch (IllegalStateException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        }
        return cluster;
    }
}
