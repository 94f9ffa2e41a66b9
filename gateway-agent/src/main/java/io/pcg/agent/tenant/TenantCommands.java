package io.pcg.agent.tenant;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.cloudaccount.CloudAccount;
import io.pcg.agent.cloudaccount.CloudAccountStore;
import io.pcg.agent.cluster.GatewayClusterController;
import io.pcg.agent.cluster.GatewayState;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.TypedCommandHandler;
import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.ipam.CapacityAnswer;
import io.pcg.agent.ipam.IpamException;
import io.pcg.agent.ipam.PoolService;
import io.pcg.common.errors.OperatorException;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The console's tenant-cluster commands: {@code cluster.create}, {@code cluster.delete}, {@code cluster.forceDelete}
 * and {@code cluster.list}. Ordinary typed handlers: they check, hand over to {@link TenantClusterController} and
 * answer at once; building and deleting take minutes and report through conditions and events.
 */
public final class TenantCommands {

    static final String INVALID_REQUEST = "CLUSTER_INVALID_REQUEST";
    static final String REFUSED = "CLUSTER_CREATE_REFUSED";
    static final String POOL_SHORT = "CLUSTER_POOL_SHORT";
    static final String EXISTS = "CLUSTER_EXISTS";
    static final String NOT_FOUND = "CLUSTER_NOT_FOUND";
    static final String FORCE_DELETE_REFUSED = "CLUSTER_FORCE_DELETE_REFUSED";
    static final String SCALE_REFUSED = "CLUSTER_SCALE_REFUSED";

    private TenantCommands() {}

    /** The name of the cluster a delete names. */
    record ClusterName(String name) {}

    /**
     * Refuses with every problem at once ({@link TenantRefusals}) and, with static IPs, when the pool cannot hold the
     * cluster's addresses (one per node plus the VIP), all before anything is created.
     */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class Create extends TypedCommandHandler<TenantClusterRequest> {

        private final BeanProvider<TenantClusterController> controller;
        private final BeanProvider<GatewayClusterController> gateway;
        private final TenantStore store;
        private final CloudAccountStore accounts;
        private final BeanProvider<PoolService> pools;
        private final AgentConfig agent;

        public Create(
                BeanProvider<TenantClusterController> controller,
                BeanProvider<GatewayClusterController> gateway,
                TenantStore store,
                CloudAccountStore accounts,
                BeanProvider<PoolService> pools,
                AgentConfig agent) {
            super(TenantClusterRequest.class, INVALID_REQUEST, UnknownFields.REJECT);
            this.controller = controller;
            this.gateway = gateway;
            this.store = store;
            this.accounts = accounts;
            this.pools = pools;
            this.agent = agent;
        }

        @Override
        public String type() {
            return "cluster.create";
        }

        @Override
        protected void validate(TenantClusterRequest request) throws CommandFailedException {
            try {
                Set<String> poolNames = new TreeSet<>();
                if (request.ipAllocation() != null && request.ipAllocation().isStatic()) {
                    pools.get()
                            .list()
                            .forEach(usage -> poolNames.add(usage.pool().name()));
                }
                TenantRefusals.Context context = new TenantRefusals.Context(
                        agent.name(),
                        gateway.get().state() == GatewayState.RUNNING,
                        new TreeSet<>(store.names()),
                        accounts.list().stream().map(CloudAccount::name).collect(Collectors.toCollection(TreeSet::new)),
                        poolNames);
                List<String> problems = TenantRefusals.of(request, context);
                if (!problems.isEmpty()) {
                    throw new CommandFailedException(
                            REFUSED,
                            "cluster.create is refused: " + String.join("; ", problems),
                            "Correct the fields named above and send the request again; nothing was created.");
                }
                controller.get().check(request);
                if (request.ipAllocation().isStatic()) {
                    int needed = request.controlPlaneNodes() + request.workerNodes() + 1;
                    CapacityAnswer answer =
                            pools.get().capacity(request.ipAllocation().pool(), request.name(), needed);
                    if (!answer.sufficient()) {
                        throw new CommandFailedException(
                                POOL_SHORT,
                                "cluster " + request.name() + " needs " + needed
                                        + " addresses (one per node and the VIP) from pool "
                                        + request.ipAllocation().pool()
                                        + ", which has " + answer.free() + " free for it (" + answer.reason() + ")",
                                "Add addresses to the pool with ipam.pool.update, or pick another pool, then create again.");
                    }
                }
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            } catch (IpamException e) {
                throw new CommandFailedException(e.code(), e.getMessage(), e.hint());
            }
        }

        @Override
        protected Object run(TenantClusterRequest request) throws CommandFailedException {
            try {
                controller.get().accept(request);
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
            return Map.of("name", request.name(), "state", TenantState.PROVISIONING.name());
        }
    }

    /** The {@code cluster.scale} payload: the worker pools to grow, with their new counts. */
    record ScaleRequest(String name, List<PoolCount> workerPools) {

        record PoolCount(String name, Integer count) {}

        Map<String, Integer> counts() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            if (workerPools != null) {
                workerPools.forEach(pool -> counts.put(pool.name(), pool.count()));
            }
            return counts;
        }
    }

