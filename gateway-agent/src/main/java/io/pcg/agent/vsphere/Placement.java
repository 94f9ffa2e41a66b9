package io.pcg.agent.vsphere;

/**
 * Where the gateway goes, as chosen in the Configure step. Each value is a name or an inventory path (relative
 * paths such as {@code cluster-1/Resources/pcg} work too). {@code resourcePool} and {@code folder} may be empty:
 * they then default to the cluster's root pool and the datacenter's VM folder.
 */
public record Placement(
        String datacenter, String cluster, String datastore, String network, String resourcePool, String folder) {

    public Placement {
        datacenter = blankToNull(datacenter);
        cluster = blankToNull(cluster);
        datastore = blankToNull(datastore);
        network = blankToNull(network);
        resourcePool = blankToNull(resourcePool);
        folder = blankToNull(folder);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
