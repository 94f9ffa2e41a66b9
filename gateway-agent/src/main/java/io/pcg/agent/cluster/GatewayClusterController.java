package io.pcg.agent.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.pcg.agent.AgentVersion;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.bootstrap.BootstrapConfig;
import io.pcg.agent.bootstrap.ClusterApiProviders;
import io.pcg.agent.bootstrap.ManagementClusterBootstrap;
import io.pcg.agent.bootstrap.ProviderVersions;
import io.pcg.agent.cloudaccount.CloudAccount;
import io.pcg.agent.cloudaccount.CloudAccountStore;
import io.pcg.agent.cluster.manifest.GatewayClusterManifest;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec;
import io.pcg.agent.command.CommandQueue;
import io.pcg.agent.config.AgentConfig;
import io.pcg.agent.events.ClusterStatusReporter;
import io.pcg.agent.events.EventPublisher;
import io.pcg.agent.identity.IdentityStore;
import io.pcg.agent.ipam.ControlPlaneVips;
import io.pcg.agent.ipam.DhcpVip;
import io.pcg.agent.ipam.IpamConfig;
import io.pcg.agent.ipam.IpamException;
import io.pcg.agent.ipam.Pool;
import io.pcg.agent.ipam.PoolService;
import io.pcg.agent.ipam.PoolValidationException;
import io.pcg.agent.kube.Informers;
import io.pcg.agent.kube.ManagementCluster;
import io.pcg.agent.kube.ManifestApplier;
import io.pcg.agent.leader.Leadership;
import io.pcg.agent.link.GatewayLink;
import io.pcg.agent.metrics.AgentMeters;
import io.pcg.agent.state.AgentState;
import io.pcg.agent.tenant.TenantStore;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.files.AtomicFiles;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.Ip;
import io.pcg.common.proxy.ProxySettings;
import io.pcg.common.work.SerialLoop;
import io.pcg.proto.v1.ClusterNode;
import io.pcg.proto.v1.ClusterState;
import io.pcg.proto.v1.ClusterStatus;
import io.pcg.proto.v1.Condition;
import io.pcg.proto.v1.ConditionStatus;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the gateway cluster and keeps following it, from "Configure" to Running, and takes it down again on
 * "Reset", or on "Delete", after which the appliance unpairs from the console. One reconcile at a time on its own thread: read the stored record, do the next step (every step is
 * idempotent), store how far it got, report milestones to the console. A failing step marks its milestone False
 * with the reason and is retried; provisioning never stops by itself.
 *
 * <p>The order is the product guide's and seed 004's: a local kind management cluster with Cluster API; the
 * gateway cluster's objects applied there (static node addresses answered by the agent's own IPAM), KCP adding the
 * nodes one at a time; once the first control-plane node is ready and no machine is provisioning, Cluster API is
 * installed in the gateway cluster, the objects are moved there ({@code clusterctl move}), the agent is deployed
 * there and the agent manages from there; nodes a resize adds are built by the gateway cluster itself.
 */
@Singleton
@Requires(env = GatewayAgentApplication.ENVIRONMENT)
public class GatewayClusterController implements ApplicationEventListener<StartupEvent>, AutoCloseable {

