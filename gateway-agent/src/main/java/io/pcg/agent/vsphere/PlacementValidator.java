package io.pcg.agent.vsphere;

import io.pcg.agent.vsphere.PrivilegeRequirements.Requirement;
import io.pcg.agent.vsphere.ValidationReport.Check;
import io.pcg.agent.vsphere.VsphereClient.HostTimeSettings;
import io.pcg.agent.vsphere.VsphereClient.ServerIdentity;
import io.pcg.agent.vsphere.VsphereClient.TagRef;
import io.pcg.agent.vsphere.VsphereInventory.ComputeCluster;
import io.pcg.agent.vsphere.VsphereInventory.Datacenter;
import io.pcg.agent.vsphere.VsphereInventory.Datastore;
import io.pcg.agent.vsphere.VsphereInventory.Folder;
import io.pcg.agent.vsphere.VsphereInventory.Host;
import io.pcg.agent.vsphere.VsphereInventory.Network;
import io.pcg.agent.vsphere.VsphereInventory.ResourcePool;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks an account and a placement against the guide's prerequisites: credentials, version, privileges (both role
 * tables), NTP on every host, shared storage, object existence and zone tags. Each check becomes a report line;
 * a failing check never stops the others.
 */
public final class PlacementValidator {

    static final String REGION_CATEGORY = "k8s-region";
    static final String ZONE_CATEGORY = "k8s-zone";
    private static final int[] MINIMUM_API = {6, 7, 3};
    private static final int MAX_LISTED = 10;

    private final PrivilegeRequirements requirements;

    public PlacementValidator(PrivilegeRequirements requirements) {
        this.requirements = requirements;
    }

    /** The report when login itself failed: nothing else can be checked. */
    public static ValidationReport loginFailed(VsphereLogin login, VsphereException failure) {
        return ValidationReport.of(
                login.authority(),
                List.of(Check.fail(
                        "credentials", "vCenter " + login.authority(), failure.getMessage(), failure.hint())));
    }

    public ValidationReport validate(VsphereClient client, Placement placement) {
        ServerIdentity server = client.server();
        String vcenter = "vCenter " + server.server() + ":" + server.port();
        List<Check> checks = new ArrayList<>();
        checks.add(Check.pass("credentials", vcenter, "logged in as " + server.userName()));
        checks.add(version(server, vcenter));
        VsphereInventory inventory;
        try {
            inventory = client.inventory();
        } catch (VsphereException e) {
            checks.add(Check.fail("inventory", vcenter, e.getMessage(), e.hint()));
            return ValidationReport.of(server.server() + ":" + server.port(), checks);
        }
        Resolved resolved = resolve(inventory, placement, checks);
        checks.addAll(privileges(client, server, vcenter, resolved));
        checks.add(ntp(client, resolved));
        checks.add(sharedStorage(resolved));
        checks.addAll(zoneTags(client, resolved));
        return ValidationReport.of(server.server() + ":" + server.port(), checks);
    }

    // ---------------------------------------------------------------- version

    static Check version(ServerIdentity server, String vcenter) {
        String found = server.fullName() + " (API " + server.apiVersion() + ")";
        if (!"VirtualCenter".equals(server.apiType())) {
            return Check.fail(
                    "version",
                    vcenter,
                    "this is not a vCenter Server but " + found,
                    "Give the address of the vCenter Server that manages the ESXi hosts, not an ESXi host.");
        }
        if (compareVersions(server.apiVersion(), MINIMUM_API) < 0) {
            return Check.warn(
                    "version",
                    vcenter,
                    found + " is older than vSphere 6.7U3 (API 6.7.3)",
                    "The guide recommends vSphere 6.7U3 or later; upgrade vCenter and the ESXi hosts.");
        }
        return Check.pass("version", vcenter, found);
    }

