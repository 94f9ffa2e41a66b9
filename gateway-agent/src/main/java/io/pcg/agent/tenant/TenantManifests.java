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

/**
 * A tenant cluster as Cluster API objects, rendered by the gateway cluster's renderer (same objects, same schema
 * checks) plus stand-alone worker machines. Pure. Seed 004's order decides what goes where: the gateway applies the
 * {@link #initial} objects (one control-plane node, no worker); the tenant cluster, once it manages itself, scales
 * its control plane and applies the {@link #workers}.
 */
final class TenantManifests {

    /** The product's login user on tenant nodes. */
    static final String NODE_USER = "spectro";

    /**
     * Everything rendering needs that does not come from the request.
     *
     * @param addressing with static IPs {@link GatewayClusterSpec.ReservedIps}: one address per node, control plane first
     */
    record Inputs(String namespace, String kubernetesVersion, CloudAccount account, GatewayClusterSpec.Addressing addressing,
                  Ip vip, Cidr podCidr, Cidr serviceCidr, ProxySettings proxy) {
    }

    private TenantManifests() {
    }

    /** The render input; the control plane goes to the first placement domain. */
    static GatewayClusterSpec spec(TenantClusterRequest request, Inputs inputs) {
        GatewayClusterSpec.NodeSize size = size(request.controlPlaneSize() == null ? null : request.controlPlaneSize().cpus(),
                request.controlPlaneSize() == null ? null : request.controlPlaneSize().memoryMiB(),
                request.controlPlaneSize() == null ? null : request.controlPlaneSize().diskGiB());
        CloudAccount account = inputs.account();
        return new GatewayClusterSpec(request.name(), inputs.namespace(), inputs.kubernetesVersion(), 1,
                new GatewayClusterSpec.Vcenter(account.server(), account.thumbprint(), account.username(), account.password()),
                request.placementDomains().get(0).toPlacement(), request.nodeTemplate(), size, inputs.addressing(),
                inputs.vip(), inputs.podCidr(), inputs.serviceCidr(), request.sshKeys(), request.ntpServers(), inputs.proxy());
    }

    /** Seed 004 step 2: the cluster with a KubeadmControlPlane of one replica and no workers. */
    static List<HasMetadata> initial(TenantClusterRequest request, Inputs inputs) throws OperatorException {
        return GatewayClusterManifest.render(spec(request, inputs), NODE_USER, request.workloadsOnControlPlane());
    }

    /**
     * The worker machines, {@code <cluster>-<pool>-<n>} (n from 1), in pool order; placement domains round-robin over
     * all workers, and with static IPs the addresses after the control plane's.
     */
    static List<WorkerMachines.Worker> workerList(TenantClusterRequest request, GatewayClusterSpec.Addressing addressing) {
        List<Placement> domains = request.placementDomains().stream().map(PlacementRequest::toPlacement).toList();
        List<Ip> addresses = addressing instanceof GatewayClusterSpec.ReservedIps reserved ? reserved.addresses() : List.of();
        List<WorkerMachines.Worker> workers = new ArrayList<>();
        int index = 0;
        for (TenantClusterRequest.WorkerPool pool : request.workerPools()) {
            GatewayClusterSpec.NodeSize size = size(pool.cpus(), pool.memoryMiB(), pool.diskGiB());
            for (int n = 1; n <= pool.count(); n++) {
                int node = request.controlPlaneNodes() + index;
                workers.add(new WorkerMachines.Worker(request.name() + "-" + pool.name() + "-" + n, pool.name(),
                        domains.get(index % domains.size()), size, addresses.isEmpty() ? null : addresses.get(node)));
                index++;
            }
        }
        return List.copyOf(workers);
    }

    /** Seed 004 step 5: what the tenant cluster adds by itself once it manages itself. */
    static List<HasMetadata> workers(TenantClusterRequest request, Inputs inputs) {
        return WorkerMachines.render(spec(request, inputs), NODE_USER, workerList(request, inputs.addressing()));
    }

    private static GatewayClusterSpec.NodeSize size(Integer cpus, Integer memoryMiB, Integer diskGiB) {
        GatewayClusterSpec.NodeSize minimum = GatewayClusterSpec.NodeSize.MINIMUM;
        return new GatewayClusterSpec.NodeSize(cpus == null ? minimum.cpus() : cpus,
                memoryMiB == null ? minimum.memoryMiB() : memoryMiB, diskGiB == null ? minimum.diskGiB() : diskGiB);
    }
}
