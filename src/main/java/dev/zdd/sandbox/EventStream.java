package dev.zdd.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.sandbox.Orchestrator.Change;
import dev.zdd.sandbox.Orchestrator.ObjectRef;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The events stream, a websocket on a port of its own, in both dialects: Tutum's at {@code /v1/events} and Docker
 * Cloud's at {@code /api/audit/v1/[NAMESPACE/]events/}. One JSON message per change of the {@link Orchestrator}'s
 * objects, shaped as documented ({@code type}, {@code action}, {@code parents} (always, empty when empty),
 * {@code resource_uri}, {@code state}, plus Docker Cloud's {@code uuid} and {@code datetime}), with URIs in the
 * dialect of the connection, filtered by Docker Cloud's {@code type}, {@code object} and {@code parent}
 * parameters.
 *
 * <p>Credentials come in the {@code Authorization} header or, as python-tutum before 0.20.3 and the
 * {@code tutum/haproxy} images sent them, in the query: {@code ?user=NAME&token=KEY} or {@code ?auth=<the whole
 * Authorization value>}. They are never logged nor counted: the stats record a connection's User-Agent only. As Tutum
 * did, its stream accepts the connection, then says {@code {"type":"auth"}} to good credentials and
 * {@code {"type":"error","data":{"errorMessage":"UNAUTHORIZED"}}} to bad ones and hangs up; Docker Cloud's answers
 * bad ones with HTTP 401 on the handshake. Logs and exec streams answer 501.
 */
final class EventStream implements Closeable {

    private static final int MAX_CONNECTIONS = 64;
    private static final int MAX_QUEUED_FRAMES = 10_000;
    private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    private static final Set<String> DOCKERCLOUD_RESOURCES = Set.of("events", "service", "container", "action");

    private final int requestedPort;
    private final Credentials credentials;
    private final SandboxStats stats;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final ThreadFactory threads = Threads.daemon("sandbox-stream");
    private ServerSocket listener;
    private volatile boolean closed;

    EventStream(int port, Credentials credentials, SandboxStats stats, Clock clock) {
        this.requestedPort = port;
        this.credentials = credentials;
        this.stats = stats;
        this.clock = clock;
    }

    /** Binds and serves; throws when the port can't be had. */
    synchronized void start() throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LoopbackHttp.loopback(), requestedPort), 50);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        listener = socket;
        threads.newThread(() -> acceptLoop(socket)).start();
    }

    synchronized int port() {
        return listener.getLocalPort();
    }

    /** Sends the change to every client whose credentials were accepted and whose filters it passes. */
    void publish(Change change) {
        for (Client client : clients) {
            if (client.wants(change)) {
                client.send(WebSockets.TEXT, render(change, client.dialect).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (listener != null) {
                try {
                    listener.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        clients.forEach(client -> client.close(WebSockets.GOING_AWAY, "the sandbox is closing"));
        clients.forEach(Client::awaitClosed);
    }

    private String render(Change change, Dialect dialect) {
        ObjectNode event = json.createObjectNode()
                .put("type", change.type())
                .put("action", change.action());
        ArrayNode parents = event.putArray("parents");
        change.parents().forEach(parent -> parents.add(dialect.uri(parent.type(), parent.uuid())));
        event.put("resource_uri", dialect.uri(change.type(), change.uuid()))
                .put("state", change.state())
                .put("uuid", UUID.randomUUID().toString())
                .put("datetime", clock.instant().toString());
        return event.toString();
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                // Each event is one small frame: out at once, not after the client acknowledged the one before.
                connection.setTcpNoDelay(true);
            } catch (IOException e) {
                // a connection gone already: serving it fails at once
            }
            if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                connections.decrementAndGet();
                try (connection) {
                    WebSockets.refuse(connection.getOutputStream(), 503, "Service Unavailable",
                            "the sandbox's events stream has " + MAX_CONNECTIONS + " connections already", Map.of());
                } catch (IOException e) {
                    // the client is gone already
                }
                continue;
            }
            threads.newThread(() -> {
                try {
                    serve(connection);
                } finally {
                    connections.decrementAndGet();
                }
            }).start();
        }
    }

    /** Where a connection asks to go. */
    private record Route(Dialect dialect, String unsupported) {
        static final Route NOWHERE = new Route(null, null);
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout((int) HEAD_TIMEOUT.toMillis());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            WebSockets.Request request = WebSockets.readRequest(in);
            if (request == null) {
                return;
            }
            Route route;
            Map<String, String> query;
            try {
                route = route(request.rawPath());
                query = TutumApi.parseQuery(request.rawQuery());
            } catch (ApiException e) {
                WebSockets.refuse(out, e.status(), e.status() == 404 ? "Not Found" : "Bad Request", e.getMessage(),
                        Map.of());
                return;
            }
            if (route == Route.NOWHERE) {
                WebSockets.refuse(out, 404, "Not Found", "No stream at " + request.rawPath() + ": the events are at"
                                                         + " /v1/events and /api/audit/v1/[NAMESPACE/]events/", Map.of());
                return;
            }
            if (!request.method().equals("GET")) {
                WebSockets.refuse(out, 405, "Method Not Allowed", "Method " + request.method() + " not allowed here;"
                                                                  + " allowed: GET", Map.of("Allow", "GET"));
                return;
            }
            boolean authorized = credentials.accept(request.header("Authorization"))
                                 || credentials.accept(query.get("auth"))
                                 || credentials.accept(query.get("user"), query.get("token"));
            if (route.unsupported() != null) {
                if (authorized) {
                    WebSockets.refuse(out, 501, "Not Implemented", "The sandbox does not stream " + route.unsupported()
                                                                   + ": it streams events only", Map.of());
                } else {
                    WebSockets.refuse(out, 401, "Unauthorized", "Not authorized", Map.of());
                }
                return;
            }
            String agent = request.header("User-Agent");
            stats.recordStream(clock.instant(), agent == null || agent.isEmpty() ? null : agent, authorized);
            if (!request.asksForWebSocket()) {
                WebSockets.refuse(out, 426, "Upgrade Required", "The events stream is a websocket",
                        Map.of("Upgrade", "websocket", "Connection", "Upgrade"));
                return;
            }
            if (!"13".equals(request.header("Sec-WebSocket-Version"))) {
                WebSockets.refuse(out, 426, "Upgrade Required", "Only websocket version 13 is spoken here",
                        Map.of("Sec-WebSocket-Version", "13"));
                return;
            }
            if (!authorized && route.dialect().dockerCloud()) {
                WebSockets.refuse(out, 401, "Unauthorized", "Not authorized", Map.of());
                return;
            }
            WebSockets.accept(out, request);
            socket.setSoTimeout(0); // clients only ping, and may say nothing for long
            Client client = new Client(socket, route.dialect(), query);
            client.start();
            if (!authorized) {
                client.send(WebSockets.TEXT, "{\"type\":\"error\",\"data\":{\"errorMessage\":\"UNAUTHORIZED\"}}"
                        .getBytes(StandardCharsets.UTF_8));
                client.close(WebSockets.POLICY_VIOLATION, "unauthorized");
                client.awaitClosed();
                return;
            }
            clients.add(client);
            try {
                if (closed) {
                    return;
                }
                client.send(WebSockets.TEXT, "{\"type\":\"auth\"}".getBytes(StandardCharsets.UTF_8));
                client.readUntilClosed(in);
            } finally {
                clients.remove(client);
                client.close(WebSockets.GOING_AWAY, "");
                client.awaitClosed();
            }
        } catch (SocketTimeoutException e) {
            // a client that never finished its request
        } catch (IOException e) {
            // the client went away
        }
    }

    /** The stream a path names, in either dialect; throws 404 for another user's namespace. */
    private Route route(String rawPath) {
        List<String> s = Arrays.stream(rawPath.split("/")).filter(part -> !part.isEmpty()).toList();
        if (s.equals(List.of("v1", "events"))) {
            return new Route(Dialect.tutum(), null);
        }
        if (s.size() == 4 && s.get(0).equals("v1") && (s.get(3).equals("logs") || s.get(3).equals("exec"))) {
            return new Route(Dialect.tutum(), s.get(1) + " " + s.get(3));
        }
        if (s.size() < 4 || !s.get(0).equals("api") || !s.get(2).equals("v1")) {
            return Route.NOWHERE;
        }
        List<String> rest = s.subList(3, s.size());
        if (!DOCKERCLOUD_RESOURCES.contains(rest.get(0))) {
            if (!rest.get(0).equals(credentials.user())) {
                throw new ApiException(404, "No namespace '" + rest.get(0) + "': the sandbox's only namespace is"
                                            + " its user's own, '" + credentials.user() + "'");
            }
            rest = rest.subList(1, rest.size());
        }
        Dialect dialect = Dialect.dockerCloud(credentials.user());
        if (rest.equals(List.of("events")) && s.get(1).equals("audit")) {
            return new Route(dialect, null);
        }
        if (rest.size() == 3 && (rest.get(2).equals("logs") || rest.get(2).equals("exec"))) {
            return new Route(dialect, rest.get(0) + " " + rest.get(2));
        }
        return Route.NOWHERE;
    }

    /** One connection, after the upgrade: a writer thread drains its queue, so a slow reader delays no one else. */
    private final class Client {

        private record Outgoing(int opcode, byte[] payload) {
        }

        private final Socket socket;
        private final Dialect dialect;
        private final Map<String, String> filter;
        private final BlockingQueue<Outgoing> outbox = new ArrayBlockingQueue<>(MAX_QUEUED_FRAMES);
        private final Thread writer;
        private volatile boolean closing;

        Client(Socket socket, Dialect dialect, Map<String, String> filter) {
            this.socket = socket;
            this.dialect = dialect;
            this.filter = filter;
            this.writer = threads.newThread(this::writeUntilClosed);
        }

        void start() {
            writer.start();
        }

        /** Docker Cloud's filters: {@code type}, {@code object} (a resource URI) and {@code parent}. */
        boolean wants(Change change) {
            String type = filter.get("type");
            if (type != null && !type.equals(change.type())) {
                return false;
            }
            String object = filter.get("object");
            if (object != null && !new ObjectRef(change.type(), change.uuid()).equals(Dialect.refOf(object))) {
                return false;
            }
            String parent = filter.get("parent");
            return parent == null || change.parents().contains(Dialect.refOf(parent));
        }

        void send(int opcode, byte[] payload) {
            if (closing) {
                return;
            }
            if (!outbox.offer(new Outgoing(opcode, payload))) {
                closeSocket(); // this far behind, the client is not reading: drop it
            }
        }

        void close(int code, String reason) {
            if (closing) {
                return;
            }
            Outgoing farewell = new Outgoing(WebSockets.CLOSE, WebSockets.closing(code, reason));
            closing = true;
            if (!outbox.offer(farewell)) {
                closeSocket();
            }
        }

        void awaitClosed() {
            try {
                writer.join(CLOSE_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeSocket();
        }

        void readUntilClosed(InputStream in) {
            try {
                while (!closing) {
                    WebSockets.Frame frame = WebSockets.readFrame(in);
                    switch (frame.opcode()) {
                        case WebSockets.PING -> send(WebSockets.PONG, frame.payload());
                        case WebSockets.CLOSE -> {
                            close(1000, "");
                            return;
                        }
                        default -> {
                            // Clients have nothing to say on this stream.
                        }
                    }
                }
            } catch (WebSockets.FrameTooBigException e) {
                close(WebSockets.TOO_BIG, "frame too big");
            } catch (IOException e) {
                closeSocket();
            }
        }

        private void writeUntilClosed() {
            try {
                OutputStream out = socket.getOutputStream();
                while (true) {
                    Outgoing next = outbox.poll(1, TimeUnit.SECONDS);
                    if (next == null) {
                        if (socket.isClosed()) {
                            return;
                        }
                        continue;
                    }
                    WebSockets.writeFrame(out, next.opcode(), next.payload());
                    if (next.opcode() == WebSockets.CLOSE) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                closeSocket();
            }
        }

        private void closeSocket() {
            closing = true;
            try {
                socket.close();
            } catch (IOException e) {
                // closed anyway
            }
        }
    }
}
