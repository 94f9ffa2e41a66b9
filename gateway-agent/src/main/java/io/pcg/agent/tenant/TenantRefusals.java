package io.pcg.agent.tenant;

import io.pcg.agent.cluster.ConfigureRequest.PlacementRequest;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Why a {@code cluster.create} is refused, checked before anything is created: every problem at once, each naming
 * the field and the fix, never a key or password. Pure: the handler gathers the {@link Context}.
 */
final class TenantRefusals {

    /** The tenant's objects live in namespace {@code pcg-tenant-<name>}, at most 63 characters. */
    static final int MAX_NAME_LENGTH = 63 - TenantClusterController.NAMESPACE_PREFIX.length();

    static final Set<Integer> CONTROL_PLANE_COUNTS = Set.of(1, 3, 5);

    private static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern POOL_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?");
    private static final Pattern KUBERNETES_VERSION = Pattern.compile("v1\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?");

    /**
     * What the request is checked against.
     *
     * @param gatewayCluster   the gateway cluster's name, which a tenant cluster cannot take
     * @param gatewayRunning   tenant clusters are built from the running gateway cluster
     * @param existing         the tenant clusters this gateway manages already
     * @param accounts         the cloud accounts by name
     * @param pools            the IP pools of this gateway by name
     */
    record Context(
            String gatewayCluster,
            boolean gatewayRunning,
            Set<String> existing,
            Set<String> accounts,
            Set<String> pools) {}

    private TenantRefusals() {}

    static List<String> of(TenantClusterRequest request, Context context) {
        List<String> problems = new ArrayList<>();
        if (!context.gatewayRunning()) {
            problems.add("the gateway cluster is not running: tenant clusters are created from it, so configure the"
                    + " gateway and wait until it is Running");
        }
        name(request.name(), context, problems);
        if (request.kubernetesVersion() != null
                && !KUBERNETES_VERSION.matcher(request.kubernetesVersion()).matches()) {
            problems.add("kubernetesVersion is not a Kubernetes version: write it as v1.MINOR.PATCH, e.g. v1.34.4,"
                    + " or leave it out for the appliance's version");
        }
        if (!CONTROL_PLANE_COUNTS.contains(request.controlPlaneNodes())) {
            problems.add("controlPlaneCount " + request.controlPlaneCount() + " is not supported: use 1, 3 or 5 (an odd"
                    + " number keeps etcd's quorum)");
        }
        workers(request, problems);
        placement(request.placementDomains(), problems);
        if (request.nodeTemplate() == null || request.nodeTemplate().isBlank()) {
            problems.add("nodeTemplate is empty: give the VM template the nodes are cloned from");
        }
        size(
                "controlPlaneSize",
                request.controlPlaneSize() == null
                        ? null
                        : request.controlPlaneSize().cpus(),
                request.controlPlaneSize() == null
                        ? null
                        : request.controlPlaneSize().memoryMiB(),
                request.controlPlaneSize() == null
                        ? null
                        : request.controlPlaneSize().diskGiB(),
                problems);
        addresses(request, context, problems);
        keys(request.sshKeys(), problems);
        if (request.cloudAccount() != null && !context.accounts().contains(request.cloudAccount())) {
            problems.add("cloudAccount " + request.cloudAccount() + " does not exist: name one of "
                    + String.join(", ", context.accounts()) + ", or add the account first");
        } else if (request.cloudAccount() == null
                && !context.accounts().contains(io.pcg.agent.cloudaccount.CloudAccount.DEFAULT)) {
            problems.add("no cloudAccount given and the gateway has no default account: name an account");
        }
        return List.copyOf(problems);
    }

