package io.pcg.agent.tenant;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.pcg.agent.AgentVersion;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.bootstrap.BootstrapConfig;
import io.pcg.agent.bootstrap.ClusterApiProviders;
import io.pcg.agent.bootstrap.ProviderVersions;
import io.pcg.agent.cloudaccount.CloudAccount;
import io.pcg.agent.cloudaccount.CloudAccountStore;
import io.pcg.agent.cluster.AgentDeployment;
import io.pcg.agent.cluster.CapiKinds;
import io.pcg.agent.cluster.GatewayClusterConfig;
import io.pcg.agent.cluster.Progress;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec;
import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.events.EventPublisher;
import io.pcg.agent.ipam.ControlPlaneVips;
import io.pcg.agent.ipam.DhcpVip;
import io.pcg.agent.ipam.IpamException;
import io.pcg.agent.ipam.NodeAddressReservations;
import io.pcg.agent.ipam.PoolService;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.kube.ManifestApplier;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.files.AtomicFiles;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.InvalidAddressException;
import io.pcg.common.net.Ip;
import io.pcg.common.proxy.ProxySettings;
import io.pcg.common.work.SerialLoop;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, follows and deletes the tenant clusters of this gateway in seed 004's order: the cluster's objects with one
 * control-plane node and no worker go into the gateway's management cluster; once that node runs, Cluster API and
 * the agent are installed in the tenant cluster with the spec it is to grow to, and its objects are moved into it
 * ({@code clusterctl move}); it then scales itself and keeps itself in shape while the gateway is away. Deleting
 * moves the objects back first, then deletes the cluster (VMs and disks go with its machines) and gives its
 * addresses back.
 *
 * <p>One thread, one reconcile of all clusters at a time; each step is idempotent and the phase is stored after it
 * ({@link TenantStore}), so an agent stopped anywhere resumes there. Progress goes to the console as conditions in
 * {@code cluster.list} and as events for {@code cluster/<name>}.
 */
@Singleton
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
public class TenantClusterController implements ApplicationEventListener<StartupEvent>, AutoCloseable {

    /** Each tenant cluster's objects live in their own namespace, because {@code clusterctl move} moves a namespace. */
    static final String NAMESPACE_PREFIX = "pcg-tenant-";

    static final String ADDRESSES_RESERVED = "NodeAddressesAllocated";
    static final String INFRASTRUCTURE_CREATED = "InfrastructureCreated";
    static final String CONTROL_PLANE_NODE_ADDED = "ControlPlaneNodeAdded";
    static final String AGENT_INSTALLED = "AgentInstalled";
    static final String MANAGEMENT_MOVED = "ClusterManagementMoved";
    static final String NODES_READY = "NodesReady";
    static final String DELETED = "Deleted";
    private static final String TRUE = "True";
    private static final String FALSE = "False";
    private static final String UNKNOWN = "Unknown";
    private static final Duration LOOP_WAIT = Duration.ofMinutes(2);
    private static final Logger LOG = LoggerFactory.getLogger(TenantClusterController.class);

    private final AgentConfig agent;
    private final TenantConfig config;
    private final GatewayClusterConfig gatewayConfig;
    private final BootstrapConfig bootstrapConfig;
    private final TenantStore store;
    private final CloudAccountStore accounts;
    private final ManagementCluster managementCluster;
    private final ClusterApiProviders providers;
    private final PoolService pools;
    private final ControlPlaneVips vips;
    private final NodeAddressReservations nodeAddresses;
    private final EventPublisher events;
    private final ProxySettings siteProxy;
    private final Clock clock;
    private final Map<String, Remote> remotes = new ConcurrentHashMap<>();
    private final SerialLoop loop =
            new SerialLoop("tenant-clusters", this::reconcileAll, "TENANT_BUSY", "the tenant clusters' loop");

    /** A client for a tenant cluster's own API server, and the kubeconfig it was built from. */
    private record Remote(String kubeconfig, KubernetesClient client) {}

    @Inject
    public TenantClusterController(
            AgentConfig agent,
            TenantConfig config,
            GatewayClusterConfig gatewayConfig,
            BootstrapConfig bootstrapConfig,
            TenantStore store,
            CloudAccountStore accounts,
            ManagementCluster managementCluster,
            ClusterApiProviders providers,
            PoolService pools,
            ControlPlaneVips vips,
            NodeAddressReservations nodeAddresses,
            EventPublisher events,
            ProxySettings siteProxy) {
        this(
                agent,
                config,
                gatewayConfig,
                bootstrapConfig,
                store,
                accounts,
                managementCluster,
                providers,
                pools,
                vips,
                nodeAddresses,
                events,
                siteProxy,
                Clock.systemUTC());
    }

