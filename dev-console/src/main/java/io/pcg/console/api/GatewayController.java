package io.pcg.console.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.pcg.console.ConsoleException;
import io.pcg.console.DevConsoleApplication;
import io.pcg.console.control.CommandRecord;
import io.pcg.console.control.CommandService;
import io.pcg.console.control.GatewayDeletions;
import io.pcg.console.control.GatewayEvent;
import io.pcg.console.control.GatewayEvents;
import io.pcg.console.control.GatewaySessions;
import io.pcg.console.gateway.ClusterHealthRecord;
import io.pcg.console.gateway.ClusterStatusRecord;
import io.pcg.console.gateway.GatewayRecord;
import io.pcg.console.gateway.GatewayService;
import io.pcg.console.gateway.GatewayState;
import io.pcg.console.gateway.GatewayStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP API (localhost only): gateways, PINs, commands, events and the gateway cluster. This is the one
 * place a PIN is ever shown, in the response that creates it. Command payloads (the configure payload holds the
 * vCenter password) go to the agent and are never echoed, logged or written to disk.
 */
@Controller("/api/gateways")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(env = DevConsoleApplication.ENVIRONMENT)
public class GatewayController {

    static final int MAX_WAIT_SECONDS = 300;
    /** Command that (re)configures the gateway cluster; its payload is the configure body, passed through. */
    static final String CONFIGURE = "gateway.configure";
    /** Command that tears the gateway cluster down, back to Pending. */
    static final String RESET = "gateway.reset";
    /** Command that grows a running 1-node gateway cluster to 3 nodes. */
    static final String RESIZE = "gateway.resize";
    /** Tenant-cluster commands (docs/tenant-clusters.md). */
    static final String CLUSTER_CREATE = "cluster.create";

    static final String CLUSTER_LIST = "cluster.list";
    static final String CLUSTER_DELETE = "cluster.delete";
    static final String CLUSTER_FORCE_DELETE = "cluster.forceDelete";
    static final String CLUSTER_SCALE = "cluster.scale";
    /** Command that rolls a new Kubernetes version, node image or agent version out to the gateway cluster. */
    static final String UPGRADE = "gateway.upgrade";

    private final GatewayService gateways;
    private final GatewayStore store;
    private final GatewaySessions sessions;
    private final CommandService commands;
    private final GatewayEvents events;
    private final GatewayDeletions deletions;
    private final JsonMapper json;

    public GatewayController(
            GatewayService gateways,
            GatewayStore store,
            GatewaySessions sessions,
            CommandService commands,
            GatewayEvents events,
            GatewayDeletions deletions,
            JsonMapper json) {
        this.gateways = gateways;
        this.store = store;
        this.sessions = sessions;
        this.commands = commands;
        this.events = events;
        this.deletions = deletions;
        this.json = json;
    }

