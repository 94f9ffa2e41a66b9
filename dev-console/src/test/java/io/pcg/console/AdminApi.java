package io.pcg.console;

import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The console's admin HTTP API through plain java.net.http, as scripts would use it. */
public final class AdminApi {

    /** Status, parsed JSON body and the body as it came (for checks that something is not in it at all). */
    public record Reply(int status, JsonNode body, String raw) {
        public String text(String field) {
            JsonNode value = body.get(field);
            return value == null || value.isNull() ? null : value.getStringValue();
        }
    }

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public AdminApi(EmbeddedConsole console) {
        this.base = console.httpUri();
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Creates a gateway and returns the reply holding its id and PIN. */
    public Reply createGateway(String name) {
        Reply reply = post("/api/gateways", "{\"name\":\"" + name + "\"}");
        if (reply.status() != 201) {
            throw new AssertionError("creating " + name + " failed: " + reply);
        }
        return reply;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank()
                    ? JsonNode.nullNode()
                    : ObjectMapper.getDefault().readValue(response.body(), JsonNode.class);
            return new Reply(response.statusCode(), body, response.body());
        } catch (Exception e) {
            throw new IllegalStateException("admin API call failed: " + e, e);
        }
    }
}