    private static void name(String name, Context context, List<String> problems) {
        if (name == null || name.isBlank()) {
            problems.add("name is empty: give the cluster a name such as team-a-dev");
        } else if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            problems.add("name is not valid: use at most " + MAX_NAME_LENGTH + " lower-case letters, digits and '-',"
                    + " starting with a letter and ending with a letter or digit, e.g. team-a-dev");
        } else if (name.equals(context.gatewayCluster())) {
            problems.add("name " + name + " is the gateway cluster's: pick another name");
        } else if (context.existing().contains(name)) {
            problems.add("a cluster named " + name
                    + " exists already on this gateway: pick another name, or delete it first");
        }
    }

    private static void workers(TenantClusterRequest request, List<String> problems) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < request.workerPools().size(); i++) {
            TenantClusterRequest.WorkerPool pool = request.workerPools().get(i);
            String field = "workerPools[" + i + "]";
            if (pool == null) {
                problems.add(field + " is empty: remove it or describe the pool");
                continue;
            }
            if (pool.name() == null || !POOL_NAME.matcher(pool.name()).matches()) {
                problems.add(
                        field + ".name is not valid: use at most 20 lower-case letters, digits and '-', e.g. workers");
            } else if (!names.add(pool.name())) {
                problems.add(field + ".name " + pool.name() + " is used by another pool: give each pool its own name");
            }
            if (pool.count() == null || pool.count() < 1) {
                problems.add(field + ".count must be at least 1: remove the pool for no workers");
            }
            size(field, pool.cpus(), pool.memoryMiB(), pool.diskGiB(), problems);
        }
        if (request.workerNodes() == 0 && !request.workloadsOnControlPlane()) {
            problems.add("the cluster has no worker nodes and allowWorkerCapability is false, so nothing could run"
                    + " workloads: add a worker pool or allow worker capability on the control plane");
        }
    }

    private static void size(String field, Integer cpus, Integer memoryMiB, Integer diskGiB, List<String> problems) {
        GatewayClusterSpec.NodeSize minimum = GatewayClusterSpec.NodeSize.MINIMUM;
        if (cpus != null && cpus < minimum.cpus()) {
            problems.add(field + ".cpus " + cpus + " is below the minimum of " + minimum.cpus() + " vCPUs per node");
        }
        if (memoryMiB != null && memoryMiB < minimum.memoryMiB()) {
            problems.add(field + ".memoryMiB " + memoryMiB + " is below the minimum of " + minimum.memoryMiB()
                    + " MiB per node");
        }
        if (diskGiB != null && diskGiB < minimum.diskGiB()) {
            problems.add(
                    field + ".diskGiB " + diskGiB + " is below the minimum of " + minimum.diskGiB() + " GiB per node");
        }
    }

    private static void placement(List<PlacementRequest> domains, List<String> problems) {
        if (domains.isEmpty()) {
            problems.add(
                    "placementDomains is empty: give at least one (datacenter, computeCluster, datastore, network)");
        }
        for (int i = 0; i < domains.size(); i++) {
            PlacementRequest domain = domains.get(i);
            String field = "placementDomains[" + i + "]";
            if (domain == null
                    || blank(domain.datacenter())
                    || blank(domain.computeCluster())
                    || blank(domain.datastore())
                    || blank(domain.network())) {
                problems.add(field + " needs datacenter, computeCluster, datastore and network");
            }
        }
    }

    private static void addresses(TenantClusterRequest request, Context context, List<String> problems) {
        TenantClusterRequest.IpAllocation allocation = request.ipAllocation();
        if (allocation == null) {
            problems.add("ipAllocation is missing: choose static IPs from a pool of this gateway or DHCP");
            return;
        }
        if (allocation.isStatic()) {
            if (blank(allocation.pool())) {
                problems.add("ipAllocation.pool is empty: name an IP pool of this gateway (ipam.pool.list)");
            } else if (!context.pools().contains(allocation.pool())) {
                problems.add("ipAllocation.pool " + allocation.pool() + " is not a pool of this gateway: create it with"
                        + " ipam.pool.create or name one of " + String.join(", ", context.pools()));
            }
            if (request.controlPlaneNodes() > 1) {
                // Each node keeps a fixed address after the pivot, and a KubeadmControlPlane has one machine template.
                problems.add(
                        "static IPs take a single control-plane node: use controlPlaneCount 1, or DHCP for 3 or 5");
            }
        } else if (TenantClusterRequest.IpAllocation.DHCP.equals(allocation.type())) {
            if (blank(allocation.nodeNetwork())) {
                problems.add(
                        "ipAllocation.nodeNetwork is empty: give the CIDR the DHCP server serves, e.g. 10.10.0.0/24");
            }
            if (blank(allocation.controlPlaneVip())) {
                problems.add("ipAllocation.controlPlaneVip is empty: DHCP clusters need a free address outside the DHCP"
                        + " range for the API server");
            }
        } else {
            problems.add("ipAllocation.type must be \"static\" (with pool) or \"dhcp\" (with nodeNetwork, dhcpRange and"
                    + " controlPlaneVip)");
        }
    }

    private static void keys(List<String> keys, List<String> problems) {
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            // Never quote the key: operators sometimes paste the private half by mistake.
            if (key == null || key.isBlank()) {
                problems.add("sshKeys[" + i + "] is empty: paste the one-line public key or remove the entry");
            } else if (key.contains("PRIVATE KEY")) {
                problems.add("sshKeys[" + i + "] is a private key: paste the public key (the .pub file) instead, and"
                        + " replace that key pair since its private half has been shared");
            }
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