    /**
     * Grows worker pools of a running tenant cluster: the gateway holds the new nodes' addresses (static IPs: refused
     * with the shortfall if the pool lacks them) and hands the new spec to the tenant cluster, which adds the nodes
     * itself. Answers at once.
     */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class Scale extends TypedCommandHandler<ScaleRequest> {

        private final BeanProvider<TenantClusterController> controller;
        private final TenantStore store;
        private final BeanProvider<PoolService> pools;

        public Scale(
                BeanProvider<TenantClusterController> controller, TenantStore store, BeanProvider<PoolService> pools) {
            super(ScaleRequest.class, INVALID_REQUEST, UnknownFields.REJECT);
            this.controller = controller;
            this.store = store;
            this.pools = pools;
        }

        @Override
        public String type() {
            return "cluster.scale";
        }

        @Override
        protected void validate(ScaleRequest request) throws CommandFailedException {
            try {
                TenantRecord record = store.get(String.valueOf(request.name()))
                        .orElseThrow(() -> new CommandFailedException(
                                NOT_FOUND,
                                "no tenant cluster named " + request.name() + " on this gateway",
                                "List the clusters with cluster.list."));
                java.util.Optional<String> refusal = TenantClusterController.scaleRefusal(record, request.counts());
                if (refusal.isPresent()) {
                    throw new CommandFailedException(
                            SCALE_REFUSED,
                            refusal.get(),
                            "Send the pools' new counts once the cluster runs, each at least its current count.");
                }
                TenantClusterRequest.IpAllocation allocation = record.request().ipAllocation();
                if (allocation.isStatic()) {
                    int added = record.request().workerPools().stream()
                            .filter(pool -> request.counts().containsKey(pool.name()))
                            .mapToInt(pool -> request.counts().get(pool.name()) - pool.count())
                            .sum();
                    CapacityAnswer answer = pools.get().capacity(allocation.pool(), record.name(), added);
                    if (!answer.sufficient()) {
                        throw new CommandFailedException(
                                POOL_SHORT,
                                "growing cluster " + record.name() + " needs " + added
                                        + " more address(es) from pool " + allocation.pool() + ", which has "
                                        + answer.free()
                                        + " free for it (" + answer.reason() + ")",
                                "Add addresses to the pool with ipam.pool.update, then scale again.");
                    }
                }
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            } catch (IpamException e) {
                throw new CommandFailedException(e.code(), e.getMessage(), e.hint());
            }
        }

        @Override
        protected Object run(ScaleRequest request) throws CommandFailedException {
            try {
                controller.get().acceptScale(request.name(), request.counts());
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
            return Map.of("name", request.name(), "state", TenantState.SCALING.name());
        }
    }

    /** Pivots the cluster back (if it manages itself), then deletes it; answers at once. */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class Delete extends TypedCommandHandler<ClusterName> {

        private final BeanProvider<TenantClusterController> controller;

        public Delete(BeanProvider<TenantClusterController> controller) {
            super(ClusterName.class, INVALID_REQUEST, UnknownFields.REJECT);
            this.controller = controller;
        }

        @Override
        public String type() {
            return "cluster.delete";
        }

        @Override
        protected Object run(ClusterName request) throws CommandFailedException {
            try {
                return Map.of(
                        "name",
                        String.valueOf(request.name()),
                        "state",
                        TenantState.DELETING.name(),
                        "deletingSince",
                        controller.get().requestDelete(request.name()).toString());
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
        }
    }

    /** Forgets a cluster stuck in Deleting for 15 minutes; refused before. */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class ForceDelete extends TypedCommandHandler<ClusterName> {

        private final BeanProvider<TenantClusterController> controller;

        public ForceDelete(BeanProvider<TenantClusterController> controller) {
            super(ClusterName.class, INVALID_REQUEST, UnknownFields.REJECT);
            this.controller = controller;
        }

        @Override
        public String type() {
            return "cluster.forceDelete";
        }

        @Override
        protected Object run(ClusterName request) throws CommandFailedException {
            try {
                controller.get().forceDelete(request.name());
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
            return Map.of("name", String.valueOf(request.name()), "forgotten", true);
        }
    }

    /** Every tenant cluster with its state, conditions and nodes. */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class ListClusters extends TypedCommandHandler<ListClusters.Request> {

        /** No fields. */
        record Request() {}

        private final TenantStore store;

        public ListClusters(TenantStore store) {
            super(Request.class, INVALID_REQUEST, UnknownFields.REJECT);
            this.store = store;
        }

        @Override
        public String type() {
            return "cluster.list";
        }

        @Override
        protected Object run(Request request) throws CommandFailedException {
            try {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("clusters", store.all());
                return result;
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
        }
    }
}
