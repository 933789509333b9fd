package dev.zdd.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** A test's view of the events stream: the JDK's own websocket client, nothing of zdd's. */
final class StreamClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BlockingQueue<JsonNode> messages;
    private final WebSocket socket;

    private StreamClient(WebSocket socket, BlockingQueue<JsonNode> messages) {
        this.socket = socket;
        this.messages = messages;
    }

    /**
     * Connects to {@code url} (a ws:// URL with path and query) with these headers.
     *
     * @throws HandshakeRefused when the server answers the handshake with an HTTP status
     */
    static StreamClient connect(URI url, Map<String, String> headers) throws Exception {
        BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        queue.add(JSON.readTree(text.toString()));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        };
        try {
            return new StreamClient(builder.buildAsync(url, listener).get(5, TimeUnit.SECONDS), queue);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new HandshakeRefused(refused.getResponse().statusCode());
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("no handshake within 5 s", e);
        }
    }

    /** The next message. */
    JsonNode next(Duration timeout) throws InterruptedException {
        JsonNode message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + timeout);
        }
        return message;
    }

    /** Skips messages until one matches. */
    JsonNode await(Predicate<JsonNode> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching message within " + timeout);
            }
            JsonNode message = next(Duration.ofNanos(left));
            if (wanted.test(message)) {
                return message;
            }
        }
    }

    @Override
    public void close() {
        socket.abort();
    }

    /** The server answered the handshake with this HTTP status instead of 101. */
    static final class HandshakeRefused extends Exception {
        final int status;

        HandshakeRefused(int status) {
            super("handshake refused with " + status);
            this.status = status;
        }
    }
}