    /** @param clock when a delete started, for force delete's 15 minutes */
    TenantClusterController(
            AgentConfig agent,
            TenantConfig config,
            GatewayClusterConfig gatewayConfig,
            BootstrapConfig bootstrapConfig,
            TenantStore store,
            CloudAccountStore accounts,
            ManagementCluster managementCluster,
            ClusterApiProviders providers,
            PoolService pools,
            ControlPlaneVips vips,
            NodeAddressReservations nodeAddresses,
            EventPublisher events,
            ProxySettings siteProxy,
            Clock clock) {
        this.agent = agent;
        this.config = config;
        this.gatewayConfig = gatewayConfig;
        this.bootstrapConfig = bootstrapConfig;
        this.store = store;
        this.accounts = accounts;
        this.managementCluster = managementCluster;
        this.providers = providers;
        this.pools = pools;
        this.vips = vips;
        this.nodeAddresses = nodeAddresses;
        this.events = events;
        this.siteProxy = siteProxy;
        this.clock = clock;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        loop.start(config.resync());
    }

    /** Looks at every tenant cluster again soon; calls while one is queued are folded into it. */
    public void trigger() {
        loop.trigger();
    }

    static String namespace(String cluster) {
        return NAMESPACE_PREFIX + cluster;
    }

    /** Accepts a validated create: the account is bound (so it cannot be deleted and the gateway is not), then the loop builds. */
    void accept(TenantClusterRequest request) throws OperatorException {
        onLoop(() -> {
            if (store.get(request.name()).isPresent()) {
                throw new OperatorException(
                        TenantCommands.EXISTS,
                        "a cluster named " + request.name() + " exists already",
                        "Pick another name, or delete that cluster first.");
            }
            String account = request.cloudAccount() == null ? CloudAccount.DEFAULT : request.cloudAccount();
            accounts.bind(request.name(), account);
            TenantRecord record = TenantRecord.accepted(request, account, !config.pivot());
            for (String type : milestones(record.inPlace())) {
                record = record.with(type, UNKNOWN, "Pending", "not started");
            }
            store.save(record);
            events.info(
                    "ClusterCreateStarted",
                    object(request.name()),
                    "creating tenant cluster " + request.name() + " with " + request.controlPlaneNodes()
                            + " control-plane and " + request.workerNodes() + " worker node(s)"
                            + (record.inPlace() ? ", kept in the gateway's management cluster" : ""));
        });
        trigger();
    }

    /** The conditions a cluster goes through, in order: without the pivot there is no node to wait for, no move. Pure. */
    static List<String> milestones(boolean inPlace) {
        return inPlace
                ? List.of(ADDRESSES_RESERVED, INFRASTRUCTURE_CREATED, NODES_READY)
                : List.of(
                        ADDRESSES_RESERVED,
                        INFRASTRUCTURE_CREATED,
                        CONTROL_PLANE_NODE_ADDED,
                        AGENT_INSTALLED,
                        MANAGEMENT_MOVED,
                        NODES_READY);
    }

    /**
     * Renders the request as it will be rendered, with stand-in addresses (the pool's first address for every node
     * and the VIP, as {@code gateway.configure} checks a static VIP), and checks it as the gateway cluster's objects
     * are checked, so that a request the renderer would refuse is refused before anything is created.
     */
    void check(TenantClusterRequest request) throws OperatorException {
        TenantClusterRequest.IpAllocation allocation = request.ipAllocation();
        TenantRecord probe = TenantRecord.accepted(
                request,
                request.cloudAccount() == null ? CloudAccount.DEFAULT : request.cloudAccount(),
                !config.pivot());
        try {
            if (allocation.isStatic()) {
                String first = pools.get(allocation.pool()).range().first().toString();
                String vip = allocation.controlPlaneVip() == null
                                || allocation.controlPlaneVip().isBlank()
                        ? first
                        : allocation.controlPlaneVip();
                Map<String, String> standIns = new LinkedHashMap<>();
                TenantManifests.nodeKeys(request).forEach(node -> standIns.put(node, first));
                probe = probe.withAddresses(standIns, vip);
            } else {
                Cidr.parse(allocation.nodeNetwork());
                probe = probe.withAddresses(
                        Map.of(),
                        DhcpVip.validate(allocation.controlPlaneVip(), allocation.dhcpRange())
                                .toString());
            }
            Ip.parse(probe.vip());
        } catch (IpamException e) {
            throw new OperatorException(e.code(), e.getMessage(), e.hint());
        } catch (InvalidAddressException e) {
            throw new OperatorException(
                    TenantCommands.REFUSED,
                    "ipAllocation: " + e.getMessage(),
                    "Correct the addresses and send the request again; nothing was created.");
        }
        firstObjects(probe);
    }

