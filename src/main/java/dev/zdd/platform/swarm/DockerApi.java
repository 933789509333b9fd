package dev.zdd.platform.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.zdd.Version;
import dev.zdd.platform.PlatformException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /** Far more than any list of services or tasks zdd asks for; a body beyond it is not an answer. */
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
    /**
     * The threads that run the calls, daemons so that none keeps zdd alive. The caller waits for its call with a
     * bound and interruptibly: the transport's own response timeout is a socket read timeout (a body that
     * trickles never trips it, and on a unix socket it does not apply at all), and a thread blocked in a socket
     * read ignores interrupts.
     */
    private static final ExecutorService CALLS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "zdd-docker");
                thread.setDaemon(true);
                return thread;
            });

    private final SwarmConfig config;
    /** Null without TLS. Built once, here, so that a stream opened later can't fail on the certificate files. */
    private final SSLContext tls;
    private final URI host;
    private final Clock clock;
    /** Replaced after a call is abandoned: closing the old one is what ends that call's blocked read. */
    private DockerHttpClient http;
    private boolean closed;
    /** Nothing may happen after this (see {@link dev.zdd.platform.Platform#callsUntil}); null for no bound. */
    private volatile Instant deadline;

    DockerApi(SwarmConfig config) {
        this(config, Clock.systemUTC());
    }

    DockerApi(SwarmConfig config, Clock clock) {
        this.config = config;
        this.host = config.dockerHost();
        this.clock = clock;
        // Built here, not inside the transport, so that a bad certificate file surfaces as our own
        // CONFIGURATION failure instead of a wrapped RuntimeException.
        this.tls = config.tlsVerify() ? new DockerTls(config.certPath()).getSSLContext() : null;
        this.http = transport(4, config.responseTimeout());
    }

    void callsUntil(Instant deadline) {
        this.deadline = deadline;
    }

    /**
     * A client of its own for one long-lived stream such as {@code /events}: the same engine and TLS, but no
     * response timeout, since a quiet stream is not a stuck one. The caller closes it.
     */
    DockerHttpClient streamClient() {
        return transport(1, null);
    }

    private DockerHttpClient transport(int connections, Duration responseTimeout) {
        return new DockerTransport(config.dockerHost(), tls, connections, config.connectTimeout(), responseTimeout);
    }

    JsonNode get(String path) {
        return call(Request.Method.GET, path, null);
    }

    JsonNode post(String path, JsonNode body) {
        return call(Request.Method.POST, path, body);
    }

    JsonNode delete(String path) {
        return call(Request.Method.DELETE, path, null);
    }

    private JsonNode call(Request.Method method, String path, JsonNode body) {
        Request.Builder request = Request.builder().method(method).path(path)
                .putHeader("Accept", "application/json").putHeader("User-Agent", Version.userAgent());
        if (body != null) {
            try {
                request.bodyBytes(JSON.writeValueAsBytes(body)).putHeader("Content-Type", "application/json");
            } catch (JsonProcessingException e) {
                throw PlatformException.decode(method.name(), path, 0, "could not encode the request: "
                                                                      + e.getOriginalMessage(), e);
            }
        }
        Answer answer = send(method.name(), path, request.build());
        int status = answer.status();
        if (status >= 300 && status < 400) {
            // The transport would follow a redirect wherever it points; the engine never sends one, so an answer
            // that does comes from something else in the way, and is not believed.
            throw PlatformException.status(method.name(), path, status, "Docker " + method + " " + path
                    + " answered " + status + ", a redirect, which zdd does not follow: is DOCKER_HOST the engine?");
        }
        if (status >= 400) {
            throw PlatformException.status(method.name(), path, status, "Docker " + method + " " + path
                    + " answered " + status + ": " + daemonMessage(answer.body()));
        }
        if (answer.body().length == 0) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw PlatformException.decode(method.name(), path, status, "Docker " + method + " " + path
                    + " answered " + status + " with a body that is not JSON", e);
        }
    }

    /**
     * Sends one request on a worker thread and waits for the whole answer, body included, for at most the call
     * timeout cut to the deadline. A call that the bound or an interrupt ends is abandoned: its transport is
     * closed (which ends the worker's blocked read) and the next call gets a new one.
     */
    private Answer send(String method, String path, Request request) {
        String call = "Docker " + method + " " + path;
        if (Thread.currentThread().isInterrupted()) {
            throw PlatformException.transport(method, path, call + " was interrupted", null);
        }
        Duration timeout = config.responseTimeout();
        boolean cut = false;
        Instant deadline = this.deadline;
        if (deadline != null) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw PlatformException.deadline(method, path, call + " was not sent: the deadline had passed", null);
            }
            if (left.compareTo(timeout) < 0) {
                timeout = left;
                cut = true;
            }
        }
        DockerHttpClient client = client();
        Future<Answer> future = CALLS.submit(() -> {
            try (Response response = client.execute(request); InputStream in = response.getBody()) {
                return new Answer(response.getStatusCode(), in == null ? new byte[0] : readCapped(in, method, path));
            }
        });
        try {
            return future.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            abandon(client, future);
            Thread.currentThread().interrupt();
            throw PlatformException.transport(method, path, call + " was interrupted", e);
        } catch (TimeoutException e) {
            abandon(client, future);
            String unknown = method.equals("GET") ? "" : ", with no answer: whether the engine acted on it is unknown";
            if (cut) {
                throw PlatformException.deadline(method, path, call + " was cut short by the deadline after "
                        + timeout.toMillis() + " ms" + unknown, e);
            }
            throw PlatformException.transport(method, path, call + " had no whole answer within "
                    + timeout.toSeconds() + " s" + unknown + ": is the Docker Engine at " + host + " overloaded?", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PlatformException platform) {
                throw platform;
            }
            throw transport(method, path, cause instanceof Exception failure ? failure : e);
        }
    }

    private synchronized DockerHttpClient client() {
        if (closed) {
            throw PlatformException.configuration("the connection to the Docker Engine is closed");
        }
        return http;
    }

    /** Gives up on a call: a new transport for the calls to come, and the old one closed under the stuck one. */
    private void abandon(DockerHttpClient stuck, Future<Answer> future) {
        future.cancel(true);
        synchronized (this) {
            if (http == stuck && !closed) {
                http = transport(4, config.responseTimeout());
            }
        }
        // Closing may wait on the connection it closes: never on the caller's thread.
        CALLS.execute(() -> closeQuietly(stuck));
    }

    private static byte[] readCapped(InputStream in, String method, String path) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw PlatformException.decode(method, path, 0, "Docker " + method + " " + path + " answered with a body"
                    + " larger than " + MAX_BODY_BYTES / 1024 / 1024 + " MiB", null);
        }
        return body;
    }

    private static void closeQuietly(DockerHttpClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // nothing left to do for a client that is going away
        }
    }

    /** A whole answer: its status and body. */
    private record Answer(int status, byte[] body) {
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
        DockerHttpClient last;
        synchronized (this) {
            closed = true;
            last = http;
        }
        closeQuietly(last);
    }
}
