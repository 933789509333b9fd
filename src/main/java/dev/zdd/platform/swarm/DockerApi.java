package dev.zdd.platform.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.zdd.Version;
import dev.zdd.platform.PlatformException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The Docker Engine API as JSON trees over docker-java's transport. Trees rather than typed models so that a
 * service's spec is sent back exactly as the daemon gave it: a typed model would drop the fields it doesn't know
 * (capabilities, sysctls, ulimits...) and so silently change the user's service on every redeploy.
 */
final class DockerApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final SwarmConfig config;
    /** Null without TLS. Built once, here, so that a stream opened later can't fail on the certificate files. */
    private final SSLContext tls;
    private final DockerHttpClient http;
    private final URI host;

    DockerApi(SwarmConfig config) {
        this.config = config;
        this.host = config.dockerHost();
        // Built here, not inside the transport, so that a bad certificate file surfaces as our own
        // CONFIGURATION failure instead of a wrapped RuntimeException.
        this.tls = config.tlsVerify() ? new DockerTls(config.certPath()).getSSLContext() : null;
        this.http = transport(4, config.responseTimeout());
    }

    /**
     * A client of its own for one long-lived stream such as {@code /events}: the same engine and TLS, but no
     * response timeout, since a quiet stream is not a stuck one. The caller closes it.
     */
    DockerHttpClient streamClient() {
        return transport(1, null);
    }

    private DockerHttpClient transport(int connections, Duration responseTimeout) {
        ZerodepDockerHttpClient.Builder builder = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.dockerHost())
                .maxConnections(connections)
                .connectionTimeout(config.connectTimeout())
                .responseTimeout(responseTimeout);
        if (tls != null) {
            builder.sslConfig(() -> tls);
        }
        return builder.build();
    }

    JsonNode get(String path) {
        return call(Request.Method.GET, path, null, Map.of());
    }

    /** With extra headers, such as {@code X-Registry-Auth}; they are never logged or put in a message. */
    JsonNode get(String path, Map<String, String> headers) {
        return call(Request.Method.GET, path, null, headers);
    }

    JsonNode post(String path, JsonNode body) {
        return call(Request.Method.POST, path, body, Map.of());
    }

    JsonNode post(String path, JsonNode body, Map<String, String> headers) {
        return call(Request.Method.POST, path, body, headers);
    }

    JsonNode delete(String path) {
        return call(Request.Method.DELETE, path, null, Map.of());
    }

    private JsonNode call(Request.Method method, String path, JsonNode body, Map<String, String> headers) {
        Request.Builder request = Request.builder().method(method).path(path)
                .putHeader("Accept", "application/json").putHeader("User-Agent", Version.userAgent());
        headers.forEach(request::putHeader);
        if (body != null) {
            try {
                request.bodyBytes(JSON.writeValueAsBytes(body)).putHeader("Content-Type", "application/json");
            } catch (JsonProcessingException e) {
                throw PlatformException.decode(method.name(), path, 0, "could not encode the request: "
                                                                      + e.getOriginalMessage(), e);
            }
        }
        byte[] answer;
        int status;
        try (Response response = http.execute(request.build())) {
            status = response.getStatusCode();
            try (InputStream in = response.getBody()) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
        } catch (IOException | RuntimeException e) {
            throw transport(method.name(), path, e);
        }
        if (status >= 400) {
            throw PlatformException.status(method.name(), path, status, "Docker " + method + " " + path
                    + " answered " + status + ": " + daemonMessage(answer));
        }
        if (answer.length == 0) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw PlatformException.decode(method.name(), path, status, "Docker " + method + " " + path
                    + " answered " + status + " with a body that is not JSON", e);
        }
    }

    /** The daemon's {@code {"message": ...}} on one line, or the raw body when it sent something else. */
    static String daemonMessage(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode message = JSON.readTree(body).path("message");
            if (message.isTextual()) {
                text = message.asText();
            }
        } catch (IOException e) {
            // not JSON: show what came
        }
        text = oneLine(text);
        return text.isEmpty() ? "(no message)" : text;
    }

    private PlatformException transport(String method, String path, Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        if (cause instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
            return PlatformException.transport(method, path, "Docker " + method + " " + path
                                                             + " was interrupted", e);
        }
        String detail = oneLine(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        if (cause instanceof SSLException) {
            return PlatformException.transport(method, path, "TLS with the Docker Engine at " + host + " failed ("
                    + detail + "): check ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH, and that the engine's"
                    + " certificate names this host", e);
        }
        return PlatformException.transport(method, path, "cannot reach the Docker Engine at " + host + " ("
                + detail + "): is dockerd running, and is DOCKER_HOST right?", e);
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }

    static String query(Map<String, ?> filters) {
        try {
            return URLEncoder.encode(JSON.writeValueAsString(filters), StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ObjectMapper json() {
        return JSON;
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            // nothing left to do for a client that is going away
        }
    }
}
