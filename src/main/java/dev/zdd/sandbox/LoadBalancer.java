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
import java.util.function.Function;

/**
 * A small HTTP reverse proxy in front of every container, in the manner of the {@code tutum/haproxy} image: its
 * backends are fixed (a redeployed container keeps its port, so the configuration never changes) and active health
 * checks alone decide which are in rotation. Requests go round-robin over the backends in rotation; a request whose
 * connection is refused, or closed before any answer, is sent to the next one (HAProxy's {@code redispatch} with
 * {@code retry-on conn-failure empty-response}). Other failures are answered as HAProxy does: 502, 504, or 503
 * when no backend is left.
 *
 * <p>Like HAProxy with {@code stats uri /haproxy?stats}, {@code stats admin} and {@code stats show-legends}, it has
 * a stats page ({@link StatsPage}) that shows each backend's status and sessions as HAProxy's CSV and takes drain
 * and ready orders: a drained backend gets no new request, and those under way finish.
 */
final class LoadBalancer implements Closeable {

    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    /** One backend, what the checks have concluded about it, and what it carries. Guarded by the balancer's lock. */
    static final class Member {
        final Backend backend;
        boolean up = true; // HAProxy, too, starts a server as up and lets the checks take it out
        int successes;
        int failures;
        /** Taken out of rotation by a drain order; its checks go on. */
        boolean drained;
        /** Requests forwarded to it and not yet answered (HAProxy's scur), the most at once, and in all. */
        int sessions;
        int maxSessions;
        long totalSessions;
        /** The last check's result in HAProxy's words: L7OK, L7STS, L4CON, L4TOUT. */
        String lastCheck = "";

        Member(Backend backend) {
            this.backend = backend;
        }
    }

    private final List<Member> members;
    private final HealthCheck check;
    private final Sleeper sleeper;
    private final Consumer<String> events;
    private final StatsPage stats;
    private int next; // round-robin position, guarded by this
    private final HttpServer server;
    private final ExecutorService handlers;
    private final Thread checker;
    private volatile boolean running = true;

