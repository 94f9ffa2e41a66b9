package io.pcg.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads the agent's management port (127.0.0.1, read-only endpoints): {@code /status}, {@code /events}. Never
 * through a proxy, whatever the environment says: the port is local.
 */
public final class AgentClient {

    /** Checking the management cluster takes the agent a few seconds at worst (its Kubernetes request timeout). */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder()
            .proxy(ProxySelector.of(null))
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** The agent is not running or does not answer; the message says what was tried and what to do. */
    public static final class UnreachableException extends Exception {
        UnreachableException(String message) {
            super(message);
        }
    }

    public AgentClient(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    /** {@code GET /status}: see the agent's {@code ManagementStatus}. */
    public JsonNode status() throws UnreachableException {
        return get("/status");
    }

    /** {@code GET /events?after=N}: events with a sequence number above {@code after}, oldest first. */
    public JsonNode eventsAfter(long after) throws UnreachableException {
        return get("/events?after=" + after);
    }

    private JsonNode get(String pathAndQuery) throws UnreachableException {
        URI uri = base.resolve(pathAndQuery);
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UnreachableException(
                    "the agent is not answering on " + base + " (" + describe(e) + ")." + hint());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while asking the agent at " + uri);
        }
        if (response.statusCode() == 404) {
            throw new UnreachableException(
                    uri + " answered 404: this agent is older than pcg, or --agent-url names"
                            + " something else than the agent's management port (micronaut.server.port in /etc/pcg/agent.yml).");
        }
        if (response.statusCode() != 200) {
            throw new UnreachableException(uri + " answered HTTP " + response.statusCode() + "." + hint());
        }
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new UnreachableException(uri + " did not answer JSON (" + e.getOriginalMessage() + "): is --agent-url"
                    + " the agent's management port?");
        }
    }

    static String hint() {
        return "\n  Is it running?   systemctl status pcg-agent"
                + "\n  Why it stopped:  journalctl -u pcg-agent -n 100 --no-pager"
                + "\n  Start it again:  sudo systemctl restart pcg-agent";
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return "connection refused: nothing listens there";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
