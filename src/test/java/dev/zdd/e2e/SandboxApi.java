package dev.zdd.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zdd.sandbox.Sandbox;
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
import java.util.List;
import java.util.Map;

/**
 * The sandbox's Tutum API as a naive deploy script would use it (plain JDK HTTP, none of zdd's code), and the
 * environment that points the zdd jar at it.
 */
final class SandboxApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Sandbox sandbox;
    private final String authorization;

    SandboxApi(Sandbox sandbox) {
        this.sandbox = sandbox;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (sandbox.user() + ":" + sandbox.apiKey()).getBytes(StandardCharsets.UTF_8));
    }

    /** What {@code zdd sandbox} prints for the user to export. */
    Map<String, String> zddEnvironment() {
        return Map.of("TUTUM_REST_HOST", sandbox.apiUrl().toString(), "TUTUM_USER", sandbox.user(),
                "TUTUM_APIKEY", sandbox.apiKey());
    }

    JsonNode service(String name) {
        return send("GET", "/api/v1/service/?name=" + encode(name)).path("objects").get(0);
    }

    /** POST the service's redeploy, as {@code tutum service redeploy} does, without waiting for anything. */
    void redeploy(String serviceName) {
        send("POST", "/api/v1/service/" + service(serviceName).path("uuid").asText() + "/redeploy/");
    }

    /** The service's current containers (Terminated ones left out). */
    List<JsonNode> containers(String serviceName) {
        String uri = service(serviceName).path("resource_uri").asText();
        List<JsonNode> live = new ArrayList<>();
        send("GET", "/api/v1/container/?limit=0&service=" + encode(uri)).path("objects").forEach(c -> {
            if (!"Terminated".equals(c.path("state").asText())) {
                live.add(c);
            }
        });
        return live;
    }

    /** Every action on the container, newest first. */
    JsonNode actionsOn(JsonNode container) {
        return send("GET", "/api/v1/action/?limit=0&object=" + encode(container.path("resource_uri").asText()))
                .path("objects");
    }

    /** Polls (every 100 ms, bounded) until every named service says Running with all its containers. */
    void awaitRunning(Duration within, String... names) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        for (String name : names) {
            JsonNode service;
            while (!"Running".equals((service = service(name)).path("state").asText())
                   || service.path("running_num_containers").asInt() != service.path("target_num_containers").asInt()) {
                if (System.nanoTime() > end) {
                    throw new AssertionError(name + " not Running within " + within + ": " + service);
                }
                Thread.sleep(100);
            }
        }
    }

    private JsonNode send(String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.apiUrl() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", authorization).header("Accept", "application/json").build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": "
                                         + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
