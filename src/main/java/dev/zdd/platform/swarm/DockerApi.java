package dev.zdd.platform.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.zdd.Version;
import dev.zdd.log.Loggers;
import dev.zdd.platform.PlatformException;
import dev.zdd.time.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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
import org.slf4j.Logger;

/**
 * The Docker Engine API as JSON trees over docker-java's transport. Trees rather than typed models so that a
 * service's spec is sent back exactly as the daemon gave it: a typed model would drop the fields it doesn't know
 * (capabilities, sysctls, ulimits...) and so silently change the user's service on every redeploy.
 *
 * <p>With several managers, requests go to one of them until it stops answering (no connection, no answer, or an
 * answer that says it can't serve: 503, or no leader), then to the next. A read goes on through the next one at
 * once, in rounds, with a growing wait after a round in which none answered, for at most {@link #FAILOVER_WINDOW}
 * and never past {@link #callsUntil}. A write is never sent again here: its caller is told, and looks up whether it
 * happened (through the next manager) before it sends anything again. With one manager nothing is tried twice.
 */
final class DockerApi implements AutoCloseable {

    private static final Logger LOG = Loggers.get(DockerApi.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /**
     * How long reads go on through the other managers when none answers: a Swarm that lost its leader elects
     * another in about 10 s (raft's election timeout), so this covers a few elections.
     */
    static final Duration FAILOVER_WINDOW = Duration.ofSeconds(60);
    private static final Duration FIRST_NAP = Duration.ofMillis(250);
    private static final Duration LONGEST_NAP = Duration.ofSeconds(4);

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

    /**
     * One manager's address and the client that talks to it; the client is replaced after a call is abandoned,
     * since closing it is what ends that call's blocked read.
     */
    private final class Manager {

        private final URI host;
        private DockerHttpClient http;

        Manager(URI host) {
            this.host = host;
            this.http = transport(host, 4, config.responseTimeout());
        }

        URI host() {
            return host;
        }

        synchronized DockerHttpClient http() {
            return http;
        }

        /** A new client for the calls to come, unless {@code stuck} was replaced already. */
        synchronized void replace(DockerHttpClient stuck) {
            if (http == stuck && !closed) {
                http = transport(host, 4, config.responseTimeout());
            }
        }
    }

    private final SwarmConfig config;
    /** Null without TLS. Built once, here, so that a stream opened later can't fail on the certificate files. */
    private final SSLContext tls;
    private final List<Manager> managers;
    private final Clock clock;
    private final Sleeper sleeper;
    /** The manager that answered last; guarded by this. */
    private int current;
    /** Nothing may happen after this (see {@link dev.zdd.platform.Platform#callsUntil}); null for no bound. */
    private volatile Instant deadline;
    private volatile boolean closed;

    DockerApi(SwarmConfig config) {
        this(config, Clock.systemUTC(), Sleeper.SYSTEM);
    }

    DockerApi(SwarmConfig config, Clock clock, Sleeper sleeper) {
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
        // Built here, not inside the transport, so that a bad certificate file surfaces as our own
        // CONFIGURATION failure instead of a wrapped RuntimeException.
        this.tls = config.tlsVerify() ? new DockerTls(config.certPath()).getSSLContext() : null;
        this.managers = config.dockerHosts().stream().map(Manager::new).toList();
    }

    /**
     * A client of its own for one long-lived stream such as {@code /events}: the same engine and TLS, but no
     * response timeout, since a quiet stream is not a stuck one. The caller closes it.
     */
    DockerHttpClient streamClient(URI host) {
        return transport(host, 1, null);
    }

    /** The managers, in the order given. */
    List<URI> hosts() {
        return config.dockerHosts();
    }

    /** The manager that requests go to now: the one that answered last. */
    synchronized URI currentHost() {
        return managers.get(current).host();
    }

    /**
     * {@link dev.zdd.platform.Platform#callsUntil}: no request starts after {@code deadline}, each call's timeout is
     * cut to end at it, and reads go on through other managers only until it.
     */
    void callsUntil(Instant deadline) {
        this.deadline = deadline;
    }

    private DockerHttpClient transport(URI host, int connections, Duration responseTimeout) {
        return new DockerTransport(host, tls, connections, config.connectTimeout(), responseTimeout);
    }

    /** A read, through the next manager when one does not answer. */
    JsonNode get(String path) {
        return read(Request.Method.GET, path, Map.of());
    }

    /** A read with extra headers, such as {@code X-Registry-Auth}; they are never logged or put in a message. */
    JsonNode get(String path, Map<String, String> headers) {
        return read(Request.Method.GET, path, headers);
    }

    /**
     * A write, sent once, to the manager that answered last. When that manager does not answer (see
     * {@link #managerDown}), the next request goes to the next manager, and the caller decides what to do: the
     * write may or may not have happened.
     */
    JsonNode post(String path, JsonNode body) {
        return write(Request.Method.POST, path, body, Map.of());
    }

    /** A write with extra headers, such as {@code X-Registry-Auth}. */
    JsonNode post(String path, JsonNode body, Map<String, String> headers) {
        return write(Request.Method.POST, path, body, headers);
    }

    JsonNode delete(String path) {
        return write(Request.Method.DELETE, path, null, Map.of());
    }

    /** Whether there is another manager to go on through. */
    boolean severalManagers() {
        return managers.size() > 1;
    }

    /**
     * Whether a failure says that the manager could not serve, rather than anything about the request: no
     * connection or no answer (but not a TLS failure, a configuration problem), 503 (e.g. a node that is no longer a
     * manager), or a 500 that says the Swarm has no leader or a raft proposal timed out.
     */
    static boolean managerDown(PlatformException e) {
        if (e.kind() == PlatformException.Kind.TRANSPORT) {
            // The deadline ends the request, not the manager's turn.
            return !e.isDeadline() && !causedBy(e, SSLException.class) && !Thread.currentThread().isInterrupted();
        }
        if (e.kind() != PlatformException.Kind.STATUS) {
            return false;
        }
        String message = e.getMessage().toLowerCase(Locale.ROOT);
        return e.status() == 503
               || e.status() == 500 && (message.contains("leader") || message.contains("deadline exceeded"));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (kind.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode write(Request.Method method, String path, JsonNode body, Map<String, String> headers) {
        Manager manager = manager();
        try {
            return once(manager, method, path, body, headers);
        } catch (PlatformException e) {
            if (severalManagers() && managerDown(e)) {
                next(manager, e);
            }
            throw e;
        }
    }

    private JsonNode read(Request.Method method, String path, Map<String, String> headers) {
        if (!severalManagers()) {
            return once(managers.get(0), method, path, null, headers);
        }
        Attempts attempts = attempts();
        while (true) {
            Manager manager = manager();
            try {
                return once(manager, method, path, null, headers);
            } catch (PlatformException e) {
                if (!managerDown(e)) {
                    throw e;
                }
                next(manager, e);
                if (!attempts.another(e)) {
                    throw new PlatformException(e.kind(), method.name(), path, e.status(), "no manager of the Swarm"
                            + " answered (" + config.describeHosts() + "); the last said: " + e.getMessage(), e);
                }
            }
        }
    }

    /** Attempts through the managers from now on, within {@link #FAILOVER_WINDOW} and {@link #callsUntil}. */
    Attempts attempts() {
        Instant window = clock.instant().plus(FAILOVER_WINDOW);
        Instant until = deadline;
        return new Attempts(until != null && until.isBefore(window) ? until : window);
    }

    /**
     * One request's attempts through the managers after a failure: the next manager at once, then, after a round in
     * which none answered, a nap that doubles from 250 ms up to 4 s, until the window ends.
     */
    final class Attempts {

        private final Instant giveUp;
        private Duration nap = FIRST_NAP;
        private int failed;

        private Attempts(Instant giveUp) {
            this.giveUp = giveUp;
        }

        /** After {@code failure}: whether to try again (having napped if a round is over), or give up. */
        boolean another(PlatformException failure) {
            if (++failed < managers.size()) {
                return true;
            }
            failed = 0;
            if (!clock.instant().plus(nap).isBefore(giveUp)) {
                return false;
            }
            try {
                sleeper.sleep(nap);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw PlatformException.transport(failure.method(), failure.path(), "Docker " + failure.method()
                        + " " + failure.path() + " was interrupted", interrupted);
            }
            nap = nap.multipliedBy(2).compareTo(LONGEST_NAP) > 0 ? LONGEST_NAP : nap.multipliedBy(2);
            return true;
        }
    }

    private synchronized Manager manager() {
        return managers.get(current);
    }

    /** Moves on from {@code failed} to the manager after it, unless another request already moved on. */
    private void next(Manager failed, PlatformException why) {
        URI to;
        synchronized (this) {
            if (managers.get(current) != failed) {
                return;
            }
            current = (current + 1) % managers.size();
            to = managers.get(current).host();
        }
        LOG.info("the Swarm manager at {} did not answer ({}); going on through {}", failed.host(),
                why.getMessage(), to);
    }

    private JsonNode once(Manager manager, Request.Method method, String path, JsonNode body,
                          Map<String, String> headers) {
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
        Answer answer = send(manager, method.name(), path, request.build());
        int status = answer.status();
        if (status >= 300 && status < 400) {
            // The transport follows no redirect; the engine never sends one, so an answer that does comes from
            // something else in the way, and is not believed.
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
     * timeout cut to the deadline. A call that the bound or an interrupt ends is abandoned: its manager's client is
     * closed (which ends the worker's blocked read) and replaced for the calls to come.
     */
    private Answer send(Manager manager, String method, String path, Request request) {
        String call = "Docker " + method + " " + path;
        if (closed) {
            throw PlatformException.configuration("the connection to the Docker Engine is closed");
        }
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
        DockerHttpClient client = manager.http();
        Future<Answer> future = CALLS.submit(() -> {
            try (Response response = client.execute(request); InputStream in = response.getBody()) {
                return new Answer(response.getStatusCode(), in == null ? new byte[0] : readCapped(in, method, path));
            }
        });
        try {
            return future.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            abandon(manager, client, future);
            Thread.currentThread().interrupt();
            throw PlatformException.transport(method, path, call + " was interrupted", e);
        } catch (TimeoutException e) {
            abandon(manager, client, future);
            String unknown = method.equals("GET") ? "" : ", with no answer: whether the engine acted on it is unknown";
            if (cut) {
                throw PlatformException.deadline(method, path, call + " was cut short by the deadline after "
                        + timeout.toMillis() + " ms" + unknown, e);
            }
            throw PlatformException.transport(method, path, call + " had no whole answer within "
                    + timeout.toSeconds() + " s from the Docker Engine at " + manager.host() + unknown, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PlatformException platform) {
                throw platform;
            }
            throw transport(manager.host(), method, path, cause instanceof Exception failure ? failure : e);
        }
    }

    /** Gives up on a call: a new client for the calls to come, and the old one closed under the stuck one. */
    private void abandon(Manager manager, DockerHttpClient stuck, Future<Answer> future) {
        future.cancel(true);
        manager.replace(stuck);
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

    private static PlatformException transport(URI host, String method, String path, Exception e) {
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
        closed = true;
        for (Manager manager : managers) {
            closeQuietly(manager.http());
        }
    }
}
