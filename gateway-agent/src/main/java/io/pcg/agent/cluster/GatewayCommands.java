package io.pcg.agent.cluster;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.pcg.agent.GatewayAgentApplication;
import io.pcg.agent.cloudaccount.CloudAccount;
import io.pcg.agent.cluster.manifest.GatewayClusterSpec;
import io.pcg.agent.command.CommandFailedException;
import io.pcg.agent.command.TypedCommandHandler;
import io.pcg.agent.ipam.CapacityAnswer;
import io.pcg.agent.ipam.DhcpVip;
import io.pcg.agent.ipam.IpamException;
import io.pcg.agent.ipam.Pool;
import io.pcg.agent.ipam.PoolService;
import io.pcg.agent.ipam.PoolValidationException;
import io.pcg.agent.ipam.PoolValidator;
import io.pcg.agent.vsphere.ValidationReport;
import io.pcg.agent.vsphere.VcenterValidation;
import io.pcg.common.errors.OperatorException;
import io.pcg.common.net.Cidr;
import io.pcg.common.net.InvalidAddressException;
import io.pcg.common.net.Ip;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The console's gateway commands: {@code gateway.configure} (the "Configure" dialog), {@code gateway.resize} (1 → 3
 * nodes), {@code gateway.upgrade} (Palette's upgrade notification), {@code gateway.reset} (the widget's Reset button),
 * {@code gateway.delete} (the Delete action) and {@code gateway.status}. They reach the controller through a provider: the controller
 * reports over the console link, which dispatches to these handlers.
 */
public final class GatewayCommands {

    static final String INVALID_REQUEST = "GATEWAY_INVALID_REQUEST";
    static final String WRONG_STATE = "GATEWAY_WRONG_STATE";
    static final String VCENTER_CHECK_FAILED = "GATEWAY_VCENTER_CHECK_FAILED";
    static final String RESIZE_REFUSED = "GATEWAY_RESIZE_REFUSED";
    static final String RESIZE_POOL_SHORT = "GATEWAY_RESIZE_POOL_SHORT";
    static final String DELETE_REFUSED = "GATEWAY_DELETE_REFUSED";
    static final String UPGRADE_REFUSED = "GATEWAY_UPGRADE_REFUSED";

    private GatewayCommands() {}

    /** The stored gateway record, as a command sees it. */
    static GatewayRecord record(BeanProvider<GatewayClusterController> controller) throws CommandFailedException {
        try {
            return controller.get().record();
        } catch (OperatorException e) {
            throw CommandFailedException.of(e);
        }
    }

    /** The product guide's validation: a gateway with running tenant clusters is not deleted. */
    static OperatorException deleteRefused(List<String> tenantClusters) {
        return new OperatorException(
                DELETE_REFUSED,
                "the gateway still manages " + tenantClusters.size() + " tenant cluster(s): "
                        + String.join(", ", tenantClusters),
                "Delete those clusters first, then delete the gateway again.");
    }