    /**
     * Accepts a validated scale: the request's worker counts change, the loop holds the new nodes' addresses and
     * writes the new spec into the tenant cluster, whose agent adds the workers. Checked again on the loop.
     */
    void acceptScale(String name, Map<String, Integer> counts) throws OperatorException {
        onLoop(() -> {
            TenantRecord record = existing(name);
            Optional<String> refusal = scaleRefusal(record, counts);
            if (refusal.isPresent()) {
                throw new OperatorException(
                        TenantCommands.SCALE_REFUSED,
                        refusal.get(),
                        "Send the pools' new counts once the cluster runs, each at least its current count.");
            }
            TenantClusterRequest request = record.request()
                    .withWorkerPools(record.request().workerPools().stream()
                            .map(pool ->
                                    counts.containsKey(pool.name()) ? pool.withCount(counts.get(pool.name())) : pool)
                            .toList());
            store.save(record.withRequest(request)
                    .withState(TenantState.SCALING)
                    .with(
                            NODES_READY,
                            UNKNOWN,
                            "Scaling",
                            "scaling to " + request.controlPlaneNodes() + " control-plane and " + request.workerNodes()
                                    + " worker node(s)"));
            events.info(
                    "ClusterScaleStarted",
                    object(name),
                    "tenant cluster " + name + " grows to " + request.workerNodes()
                            + " worker node(s); the cluster adds them itself");
        });
        trigger();
    }

