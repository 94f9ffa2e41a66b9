package io.pcg.agent.vsphere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pcg.agent.vsphere.VsphereClient.TagRef;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vSphere Automation REST tagging API ({@code /rest/com/vmware/cis/...}), which the SOAP API does not cover.
 * Logs in lazily with the same account, caches tag and category names per call and logs out on close.
 */
final class RestTagging implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION_HEADER = "vmware-api-session-id";

    private final HttpClient http;
    private final VsphereLogin login;
    private final Duration readTimeout;
    private String sessionId;

    RestTagging(HttpClient http, VsphereLogin login, Duration readTimeout) {
        this.http = http;
        this.login = login;
        this.readTimeout = readTimeout;
    }

    synchronized Map<Moref, List<TagRef>> attachedTags(Collection<Moref> objects)
            throws IOException, InterruptedException {
        ensureSession();
        Map<String, JsonNode> tags = new HashMap<>();
        Map<String, String> categories = new HashMap<>();
        Map<Moref, List<TagRef>> result = new LinkedHashMap<>();
        for (Moref object : objects) {
            String body = JSON.createObjectNode()
                    .set(
                            "object_id",
                            JSON.createObjectNode().put("id", object.value()).put("type", object.type()))
                    .toString();
            JsonNode ids = call("POST", "/com/vmware/cis/tagging/tag-association?~action=list-attached-tags", body);
            List<TagRef> attached = new ArrayList<>();
            for (JsonNode id : ids) {
                JsonNode tag = tags.get(id.asText());
                if (tag == null) {
                    tag = call("GET", "/com/vmware/cis/tagging/tag/id:" + encode(id.asText()), null);
                    tags.put(id.asText(), tag);
                }
                String categoryId = tag.path("category_id").asText();
                String category = categories.get(categoryId);
                if (category == null) {
                    category = call("GET", "/com/vmware/cis/tagging/category/id:" + encode(categoryId), null)
                            .path("name")
                            .asText();
                    categories.put(categoryId, category);
                }
                attached.add(new TagRef(category, tag.path("name").asText()));
            }
            result.put(object, List.copyOf(attached));
        }
        return result;
    }

    private void ensureSession() throws IOException, InterruptedException {
        if (sessionId != null) {
            return;
        }
        String basic = Base64.getEncoder()
                .encodeToString((login.username() + ":" + login.password().reveal()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(login.restUri("/com/vmware/cis/session"))
                        .timeout(readTimeout)
                        .header("Authorization", "Basic " + basic)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new IOException("the vSphere REST API rejected the login (HTTP " + response.statusCode() + ")");
        }
        JsonNode value = parse(response, "/com/vmware/cis/session").path("value");
        if (!value.isTextual()) {
            throw new IOException("the vSphere REST API login returned no session id");
        }
        sessionId = value.asText();
    }

    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(restUri(path))
                .timeout(readTimeout)
                .header(SESSION_HEADER, sessionId)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return parse(response, path).path("value");
    }

    private URI restUri(String path) {
        return login.restUri(path);
    }

    private static JsonNode parse(HttpResponse<String> response, String path) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the vSphere REST API answered HTTP " + response.statusCode() + " for "
                    + path.replaceFirst("\\?.*", ""));
        }
        return JSON.readTree(response.body());
    }

    /** Tag and category ids are URNs; they go into the path as they are unless they hold unusual characters. */
    private static String encode(String id) {
        return id.matches("[A-Za-z0-9:._-]+") ? id : URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (sessionId == null) {
            return;
        }
        try {
            http.send(
                    HttpRequest.newBuilder(login.restUri("/com/vmware/cis/session"))
                            .timeout(readTimeout)
                            .header(SESSION_HEADER, sessionId)
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the session expires on its own
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sessionId = null;
        }
    }
}
