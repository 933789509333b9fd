package dev.zdd.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.sandbox.Orchestrator.Change;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

/**
 * Tutum's events stream at {@code /v1/events}, on a port of its own: one JSON message per change of the
 * {@link Orchestrator}'s objects, shaped as documented ({@code type}, {@code action}, {@code parents},
 * {@code resource_uri}, {@code state}, plus Docker Cloud's {@code uuid} and {@code datetime}). As Tutum did, it
 * accepts the connection, then says {@code {"type":"auth"}} to good credentials and
 * {@code {"type":"error","data":{"errorMessage":"UNAUTHORIZED"}}} to bad ones, and hangs up on those.
 */
final class EventStream implements Closeable {

    private static final Set<String> PATHS = Set.of("/v1/events", "/v1/events/");
    private static final int STOP_MILLIS = 1000;

    private final TutumApi api;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final CountDownLatch started = new CountDownLatch(1);
    private final Server server;
    private volatile Exception failedToStart;

    EventStream(int port, TutumApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
        this.server = new Server(new InetSocketAddress(LoopbackHttp.loopback(), port));
        server.setDaemon(true);
        server.setReuseAddr(true);
        server.setTcpNoDelay(true); // each event is one small frame: out at once, not after the last one's ACK
    }

    /** Binds and serves; throws when the port can't be had. */
    void start() throws IOException {
        server.start();
        try {
            if (!started.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the events stream did not start within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the events stream", e);
        }
        if (failedToStart != null) {
            throw failedToStart instanceof IOException io ? io : new IOException(failedToStart);
        }
    }

    int port() {
        return server.getPort();
    }

    /** Sends the change to every client whose credentials were accepted. */
    void publish(Change change) {
        ObjectNode event = json.createObjectNode()
                .put("type", change.type())
                .put("action", change.action());
        change.parents().forEach(parent -> event.withArray("parents").add(TutumApi.uri(parent.type(),
                parent.uuid())));
        event.put("resource_uri", TutumApi.uri(change.type(), change.uuid()))
                .put("state", change.state())
                .put("uuid", UUID.randomUUID().toString())
                .put("datetime", clock.instant().toString());
        server.broadcast(event.toString(), server.getConnections().stream()
                .filter(c -> c.getAttachment() != null).toList());
    }

    @Override
    public void close() {
        try {
            server.stop(STOP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Server extends WebSocketServer {

        Server(InetSocketAddress address) {
            super(address);
        }

        @Override
        public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
                                                                           ClientHandshake request)
                throws InvalidDataException {
            String path = request.getResourceDescriptor().replaceFirst("\\?.*", "");
            if (!PATHS.contains(path)) {
                throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "no stream at " + path);
            }
            return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            boolean authorized = api.authorized(handshake.getFieldValue("Authorization"));
            String agent = handshake.getFieldValue("User-Agent");
            api.stats().recordStream(clock.instant(), agent == null || agent.isEmpty() ? null : agent, authorized);
            if (authorized) {
                conn.setAttachment(Boolean.TRUE);
                conn.send("{\"type\":\"auth\"}");
            } else {
                conn.send("{\"type\":\"error\",\"data\":{\"errorMessage\":\"UNAUTHORIZED\"}}");
                conn.close(CloseFrame.POLICY_VALIDATION, "unauthorized");
            }
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            // Clients only listen.
        }

        @Override
        public void onError(WebSocket conn, Exception e) {
            if (conn == null) {
                failedToStart = e;
                started.countDown();
            }
        }

        @Override
        public void onStart() {
            started.countDown();
        }
    }
}