    /** Why a scale to {@code counts} (worker pool → new count) is refused, if it is. Pure. */
    static Optional<String> scaleRefusal(TenantRecord record, Map<String, Integer> counts) {
        if (!record.settled() || (record.state() != TenantState.RUNNING && record.state() != TenantState.SCALING)) {
            return Optional.of("cluster " + record.name() + " is " + record.state() + ": it can be scaled once it runs"
                    + (record.inPlace() ? "" : " and manages itself"));
        }
        if (counts.isEmpty()) {
            return Optional.of("no worker pool named: give each pool to scale with its new count");
        }
        Map<String, Integer> current = new LinkedHashMap<>();
        record.request().workerPools().forEach(pool -> current.put(pool.name(), pool.count()));
        List<String> problems = new ArrayList<>();
        counts.forEach((pool, count) -> {
            if (!current.containsKey(pool)) {
                problems.add("cluster " + record.name() + " has no worker pool " + pool + " (its pools: "
                        + String.join(", ", current.keySet()) + ")");
            } else if (count == null || count < current.get(pool)) {
                problems.add("pool " + pool + " has " + current.get(pool) + " node(s): shrinking it to " + count
                        + " is not supported, only growing");
            }
        });
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /** Starts deleting; refused for a cluster that does not exist. A repeat keeps the first time, for force delete. */
    Instant requestDelete(String name) throws OperatorException {
        Instant[] since = new Instant[1];
        onLoop(() -> {
            TenantRecord record = existing(name);
            if (record.state() == TenantState.DELETING) {
                since[0] = record.deletingSince();
                return;
            }
            since[0] = clock.instant();
            store.save(record.deleting(since[0]).with(DELETED, UNKNOWN, "Deleting", "deleting"));
            events.warning(
                    "ClusterDeleteStarted",
                    object(name),
                    "deleting tenant cluster " + name
                            + (record.phase().reached(TenantPhase.MOVED) ? ": moving its objects back first" : ""));
        });
        trigger();
        return since[0];
    }

    /**
     * Forgets a cluster stuck in Deleting for at least {@link TenantConfig#forceDeleteAfter}: its objects in the
     * management cluster are let go, its addresses and account given back. Whatever is left in vSphere is the admin's.
     */
    void forceDelete(String name) throws OperatorException {
        onLoop(() -> {
            TenantRecord record = existing(name);
            Optional<String> refusal = forceDeleteRefusal(record, clock.instant(), config.forceDeleteAfter());
            if (refusal.isPresent()) {
                throw new OperatorException(
                        TenantCommands.FORCE_DELETE_REFUSED,
                        refusal.get(),
                        "Send cluster.delete first, and force delete only if it stays stuck.");
            }
            letGo(record);
            forget(record);
            events.warning(
                    "ClusterForceDeleted",
                    object(name),
                    "tenant cluster " + name + " was force deleted after "
                            + Duration.between(record.deletingSince(), clock.instant())
                                    .toMinutes() + " minutes in Deleting;"
                            + " delete any VM named " + name + "-* left in vSphere");
        });
    }

    /** Why a force delete is not allowed now, if it is not. Pure. */
    static Optional<String> forceDeleteRefusal(TenantRecord record, Instant now, Duration after) {
        if (record.state() != TenantState.DELETING || record.deletingSince() == null) {
            return Optional.of("cluster " + record.name() + " is " + record.state()
                    + ", not Deleting: force delete is only" + " for a delete that is stuck");
        }
        Duration stuck = Duration.between(record.deletingSince(), now);
        if (stuck.compareTo(after) < 0) {
            return Optional.of("cluster " + record.name() + " has been Deleting for " + stuck.toSeconds() + " s; force"
                    + " delete is allowed after " + after.toMinutes() + " minutes (in "
                    + after.minus(stuck).toSeconds() + " s)");
        }
        return Optional.empty();
    }

    /** Every tenant cluster, for {@code cluster.list}. */
    List<TenantRecord> list() throws OperatorException {
        return store.all();
    }

    private TenantRecord existing(String name) throws OperatorException {
        return store.get(name)
                .orElseThrow(() -> new OperatorException(
                        TenantCommands.NOT_FOUND,
                        "no tenant cluster named " + name + " on this gateway",
                        "List the clusters with cluster.list."));
    }

    /** The loop thread is the store's only writer: commands change it between two reconciles. */
    private void onLoop(SerialLoop.Change change) throws OperatorException {
        loop.change(change, LOOP_WAIT);
    }

    private void reconcileAll() {
        List<TenantRecord> records;
        try {
            records = store.all();
        } catch (OperatorException e) {
            LOG.warn("tenant clusters: {} ({})", e.getMessage(), e.code());
            return;
        }
        if (!records.isEmpty() && !managementCluster.isKnown()) {
            return; // no management cluster yet (the agent is starting): nothing can be looked at
        }
        for (TenantRecord record : records) {
            try {
                if (record.state() == TenantState.DELETING) {
                    delete(record);
                } else {
                    build(record);
                }
            } catch (OperatorException e) {
                failed(record, e.code(), e.getMessage());
            } catch (KubernetesClientException e) {
                failed(record, "KUBE_REQUEST_FAILED", "a cluster answered: " + e.getMessage());
            } catch (RuntimeException e) {
                if (loop.isClosed()) {
                    return;
                }
                LOG.warn("tenant cluster {}: unexpected failure, retrying: {}", record.name(), e.toString());
            }
        }
    }

    /** A failing step: its condition False with the reason, an event when that is news; the loop retries. */
    private void failed(TenantRecord record, String code, String message) {
        String type = record.state() == TenantState.DELETING ? DELETED : currentCondition(record);
        TenantRecord.ConditionView before = record.conditions().get(type);
        if (before == null || !FALSE.equals(before.status()) || !message.equals(before.message())) {
            events.error(type + "Failed", object(record.name()), message + " (retrying)");
        }
        try {
            store.save(record.with(type, FALSE, code, message));
        } catch (OperatorException e) {
            LOG.warn("tenant cluster {}: {} ({})", record.name(), e.getMessage(), e.code());
        }
    }

    /** The condition of the step a cluster is at, which a failure marks False. Pure. */
    static String currentCondition(TenantRecord record) {
        if (record.inPlace() && record.phase().reached(TenantPhase.APPLIED)) {
            return NODES_READY;
        }
        return switch (record.phase()) {
            case ACCEPTED -> ADDRESSES_RESERVED;
            case ADDRESSES_RESERVED -> INFRASTRUCTURE_CREATED;
            case APPLIED -> CONTROL_PLANE_NODE_ADDED;
            case AGENT_INSTALLED -> MANAGEMENT_MOVED;
            case MOVED -> NODES_READY;
        };
    }

    private void build(TenantRecord start) throws OperatorException {
        TenantRecord record = start;
        String name = record.name();
        String namespace = namespace(name);
        if (!record.phase().reached(TenantPhase.ADDRESSES_RESERVED)) {
            Optional<TenantRecord> reserved = reserveAddresses(record);
            if (reserved.isEmpty()) {
                return; // the allocator has not answered every claim yet; its change triggers nothing here, the resync
                // does
            }
            record = mark(
                    reserved.get().withPhase(TenantPhase.ADDRESSES_RESERVED),
                    ADDRESSES_RESERVED,
                    "Allocated",
                    record.request().ipAllocation().isStatic()
                            ? reserved.get().addresses().size() + " node addresses and VIP "
                                    + reserved.get().vip() + " held"
                            : "nodes take their addresses from DHCP; VIP "
                                    + reserved.get().vip());
        }
        KubernetesClient management = managementCluster.client();
        if (!record.phase().reached(TenantPhase.APPLIED)) {
            management
                    .namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(namespace)
                            .endMetadata()
                            .build())
                    .fieldManager(ManifestApplier.FIELD_MANAGER)
                    .serverSideApply();
            List<HasMetadata> objects = firstObjects(record);
            ManifestApplier.apply(management, objects);
            record = mark(
                    record.withPhase(TenantPhase.APPLIED),
                    INFRASTRUCTURE_CREATED,
                    "Applied",
                    objects.size() + " Cluster API objects applied with "
                            + (record.inPlace()
                                    ? "all "
                                            + (record.request().controlPlaneNodes()
                                                    + record.request().workerNodes()) + " nodes"
                                    : "1 control-plane node"));
        }
        if (record.inPlace()) {
            Optional<TenantRecord> held = holdGrownAddresses(record);
            if (held.isPresent()) {
                followInPlace(held.get(), management);
            }
            return;
        }
        if (!record.phase().reached(TenantPhase.AGENT_INSTALLED)) {
            Progress progress = observe(management, name);
            record = record.withNodes(nodes(progress));
            if (!progress.readyToMove()) {
                save(record);
                return;
            }
            record = mark(
                    record,
                    CONTROL_PLANE_NODE_ADDED,
                    "NodeReady",
                    "control-plane node " + progress.nodes().get(0).name() + " runs");
            Path kubeconfig = writeKubeconfig(management, name);
            providers.install(kubeconfig);
            KubernetesClient tenant = remote(name, kubeconfig);
            tenant.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(namespace)
                            .endMetadata()
                            .build())
                    .fieldManager(ManifestApplier.FIELD_MANAGER)
                    .serverSideApply();
            installAgent(tenant, record);
            record = mark(
                    record.withPhase(TenantPhase.AGENT_INSTALLED),
                    AGENT_INSTALLED,
                    "Installed",
                    "Cluster API and the agent run in the tenant cluster");
        }
        Path kubeconfig = kubeconfig(name);
        KubernetesClient tenant = remote(name, kubeconfig);
        if (!record.phase().reached(TenantPhase.MOVED)) {
            if (clusterExists(management, name)) {
                events.info("PivotStarted", object(name), "moving the Cluster API objects into tenant cluster " + name);
                providers.move(managementKubeconfig(), kubeconfig, namespace);
            }
            record = mark(
                    record.withPhase(TenantPhase.MOVED),
                    MANAGEMENT_MOVED,
                    "Moved",
                    "the tenant cluster manages itself; it grows to the requested size by itself");
        }
        Optional<TenantRecord> held = holdGrownAddresses(record);
        if (held.isPresent()) {
            follow(held.get(), tenant);
        }
    }

    /** What the gateway applies first: one control-plane node (seed 004), or without the pivot the whole cluster. */
    private List<HasMetadata> firstObjects(TenantRecord record) throws OperatorException {
        return record.inPlace()
                ? TenantManifests.complete(record.request(), inputs(record))
                : TenantManifests.initial(record.request(), inputs(record));
    }

    /**
     * Grown by cluster.scale with static IPs: the new nodes' addresses are held before their machines are rendered.
     * Empty while the allocator has not answered.
     */
    private Optional<TenantRecord> holdGrownAddresses(TenantRecord record) throws OperatorException {
        if (!record.request().ipAllocation().isStatic()
                || record.addresses().keySet().containsAll(TenantManifests.nodeKeys(record.request()))) {
            return Optional.of(record);
        }
        Optional<TenantRecord> reserved = reserveAddresses(record);
        if (reserved.isPresent()) {
            save(reserved.get());
        }
        return reserved;
    }

    /**
     * Without the pivot the gateway does what a tenant cluster's own agent would, in the management cluster: when a
     * machine is missing (after a scale, or deleted by hand) it scales the control plane and applies the worker
     * machines; then it reports the cluster's progress there.
     */
    private void followInPlace(TenantRecord record, KubernetesClient management) throws OperatorException {
        Progress progress = observe(management, record.name());
        if (missesMachines(record.request(), progress)) {
            TenantSelfManagement.shape(
                    management,
                    namespace(record.name()),
                    record.name(),
                    record.request().controlPlaneNodes(),
                    TenantManifests.workers(record.request(), inputs(record)));
        }
        report(record, progress);
    }

    /**
     * The cluster lacks machines the request asks for, or its control plane is set to another size: only then does
     * the gateway apply, so a cluster that is whole costs reads only, however many there are. Pure.
     */
    static boolean missesMachines(TenantClusterRequest request, Progress progress) {
        return progress.desiredReplicas() != request.controlPlaneNodes()
                || progress.machines() < request.controlPlaneNodes() + request.workerNodes();
    }

    /**
     * After the pivot: the spec is written again (after a scale, or if someone removed it) and what the tenant cluster
     * reports about itself is read. An unreachable tenant cluster is shown, not failed: it manages itself.
     */
    private void follow(TenantRecord start, KubernetesClient tenant) throws OperatorException {
        TenantRecord record = start;
        Progress progress;
        try {
            tenant.resource(spec(record))
                    .fieldManager(ManifestApplier.FIELD_MANAGER)
                    .serverSideApply();
            progress = observe(tenant, record.name());
        } catch (KubernetesClientException e) {
            mark(record, NODES_READY, UNKNOWN, "Unreachable", "the tenant cluster does not answer: " + e.getMessage());
            return;
        }
        report(record, progress);
    }

    /** Its nodes as seen, and state Running once every requested node is Ready, Scaling until then. */
    private void report(TenantRecord start, Progress progress) throws OperatorException {
        TenantRecord record = start;
        int wanted = record.request().controlPlaneNodes() + record.request().workerNodes();
        long ready = progress.nodes().stream().filter(Progress.Node::ready).count();
        record = record.withNodes(nodes(progress));
        if (progress.machines() == wanted && ready == wanted) {
            boolean first = record.state() != TenantState.RUNNING;
            record = mark(
                    record.withState(TenantState.RUNNING),
                    NODES_READY,
                    TRUE,
                    "Ready",
                    ready + " of " + wanted + " nodes ready");
            if (first) {
                events.info(
                        "ClusterRunning",
                        object(record.name()),
                        "tenant cluster " + record.name() + " runs with " + wanted + " nodes"
                                + (record.inPlace()
                                        ? ", managed from the gateway's management cluster"
                                        : " and manages itself"));
            }
        } else {
            record = mark(
                    record.withState(TenantState.SCALING),
                    NODES_READY,
                    UNKNOWN,
                    "Scaling",
                    ready + " of " + wanted + " nodes ready");
        }
        save(record);
    }

    private void delete(TenantRecord start) throws OperatorException {
        TenantRecord record = start;
        String name = record.name();
        String namespace = namespace(name);
        KubernetesClient management = managementCluster.client();
        if (record.phase().reached(TenantPhase.MOVED)) {
            Path kubeconfig = kubeconfig(name);
            KubernetesClient tenant = remote(name, kubeconfig);
            // Its agent stops growing it first, so nothing is created on the tenant side while the objects move.
            tenant.configMaps()
                    .inNamespace(namespace)
                    .withName(TenantSelfManagement.DESIRED)
                    .delete();
            if (clusterExists(tenant, name)) {
                events.info(
                        "PivotBackStarted",
                        object(name),
                        "moving the Cluster API objects of " + name + " back to the gateway to delete the cluster");
                providers.move(kubeconfig, managementKubeconfig(), namespace);
            }
            record = save(record.withPhase(TenantPhase.APPLIED));
            events.info("PivotBackCompleted", object(name), "the gateway manages " + name + " again; deleting it");
        }
        {
            // Also before APPLIED: an apply cut short may have left some objects.
            var cluster = management
                    .genericKubernetesResources(CapiKinds.CLUSTERS)
                    .inNamespace(namespace)
                    .withName(name);
            if (cluster.get() != null) {
                cluster.delete();
            }
            int machines = management
                    .genericKubernetesResources(CapiKinds.MACHINES)
                    .inNamespace(namespace)
                    .list()
                    .getItems()
                    .size();
            if (cluster.get() != null || machines > 0) {
                mark(record, DELETED, UNKNOWN, "Deleting", machines + " machine(s) still being deleted");
                return;
            }
            letGo(record);
        }
        forget(record);
        events.info(
                "ClusterDeleted",
                object(name),
                "tenant cluster " + name + " is deleted: its VMs are gone and its" + " addresses released");
    }

    /** Deletes what is left of the cluster's objects in the management cluster and gives its addresses back. */
    private void letGo(TenantRecord record) {
        String namespace = namespace(record.name());
        KubernetesClient management = managementCluster.client();
        for (var kind : List.of(
                CapiKinds.MACHINE_HEALTH_CHECKS,
                CapiKinds.CONTROL_PLANES,
                CapiKinds.VSPHERE_CLUSTERS,
                CapiKinds.VSPHERE_MACHINE_TEMPLATES,
                CapiKinds.KUBEADM_CONFIGS,
                CapiKinds.VSPHERE_MACHINES)) {
            management
                    .genericKubernetesResources(kind)
                    .inNamespace(namespace)
                    .withLabel(CapiKinds.CLUSTER_NAME_LABEL, record.name())
                    .delete();
        }
        management
                .secrets()
                .inNamespace(namespace)
                .withLabel(CapiKinds.CLUSTER_NAME_LABEL, record.name())
                .delete();
        releaseAddresses(record);
    }

    private void releaseAddresses(TenantRecord record) {
        vips.release(record.name());
        nodeAddresses.release(record.name());
    }

    private void forget(TenantRecord record) throws OperatorException {
        Remote remote = remotes.remove(record.name());
        if (remote != null) {
            remote.client().close();
        }
        store.removeKubeconfig(record.name());
        try {
            Files.deleteIfExists(kubeconfigFile(record.name()));
        } catch (IOException e) {
            LOG.warn(
                    "tenant cluster {}: cannot delete {}: {}",
                    record.name(),
                    kubeconfigFile(record.name()),
                    e.getMessage());
        }
        accounts.unbind(record.name());
        store.remove(record.name());
    }

    /**
     * Static IPs: the VIP and one address per node of the requested size are claimed from the pool now, so the
     * cluster can grow after the pivot without this gateway; a node added by {@code cluster.scale} gets its own
     * claim. Empty while the allocator has not answered yet.
     */
    private Optional<TenantRecord> reserveAddresses(TenantRecord record) throws OperatorException {
        TenantClusterRequest.IpAllocation allocation = record.request().ipAllocation();
        try {
            if (!allocation.isStatic()) {
                Ip vip = DhcpVip.validate(allocation.controlPlaneVip(), allocation.dhcpRange());
                return Optional.of(record.withAddresses(Map.of(), vip.toString()));
            }
            ControlPlaneVips.Vip vip = vips.reserve(record.name(), allocation.pool(), allocation.controlPlaneVip());
            List<String> nodes = TenantManifests.nodeKeys(record.request());
            Optional<Map<String, Ip>> addresses = nodeAddresses.reserve(record.name(), allocation.pool(), nodes);
            if (vip.address() == null || addresses.isEmpty()) {
                mark(
                        record,
                        ADDRESSES_RESERVED,
                        UNKNOWN,
                        "Waiting",
                        "waiting for " + (nodes.size() + 1) + " addresses from pool " + allocation.pool());
                return Optional.empty();
            }
            Map<String, String> byNode = new LinkedHashMap<>();
            addresses.get().forEach((node, address) -> byNode.put(node, address.toString()));
            return Optional.of(record.withAddresses(byNode, vip.address()));
        } catch (IpamException e) {
            throw new OperatorException(e.code(), e.getMessage(), e.hint());
        } catch (InvalidAddressException e) {
            throw new OperatorException(
                    TenantCommands.INVALID_REQUEST,
                    "ipAllocation: " + e.getMessage(),
                    "Delete the cluster and create it again with a VIP outside the DHCP range.");
        }
    }

    private TenantManifests.Inputs inputs(TenantRecord record) throws OperatorException {
        TenantClusterRequest request = record.request();
        CloudAccount account = accounts.get(record.account())
                .orElseThrow(() -> new OperatorException(
                        CloudAccountStore.NOT_FOUND,
                        "cloud account " + record.account() + " of cluster " + record.name() + " does not exist",
                        "Add the account again; the agent retries."));
        GatewayClusterSpec.Addressing addressing;
        Map<String, Ip> addresses = new LinkedHashMap<>();
        record.addresses().forEach((node, address) -> addresses.put(node, Ip.parse(address)));
        try {
            addressing = request.ipAllocation().isStatic()
                    ? new GatewayClusterSpec.ReservedIps(
                            pools.get(request.ipAllocation().pool()),
                            List.of(addresses.get(TenantManifests.firstControlPlaneKey())))
                    : new GatewayClusterSpec.Dhcp(
                            Cidr.parse(request.ipAllocation().nodeNetwork()));
        } catch (IpamException e) {
            throw new OperatorException(e.code(), e.getMessage(), e.hint());
        }
        String version = request.kubernetesVersion() != null
                ? request.kubernetesVersion()
                : ProviderVersions.read(bootstrapConfig.versionsFile()).kubernetes();
        return new TenantManifests.Inputs(
                namespace(record.name()),
                version,
                account,
                addressing,
                addresses,
                Ip.parse(record.vip()),
                Cidr.parse(agent.podCidr()),
                Cidr.parse(agent.serviceCidr()),
                siteProxy);
    }

    /** Seed 004 step 4: Cluster API is in already; the agent and the spec it grows the cluster to. */
    private void installAgent(KubernetesClient tenant, TenantRecord record) throws OperatorException {
        List<HasMetadata> objects = new ArrayList<>(AgentDeployment.renderTenant(
                namespace(record.name()), gatewayConfig.agentRepository() + ":" + AgentVersion.current()));
        objects.add(spec(record));
        ManifestApplier.apply(tenant, objects);
    }

    /** The spec the tenant cluster's agent grows the cluster to: control-plane size and the worker machines. */
    private HasMetadata spec(TenantRecord record) throws OperatorException {
        return TenantSelfManagement.desired(
                namespace(record.name()),
                record.name(),
                record.request().controlPlaneNodes(),
                TenantManifests.workers(record.request(), inputs(record)));
    }

    private static Progress observe(KubernetesClient client, String name) {
        return CapiKinds.progress(client, namespace(name), name, false);
    }

    private static List<TenantRecord.NodeView> nodes(Progress progress) {
        return progress.nodes().stream()
                .map(node -> new TenantRecord.NodeView(node.name(), node.address(), node.ready()))
                .toList();
    }

    private static boolean clusterExists(KubernetesClient client, String name) {
        return client.genericKubernetesResources(CapiKinds.CLUSTERS)
                        .inNamespace(namespace(name))
                        .withName(name)
                        .get()
                != null;
    }

    private Path managementKubeconfig() throws OperatorException {
        return managementCluster
                .kubeconfig()
                .orElseThrow(() -> new OperatorException(
                        "TENANT_NO_MANAGEMENT_CLUSTER",
                        "the agent has no management cluster",
                        "Configure the gateway and wait until it is Running."));
    }

    /** The file clusterctl and the agent's clients read: the stored kubeconfig itself, or its copy after the pivot. */
    private Path kubeconfigFile(String name) {
        return agent.stateDir().resolve(TenantStore.kubeconfigName(name));
    }

    /**
     * Tenant cluster {@code name}'s kubeconfig as a file. The file is this agent's copy of what the agent's state
     * keeps ({@link #writeKubeconfig} writes both, {@code forget} deletes both), so it is read from the state only when
     * the copy is missing: after the gateway's pivot the state is in the gateway cluster, and a replica that took the
     * lease over writes its own copy first.
     */
    private Path kubeconfig(String name) throws OperatorException {
        Path file = kubeconfigFile(name);
        if (Files.exists(file)) {
            return file;
        }
        byte[] stored = store.kubeconfig(name)
                .orElseThrow(() -> new OperatorException(
                        "TENANT_KUBECONFIG_MISSING",
                        "the agent's state has no kubeconfig of tenant cluster " + name,
                        "Restore the agent's state from a backup; the agent retries."));
        return writeCopy(file, stored);
    }

    private static Path writeCopy(Path file, byte[] kubeconfig) throws OperatorException {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, kubeconfig, AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            throw new OperatorException(
                    "TENANT_KUBECONFIG_MISSING",
                    "cannot write " + file + ": " + e.getMessage(),
                    "Check that the disk has room; the agent retries.",
                    e);
        }
        return file;
    }

    /** CAPI's {@code <cluster>-kubeconfig} Secret, kept in the agent's state (see {@link #kubeconfig}). */
    private Path writeKubeconfig(KubernetesClient management, String name) throws OperatorException {
        var secret = management
                .secrets()
                .inNamespace(namespace(name))
                .withName(name + "-kubeconfig")
                .get();
        if (secret == null || secret.getData() == null || !secret.getData().containsKey("value")) {
            throw new OperatorException(
                    "PIVOT_KUBECONFIG_MISSING",
                    "Cluster API has not written tenant cluster " + name + "'s kubeconfig (Secret " + name
                            + "-kubeconfig)",
                    "The agent waits and retries.");
        }
        byte[] kubeconfig = Base64.getDecoder().decode(secret.getData().get("value"));
        store.saveKubeconfig(name, kubeconfig);
        return writeCopy(kubeconfigFile(name), kubeconfig);
    }

    private KubernetesClient remote(String name, Path kubeconfig) throws OperatorException {
        String text;
        try {
            text = Files.readString(kubeconfig);
        } catch (IOException e) {
            throw new OperatorException(
                    "TENANT_KUBECONFIG_MISSING",
                    "cannot read tenant cluster " + name + "'s kubeconfig " + kubeconfig + ": " + e.getMessage(),
                    "Restore the state folder from a backup; the agent retries.",
                    e);
        }
        Remote remote = remotes.compute(name, (key, existing) -> {
            if (existing != null && existing.kubeconfig().equals(text)) {
                return existing;
            }
            if (existing != null) {
                existing.client().close();
            }
            Config clientConfig = Config.fromKubeconfig(text);
            clientConfig.setRequestTimeout(10_000);
            clientConfig.setConnectionTimeout(5_000);
            return new Remote(
                    text, new KubernetesClientBuilder().withConfig(clientConfig).build());
        });
        return remote.client();
    }

    /** Sets a condition; an event when it becomes True. */
    private TenantRecord mark(TenantRecord record, String type, String status, String reason, String message)
            throws OperatorException {
        TenantRecord.ConditionView before = record.conditions().get(type);
        TenantRecord next = save(record.with(type, status, reason, message));
        if (TRUE.equals(status) && (before == null || !TRUE.equals(before.status()))) {
            events.info(type, object(record.name()), message);
        }
        return next;
    }

    private TenantRecord mark(TenantRecord record, String type, String reason, String message)
            throws OperatorException {
        return mark(record, type, TRUE, reason, message);
    }

    private TenantRecord save(TenantRecord record) throws OperatorException {
        store.save(record);
        return record;
    }

    private static String object(String name) {
        return "cluster/" + name;
    }

    @PreDestroy
    @Override
    public void close() {
        loop.close();
        remotes.values().forEach(remote -> remote.client().close());
        remotes.clear();
    }
}