    static final String GATEWAY_KUBECONFIG = "gateway.kubeconfig";
    /** The field manager of the control plane's size (KubeadmControlPlane spec.replicas), apart from the manifests'. */
    public static final String SCALE_FIELD_MANAGER = "pcg-agent-scale";
    /** The field manager of what an upgrade changes on the KubeadmControlPlane: spec.version and its machine template. */
    static final String UPGRADE_FIELD_MANAGER = "pcg-agent-upgrade";
    /** Reasons of the Upgraded condition. */
    private static final String ROLLING_OUT = "RollingOut";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayClusterController.class);
    private static final String GATEWAY_API_HINT =
            "The agent retries; check that the gateway cluster's API server answers ('pcg status').";
    private static final String TRUE = "True";
    private static final String FALSE = "False";
    private static final String UNKNOWN = "Unknown";
    /** Reasons of ControlPlaneReady while nodes are being added. */
    private static final String RESIZING = "Resizing";

    private static final String SCALING = "Scaling";
    /** How long a command waits for the step under way before it changes the record. */
    private static final java.time.Duration LOOP_WAIT = java.time.Duration.ofMinutes(2);
    /**
     * How long a deleted gateway waits for the console to read its last event before it unpairs anyway: a console
     * unreachable for longer keeps showing the gateway as being deleted, and its admin forgets it with force.
     */
    static final java.time.Duration UNPAIR_WAIT = java.time.Duration.ofMinutes(2);

    private final AgentConfig agent;
    private final IpamConfig ipam;
    private final GatewayClusterConfig config;
    private final BootstrapConfig bootstrapConfig;
    private final GatewayStore store;
    private final CloudAccountStore accounts;
    private final TenantStore tenants;
    private final ManagementCluster managementCluster;
    private final ManagementClusterBootstrap bootstrap;
    private final ClusterApiProviders providers;
    private final PoolService pools;
    private final ControlPlaneVips vips;
    private final EventPublisher events;
    private final ClusterStatusReporter status;
    private final ProxySettings siteProxy;
    private final GatewayLink link;
    private final AgentMeters meters;
    private final CommandQueue commandQueue;
    private final Leadership leadership;
    private final AgentState state;
    private final Clock clock = Clock.systemUTC();
    private final SerialLoop loop = new SerialLoop("gateway-cluster", this::reconcile, "GATEWAY_BUSY", "the gateway");
    /** Watches on the management cluster the objects live on now; touched by the loop thread only. */
    private final Map<ResourceDefinitionContext, SharedIndexInformer<GenericKubernetesResource>> watches =
            new LinkedHashMap<>();

    private KubernetesClient watched;

    public GatewayClusterController(
            AgentConfig agent,
            IpamConfig ipam,
            GatewayClusterConfig config,
            BootstrapConfig bootstrapConfig,
            GatewayStore store,
            CloudAccountStore accounts,
            TenantStore tenants,
            ManagementCluster managementCluster,
            ManagementClusterBootstrap bootstrap,
            ClusterApiProviders providers,
            PoolService pools,
            ControlPlaneVips vips,
            EventPublisher events,
            ClusterStatusReporter status,
            ProxySettings siteProxy,
            GatewayLink link,
            AgentMeters meters,
            CommandQueue commandQueue,
            Leadership leadership,
            AgentState state) {
        this.agent = agent;
        this.ipam = ipam;
        this.config = config;
        this.bootstrapConfig = bootstrapConfig;
        this.store = store;
        this.accounts = accounts;
        this.tenants = tenants;
        this.managementCluster = managementCluster;
        this.bootstrap = bootstrap;
        this.providers = providers;
        this.pools = pools;
        this.vips = vips;
        this.events = events;
        this.status = status;
        this.siteProxy = siteProxy;
        this.link = link;
        this.meters = meters;
        this.commandQueue = commandQueue;
        this.leadership = leadership;
        this.state = state;
    }

    /** A restarted agent picks up where it stopped: same management cluster, next step. */
    @Override
    public void onApplicationEvent(StartupEvent event) {
        loop.start(config.resync());
    }

    /** Looks at the gateway cluster again soon; calls while one is queued are folded into it. */
    public void trigger() {
        loop.trigger();
    }

    /** The stored record, for the status command and tests. */
    public GatewayRecord record() throws OperatorException {
        return store.load();
    }

    /** The gateway cluster's state, for the commands of other packages. */
    public GatewayState state() throws OperatorException {
        return store.load().state();
    }

    /**
     * Accepts a validated configure request: the credentials become the default cloud account, which the gateway
     * cluster uses from then on, the request (without the password) is stored, and provisioning starts.
     */
    void accept(ConfigureRequest request) throws OperatorException {
        onLoop(() -> {
            ConfigureRequest.Vcenter vcenter = request.vcenter();
            accounts.save(new CloudAccount(
                    CloudAccount.DEFAULT,
                    vcenter.server(),
                    vcenter.username(),
                    vcenter.password(),
                    vcenter.thumbprint()));
            accounts.bind(agent.name(), CloudAccount.DEFAULT);
            GatewayRecord record = new GatewayRecord(
                            GatewayState.PROVISIONING, Phase.CONFIGURED, request, Map.of(), null, false, List.of())
                    .with(
                            Milestone.VCENTER_VALIDATED,
                            TRUE,
                            "Validated",
                            "vCenter " + vcenter.server() + " passed every check");
            for (Milestone next : Milestone.values()) {
                if (next != Milestone.VCENTER_VALIDATED && next != Milestone.UPGRADED) {
                    record = record.with(next, UNKNOWN, "Pending", "not started");
                }
            }
            store.save(record);
            events.info(
                    "ProvisioningStarted", object(), "provisioning a " + request.nodeCount() + "-node gateway cluster");
            report(record, List.of());
        });
        trigger();
    }

    /** The gateway cluster's name (the gateway's): the Cluster object and the owner of its pool's addresses. */
    String clusterName() {
        return agent.name();
    }

    /**
     * Accepts a validated resize: the new size is stored and the loop adds the control-plane nodes one at a time.
     * Checked again on the loop, which owns the record: a command that raced another change is refused.
     */
    void acceptResize(int nodes) throws OperatorException {
        onLoop(() -> {
            GatewayRecord record = store.load();
            Optional<String> refusal = record.state() != GatewayState.RUNNING
                    ? Optional.of("the gateway cluster is " + record.state() + ", not RUNNING")
                    : ResizeRequest.refusal(record.desired().nodeCount(), nodes);
            if (refusal.isPresent()) {
                throw new OperatorException(
                        GatewayCommands.RESIZE_REFUSED, refusal.get(), "Send nodeCount 3 to a running 1-node gateway.");
            }
            int from = record.desired().nodeCount();
            record = record.withDesired(record.desired().withNodeCount(nodes))
                    .withState(GatewayState.PROVISIONING)
                    .with(
                            Milestone.CONTROL_PLANE_READY,
                            UNKNOWN,
                            RESIZING,
                            "resizing from " + from + " to " + nodes + " nodes");
            store.save(record);
            events.info(
                    "ResizeStarted", object(), "resizing the gateway cluster from " + from + " to " + nodes + " nodes");
            report(record, List.of());
        });
        trigger();
    }

    /** What runs now and whether an upgrade may start, for {@link UpgradeRequest#refusal}. */
    UpgradeRequest.Current current(GatewayRecord record) throws OperatorException {
        String activity = switch (record.state()) {
            case PENDING -> "not configured";
            case PROVISIONING -> record.phase() == Phase.RUNNING ? "resizing" : "being provisioned";
            case UPGRADING -> "upgrading already";
            case FAILED ->
                "failing a step (" + record.runningUpgrade().map(u -> "upgrade").orElse("provisioning") + ")";
            case RESETTING -> record.deleting() ? "being deleted" : "being reset";
            case RUNNING -> "running";
        };
        ConfigureRequest desired = record.desired();
        return new UpgradeRequest.Current(
                record.state(),
                activity,
                desired == null ? "" : kubernetesVersion(desired),
                desired == null ? "" : desired.nodeTemplate(),
                record.lastUpgraded(UpgradeRequest.AGENT_VERSION).orElse(AgentVersion.current()));
    }

    /**
     * Accepts a validated upgrade: the upgrade details are recorded, the new versions become the desired ones and the
     * loop rolls them out. Checked again on the loop, which owns the record: an upgrade that raced another change is
     * refused.
     */
    void acceptUpgrade(UpgradeRequest request) throws OperatorException {
        onLoop(() -> {
            GatewayRecord record = store.load();
            UpgradeRequest.Current current = current(record);
            Optional<UpgradeRequest.Refusal> refusal = request.refusal(current);
            if (refusal.isPresent()) {
                throw new OperatorException(
                        refusal.get().code(),
                        refusal.get().message(),
                        refusal.get().hint());
            }
            UpgradeDetails upgrade = request.upgrade(current, clock.instant());
            ConfigureRequest desired = record.desired()
                    .withKubernetesVersion(
                            upgrade.to(UpgradeRequest.KUBERNETES_VERSION).orElse(current.kubernetesVersion()))
                    .withNodeTemplate(upgrade.to(UpgradeRequest.NODE_TEMPLATE)
                            .orElse(record.desired().nodeTemplate()));
            record = record.withDesired(desired)
                    .withUpgrade(upgrade)
                    .withState(GatewayState.UPGRADING)
                    .with(Milestone.UPGRADED, UNKNOWN, ROLLING_OUT, "upgrading: " + upgrade.describe());
            store.save(record);
            events.info(
                    "UpgradeStarted",
                    object(),
                    "upgrading the gateway cluster, one node at a time: " + upgrade.describe() + " (requested by "
                            + upgrade.requestedBy() + ")");
            report(record, List.of());
        });
        trigger();
    }

    /** Starts taking everything down; the loop finishes it and returns to Pending. */
    void requestReset() throws OperatorException {
        onLoop(() -> {
            store.save(store.load().withState(GatewayState.RESETTING));
            events.warning("ResetStarted", object(), "deleting the gateway cluster and everything provisioned for it");
        });
        trigger();
    }

    /**
     * The clusters this gateway manages for tenants, which keep it from being deleted: those in the tenant store
     * (being built, running or being deleted) and every other cluster that uses a cloud account, except the gateway
     * cluster itself.
     */
    List<String> tenantClusters() throws OperatorException {
        java.util.SortedSet<String> tenantNames = new java.util.TreeSet<>(tenants.names());
        tenantNames.addAll(accounts.clusters());
        tenantNames.remove(clusterName());
        return List.copyOf(tenantNames);
    }

    /**
     * Starts deleting the gateway: the gateway cluster is taken down as by {@link #requestReset}, then the appliance
     * unpairs. Checked again on the loop: a tenant cluster bound since the command was validated refuses it.
     */
    void requestDelete() throws OperatorException {
        onLoop(() -> {
            List<String> tenants = tenantClusters();
            if (!tenants.isEmpty()) {
                throw GatewayCommands.deleteRefused(tenants);
            }
            store.save(store.load().withState(GatewayState.RESETTING).withDeleting());
            events.warning(
                    "DeleteStarted",
                    object(),
                    "deleting the gateway: the gateway cluster and everything "
                            + "provisioned for it, then the appliance unpairs from the console");
        });
        trigger();
    }

    /** A change of the stored record, made between two reconciles: the loop thread is the record's only writer. */
    private void onLoop(SerialLoop.Change change) throws OperatorException {
        loop.change(change, LOOP_WAIT);
    }

    private void reconcile() {
        if (!leadership.acting()) {
            return; // a follower replica stands by; the leader reconciles
        }
        long start = System.nanoTime();
        boolean ok = false;
        try {
            GatewayRecord record = store.load();
            commandQueue.phase(queuePhase(record));
            switch (record.state()) {
                case PENDING -> {
                    if (record.deleting()) {
                        unpair();
                    } else {
                        report(record, List.of());
                    }
                }
                case RESETTING -> reset(record);
                case PROVISIONING, UPGRADING, FAILED, RUNNING -> provision(record);
            }
            ok = true;
        } catch (OperatorException e) {
            LOG.warn("gateway cluster: {} ({}); retrying", e.getMessage(), e.code());
        } catch (RuntimeException e) {
            if (loop.isClosed()) {
                // The agent is stopping: the pass that was under way cannot schedule its next one, as intended.
                LOG.debug("gateway cluster: stopped during a pass: {}", e.toString());
                return;
            }
            LOG.warn("gateway cluster: unexpected failure, retrying: {}", e.toString());
        } finally {
            meters.reconciled("gateway_cluster", start, ok);
        }
    }

    private void provision(GatewayRecord start) throws OperatorException {
        GatewayRecord record = start;
        Milestone current = Milestone.MANAGEMENT_CLUSTER_READY;
        List<Progress.Node> nodes = List.of();
        try {
            if (!record.phase().reached(Phase.MOVED)) {
                Path bootstrapKubeconfig = bootstrapKubeconfig();
                if (!record.phase().reached(Phase.BOOTSTRAPPED)) {
                    bootstrapKubeconfig = bootstrap.ensureCluster();
                    record = mark(
                            record,
                            Milestone.MANAGEMENT_CLUSTER_READY,
                            TRUE,
                            "Created",
                            "the local management cluster runs");
                    current = Milestone.CLUSTER_API_INSTALLED;
                    providers.install(bootstrapKubeconfig);
                    record = mark(
                            record,
                            Milestone.CLUSTER_API_INSTALLED,
                            TRUE,
                            "Installed",
                            "Cluster API and the vSphere provider run in the management cluster");
                    record = save(record.withPhase(Phase.BOOTSTRAPPED));
                }
                current = Milestone.INFRASTRUCTURE_CREATED;
                pointAt(bootstrapKubeconfig);
                // Before the VIP is waited for: the IPAM's answer to the VIP claim is a change of a watched claim,
                // so the next pass comes with it rather than a resync later. The namespace is applied once per
                // cluster the agent watches, not on each of the many passes provisioning triggers.
                if (managementCluster.client() != watched) {
                    ensureNamespace();
                }
                watch();
                if (!record.phase().reached(Phase.APPLIED)) {
                    Optional<GatewayClusterSpec> spec = spec(record.desired());
                    if (spec.isEmpty()) {
                        record = mark(
                                record,
                                Milestone.NODE_ADDRESSES_ALLOCATED,
                                UNKNOWN,
                                "WaitingForVip",
                                "waiting for the control-plane VIP from pool "
                                        + record.desired().ipAllocation().pool().name());
                        report(record, nodes);
                        return;
                    }
                    List<HasMetadata> objects = GatewayClusterManifest.render(spec.get());
                    new ManifestApplier(managementCluster).apply(objects);
                    record = save(record.withPhase(Phase.APPLIED));
                    events.info("ClusterObjectsApplied", object(), objects.size() + " Cluster API objects applied");
                }
                if (!record.phase().reached(Phase.READY_TO_MOVE)) {
                    Progress progress = observe();
                    nodes = progress.nodes();
                    record = followProvisioning(record, progress);
                    if (!progress.readyToMove() || !observeLive().readyToMove()) {
                        report(record, nodes);
                        return;
                    }
                    record = save(record.withPhase(Phase.READY_TO_MOVE));
                }
                current = Milestone.CLUSTER_MANAGEMENT_MOVED;
                record = pivot(record, bootstrapKubeconfig);
            }
            current = Milestone.CONTROL_PLANE_READY;
            manageFromGatewayCluster();
            watch();
            if (record.runningUpgrade().isPresent()) {
                current = Milestone.UPGRADED;
                Progress progress = upgrade(record, record.runningUpgrade().get());
                nodes = progress.nodes();
                record = followUpgrade(followProvisioning(record, progress), progress);
                report(record, nodes);
                return;
            }
            Progress progress = observe();
            nodes = progress.nodes();
            record = followProvisioning(record, progress);
            int wanted = record.desired().nodeCount();
            if (progress.desiredReplicas() < wanted && progress.readyToAddControlPlaneNode()) {
                progress = observeLive();
                if (progress.desiredReplicas() < wanted && progress.readyToAddControlPlaneNode()) {
                    addControlPlaneNode(progress.desiredReplicas() + 1, wanted);
                    progress = observeLive();
                }
            }
            if (progress.complete() && progress.desiredReplicas() == wanted) {
                GatewayRecord.MilestoneStatus before = record.condition(Milestone.CONTROL_PLANE_READY);
                boolean resized = record.phase() == Phase.RUNNING
                        && before != null
                        && (RESIZING.equals(before.reason()) || SCALING.equals(before.reason()));
                record = mark(
                        record,
                        Milestone.CONTROL_PLANE_READY,
                        TRUE,
                        "Ready",
                        progress.readyReplicas() + " of " + wanted + " control-plane nodes ready");
                if (resized) {
                    events.info("ResizeCompleted", object(), "the gateway cluster runs with " + wanted + " nodes");
                } else if (record.state() != GatewayState.RUNNING && record.phase() != Phase.RUNNING) {
                    events.info("GatewayRunning", object(), "the gateway cluster runs; power off the installer VM");
                }
                record = save(record.withPhase(Phase.RUNNING).withState(GatewayState.RUNNING));
            } else {
                record = mark(
                        record,
                        Milestone.CONTROL_PLANE_READY,
                        UNKNOWN,
                        SCALING,
                        progress.readyReplicas() + " of " + wanted + " control-plane nodes ready"
                                + progress.scaleUpBlocker()
                                        .map(why -> "; waiting: " + why)
                                        .orElse(""));
            }
        } catch (OperatorException e) {
            record = fail(record, current, e.code(), e.getMessage());
        } catch (KubernetesClientException e) {
            record = fail(record, current, "KUBE_REQUEST_FAILED", "the management cluster answered: " + e.getMessage());
        }
        report(record, nodes);
    }

    /**
     * Milestones from what Cluster API reports; an address claim that cannot be answered fails provisioning. Each node
     * relaunched after a failed health check is one event, and the last one's reason is kept in the record.
     */
    private GatewayRecord followProvisioning(GatewayRecord record, Progress progress) throws OperatorException {
        GatewayRecord next = record;
        for (NodeRemediation remediation : progress.remediations()) {
            if (remediation.isAfter(next.lastRemediation())) {
                events.warning("NodeRemediated", "machine/" + remediation.machine(), remediation.describe());
                next = save(next.withLastRemediation(remediation));
            }
        }
        if (progress.claimProblem().isPresent()) {
            return fail(
                    next,
                    Milestone.NODE_ADDRESSES_ALLOCATED,
                    "AddressClaimUnanswered",
                    progress.claimProblem().get());
        }
        if (progress.claims() > 0) {
            next = mark(
                    next,
                    Milestone.NODE_ADDRESSES_ALLOCATED,
                    TRUE,
                    "Allocated",
                    progress.claimsBound() + " of " + progress.claims() + " node addresses allocated");
        } else if (record.desired().ipAllocation() != null
                && !record.desired().ipAllocation().isStatic()) {
            next = mark(next, Milestone.NODE_ADDRESSES_ALLOCATED, TRUE, "Dhcp", "nodes take their addresses from DHCP");
        }
        if (progress.infrastructureProvisioned()) {
            next = mark(next, Milestone.INFRASTRUCTURE_CREATED, TRUE, "Provisioned", "vSphere infrastructure is ready");
        }
        if (progress.controlPlaneInitialized() && !progress.nodes().isEmpty()) {
            next = mark(
                    next,
                    Milestone.CONTROL_PLANE_NODE_ADDED,
                    TRUE,
                    "NodeReady",
                    "control-plane node " + progress.nodes().get(0).name() + " runs");
        }
        if (next.state() == GatewayState.FAILED) {
            next = save(next.withState(
                    next.runningUpgrade().isPresent() ? GatewayState.UPGRADING : GatewayState.PROVISIONING));
            events.info("ProvisioningResumed", object(), "the failing step recovered");
        }
        return next;
    }

    /**
     * Applies what the running upgrade changes, every pass (server-side apply of the same content changes nothing):
     * a node image is a new VSphereMachineTemplate (CAPV refuses changes to one), and the KubeadmControlPlane gets the
     * Kubernetes version and that template under the upgrade's own field manager; KCP then replaces the nodes one at a
     * time (its default rollout adds one new Machine, then removes one old). A new agent version is a new image in the
     * agent's Deployment.
     *
     * @return the rollout as Cluster API reports it after the apply
     */
    private Progress upgrade(GatewayRecord record, UpgradeDetails upgrade) throws OperatorException {
        if (upgrade.rollsNodes()) {
            GatewayClusterSpec spec = spec(record.desired())
                    .orElseThrow(() -> new OperatorException(
                            "GATEWAY_VIP_UNAVAILABLE",
                            "the control-plane VIP is not reserved",
                            "The agent retries; check the IP pool ('pcg status')."));
            List<HasMetadata> objects = GatewayClusterManifest.render(spec);
            HasMetadata template = objects.stream()
                    .filter(o -> "VSphereMachineTemplate".equals(o.getKind()))
                    .findFirst()
                    .orElseThrow();
            GenericKubernetesResource rendered = (GenericKubernetesResource) objects.stream()
                    .filter(o -> CapiKinds.CONTROL_PLANES.getKind().equals(o.getKind()))
                    .findFirst()
                    .orElseThrow();
            new ManifestApplier(managementCluster).apply(List.of(template));
            @SuppressWarnings("unchecked")
            Map<String, Object> renderedSpec =
                    (Map<String, Object>) rendered.getAdditionalProperties().get("spec");
            GenericKubernetesResource patch = new GenericKubernetesResource();
            patch.setApiVersion(rendered.getApiVersion());
            patch.setKind(rendered.getKind());
            patch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                    .withName(agent.name())
                    .withNamespace(ipam.namespace())
                    .build());
            patch.setAdditionalProperty(
                    "spec",
                    Map.of(
                            "version",
                            renderedSpec.get("version"),
                            "machineTemplate",
                            renderedSpec.get("machineTemplate")));
            managementCluster
                    .client()
                    .genericKubernetesResources(CapiKinds.CONTROL_PLANES)
                    .inNamespace(ipam.namespace())
                    .resource(patch)
                    .fieldManager(UPGRADE_FIELD_MANAGER)
                    .forceConflicts()
                    .serverSideApply();
        }
        Optional<String> agentVersion = upgrade.to(UpgradeRequest.AGENT_VERSION);
        if (agentVersion.isPresent()) {
            new ManifestApplier(managementCluster)
                    .apply(AgentDeployment.render(
                            ipam.namespace(),
                            agent.name(),
                            agent.consoleEndpoint(),
                            config.agentRepository() + ":" + agentVersion.get(),
                            identityFiles()));
        }
        // Live: the cache may not hold the KubeadmControlPlane just changed, whose old generation looks rolled out.
        return observeLive();
    }

    /**
     * The rollout's progress as the Upgraded condition, an event each time another node runs the new version, and
     * the end of the upgrade once Cluster API has rolled every node ({@link Progress#rolledOut}).
     */
    private GatewayRecord followUpgrade(GatewayRecord record, Progress progress) throws OperatorException {
        UpgradeDetails upgrade = record.runningUpgrade().orElseThrow();
        int wanted = record.desired().nodeCount();
        if (!upgrade.rollsNodes() || progress.rolledOut()) {
            UpgradeDetails done = upgrade.completed(clock.instant());
            GatewayRecord next = mark(
                    record.withUpgrade(done),
                    Milestone.UPGRADED,
                    TRUE,
                    "Upgraded",
                    "upgraded: " + done.describe() + " (requested by " + done.requestedBy() + " at "
                            + done.requestedAt() + ")");
            events.info("UpgradeCompleted", object(), "the gateway cluster is upgraded: " + done.describe());
            return save(next.withState(GatewayState.RUNNING));
        }
        // Until KCP has seen the new spec its counts are about the old one: no progress is claimed from them.
        String done = progress.upToDateReplicas() + " of " + wanted + " nodes upgraded";
        String message = progress.rolloutObserved()
                ? done
                        + progress.scaleUpBlocker()
                                .map(why -> "; waiting: " + why)
                                .orElse("")
                : "waiting for Cluster API to take the new spec";
        GatewayRecord.MilestoneStatus before = record.condition(Milestone.UPGRADED);
        GatewayRecord next = mark(record, Milestone.UPGRADED, UNKNOWN, ROLLING_OUT, message);
        if (progress.rolloutObserved()
                && progress.upToDateReplicas() > 0
                && progress.upToDateReplicas() < wanted
                && (before == null || !before.message().startsWith(done))) {
            events.info("NodeUpgraded", object(), done);
        }
        return next;
    }

    /**
     * The pivot; each step may be repeated after a failure at any point: Cluster API goes into the gateway cluster,
     * the objects move unless they already did, the agent is deployed there, and the agent manages from there.
     */
    private GatewayRecord pivot(GatewayRecord start, Path bootstrapKubeconfig) throws OperatorException {
        GatewayRecord record = start;
        Path gatewayKubeconfig = writeGatewayKubeconfig();
        if (!record.phase().reached(Phase.TARGET_PREPARED)) {
            providers.install(gatewayKubeconfig);
            prepareAgentAccess(gatewayKubeconfig);
            record = save(record.withPhase(Phase.TARGET_PREPARED));
        }
        if (clusterObjectExists()) {
            events.info("PivotStarted", object(), "moving the Cluster API objects into the gateway cluster");
            providers.move(bootstrapKubeconfig, gatewayKubeconfig, ipam.namespace());
        }
        pointAt(gatewayKubeconfig);
        new ManifestApplier(managementCluster)
                .apply(AgentDeployment.agent(
                        ipam.namespace(),
                        agent.name(),
                        agent.consoleEndpoint(),
                        config.agentRepository() + ":" + AgentVersion.current(),
                        identityFiles()));
        moveStateIntoCluster(gatewayKubeconfig);
        record = mark(
                record,
                Milestone.CLUSTER_MANAGEMENT_MOVED,
                TRUE,
                "Moved",
                "the gateway cluster manages itself; the agent runs in it");
        record = save(record.withPhase(Phase.MOVED));
        bootstrap.deleteCluster();
        return record;
    }

    /**
     * The agent's namespace, service account and rights go into the gateway cluster before the move, while it is
     * idle: after the move, Cluster API's controllers there take over every moved object at once, and each write of
     * the agent's waits behind theirs.
     */
    private void prepareAgentAccess(Path gatewayKubeconfig) throws OperatorException {
        try (KubernetesClient gateway = managementCluster.connectTo(gatewayKubeconfig)) {
            ManifestApplier.apply(
                    gateway,
                    AgentDeployment.access(ipam.namespace()),
                    managementCluster.settings().applyRetryFor());
        } catch (RuntimeException e) {
            throw new OperatorException(
                    "PIVOT_TARGET_NOT_PREPARED",
                    "cannot create the agent's namespace, service account and role in the gateway cluster: "
                            + e.getMessage(),
                    GATEWAY_API_HINT,
                    e);
        }
    }

    /**
     * One more control-plane node: the KubeadmControlPlane's replicas go up by one, and only when every node asked
     * for so far is Ready with a healthy etcd member ({@link Progress#readyToAddControlPlaneNode}). The agent owns
     * only that field under its own field manager, so the objects clusterctl moved keep everything else.
     */
    private void addControlPlaneNode(int replicas, int wanted) {
        CapiKinds.scaleControlPlane(
                managementCluster.client(), ipam.namespace(), agent.name(), replicas, SCALE_FIELD_MANAGER);
        events.info("ControlPlaneScaling", object(), "adding control-plane node " + replicas + " of " + wanted);
    }

    private void ensureNamespace() {
        managementCluster
                .client()
                .namespaces()
                .resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                        .withNewMetadata()
                        .withName(ipam.namespace())
                        .endMetadata()
                        .build())
                .fieldManager(ManifestApplier.FIELD_MANAGER)
                .serverSideApply();
    }

    private boolean clusterObjectExists() {
        return managementCluster
                        .client()
                        .genericKubernetesResources(CapiKinds.CLUSTERS)
                        .inNamespace(ipam.namespace())
                        .withName(agent.name())
                        .get()
                != null;
    }

    /**
     * Deletes what provisioning created, then forgets the configuration. A gateway cluster that manages itself cannot
     * delete itself (its own API server goes with its VMs), so its objects are first moved back into a fresh local
     * management cluster, as seed 004 does before deleting a pivoted cluster.
     */
    private void reset(GatewayRecord start) throws OperatorException {
        GatewayRecord record = start;
        try {
            if (record.phase() != null && record.phase().reached(Phase.MOVED)) {
                Path bootstrapKubeconfig = bootstrap.ensureCluster();
                providers.install(bootstrapKubeconfig);
                manageFromGatewayCluster();
                if (clusterObjectExists()) {
                    events.info(
                            "PivotBackStarted",
                            object(),
                            "moving the Cluster API objects back to delete the gateway cluster");
                    providers.move(gatewayKubeconfig(), bootstrapKubeconfig, ipam.namespace());
                }
                moveStateToLocal();
                record = save(record.withPhase(Phase.BOOTSTRAPPED));
            }
            if (record.phase() != null && record.phase().reached(Phase.BOOTSTRAPPED)) {
                pointAt(bootstrapKubeconfig());
                if (!deleteClusterObjects()) {
                    report(record, List.of());
                    return; // machines are still being deleted; the next reconcile looks again
                }
            }
            bootstrap.deleteCluster();
            stopWatching();
            accounts.unbind(agent.name());
            // The configure-time account goes with the gateway cluster, unless tenant clusters still use it.
            if (accounts.users(CloudAccount.DEFAULT).isEmpty()) {
                accounts.delete(CloudAccount.DEFAULT);
            }
            if (start.deleting()) {
                store.save(GatewayRecord.pending().withDeleting());
                unpair();
                return;
            }
            store.save(GatewayRecord.pending());
            events.info("ResetCompleted", object(), "nothing of the gateway cluster is left; configure it again");
            report(GatewayRecord.pending(), List.of());
        } catch (OperatorException e) {
            events.error("ResetFailed", object(), e.getMessage());
            throw e;
        }
    }

    /**
     * The end of a delete, once nothing of the gateway cluster is left: the last event, then the link unpairs (it
     * lets the console read the event first, within {@link #UNPAIR_WAIT}), then the record is Pending again, so an
     * agent stopped on the way unpairs on its next start.
     */
    private void unpair() throws OperatorException {
        events.info(
                "GatewayDeleted",
                object(),
                "the gateway cluster is deleted and the appliance unpairs from the "
                        + "console; delete the installer VM in vSphere, or pair it again with a new PIN");
        try {
            link.unpair(UNPAIR_WAIT).get(UNPAIR_WAIT.plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            throw new OperatorException(
                    "GATEWAY_UNPAIR_FAILED",
                    "the gateway cluster is deleted but the appliance could" + " not unpair: " + cause.getMessage(),
                    "The agent tries again; if it keeps failing, delete "
                            + "/var/lib/pcg/identity by hand (docs/agent.md, \"Pairing again\").",
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the agent is stopping; the record still says deleting, so the next start unpairs
        }
        store.save(GatewayRecord.pending());
    }

    /** @return true once the Cluster and its machines are gone and the other objects are deleted */
    private boolean deleteClusterObjects() {
        KubernetesClient client = managementCluster.client();
        String namespace = ipam.namespace();
        var cluster = client.genericKubernetesResources(CapiKinds.CLUSTERS)
                .inNamespace(namespace)
                .withName(agent.name());
        if (cluster.get() != null) {
            cluster.delete();
        }
        boolean machinesLeft = !client.genericKubernetesResources(CapiKinds.MACHINES)
                .inNamespace(namespace)
                .withLabel(CapiKinds.CLUSTER_NAME_LABEL, agent.name())
                .list()
                .getItems()
                .isEmpty();
        if (cluster.get() != null || machinesLeft) {
            return false;
        }
        for (var kind : List.of(
                CapiKinds.MACHINE_HEALTH_CHECKS,
                CapiKinds.CONTROL_PLANES,
                CapiKinds.VSPHERE_CLUSTERS,
                CapiKinds.VSPHERE_MACHINE_TEMPLATES)) {
            client.genericKubernetesResources(kind)
                    .inNamespace(namespace)
                    .withLabel(CapiKinds.CLUSTER_NAME_LABEL, agent.name())
                    .delete();
        }
        client.secrets()
                .inNamespace(namespace)
                .withLabel(CapiKinds.CLUSTER_NAME_LABEL, agent.name())
                .delete();
        vips.release(agent.name());
        return true;
    }

    /**
     * The gateway cluster's render input. Static addresses: the pool is created (or updated) and the control-plane
     * VIP reserved from it; empty while the VIP is not allocated yet.
     */
    private Optional<GatewayClusterSpec> spec(ConfigureRequest request) throws OperatorException {
        CloudAccount account = accounts.defaultAccount()
                .orElseThrow(() -> new OperatorException(
                        "GATEWAY_ACCOUNT_MISSING",
                        "the gateway's vCenter account is not stored",
                        "Reset the gateway and configure it again."));
        ConfigureRequest.IpAllocation allocation = request.ipAllocation();
        GatewayClusterSpec.Addressing addressing;
        Ip vip;
        if (allocation.isStatic()) {
            Pool pool = ensurePool(allocation);
            addressing = new GatewayClusterSpec.StaticIps(pool);
            ControlPlaneVips.Vip reserved;
            try {
                reserved = vips.reserve(agent.name(), pool.name(), allocation.controlPlaneVip());
            } catch (IpamException e) {
                throw new OperatorException("GATEWAY_VIP_UNAVAILABLE", e.getMessage(), e.hint());
            }
            if (reserved.address() == null) {
                return Optional.empty();
            }
            vip = Ip.parse(reserved.address());
        } else {
            addressing = new GatewayClusterSpec.Dhcp(Cidr.parse(allocation.nodeNetwork()));
            vip = DhcpVip.validate(allocation.controlPlaneVip(), allocation.dhcpRange());
        }
        GatewayClusterSpec spec = spec(request, account, addressing, vip);
        spec.validate();
        return Optional.of(spec);
    }

    GatewayClusterSpec spec(
            ConfigureRequest request, CloudAccount account, GatewayClusterSpec.Addressing addressing, Ip vip)
            throws OperatorException {
        return new GatewayClusterSpec(
                agent.name(),
                ipam.namespace(),
                kubernetesVersion(request),
                request.nodeCount() == null ? 0 : request.nodeCount(),
                new GatewayClusterSpec.Vcenter(
                        account.server(), account.thumbprint(), account.username(), account.password()),
                request.placement() == null ? null : request.placement().toPlacement(),
                request.nodeTemplate(),
                null,
                addressing,
                vip,
                Cidr.parse(agent.podCidr()),
                Cidr.parse(agent.serviceCidr()),
                request.sshKeys(),
                request.ntpServers(),
                siteProxy);
    }

    /** The requested Kubernetes version, or the one the appliance image pins. */
    private String kubernetesVersion(ConfigureRequest request) throws OperatorException {
        return request.kubernetesVersion() != null
                        && !request.kubernetesVersion().isBlank()
                ? request.kubernetesVersion()
                : ProviderVersions.read(bootstrapConfig.versionsFile()).kubernetes();
    }

    /**
     * The phase the command queue holds requests by: the state, except that a failing upgrade still counts as
     * upgrading (tenant-cluster requests keep waiting for it).
     */
    private static String queuePhase(GatewayRecord record) {
        return record.runningUpgrade().isPresent()
                ? GatewayState.UPGRADING.name()
                : record.state().name();
    }

    private Pool ensurePool(ConfigureRequest.IpAllocation allocation) throws OperatorException {
        try {
            try {
                pools.get(allocation.pool().name());
                pools.update(allocation.pool());
            } catch (IpamException missing) {
                if (!IpamException.NOT_FOUND.equals(missing.code())) {
                    throw missing;
                }
                pools.create(allocation.pool());
            }
            return pools.get(allocation.pool().name());
        } catch (PoolValidationException e) {
            throw new OperatorException("GATEWAY_POOL_INVALID", e.getMessage(), "Fix the IP pool and configure again.");
        } catch (IpamException e) {
            throw new OperatorException("GATEWAY_POOL_UNAVAILABLE", e.getMessage(), e.hint());
        }
    }

    /**
     * What Cluster API reports, from the watches' caches when they follow the cluster the agent manages from: every
     * change of these objects starts another pass, so a lagging cache is caught up with, and a pass reads nothing
     * from the API server. Decisions that act on the cluster ({@link #observeLive}) read the API server.
     */
    private Progress observe() {
        if (managementCluster.client() != watched) {
            return observeLive();
        }
        return CapiKinds.progress(
                CapiKinds.Reader.cached(kind -> watches.get(kind).getStore()), ipam.namespace(), agent.name(), true);
    }

    /**
     * What Cluster API reports, read from the API server: for the pivot, scaling up and upgrading, which must not act
     * on a cache that has not seen the agent's own last change yet.
     */
    private Progress observeLive() {
        return CapiKinds.progress(managementCluster.client(), ipam.namespace(), agent.name(), true);
    }

    /** Reconciles on every change of the objects provisioning depends on, on the cluster they live on now. */
    private void watch() {
        KubernetesClient client = managementCluster.client();
        if (client == watched) {
            return;
        }
        stopWatching();
        Informers.ChangeHandler onChange = new Informers.ChangeHandler() {
            @Override
            protected void changed(GenericKubernetesResource resource) {
                trigger();
            }

            @Override
            public void onDelete(GenericKubernetesResource resource, boolean unknownFinalState) {
                trigger();
            }
        };
        for (var kind : List.of(
                CapiKinds.CLUSTERS,
                CapiKinds.VSPHERE_CLUSTERS,
                CapiKinds.CONTROL_PLANES,
                CapiKinds.MACHINES,
                CapiKinds.VSPHERE_MACHINES,
                CapiKinds.CLAIMS)) {
            watches.put(
                    kind,
                    Informers.startSynced(
                            client,
                            kind,
                            ipam.namespace(),
                            onChange,
                            config.resync().multipliedBy(6)));
        }
        watched = client;
    }

    private void stopWatching() {
        watches.values().forEach(SharedIndexInformer::close);
        watches.clear();
        watched = null;
    }

    /**
     * The installer VM's agent follows the pivot to the gateway cluster's kubeconfig; a replica running in the
     * gateway cluster manages from it already.
     */
    private void manageFromGatewayCluster() throws OperatorException {
        if (!state.runsInGatewayCluster()) {
            pointAt(gatewayKubeconfig());
        }
    }

    /**
     * The record, tenants and accounts go where every replica of the agent reads them; from then on the installer
     * VM's agent is one of the replicas and leads only while it holds the lease.
     */
    private void moveStateIntoCluster(Path gatewayKubeconfig) throws OperatorException {
        try {
            state.moveIntoCluster(gatewayKubeconfig);
        } catch (IOException e) {
            throw new OperatorException(
                    "PIVOT_STATE_NOT_MOVED",
                    "cannot move the agent's state into the gateway cluster: " + e.getMessage(),
                    GATEWAY_API_HINT,
                    e);
        }
        leadership.campaign(managementCluster.client());
    }

    /** Before the gateway cluster goes: the state comes back to the state folder and the agent acts alone again. */
    private void moveStateToLocal() throws OperatorException {
        try {
            state.moveToLocal();
        } catch (IOException e) {
            throw new OperatorException(
                    "RESET_STATE_NOT_MOVED",
                    "cannot move the agent's state back from the gateway cluster: " + e.getMessage(),
                    "The agent retries; the installer VM's agent resets a pivoted gateway, check that it runs and"
                            + " that the gateway cluster's API server answers.",
                    e);
        }
        if (leadership.enabled() && !leadership.alone()) {
            leadership.actAlone();
        }
    }

    private void pointAt(Path kubeconfig) throws OperatorException {
        if (managementCluster.kubeconfig().filter(kubeconfig::equals).isPresent()) {
            return;
        }
        try {
            managementCluster.repoint(kubeconfig);
        } catch (RuntimeException e) {
            throw new OperatorException(
                    "GATEWAY_MANAGEMENT_CLUSTER_UNREACHABLE",
                    e.getMessage(),
                    "The agent retries; check that the cluster runs ('pcg status').",
                    e);
        }
    }

    /** CAPI's {@code <cluster>-kubeconfig} Secret, written to the state folder for clusterctl and the agent. */
    private Path writeGatewayKubeconfig() throws OperatorException {
        Path file = gatewayKubeconfig();
        var secret = managementCluster
                .client()
                .secrets()
                .inNamespace(ipam.namespace())
                .withName(agent.name() + "-kubeconfig")
                .get();
        if (secret == null || secret.getData() == null || !secret.getData().containsKey("value")) {
            if (Files.exists(file)) {
                return file; // moved already: the Secret lives in the gateway cluster now
            }
            throw new OperatorException(
                    "PIVOT_KUBECONFIG_MISSING",
                    "Cluster API has not written the gateway cluster's " + "kubeconfig (Secret " + agent.name()
                            + "-kubeconfig)",
                    "The agent waits and retries.");
        }
        try {
            AtomicFiles.write(file, Base64.getDecoder().decode(secret.getData().get("value")), AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            throw new OperatorException(
                    "PIVOT_KUBECONFIG_MISSING",
                    "cannot write " + file + ": " + e.getMessage(),
                    "Check that the disk has room; the agent retries.",
                    e);
        }
        return file;
    }

    private Map<String, byte[]> identityFiles() throws OperatorException {
        Path directory = new IdentityStore(agent.stateDir()).directory();
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : entries.filter(Files::isRegularFile).toList()) {
                files.put(entry.getFileName().toString(), Files.readAllBytes(entry));
            }
        } catch (IOException e) {
            throw new OperatorException(
                    "PIVOT_IDENTITY_UNREADABLE",
                    "cannot read the agent's identity in " + directory + ": " + e.getMessage(),
                    "The agent must be paired before the pivot; it retries.",
                    e);
        }
        return files;
    }

    private Path bootstrapKubeconfig() {
        return agent.stateDir().resolve(io.pcg.agent.bootstrap.BootstrapFactory.BOOTSTRAP_KUBECONFIG);
    }

    private Path gatewayKubeconfig() {
        return agent.stateDir().resolve(GATEWAY_KUBECONFIG);
    }

    /** Sets a milestone and tells the console when it changed. */
    private GatewayRecord mark(
            GatewayRecord record, Milestone milestone, String conditionStatus, String reason, String message)
            throws OperatorException {
        GatewayRecord.MilestoneStatus before = record.condition(milestone);
        if (before != null
                && before.status().equals(conditionStatus)
                && before.message().equals(message)) {
            return record;
        }
        GatewayRecord next = save(record.with(milestone, conditionStatus, reason, message));
        if (TRUE.equals(conditionStatus) && (before == null || !TRUE.equals(before.status()))) {
            events.info(milestone.type(), object(), milestone.title() + ": " + message);
        }
        return next;
    }

    private GatewayRecord fail(GatewayRecord record, Milestone milestone, String reason, String message)
            throws OperatorException {
        if (loop.isClosed()) {
            // The agent is stopping and closed what the step was using: that is the stop, not a failed milestone
            // to record or tell the console about. The next start looks again.
            LOG.debug("gateway cluster: {} stopped with the agent: {}", milestone.type(), message);
            return record;
        }
        GatewayRecord.MilestoneStatus before = record.condition(milestone);
        GatewayRecord next = record.with(milestone, FALSE, reason, message).withState(GatewayState.FAILED);
        if (before == null || !FALSE.equals(before.status()) || !message.equals(before.message())) {
            events.error(milestone.type() + "Failed", object(), milestone.title() + ": " + message + " (retrying)");
        }
        loop.triggerAfter(config.resync());
        return save(next);
    }

    private GatewayRecord save(GatewayRecord record) throws OperatorException {
        store.save(record);
        return record;
    }

    private void report(GatewayRecord record, List<Progress.Node> nodes) {
        ClusterStatus.Builder builder = ClusterStatus.newBuilder()
                .setState(ClusterState.valueOf("CLUSTER_STATE_" + record.state().name()))
                .setManagementCluster(
                        record.phase() == null || !record.phase().reached(Phase.BOOTSTRAPPED)
                                ? ""
                                : record.phase().reached(Phase.MOVED) ? "gateway" : "bootstrap");
        for (Milestone milestone : Milestone.values()) {
            GatewayRecord.MilestoneStatus condition = record.condition(milestone);
            if (condition != null) {
                builder.addConditions(Condition.newBuilder()
                        .setType(milestone.type())
                        .setStatus(ConditionStatus.valueOf(
                                "CONDITION_STATUS_" + condition.status().toUpperCase()))
                        .setReason(condition.reason())
                        .setMessage(condition.message()));
            }
        }
        for (Progress.Node node : nodes) {
            builder.addNodes(ClusterNode.newBuilder()
                    .setName(node.name())
                    .setIp(node.address())
                    .setRole("control-plane")
                    .setReady(node.ready()));
        }
        status.report(builder.build());
        commandQueue.phase(queuePhase(record));
    }

    private String object() {
        return "gateway/" + agent.name();
    }

    @PreDestroy
    @Override
    public void close() {
        loop.close();
        stopWatching();
    }
}
