package io.pcg.agent.health;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.SerdeImport;

/**
 * {@code GET /health/agent} on 127.0.0.1 only (see application-agent.yml): the agent's phase, gateway id and last
 * problem with its hint. 200 while the control stream is up, 503 otherwise, so probes and scripts can use the code.
 */
@Controller("/health")
@io.micronaut.context.annotation.Requires(env = io.pcg.agent.GatewayAgentApplication.ENVIRONMENT)
@SerdeImport(AgentStatus.Snapshot.class)
public class HealthController {

    private final AgentStatus status;

    public HealthController(AgentStatus status) {
        this.status = status;
    }

    @Get("/agent")
    public HttpResponse<AgentStatus.Snapshot> agent() {
        AgentStatus.Snapshot snapshot = status.snapshot();
        return HttpResponse.status(
                        snapshot.phase() == AgentStatus.Phase.CONNECTED
                                ? HttpStatus.OK
                                : HttpStatus.SERVICE_UNAVAILABLE)
                .body(snapshot);
    }
}
