package io.pcg.agent.vsphere;

import java.util.List;
import java.util.Optional;

/**
 * What the Configure step offers: per datacenter, its compute clusters, hosts, datastores, networks, resource pools,
 * VM folders and templates. Paths are inventory paths ({@code /dc-1/host/cluster-1}), the form govc and CAPV use.
 */
public record VsphereInventory(List<Datacenter> datacenters) {

    public Optional<Datacenter> datacenter(String nameOrPath) {
        return datacenters.stream()
                .filter(dc -> dc.name().equals(nameOrPath) || dc.path().equals(nameOrPath))
                .findFirst();
    }

    public record Datacenter(
            Moref ref,
            String name,
            String path,
            List<ComputeCluster> clusters,
            List<Host> hosts,
            List<Datastore> datastores,
            List<Network> networks,
            List<ResourcePool> resourcePools,
            List<Folder> vmFolders,
            List<Template> templates) {}

    /** A compute resource; {@code cluster} is false for a standalone host's compute resource. */
    public record ComputeCluster(
            Moref ref, String name, String path, boolean cluster, List<Moref> hosts, Moref rootResourcePool) {}

    /** {@code datastores}: the datastores this host has mounted. */
    public record Host(
            Moref ref,
            String name,
            String path,
            Moref computeResource,
            String connectionState,
            boolean inMaintenanceMode,
            List<Moref> datastores) {}

    /** {@code unavailableOn}: hosts that list the datastore but have it unmounted or inaccessible. */
    public record Datastore(
            Moref ref,
            String name,
            String path,
            String type,
            long capacityBytes,
            long freeBytes,
            boolean accessible,
            List<Moref> unavailableOn) {}

    /** {@code kind}: Network (standard port group), DistributedVirtualPortgroup or OpaqueNetwork. */
    public record Network(Moref ref, String name, String path, String kind) {}

    public record ResourcePool(Moref ref, String name, String path, Moref owner) {}

    public record Folder(Moref ref, String name, String path) {}

    public record Template(Moref ref, String name, String path) {}
}