    @Post(consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<ApiViews.IssuedPinView> create(@Body String body) {
        ApiViews.CreateGatewayRequest request =
                parse(body, ApiViews.CreateGatewayRequest.class, "{\"name\": \"pcg-dc1\", \"pinTtlSeconds\": 86400}");
        if (request.name() == null || request.name().isBlank()) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID, "\"name\" is required, e.g. {\"name\": \"pcg-dc1\"}");
        }
        return HttpResponse.created(issued(gateways.create(request.name(), ttl(request.pinTtlSeconds()))));
    }

    @Post(
            value = "/{id}/pin",
            consumes = {MediaType.APPLICATION_JSON, MediaType.ALL})
    public ApiViews.IssuedPinView issuePin(String id, @Body @Nullable String body) {
        ApiViews.IssuePinRequest request = body == null || body.isBlank()
                ? new ApiViews.IssuePinRequest(null)
                : parse(body, ApiViews.IssuePinRequest.class, "{\"pinTtlSeconds\": 86400} or no body");
        return issued(gateways.issueNewPin(id, ttl(request.pinTtlSeconds())));
    }

    /** Refuses the gateway's certificates and closes its stream; a new PIN and pairing bring it back. */
    @Post(
            value = "/{id}/revoke",
            consumes = {MediaType.APPLICATION_JSON, MediaType.ALL})
    public ApiViews.GatewayView revoke(String id) {
        return view(sessions.revoke(id));
    }

    /**
     * The Delete action: an online gateway is sent {@value GatewayDeletions#DELETE} (202 with the command) and is
     * forgotten once its agent reports the deletion done; with {@code force} a gateway that is not online is forgotten
     * at once (204), its VMs left to the admin.
     */
    @Delete("/{id}")
    public HttpResponse<ApiViews.CommandAccepted> delete(String id, @QueryValue(defaultValue = "false") boolean force) {
        return deletions.delete(id, force).map(GatewayController::accepted).orElseGet(HttpResponse::noContent);
    }

    @Get
    public List<ApiViews.GatewayView> list() {
        return store.all().stream().map(this::view).toList();
    }

    @Get("/{id}")
    public ApiViews.GatewayView get(String id) {
        return view(store.get(id));
    }

    @Get("/{id}/cluster")
    public ClusterStatusRecord cluster(String id) {
        ClusterStatusRecord cluster = store.get(id).cluster();
        if (cluster == null) {
            throw new ConsoleException(
                    ConsoleException.Kind.NOT_FOUND,
                    "gateway " + id
                            + " has not reported a cluster status yet; its agent reports one once it is connected");
        }
        return cluster;
    }

    /** The managed cluster's health: verdict and reasons, node conditions, usage and its recent history. */
    @Get("/{id}/health")
    public ClusterHealthRecord health(String id) {
        ClusterHealthRecord health = health(store.get(id));
        if (health == null) {
            throw new ConsoleException(
                    ConsoleException.Kind.NOT_FOUND,
                    "gateway " + id
                            + " has not reported its cluster's health yet; its agent reports it once it manages a cluster");
        }
        return health;
    }

    /** The body is the {@value #CONFIGURE} payload; the agent validates it and answers with the command's result. */
    @Post(value = "/{id}/configure", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<ApiViews.CommandAccepted> configure(String id, @Body String body) {
        return accepted(commands.submit(
                id, CONFIGURE, objectBody(body, "configure", "{\"vcenter\": {...}, \"placement\": {...}, ...}")));
    }

    /** The body is {@code {"nodeCount": 3}}; the agent refuses anything but 1 → 3, and a pool too small for it. */
    @Post(value = "/{id}/resize", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<ApiViews.CommandAccepted> resize(String id, @Body String body) {
        JsonNode payload = parse(body, JsonNode.class, "{\"nodeCount\": 3}");
        if (!payload.isObject()) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID, "the resize body must be a JSON object: {\"nodeCount\": 3}");
        }
        return accepted(commands.submit(id, RESIZE, write(payload)));
    }

    /** "Deploy a VMware cluster": the body is the {@value #CLUSTER_CREATE} payload, which the agent validates. */
    @Post(value = "/{id}/clusters", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<ApiViews.CommandAccepted> createCluster(String id, @Body String body) {
        return accepted(commands.submit(
                id,
                CLUSTER_CREATE,
                objectBody(body, "cluster", "{\"name\": \"team-a\", \"controlPlaneCount\": 1, ...}")));
    }

    /** The tenant clusters with state, conditions and nodes, as the command's result ({@value #CLUSTER_LIST}). */
    @Get("/{id}/clusters")
    public HttpResponse<ApiViews.CommandAccepted> listClusters(String id) {
        return accepted(commands.submit(id, CLUSTER_LIST, "{}"));
    }

    /** Grows worker pools: the body is {@code {"workerPools": [{"name": "workers", "count": 3}]}}. */
    @Post(value = "/{id}/clusters/{name}/scale", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<ApiViews.CommandAccepted> scaleCluster(String id, String name, @Body String body) {
        String example = "{\"workerPools\": [{\"name\": \"workers\", \"count\": 3}]}";
        JsonNode payload = parse(body, JsonNode.class, example);
        if (!payload.isObject()) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID, "the scale body must be a JSON object, e.g. " + example);
        }
        java.util.Map<String, JsonNode> named = new java.util.LinkedHashMap<>();
        payload.entries().forEach(entry -> named.put(entry.getKey(), entry.getValue()));
        named.put("name", JsonNode.createStringNode(name));
        return accepted(commands.submit(id, CLUSTER_SCALE, write(JsonNode.createObjectNode(named))));
    }

    /**
     * Deletes a tenant cluster (moved back to the gateway first); with {@code force}, forgets one stuck in Deleting
     * for 15 minutes, which the agent refuses earlier.
     */
    @Delete("/{id}/clusters/{name}")
    public HttpResponse<ApiViews.CommandAccepted> deleteCluster(
            String id, String name, @QueryValue(defaultValue = "false") boolean force) {
        JsonNode payload = JsonNode.createObjectNode(java.util.Map.of("name", JsonNode.createStringNode(name)));
        return accepted(commands.submit(id, force ? CLUSTER_FORCE_DELETE : CLUSTER_DELETE, write(payload)));
    }

    /**
     * The upgrade notification applied: the body is {@code {"kubernetesVersion": "v1.35.0", "nodeTemplate": "...",
     * "agentVersion": "0.2.0", "requestedBy": "admin@tenant"}} (any of the first three); the agent refuses what is not
     * newer, and anything while the gateway is not Running.
     */
    @Post(value = "/{id}/upgrade", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<ApiViews.CommandAccepted> upgrade(String id, @Body String body) {
        JsonNode payload = parse(body, JsonNode.class, "{\"kubernetesVersion\": \"v1.35.0\"}");
        if (!payload.isObject()) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID,
                    "the upgrade body must be a JSON object, e.g. {\"kubernetesVersion\": \"v1.35.0\"}");
        }
        return accepted(commands.submit(id, UPGRADE, write(payload)));
    }

    @Post(
            value = "/{id}/reset",
            consumes = {MediaType.APPLICATION_JSON, MediaType.ALL})
    public HttpResponse<ApiViews.CommandAccepted> reset(String id) {
        return accepted(commands.submit(id, RESET, "{}"));
    }

    @Post(value = "/{id}/commands", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<ApiViews.CommandAccepted> submit(String id, @Body String body) {
        ApiViews.SubmitCommandRequest request = parse(
                body, ApiViews.SubmitCommandRequest.class, "{\"type\": \"vsphere.validate\", \"payload\": {...}}");
        if (request.type() == null || request.type().isBlank()) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID, "\"type\" is required, e.g. {\"type\": \"vsphere.validate\"}");
        }
        String payload = "{}";
        if (request.payload() != null && !request.payload().isNull()) {
            if (!request.payload().isObject()) {
                throw new ConsoleException(ConsoleException.Kind.INVALID, "\"payload\" must be a JSON object");
            }
            payload = write(request.payload());
        }
        return accepted(commands.submit(id, request.type(), payload));
    }

    @Get("/{id}/commands")
    public List<ApiViews.CommandView> commands(String id) {
        store.get(id);
        return commands.list(id).stream().map(this::view).toList();
    }

    /** With {@code waitSeconds}, answers as soon as the command finishes or the wait is over, whichever is first. */
    @Get("/{id}/commands/{commandId}")
    public CompletableFuture<ApiViews.CommandView> command(
            String id, String commandId, @QueryValue(defaultValue = "0") int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID,
                    "waitSeconds must be between 0 and " + MAX_WAIT_SECONDS + ", got " + waitSeconds);
        }
        store.get(id);
        CommandRecord command = commands.get(commandId);
        if (!command.gatewayId().equals(id)) {
            throw new ConsoleException(
                    ConsoleException.Kind.NOT_FOUND, "command " + commandId + " does not belong to gateway " + id);
        }
        if (waitSeconds == 0 || command.status().isFinal()) {
            return CompletableFuture.completedFuture(view(command));
        }
        return commands.result(commandId)
                .completeOnTimeout(null, waitSeconds, TimeUnit.SECONDS)
                .thenApply(ignored -> view(commands.get(commandId)));
    }

    /**
     * Oldest first. Without parameters: all kept events. {@code before}: only events numbered below it (the first
     * {@code sequence} of the page already shown); {@code limit}: the newest that many of those (1-1000).
     */
    @Get("/{id}/events")
    public List<GatewayEvent> events(
            String id, @Nullable @QueryValue Long before, @Nullable @QueryValue Integer limit) {
        store.get(id);
        if (limit != null && (limit < 1 || limit > GatewayEvents.KEPT_PER_GATEWAY)) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID,
                    "limit must be between 1 and " + GatewayEvents.KEPT_PER_GATEWAY + ", got " + limit);
        }
        return events.page(id, before, limit == null ? GatewayEvents.KEPT_PER_GATEWAY : limit);
    }

    static HttpResponse<ApiViews.CommandAccepted> accepted(CommandRecord command) {
        return HttpResponse.<ApiViews.CommandAccepted>status(HttpStatus.ACCEPTED)
                .body(new ApiViews.CommandAccepted(
                        command.id(), command.status().name()));
    }

    private ApiViews.IssuedPinView issued(GatewayService.IssuedPin issued) {
        GatewayRecord gateway = issued.gateway();
        return new ApiViews.IssuedPinView(
                gateway.id(), gateway.name(), gateway.state().label(), issued.pin(), gateway.pinExpiresAt());
    }

    private ApiViews.GatewayView view(GatewayRecord gateway) {
        return new ApiViews.GatewayView(
                gateway.id(),
                gateway.name(),
                gateway.state().label(),
                sessions.isConnected(gateway.id()),
                gateway.locked(),
                gateway.failedAttempts(),
                gateway.pinUsed(),
                gateway.pinExpiresAt(),
                gateway.createdAt(),
                gateway.pairedAt(),
                gateway.certificateExpiresAt(),
                gateway.revokedAt(),
                gateway.lastHeartbeat(),
                gateway.hostname(),
                gateway.version(),
                gateway.ipAddresses(),
                gateway.capacity(),
                gateway.cluster(),
                gateway.deleteCommandId() != null,
                gateway.deleteCommandId(),
                health(gateway));
    }

    /** An Offline gateway's last report no longer holds: it is shown Unhealthy with the heartbeats missing. */
    private static ClusterHealthRecord health(GatewayRecord gateway) {
        ClusterHealthRecord health = gateway.health();
        return health == null || gateway.state() != GatewayState.OFFLINE
                ? health
                : health.offline(gateway.lastHeartbeat());
    }

    private ApiViews.CommandView view(CommandRecord command) {
        ApiViews.CommandErrorView error = command.error() == null
                ? null
                : new ApiViews.CommandErrorView(
                        command.error().code(),
                        command.error().message(),
                        command.error().hint());
        return new ApiViews.CommandView(
                command.id(),
                command.gatewayId(),
                command.type(),
                command.status().name(),
                command.submittedAt(),
                command.sentAt(),
                command.ackedAt(),
                command.finishedAt(),
                error,
                command.resultJson() == null ? null : resultTree(command.resultJson()),
                command.queuedReason());
    }

    /** An agent is supposed to return a JSON object; show anything else as text rather than hide it. */
    private JsonNode resultTree(String resultJson) {
        try {
            return json.readValue(resultJson, JsonNode.class);
        } catch (IOException notJson) {
            return JsonNode.createStringNode(resultJson);
        }
    }

    private static Optional<Duration> ttl(Long seconds) {
        return Optional.ofNullable(seconds).map(Duration::ofSeconds);
    }

    private <T> T parse(String body, Class<T> type, String example) {
        if (body == null || body.isBlank()) {
            throw new ConsoleException(ConsoleException.Kind.INVALID, "the request needs a JSON body, e.g. " + example);
        }
        try {
            T parsed = json.readValue(body, type);
            if (parsed == null) {
                throw new ConsoleException(
                        ConsoleException.Kind.INVALID, "the body must be a JSON object, e.g. " + example);
            }
            return parsed;
        } catch (IOException e) {
            // The parser's own message quotes the input, which may hold a password: report only where it broke.
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID,
                    "the body is not valid JSON for this request" + location(e) + "; expected e.g. " + example);
        }
    }

    /** A body that must be a JSON object, passed on to the agent as the command's payload. */
    private String objectBody(String body, String what, String example) {
        JsonNode payload = parse(body, JsonNode.class, example);
        if (!payload.isObject()) {
            throw new ConsoleException(
                    ConsoleException.Kind.INVALID, "the " + what + " body must be a JSON object, e.g. " + example);
        }
        return write(payload);
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode command payload", e);
        }
    }

    private static String location(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException parse && parse.getLocation() != null) {
                return " (at line " + parse.getLocation().getLineNr() + ", column "
                        + parse.getLocation().getColumnNr() + ")";
            }
        }
        return "";
    }
}
