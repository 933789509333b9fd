package dev.zdd.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.zdd.sandbox.Orchestrator.Backend;
import dev.zdd.time.Sleeper;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A small HTTP reverse proxy in front of every container, in the manner of the {@code tutum/haproxy} image: its
 * backends are fixed (a redeployed container keeps its port, so the configuration never changes) and active health
 * checks alone decide which are in rotation. Requests go round-robin over the backends in rotation; a request whose
 * connection is refused, or closed before any answer, is sent to the next one (HAProxy's {@code redispatch} with
 * {@code retry-on conn-failure empty-response}). Other failures are answered as HAProxy does: 502, 504, or 503
 * when no backend is left.
 */
final class LoadBalancer implements Closeable {

    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    /** One backend and what the checks have concluded about it. Guarded by the balancer's lock. */
    private static final class Member {
        final Backend backend;
        boolean up = true; // HAProxy, too, starts a server as up and lets the checks take it out
        int successes;
        int failures;

        Member(Backend backend) {
            this.backend = backend;
        }
    }

    private final List<Member> members;
    private final HealthCheck check;
    private final Sleeper sleeper;
    private final Consumer<String> events;
    private int next; // round-robin position, guarded by this
    private final HttpServer server;
    private final ExecutorService handlers;
    private final Thread checker;
    private volatile boolean running = true;

    LoadBalancer(int port, List<Backend> backends, HealthCheck check, Sleeper sleeper, Consumer<String> events)
            throws IOException {
        this.members = backends.stream().map(Member::new).toList();
        this.check = check;
        this.sleeper = sleeper;
        this.events = events;
        this.handlers = Threads.bounded("sandbox-lb", 16, 256);
        this.server = LoopbackHttp.server(port, 100);
        server.createContext("/", this::forward);
        server.setExecutor(handlers);
        this.checker = new Thread(this::checkLoop, "sandbox-lb-check");
        checker.setDaemon(true);
    }

    void start() {
        server.start();
        checker.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** The backends in rotation now, by name. */
    synchronized List<String> inRotation() {
        return members.stream().filter(m -> m.up).map(m -> m.backend.name()).toList();
    }

    @Override
    public void close() {
        running = false;
        checker.interrupt();
        server.stop(0);
        handlers.shutdownNow();
        try {
            checker.join(1000);
            handlers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- health checks

    private void checkLoop() {
        Duration timeout = check.interval();
        while (running) {
            for (Member member : members) {
                boolean healthy;
                try {
                    int status = LoopbackHttp.send(member.backend.port(), "GET", "/", new byte[0], timeout).status();
                    healthy = status >= 200 && status < 300;
                } catch (IOException e) {
                    healthy = false;
                }
                record(member, healthy);
            }
            try {
                sleeper.sleep(check.interval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void record(Member member, boolean healthy) {
        if (healthy) {
            member.failures = 0;
            member.successes++;
            if (!member.up && member.successes >= check.rise()) {
                member.up = true;
                events.accept("lb: " + member.backend.name() + " is UP, back in rotation");
            }
        } else {
            member.successes = 0;
            member.failures++;
            if (member.up && member.failures >= check.fall()) {
                member.up = false;
                events.accept("lb: " + member.backend.name() + " is DOWN, out of rotation");
            }
        }
    }

    /** The backends in rotation, starting with the next one in round-robin order. */
    private synchronized List<Backend> rotation() {
        List<Backend> up = members.stream().filter(m -> m.up).map(m -> m.backend).toList();
        if (up.isEmpty()) {
            return up;
        }
        int start = Math.floorMod(next++, up.size());
        List<Backend> ordered = new ArrayList<>(up.subList(start, up.size()));
        ordered.addAll(up.subList(0, start));
        return ordered;
    }

    // ---- proxying

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readNBytes(MAX_REQUEST_BYTES);
            String method = exchange.getRequestMethod();
            boolean idempotent = method.equals("GET") || method.equals("HEAD");
            String target = exchange.getRequestURI().getRawPath()
                            + (exchange.getRequestURI().getRawQuery() == null ? ""
                    : "?" + exchange.getRequestURI().getRawQuery());
            for (Backend backend : rotation()) {
                try {
                    LoopbackHttp.Reply reply = LoopbackHttp.send(backend.port(), method, target, body,
                            FORWARD_TIMEOUT);
                    if (reply.image() != null) {
                        exchange.getResponseHeaders().set(ContainerServer.IMAGE_HEADER, reply.image());
                    }
                    answer(exchange, reply.status(), reply.contentType(), reply.body(), backend.name(),
                            method.equals("HEAD"));
                    return;
                } catch (ConnectException | LoopbackHttp.NoAnswerException e) {
                    if (!idempotent && e instanceof LoopbackHttp.NoAnswerException) {
                        answer(exchange, 502, "text/plain", text("502 Bad Gateway\n"), backend.name(), false);
                        return;
                    }
                    // refused, or closed before answering: the request did not run there, try the next one
                } catch (SocketTimeoutException e) {
                    answer(exchange, 504, "text/plain", text("504 Gateway Timeout\n"), backend.name(), false);
                    return;
                } catch (IOException e) {
                    answer(exchange, 502, "text/plain", text("502 Bad Gateway\n"), backend.name(), false);
                    return;
                }
            }
            answer(exchange, 503, "text/plain", text("503 Service Unavailable: no server is available\n"), null,
                    false);
        }
    }

    private static byte[] text(String message) {
        return message.getBytes(StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange exchange, int status, String contentType, byte[] body, String backend,
                               boolean head) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        if (backend != null) {
            exchange.getResponseHeaders().set("X-Sandbox-Backend", backend);
        }
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
