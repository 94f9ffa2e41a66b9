package io.pcg.agent.tenant;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pcg.agent.cloudaccount.CloudAccount;
import io.pcg.agent.cluster.ConfigureRequest.PlacementRequest;
import io.pcg.agent.cluster.manifest.GatewayClusterManifest;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec;
import io.pcg.agent.cluster.manifest.WorkerMachines;
import io.pcg.agent.vsphere.Placement;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.proxy.ProxySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tenant cluster as Cluster API objects, rendered by the gateway cluster's renderer (same objects, same schema
 * checks) plus stand-alone worker machines. Pure. Seed 004's order decides what goes where: the gateway applies the
 * {@link #initial} objects (one control-plane node, no worker); the tenant cluster, once it manages itself, scales
 * its control plane and applies the {@link #workers}. Without the pivot the gateway applies it {@link #complete}.
 */
final class TenantManifests {

    /** The product's login user on tenant nodes. */
    static final String NODE_USER = "spectro";

    private static final String CONTROL_PLANE_KEY = "cp-";

    /**
     * Everything rendering needs that does not come from the request.
     *
     * @param addressing    with static IPs {@link GatewayClusterSpec.ReservedIps} holding the control plane's address
     * @param nodeAddresses with static IPs every node's address by {@link #nodeKeys key}; empty with DHCP
     */
    record Inputs(
            String namespace,
            String kubernetesVersion,
            CloudAccount account,
            GatewayClusterSpec.Addressing addressing,
            Map<String, Ip> nodeAddresses,
            Ip vip,
            Cidr podCidr,
            Cidr serviceCidr,
            ProxySettings proxy) {}

    /**
     * Each node's key, which names its address reservation: {@code cp-<n>} for the control plane, {@code <pool>-<n>}
     * for workers (n from 1). A node keeps its key, and so its address, when its pool grows.
     */
    static List<String> nodeKeys(TenantClusterRequest request) {
        List<String> keys = new ArrayList<>();
        for (int n = 1; n <= request.controlPlaneNodes(); n++) {
            keys.add(CONTROL_PLANE_KEY + n);
        }
        for (TenantClusterRequest.WorkerPool pool : request.workerPools()) {
            for (int n = 1; n <= pool.count(); n++) {
                keys.add(pool.name() + "-" + n);
            }
        }
        return List.copyOf(keys);
    }

    /** The key of the first control-plane node, whose address the control plane's machine template carries. */
    static String firstControlPlaneKey() {
        return CONTROL_PLANE_KEY + 1;
    }

    private TenantManifests() {}

    /** The render input with one control-plane replica; the control plane goes to the first placement domain. */
    static GatewayClusterSpec spec(TenantClusterRequest request, Inputs inputs) {
        return spec(request, inputs, 1);
    }

    private static GatewayClusterSpec spec(TenantClusterRequest request, Inputs inputs, int controlPlaneReplicas) {
        GatewayClusterSpec.NodeSize size = size(
                request.controlPlaneSize() == null
                        ? null
                        : request.controlPlaneSize().cpus(),
                request.controlPlaneSize() == null
                        ? null
                        : request.controlPlaneSize().memoryMiB(),
                request.controlPlaneSize() == null
                        ? null
                        : request.controlPlaneSize().diskGiB());
        CloudAccount account = inputs.account();
        return new GatewayClusterSpec(
                request.name(),
                inputs.namespace(),
                inputs.kubernetesVersion(),
                controlPlaneReplicas,
                new GatewayClusterSpec.Vcenter(
                        account.server(), account.thumbprint(), account.username(), account.password()),
                request.placementDomains().get(0).toPlacement(),
                request.nodeTemplate(),
                size,
                inputs.addressing(),
                inputs.vip(),
                inputs.podCidr(),
                inputs.serviceCidr(),
                request.sshKeys(),
                request.ntpServers(),
                inputs.proxy());
    }

    /** Seed 004 step 2: the cluster with a KubeadmControlPlane of one replica and no workers. */
    static List<HasMetadata> initial(TenantClusterRequest request, Inputs inputs) throws OperatorException {
        return GatewayClusterManifest.render(spec(request, inputs), NODE_USER, request.workloadsOnControlPlane());
    }

    /**
     * Without the pivot ({@code pcg.agent.tenant.pivot=false}) the gateway applies the whole cluster at once: the
     * KubeadmControlPlane with the requested replicas and every worker machine.
     */
    static List<HasMetadata> complete(TenantClusterRequest request, Inputs inputs) throws OperatorException {
        List<HasMetadata> objects = new ArrayList<>(GatewayClusterManifest.render(
                spec(request, inputs, request.controlPlaneNodes()), NODE_USER, request.workloadsOnControlPlane()));
        objects.addAll(workers(request, inputs));
        return List.copyOf(objects);
    }

    /**
     * The worker machines, {@code <cluster>-<pool>-<n>} (n from 1), in pool order; placement domains round-robin over
     * all workers, and with static IPs each worker's reserved address ({@code addresses} by {@link #nodeKeys key}).
     */
    static List<WorkerMachines.Worker> workerList(TenantClusterRequest request, Map<String, Ip> addresses) {
        List<Placement> domains = request.placementDomains().stream()
                .map(PlacementRequest::toPlacement)
                .toList();
        List<WorkerMachines.Worker> workers = new ArrayList<>();
        int index = 0;
        for (TenantClusterRequest.WorkerPool pool : request.workerPools()) {
            GatewayClusterSpec.NodeSize size = size(pool.cpus(), pool.memoryMiB(), pool.diskGiB());
            for (int n = 1; n <= pool.count(); n++) {
                String key = pool.name() + "-" + n;
                workers.add(new WorkerMachines.Worker(
                        request.name() + "-" + key,
                        pool.name(),
                        domains.get(index % domains.size()),
                        size,
                        addresses.get(key)));
                index++;
            }
        }
        return List.copyOf(workers);
    }

    /** Seed 004 step 5: what the tenant cluster adds by itself once it manages itself. */
    static List<HasMetadata> workers(TenantClusterRequest request, Inputs inputs) {
        return WorkerMachines.render(spec(request, inputs), NODE_USER, workerList(request, inputs.nodeAddresses()));
    }

    private static GatewayClusterSpec.NodeSize size(Integer cpus, Integer memoryMiB, Integer diskGiB) {
        GatewayClusterSpec.NodeSize minimum = GatewayClusterSpec.NodeSize.MINIMUM;
        return new GatewayClusterSpec.NodeSize(
                cpus == null ? minimum.cpus() : cpus,
                memoryMiB == null ? minimum.memoryMiB() : memoryMiB,
                diskGiB == null ? minimum.diskGiB() : diskGiB);
    }
}
