package dev.zdd.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;

/** A test's view of the sandbox API: plain JDK HTTP and Jackson, nothing of zdd's own client. */
final class ApiClient {

    record Answer(int status, JsonNode json, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final String authorization;

    ApiClient(Sandbox sandbox) {
        this(sandbox.apiUrl(), "Basic " + Base64.getEncoder().encodeToString(
                (sandbox.user() + ":" + sandbox.apiKey()).getBytes(StandardCharsets.UTF_8)));
    }

    ApiClient(URI base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    Answer get(String path) {
        return send("GET", path);
    }

    Answer post(String path) {
        return send("POST", path);
    }

    Answer send(String method, String path) {
        return send(method, path, null);
    }

    /** Any method, any body (null for none); the path may carry a query. */
    Answer send(String method, String path, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body)).header("Accept", "application/json")
                .header("User-Agent", "zdd-test/1");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() || !response.headers().firstValue("Content-Type")
                    .orElse("").startsWith("application/json") ? null : JSON.readTree(response.body());
            return new Answer(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The service's JSON, found by name. */
    JsonNode service(String name) {
        return get("/api/v1/service/?name=" + name).json().path("objects").get(0);
    }

    /** Polls GET path (every 20 ms, at most the timeout) until its JSON matches. */
    JsonNode await(String path, Predicate<JsonNode> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last;
        do {
            last = get(path).json();
            if (condition.test(last)) {
                return last;
            }
            pause();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("GET " + path + " did not match within " + timeout + "; last: " + last);
    }

    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