    /** @param credentials {@code user:password} that the stats page requires */
    LoadBalancer(int port, List<Backend> backends, HealthCheck check, Sleeper sleeper, Consumer<String> events,
                 String credentials) throws IOException {
        this.members = backends.stream().map(Member::new).toList();
        this.check = check;
        this.sleeper = sleeper;
        this.events = events;
        this.stats = new StatsPage(this, credentials);
        this.handlers = Threads.bounded("sandbox-lb", 16, 256);
        this.server = LoopbackHttp.server(port, 100);
        server.createContext("/", this::handle);
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

    /** The stats page: HAProxy's CSV at this URL + {@code ;csv}, and its {@code stats admin} form. */
    URI statsUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + StatsPage.PATH + "?"
                          + StatsPage.QUERY);
    }

    /** The backends in rotation now, by name: up and not drained. */
    synchronized List<String> inRotation() {
        return members.stream().filter(m -> m.up && !m.drained).map(m -> m.backend.name()).toList();
    }

    HealthCheck healthCheck() {
        return check;
    }

    /** Runs {@code action} on the members under the balancer's lock, as the stats page reads or orders them. */
    synchronized <T> T withMembers(Function<List<Member>, T> action) {
        return action.apply(members);
    }

    /** A drain or ready order from the stats page; false when no backend has the name. */
    synchronized boolean order(String name, boolean drain) {
        for (Member member : members) {
            if (member.backend.name().equals(name)) {
                if (member.drained != drain) {
                    member.drained = drain;
                    events.accept("lb: " + name + (drain ? " drained: no new requests, "
                                                           + member.sessions + " under way" : " set ready"));
                }
                return true;
            }
        }
        return false;
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
                String result;
                try {
                    int status = LoopbackHttp.send(member.backend.port(), "GET", "/", new byte[0], timeout).status();
                    result = status >= 200 && status < 300 ? "L7OK" : "L7STS";
                } catch (SocketTimeoutException e) {
                    result = "L4TOUT";
                } catch (IOException e) {
                    result = "L4CON";
                }
                record(member, result);
            }
            try {
                sleeper.sleep(check.interval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void record(Member member, String result) {
        member.lastCheck = result;
        if (result.equals("L7OK")) {
            member.failures = 0;
            member.successes++;
            if (!member.up && member.successes >= check.rise()) {
                member.up = true;
                events.accept("lb: " + member.backend.name() + " is UP" + (member.drained ? " (drained)"
                        : ", back in rotation"));
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

    /** HAProxy's status word for a member: UP, DOWN, DRAIN, or a transition such as {@code UP 1/2}. */
    String status(Member member) {
        if (member.up) {
            if (member.failures > 0) {
                return (member.drained ? "DRAIN " : "UP ") + (check.fall() - member.failures) + "/" + check.fall();
            }
            return member.drained ? "DRAIN" : "UP";
        }
        return member.successes > 0 ? "DOWN " + member.successes + "/" + check.rise() : "DOWN";
    }

    /** The members in rotation, starting with the next one in round-robin order. */
    private synchronized List<Member> rotation() {
        List<Member> up = members.stream().filter(m -> m.up && !m.drained).toList();
        if (up.isEmpty()) {
            return up;
        }
        int start = Math.floorMod(next++, up.size());
        List<Member> ordered = new ArrayList<>(up.subList(start, up.size()));
        ordered.addAll(up.subList(0, start));
        return ordered;
    }

    private synchronized void began(Member member) {
        member.sessions++;
        member.totalSessions++;
        member.maxSessions = Math.max(member.maxSessions, member.sessions);
    }

    private synchronized void ended(Member member) {
        member.sessions--;
    }

    // ---- proxying

    private void handle(HttpExchange exchange) throws IOException {
        if (StatsPage.PATH.equals(exchange.getRequestURI().getRawPath())
            && exchange.getRequestURI().getRawQuery() != null
            && exchange.getRequestURI().getRawQuery().startsWith(StatsPage.QUERY)) {
            stats.handle(exchange);
            return;
        }
        forward(exchange);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readNBytes(MAX_REQUEST_BYTES);
            String method = exchange.getRequestMethod();
            boolean idempotent = method.equals("GET") || method.equals("HEAD");
            String target = exchange.getRequestURI().getRawPath()
                            + (exchange.getRequestURI().getRawQuery() == null ? ""
                    : "?" + exchange.getRequestURI().getRawQuery());
            for (Member member : rotation()) {
                Backend backend = member.backend;
                LoopbackHttp.Reply reply;
                began(member);
                try {
                    reply = LoopbackHttp.send(backend.port(), method, target, body, FORWARD_TIMEOUT);
                } catch (ConnectException | LoopbackHttp.NoAnswerException e) {
                    if (!idempotent && e instanceof LoopbackHttp.NoAnswerException) {
                        answer(exchange, 502, "text/plain", text("502 Bad Gateway\n"), backend.name(), false);
                        return;
                    }
                    continue; // refused, or closed before answering: the request did not run there, try the next
                } catch (SocketTimeoutException e) {
                    answer(exchange, 504, "text/plain", text("504 Gateway Timeout\n"), backend.name(), false);
                    return;
                } catch (IOException e) {
                    answer(exchange, 502, "text/plain", text("502 Bad Gateway\n"), backend.name(), false);
                    return;
                } finally {
                    ended(member);
                }
                if (reply.image() != null) {
                    exchange.getResponseHeaders().set(ContainerServer.IMAGE_HEADER, reply.image());
                }
                answer(exchange, reply.status(), reply.contentType(), reply.body(), backend.name(),
                        method.equals("HEAD"));
                return;
            }
            answer(exchange, 503, "text/plain", text("503 Service Unavailable: no server is available\n"), null,
                    false);
        }
    }

    private static byte[] text(String message) {
        return message.getBytes(StandardCharsets.UTF_8);
    }

    static void answer(HttpExchange exchange, int status, String contentType, byte[] body, String backend,
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