    /**
     * Checks everything that can be checked before anything is created, the vCenter checks included, and refuses
     * with every problem at once; then hands the request to the controller and answers at once (provisioning takes
     * minutes and reports through milestones and events).
     */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class Configure extends TypedCommandHandler<ConfigureRequest> {

        private final BeanProvider<GatewayClusterController> controller;
        private final VcenterValidation validation;

        public Configure(BeanProvider<GatewayClusterController> controller, VcenterValidation validation) {
            super(ConfigureRequest.class, INVALID_REQUEST, UnknownFields.REJECT);
            this.controller = controller;
            this.validation = validation;
        }

        @Override
        public String type() {
            return "gateway.configure";
        }

        @Override
        protected void validate(ConfigureRequest request) throws CommandFailedException {
            GatewayState state = record(controller).state();
            if (state != GatewayState.PENDING) {
                throw new CommandFailedException(
                        WRONG_STATE,
                        "the gateway is " + state + ", not PENDING: it is configured already",
                        "Reset the gateway from the console first, then configure it again.");
            }
            if (request.vcenter() == null || request.placement() == null || request.ipAllocation() == null) {
                throw new CommandFailedException(
                        INVALID_REQUEST,
                        "gateway.configure needs vcenter, placement and ipAllocation",
                        "Send the Configure dialog's fields as documented in docs/dev-console.md.");
            }
            try {
                controller
                        .get()
                        .spec(
                                request,
                                new CloudAccount(
                                        CloudAccount.DEFAULT,
                                        request.vcenter().server(),
                                        request.vcenter().username(),
                                        request.vcenter().password(),
                                        request.vcenter().thumbprint()),
                                addressing(request.ipAllocation()),
                                vipForChecks(request.ipAllocation()))
                        .validate();
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
            ValidationReport report = validation.validate(
                    request.vcenter().server(),
                    request.vcenter().username(),
                    request.vcenter().password(),
                    request.vcenter().thumbprint(),
                    request.placement().toPlacement());
            List<ValidationReport.Check> failed = report.checks().stream()
                    .filter(check -> check.status() == ValidationReport.Status.FAIL)
                    .toList();
            if (!failed.isEmpty()) {
                throw new CommandFailedException(
                        VCENTER_CHECK_FAILED,
                        "vCenter " + report.vcenter() + " failed "
                                + failed.size() + " check(s): "
                                + failed.stream()
                                        .map(c -> c.id() + ": " + c.message())
                                        .collect(Collectors.joining("; ")),
                        failed.stream()
                                .map(ValidationReport.Check::hint)
                                .filter(h -> !h.isBlank())
                                .distinct()
                                .collect(Collectors.joining(" ")));
            }
        }

        @Override
        protected Object run(ConfigureRequest request) throws CommandFailedException {
            try {
                controller.get().accept(request);
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
            return Map.of("state", GatewayState.PROVISIONING.name());
        }

        private static GatewayClusterSpec.Addressing addressing(ConfigureRequest.IpAllocation allocation)
                throws CommandFailedException {
            try {
                return switch (allocation.type() == null ? "" : allocation.type()) {
                    case ConfigureRequest.IpAllocation.STATIC -> new GatewayClusterSpec.StaticIps(pool(allocation));
                    case ConfigureRequest.IpAllocation.DHCP ->
                        new GatewayClusterSpec.Dhcp(Cidr.parse(allocation.nodeNetwork()));
                    default ->
                        throw new CommandFailedException(
                                INVALID_REQUEST,
                                "ipAllocation.type is '" + allocation.type() + "'",
                                "Use \"static\" (with a pool) or \"dhcp\" (with nodeNetwork, dhcpRange and controlPlaneVip).");
                };
            } catch (InvalidAddressException e) {
                throw new CommandFailedException(
                        INVALID_REQUEST,
                        "ipAllocation.nodeNetwork: " + e.getMessage(),
                        "Give the node network as CIDR, e.g. 10.10.0.0/24.");
            }
        }

        private static Pool pool(ConfigureRequest.IpAllocation allocation) throws CommandFailedException {
            if (allocation.pool() == null) {
                throw new CommandFailedException(
                        INVALID_REQUEST,
                        "static IP allocation needs ipAllocation.pool",
                        "Describe the IP pool for the gateway's nodes (range or subnet, gateway, name servers).");
            }
            try {
                return PoolValidator.validate(allocation.pool(), List.of());
            } catch (PoolValidationException e) {
                throw new CommandFailedException(
                        "IPAM_POOL_INVALID",
                        "ipAllocation.pool: " + e.getMessage(),
                        "Fix the pool's fields and send the configuration again.");
            }
        }

        /**
         * The VIP the checks run with: the explicit one, or (static, taken from the pool later) the pool's first
         * address, which has the pool's network.
         */
        private static Ip vipForChecks(ConfigureRequest.IpAllocation allocation) throws CommandFailedException {
            try {
                if (ConfigureRequest.IpAllocation.DHCP.equals(allocation.type())) {
                    return DhcpVip.validate(allocation.controlPlaneVip(), allocation.dhcpRange());
                }
                if (allocation.controlPlaneVip() != null
                        && !allocation.controlPlaneVip().isBlank()) {
                    return Ip.parse(allocation.controlPlaneVip());
                }
                return pool(allocation).range().first();
            } catch (InvalidAddressException e) {
                throw new CommandFailedException(
                        INVALID_REQUEST,
                        "ipAllocation: " + e.getMessage(),
                        "Pick a free address on the node network for the control-plane VIP.");
            }
        }
    }

    /**
     * Grows a running 1-node gateway cluster to 3 nodes. Everything that could stop it is checked first, so a refused
     * resize changes nothing: the size (1 → 3 only), the state (Running), and for static addresses whether the pool
     * has an address for each new node.
     */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class Resize extends TypedCommandHandler<ResizeRequest> {

        private final BeanProvider<GatewayClusterController> controller;
        private final BeanProvider<PoolService> pools;

        public Resize(BeanProvider<GatewayClusterController> controller, BeanProvider<PoolService> pools) {
            super(ResizeRequest.class, INVALID_REQUEST, UnknownFields.REJECT);
            this.controller = controller;
            this.pools = pools;
        }

        @Override
        public String type() {
            return "gateway.resize";
        }

        @Override
        protected void validate(ResizeRequest request) throws CommandFailedException {
            GatewayRecord record = record(controller);
            if (record.state() != GatewayState.RUNNING) {
                throw new CommandFailedException(
                        WRONG_STATE,
                        "the gateway cluster is " + record.state() + ", not RUNNING",
                        "Resize once the gateway cluster runs: configure it first, or wait for the step under way.");
            }
            int current = record.desired().nodeCount();
            Optional<String> refusal = ResizeRequest.refusal(current, request.nodeCount());
            if (refusal.isPresent()) {
                throw new CommandFailedException(
                        RESIZE_REFUSED, refusal.get(), "Send nodeCount 3 to a 1-node gateway.");
            }
            if (record.desired().ipAllocation().isStatic()) {
                String pool = record.desired().ipAllocation().pool().name();
                int added = request.nodeCount() - current;
                try {
                    CapacityAnswer answer =
                            pools.get().capacity(pool, controller.get().clusterName(), added);
                    if (!answer.sufficient()) {
                        throw new CommandFailedException(
                                RESIZE_POOL_SHORT,
                                "resizing to " + request.nodeCount() + " nodes needs "
                                        + added + " more address(es) from IP pool " + pool + ", which has "
                                        + answer.free()
                                        + " free: " + Math.max(0, added - answer.free()) + " short (" + answer.reason()
                                        + ")",
                                "Add addresses to the pool with ipam.pool.update, then resize again.");
                    }
                } catch (IpamException e) {
                    throw new CommandFailedException(e.code(), e.getMessage(), e.hint());
                }
            }
        }

        @Override
        protected Object run(ResizeRequest request) throws CommandFailedException {
            try {
                controller.get().acceptResize(request.nodeCount());
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
            return Map.of("state", GatewayState.PROVISIONING.name(), "nodeCount", request.nodeCount());
        }
    }

    /**
     * Rolls a new Kubernetes version, node image or agent version out to a running gateway cluster, one node at a
     * time. Refused, with nothing changed, unless the gateway is Running and each thing named is newer than what runs
     * ({@link UpgradeRequest#refusal}); unknown fields are refused too. Answers at once: the rollout reports through
     * the Upgraded condition and events, and tenant-cluster requests wait for it.
     */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class Upgrade extends TypedCommandHandler<UpgradeRequest> {

        private final BeanProvider<GatewayClusterController> controller;

        public Upgrade(BeanProvider<GatewayClusterController> controller) {
            super(UpgradeRequest.class, INVALID_REQUEST, UnknownFields.REJECT);
            this.controller = controller;
        }

        @Override
        public String type() {
            return "gateway.upgrade";
        }

        @Override
        protected void validate(UpgradeRequest request) throws CommandFailedException {
            try {
                Optional<UpgradeRequest.Refusal> refusal =
                        request.refusal(controller.get().current(record(controller)));
                if (refusal.isPresent()) {
                    throw new CommandFailedException(
                            refusal.get().code(),
                            refusal.get().message(),
                            refusal.get().hint());
                }
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
        }

        @Override
        protected Object run(UpgradeRequest request) throws CommandFailedException {
            try {
                controller.get().acceptUpgrade(request);
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
            return Map.of("state", GatewayState.UPGRADING.name());
        }
    }

    /** Takes everything down and returns the gateway to Pending, ready to be configured again. */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class Reset extends TypedCommandHandler<Reset.Request> {

        /** No fields. */
        record Request() {}

        private final BeanProvider<GatewayClusterController> controller;

        public Reset(BeanProvider<GatewayClusterController> controller) {
            super(Request.class, INVALID_REQUEST, UnknownFields.REJECT);
            this.controller = controller;
        }

        @Override
        public String type() {
            return "gateway.reset";
        }

        @Override
        protected Object run(Request request) throws CommandFailedException {
            try {
                if (controller.get().record().state() == GatewayState.PENDING) {
                    return Map.of("state", GatewayState.PENDING.name());
                }
                controller.get().requestReset();
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
            return Map.of("state", GatewayState.RESETTING.name());
        }
    }

    /**
     * Deletes the gateway: refused, with nothing changed, while tenant clusters managed through it exist; otherwise
     * the gateway cluster is taken down exactly as by {@link Reset}, and then the appliance unpairs (the identity is
     * deleted, the link stops). Answers at once; the {@code GatewayDeleted} event says when it is done.
     */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class Delete extends TypedCommandHandler<Delete.Request> {

        /** No fields. */
        record Request() {}

        private final BeanProvider<GatewayClusterController> controller;

        public Delete(BeanProvider<GatewayClusterController> controller) {
            super(Request.class, INVALID_REQUEST, UnknownFields.REJECT);
            this.controller = controller;
        }

        @Override
        public String type() {
            return "gateway.delete";
        }

        @Override
        protected void validate(Request request) throws CommandFailedException {
            try {
                List<String> tenants = controller.get().tenantClusters();
                if (!tenants.isEmpty()) {
                    throw deleteRefused(tenants);
                }
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
        }

        @Override
        protected Object run(Request request) throws CommandFailedException {
            try {
                controller.get().requestDelete();
            } catch (OperatorException e) {
                throw CommandFailedException.of(e);
            }
            return Map.of("state", GatewayState.RESETTING.name(), "deleting", true);
        }
    }

    /** The gateway's state, phase and milestones, as stored, and the last node relaunched after a failed health check. */
    @Singleton
    @Requires(env = GatewayAgentApplication.ENVIRONMENT)
    public static final class Status extends TypedCommandHandler<Status.Request> {

        /** No fields. */
        record Request() {}

        private final BeanProvider<GatewayClusterController> controller;

        public Status(BeanProvider<GatewayClusterController> controller) {
            super(Request.class, INVALID_REQUEST, UnknownFields.IGNORE);
            this.controller = controller;
        }

        @Override
        public String type() {
            return "gateway.status";
        }

        @Override
        protected Object run(Request request) throws CommandFailedException {
            GatewayRecord record = record(controller);
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("state", record.state().name());
            status.put("phase", record.phase() == null ? "" : record.phase().name());
            status.put("conditions", record.conditions());
            if (record.lastRemediation() != null) {
                status.put("lastRemediation", record.lastRemediation());
            }
            status.put("upgrades", record.upgrades());
            return status;
        }
    }
}