    /** Compares a dotted version with a minimum; missing parts count as 0, non-numeric text as older. */
    static int compareVersions(String version, int[] minimum) {
        String[] parts = version == null ? new String[0] : version.split("\\.");
        for (int i = 0; i < minimum.length; i++) {
            int value;
            try {
                value = i < parts.length ? Integer.parseInt(parts[i].replaceAll("\\D.*", "")) : 0;
            } catch (NumberFormatException e) {
                return -1;
            }
            if (value != minimum[i]) {
                return Integer.compare(value, minimum[i]);
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- placement objects

    /** The placement resolved to inventory objects; {@code null} where a name did not resolve. */
    record Resolved(
            Datacenter datacenter,
            ComputeCluster cluster,
            Datastore datastore,
            Network network,
            ResourcePool resourcePool,
            Folder folder) {

        Map<PlacementObject, Moref> refs(Moref rootFolder) {
            Map<PlacementObject, Moref> refs = new EnumMap<>(PlacementObject.class);
            refs.put(PlacementObject.VCENTER, rootFolder);
            if (datacenter != null) {
                refs.put(PlacementObject.DATACENTER, datacenter.ref());
            }
            if (cluster != null) {
                refs.put(PlacementObject.CLUSTER, cluster.ref());
            }
            if (datastore != null) {
                refs.put(PlacementObject.DATASTORE, datastore.ref());
            }
            if (network != null) {
                refs.put(PlacementObject.NETWORK, network.ref());
            }
            if (resourcePool != null) {
                refs.put(PlacementObject.RESOURCE_POOL, resourcePool.ref());
            }
            if (folder != null) {
                refs.put(PlacementObject.FOLDER, folder.ref());
            }
            return refs;
        }

        String pathOf(PlacementObject kind) {
            return switch (kind) {
                case DATACENTER -> datacenter.path();
                case CLUSTER -> cluster.path();
                case DATASTORE -> datastore.path();
                case NETWORK -> network.path();
                case RESOURCE_POOL -> resourcePool.path();
                case FOLDER -> folder.path();
                case VCENTER -> "/";
            };
        }
    }

    private Resolved resolve(VsphereInventory inventory, Placement placement, List<Check> checks) {
        Datacenter dc = null;
        if (placement.datacenter() == null) {
            checks.add(Check.fail(
                    "placement.datacenter",
                    "-",
                    "no datacenter was chosen",
                    "Choose one of: " + listed(inventory.datacenters(), Datacenter::name)));
        } else {
            dc = inventory.datacenter(placement.datacenter()).orElse(null);
            checks.add(
                    dc == null
                            ? Check.fail(
                                    "placement.datacenter",
                                    placement.datacenter(),
                                    "datacenter " + placement.datacenter() + " does not exist",
                                    "Choose one of: " + listed(inventory.datacenters(), Datacenter::name))
                            : Check.pass("placement.datacenter", dc.path(), "found"));
        }
        if (dc == null) {
            for (String kind : List.of("cluster", "datastore", "network", "resourcePool", "folder")) {
                checks.add(Check.fail(
                        "placement." + kind,
                        "-",
                        "cannot be checked without a valid datacenter",
                        "Fix the datacenter first."));
            }
            return new Resolved(null, null, null, null, null, null);
        }
        ComputeCluster cluster = find(
                "placement.cluster",
                "compute cluster",
                placement.cluster(),
                dc.clusters().stream().filter(ComputeCluster::cluster).toList(),
                ComputeCluster::name,
                ComputeCluster::path,
                checks);
        Datastore datastore = find(
                "placement.datastore",
                "datastore",
                placement.datastore(),
                dc.datastores(),
                Datastore::name,
                Datastore::path,
                checks);
        Network network = find(
                "placement.network",
                "network",
                placement.network(),
                dc.networks(),
                Network::name,
                Network::path,
                checks);
        ResourcePool pool = resolvePool(dc, cluster, placement.resourcePool(), checks);
        Folder folder = resolveFolder(dc, placement.folder(), checks);
        return new Resolved(dc, cluster, datastore, network, pool, folder);
    }

    private ResourcePool resolvePool(Datacenter dc, ComputeCluster cluster, String wanted, List<Check> checks) {
        if (cluster == null) {
            checks.add(Check.fail(
                    "placement.resourcePool",
                    wanted == null ? "-" : wanted,
                    "cannot be checked without a valid compute cluster",
                    "Fix the compute cluster first."));
            return null;
        }
        List<ResourcePool> pools = dc.resourcePools().stream()
                .filter(p -> cluster.ref().equals(p.owner()))
                .toList();
        if (wanted == null) {
            ResourcePool root = pools.stream()
                    .filter(p -> p.ref().equals(cluster.rootResourcePool()))
                    .findFirst()
                    .orElse(null);
            if (root == null) {
                checks.add(Check.fail(
                        "placement.resourcePool",
                        cluster.path(),
                        "the cluster has no root resource pool",
                        "Check the cluster in the vSphere client."));
                return null;
            }
            checks.add(Check.pass("placement.resourcePool", root.path(), "none chosen: using the cluster's root pool"));
            return root;
        }
        return find(
                "placement.resourcePool",
                "resource pool in cluster " + cluster.name(),
                wanted,
                pools,
                ResourcePool::name,
                ResourcePool::path,
                checks);
    }

    private Folder resolveFolder(Datacenter dc, String wanted, List<Check> checks) {
        if (wanted == null) {
            String rootPath = dc.path() + "/vm";
            Folder root = dc.vmFolders().stream()
                    .filter(f -> f.path().equals(rootPath))
                    .findFirst()
                    .orElse(null);
            checks.add(
                    root == null
                            ? Check.fail(
                                    "placement.folder",
                                    rootPath,
                                    "the datacenter has no VM folder",
                                    "Choose a VM folder.")
                            : Check.pass(
                                    "placement.folder", root.path(), "none chosen: using the datacenter's VM folder"));
            return root;
        }
        return find("placement.folder", "VM folder", wanted, dc.vmFolders(), Folder::name, Folder::path, checks);
    }

    /** Finds by exact path, then by name or path suffix; a name that matches several objects is ambiguous. */
    static <T> T find(
            String id,
            String what,
            String wanted,
            List<T> candidates,
            Function<T, String> name,
            Function<T, String> path,
            List<Check> checks) {
        if (wanted == null) {
            checks.add(Check.fail(id, "-", "no " + what + " was chosen", "Choose one of: " + listed(candidates, name)));
            return null;
        }
        List<T> exact =
                candidates.stream().filter(c -> path.apply(c).equals(wanted)).toList();
        List<T> matches = !exact.isEmpty()
                ? exact
                : candidates.stream()
                        .filter(c ->
                                name.apply(c).equals(wanted) || path.apply(c).endsWith("/" + wanted))
                        .toList();
        if (matches.size() == 1) {
            T found = matches.get(0);
            checks.add(Check.pass(id, path.apply(found), "found"));
            return found;
        }
        if (matches.isEmpty()) {
            checks.add(Check.fail(
                    id,
                    wanted,
                    what + " " + wanted + " does not exist",
                    candidates.isEmpty()
                            ? "Create it in vCenter first."
                            : "Choose one of: " + listed(candidates, name)));
        } else {
            checks.add(Check.fail(
                    id,
                    wanted,
                    wanted + " names " + matches.size() + " objects: " + listed(matches, path),
                    "Give the full inventory path instead of the name."));
        }
        return null;
    }

    private static <T> String listed(List<T> items, Function<T, String> text) {
        String shown = items.stream().limit(MAX_LISTED).map(text).collect(Collectors.joining(", "));
        return items.size() > MAX_LISTED ? shown + " and " + (items.size() - MAX_LISTED) + " more" : shown;
    }

    // ---------------------------------------------------------------- privileges

    private List<Check> privileges(VsphereClient client, ServerIdentity server, String vcenter, Resolved resolved) {
        Map<PlacementObject, Moref> refs = resolved.refs(server.rootFolder());
        Map<Moref, Map<String, Boolean>> granted;
        try {
            granted = client.userPrivileges(refs.values(), requirements.privilegeIds());
        } catch (VsphereException e) {
            return List.of(
                    Check.fail("privileges", vcenter, "could not check privileges: " + e.getMessage(), e.hint()));
        }
        List<Check> checks = new ArrayList<>();
        for (Map.Entry<PlacementObject, Moref> entry : refs.entrySet()) {
            PlacementObject kind = entry.getKey();
            List<Requirement> needed = requirements.on(kind);
            if (needed.isEmpty()) {
                continue;
            }
            String object = kind == PlacementObject.VCENTER ? vcenter : resolved.pathOf(kind);
            Map<String, Boolean> held = granted.getOrDefault(entry.getValue(), Map.of());
            Map<String, Requirement> missing = new LinkedHashMap<>();
            for (Requirement requirement : needed) {
                if (!Boolean.TRUE.equals(held.get(requirement.privilegeId()))) {
                    missing.putIfAbsent(requirement.privilegeId(), requirement);
                }
            }
            long distinct =
                    needed.stream().map(Requirement::privilegeId).distinct().count();
            String id = "privileges." + kind.id();
            if (missing.isEmpty()) {
                checks.add(Check.pass(
                        id, object, "all " + distinct + " required privileges are granted to " + server.userName()));
            } else {
                String roles = needed.stream()
                        .filter(r -> missing.containsKey(r.privilegeId()))
                        .map(Requirement::role)
                        .distinct()
                        .map(r -> r.equals("spectro") ? "Spectro" : "root-level")
                        .collect(Collectors.joining(" and "));
                checks.add(Check.fail(
                        id,
                        object,
                        server.userName() + " lacks " + missing.size() + " of " + distinct
                                + " required privileges: "
                                + missing.values().stream()
                                        .map(r -> r.label() + " (" + r.privilegeId() + ")")
                                        .collect(Collectors.joining(", ")),
                        "Add them to the " + roles + " role assigned to " + server.userName() + " on " + object
                                + (kind == PlacementObject.VCENTER ? " (the vCenter root)" : "")
                                + ", with 'Propagate to children' checked."));
            }
        }
        return checks;
    }

    // ---------------------------------------------------------------- NTP and shared storage

    private Check ntp(VsphereClient client, Resolved resolved) {
        if (resolved.cluster() == null) {
            return Check.fail(
                    "ntp", "-", "cannot be checked without a valid compute cluster", "Fix the compute cluster first.");
        }
        ComputeCluster cluster = resolved.cluster();
        if (cluster.hosts().isEmpty()) {
            return Check.fail("ntp", cluster.path(), "the cluster has no hosts", "Add ESXi hosts to the cluster.");
        }
        List<HostTimeSettings> settings;
        try {
            settings = client.hostTimeSettings(cluster.hosts());
        } catch (VsphereException e) {
            return Check.fail(
                    "ntp", cluster.path(), "could not read the hosts' time settings: " + e.getMessage(), e.hint());
        }
        List<String> problems = new ArrayList<>();
        for (HostTimeSettings host : settings) {
            if (host.ntpServers().isEmpty()) {
                problems.add(host.name() + " (no NTP server)");
            } else if (Boolean.FALSE.equals(host.ntpdRunning())) {
                problems.add(host.name() + " (NTP service stopped)");
            }
        }
        if (problems.isEmpty()) {
            String servers = settings.stream()
                    .flatMap(h -> h.ntpServers().stream())
                    .distinct()
                    .collect(Collectors.joining(", "));
            return Check.pass(
                    "ntp", cluster.path(), "NTP is configured on all " + settings.size() + " hosts (" + servers + ")");
        }
        return Check.fail(
                "ntp",
                cluster.path(),
                "NTP is not in use on " + problems.size() + " of " + settings.size()
                        + " hosts: " + String.join(", ", problems.subList(0, Math.min(MAX_LISTED, problems.size())))
                        + (problems.size() > MAX_LISTED ? " and " + (problems.size() - MAX_LISTED) + " more" : ""),
                "On each host: Configure > System > Time Configuration, add NTP servers, and start the NTP service "
                        + "with policy 'Start and stop with host'. Clusters drift apart and certificates fail without it.");
    }

    private static Check sharedStorage(Resolved resolved) {
        if (resolved.cluster() == null || resolved.datastore() == null) {
            return Check.fail(
                    "shared-storage",
                    "-",
                    "cannot be checked without a valid compute cluster and datastore",
                    "Fix the compute cluster and datastore first.");
        }
        Datastore datastore = resolved.datastore();
        Map<Moref, Host> hosts =
                resolved.datacenter().hosts().stream().collect(Collectors.toMap(Host::ref, h -> h, (a, b) -> a));
        List<String> without = resolved.cluster().hosts().stream()
                .filter(ref -> {
                    Host host = hosts.get(ref);
                    return host == null
                            || !host.datastores().contains(datastore.ref())
                            || datastore.unavailableOn().contains(ref);
                })
                .map(ref -> hosts.containsKey(ref) ? hosts.get(ref).name() : ref.value())
                .toList();
        int total = resolved.cluster().hosts().size();
        if (without.isEmpty()) {
            return Check.pass(
                    "shared-storage",
                    datastore.path(),
                    "mounted and accessible on all " + total + " hosts of "
                            + resolved.cluster().name());
        }
        return Check.fail(
                "shared-storage",
                datastore.path(),
                "not mounted (or not accessible) on " + without.size()
                        + " of " + total + " hosts of " + resolved.cluster().name() + ": "
                        + String.join(", ", without.subList(0, Math.min(MAX_LISTED, without.size())))
                        + (without.size() > MAX_LISTED ? " and " + (without.size() - MAX_LISTED) + " more" : ""),
                "Choose a shared datastore (vSAN, NFS, or VMFS on shared LUNs) mounted on every host of the cluster, "
                        + "so control-plane VMs can run and fail over on any host.");
    }

    // ---------------------------------------------------------------- zone tags

    private static List<Check> zoneTags(VsphereClient client, Resolved resolved) {
        if (resolved.datacenter() == null) {
            return List.of();
        }
        Datacenter dc = resolved.datacenter();
        List<ComputeCluster> clusters =
                dc.clusters().stream().filter(ComputeCluster::cluster).toList();
        List<Moref> objects = new ArrayList<>();
        objects.add(dc.ref());
        clusters.forEach(c -> objects.add(c.ref()));
        Map<Moref, List<TagRef>> tags;
        try {
            tags = client.attachedTags(objects);
        } catch (VsphereException e) {
            return List.of(Check.warn(
                    "tags",
                    dc.path(),
                    "could not read vSphere tags: " + e.getMessage(),
                    "Check that the vSphere Automation API (https://<vcenter>/rest) is reachable. " + e.hint()));
        }
        List<Check> checks = new ArrayList<>();
        checks.add(tagCheck(
                "tags.region",
                dc.path(),
                dc.name(),
                REGION_CATEGORY,
                tags.getOrDefault(dc.ref(), List.of()),
                "the datacenter",
                "dc-1 → k8s-region: region1"));
        for (ComputeCluster cluster : clusters) {
            checks.add(tagCheck(
                    "tags.zone",
                    cluster.path(),
                    cluster.name(),
                    ZONE_CATEGORY,
                    tags.getOrDefault(cluster.ref(), List.of()),
                    "each compute cluster",
                    "cluster-1 → k8s-zone: az1, cluster-2 → k8s-zone: az2, cluster-3 → k8s-zone: az3"));
        }
        return checks;
    }

    private static Check tagCheck(
            String id, String path, String name, String category, List<TagRef> attached, String what, String example) {
        List<String> values = attached.stream()
                .filter(t -> t.category().equals(category))
                .map(TagRef::name)
                .toList();
        if (values.size() == 1) {
            return Check.pass(id, path, category + "=" + values.get(0));
        }
        if (values.size() > 1) {
            return Check.warn(
                    id,
                    path,
                    name + " has " + values.size() + " " + category + " tags (" + String.join(", ", values) + ")",
                    "Keep exactly one " + category + " tag on " + name + ".");
        }
        return Check.warn(
                id,
                path,
                name + " has no " + category + " tag",
                "Zone tagging is needed for persistent storage across fault domains: create the tag category "
                        + category + " and tag " + what + " with a unique value, as in the guide's example: " + example
                        + ".");
    }
}
