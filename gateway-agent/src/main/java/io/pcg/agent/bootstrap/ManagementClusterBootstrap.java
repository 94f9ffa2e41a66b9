package io.pcg.agent.bootstrap;

import io.pcg.common.errors.OperatorException;
import java.nio.file.Path;

/**
 * The local management cluster the agent starts from: Cluster API runs there until the gateway cluster exists and
 * takes over (the pivot). The appliance's implementation runs kind ({@code kind/}); every step is idempotent, so a
 * restarted agent simply calls it again.
 */
public interface ManagementClusterBootstrap {

    /**
     * Creates the cluster unless it exists, and writes its kubeconfig.
     *
     * @return the kubeconfig file of the cluster
     */
    Path ensureCluster() throws OperatorException;

    /** Deletes the cluster if it exists (after the pivot, or when the gateway is reset). */
    void deleteCluster() throws OperatorException;
}
