package dev.zdd.platform.tutum;

import static dev.zdd.platform.tutum.TutumPaths.uuidOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zdd.log.Loggers;
import dev.zdd.platform.Announcements;
import dev.zdd.platform.Changes;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;

/**
 * Tutum's and Docker Cloud's events stream, a websocket that announces every change of a stack, service, container
 * or action: {@code type}, {@code action}, {@code resource_uri}, {@code parents} and {@code state}, never the object.
 * Connects in the background, reconnects with a bounded backoff after a drop, and gives up for good (the engine
 * polls) when the stream refuses the credentials.
 */
final class TutumEvents implements Changes {

    private static final Logger LOG = Loggers.get(TutumEvents.class);
    /** Tutum's SDK pinged every 5 s, Docker Cloud's every 10 s: a silent peer is found dead within that. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(10);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    /** RFC 6455: a normal closure. */
    private static final int NORMAL_CLOSURE = 1000;

    private final HttpUrl url;
    private final Request handshake;
    private final ObjectMapper mapper;
    private final ExecutorService threads;
    private final ScheduledExecutorService reconnects;
    private final OkHttpClient client;

    /**
     * Keyed by resource uuid. An event is about its own object only: a container's event names its service as a
     * parent, but the service announces its own state changes, and looking at the service after every container
     * event would cost a GET each for nothing the verdict needs.
     */
    private final Announcements announcements = new Announcements();
    private WebSocket socket;
    private boolean refused;
    private boolean closed;
    private Duration nextRetry = FIRST_RETRY;

    TutumEvents(TutumHttp http, HttpUrl url) {
        this.url = url;
        this.handshake = http.streamRequest(url);
        this.mapper = http.mapper();
        ThreadFactory daemons = runnable -> {
            Thread thread = new Thread(runnable, "zdd-events");
            thread.setDaemon(true); // never what keeps zdd from exiting
            return thread;
        };
        this.threads = Executors.newCachedThreadPool(daemons);
        this.reconnects = Executors.newSingleThreadScheduledExecutor(daemons);
        this.client = http.streamClient()
                .dispatcher(new Dispatcher(threads))
                .pingInterval(PING_INTERVAL)
                .build();
    }

    /** Starts connecting; returns at once. */
    TutumEvents open() {
        // On the reconnect thread: the first connection also sets OkHttp itself up (it probes the JVM's security
        // providers, some 30 ms), which then happens beside the caller's first request rather than before it.
        reconnects.execute(this::connect);
        return this;
    }

    @Override
    public boolean live() {
        return announcements.live();
    }

    @Override
    public Set<String> awaitChange(Set<String> ids, Duration max) throws InterruptedException {
        return announcements.awaitChange(ids, max, TutumPaths::uuidOf);
    }

    @Override
    public void close() {
        WebSocket open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = socket;
        }
        announcements.lost();
        if (open != null) {
            open.cancel(); // no closing handshake to wait for: the run is over
        }
        reconnects.shutdownNow();
        threads.shutdownNow();
        client.connectionPool().evictAll();
    }

    /** Whether every thread this stream started has ended, which {@link #close} makes happen at once. */
    boolean terminated() {
        return threads.isTerminated() && reconnects.isTerminated();
    }

    private synchronized void connect() {
        if (!closed && !refused) {
            socket = client.newWebSocket(handshake, new Listener());
        }
    }

    /** After a drop or a failed connect: try again later, each time waiting twice as long, up to a limit. */
    private synchronized void reconnectLater(String why) {
        boolean wasLive = announcements.lost();
        if (closed || refused) {
            return;
        }
        LOG.info("the events stream at {} {} ({}); polling meanwhile, connecting again in {} s", where(),
                wasLive ? "dropped" : "is unreachable", why, nextRetry.toSeconds());
        reconnects.schedule(this::connect, nextRetry.toMillis(), TimeUnit.MILLISECONDS);
        nextRetry = nextRetry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : nextRetry.multipliedBy(2);
    }

    /** For good: more tries would only be refused again. */
    private synchronized void refuse(WebSocket webSocket, String why) {
        announcements.refused();
        if (closed || refused) {
            return;
        }
        refused = true;
        LOG.info("the events stream at {} refused zdd ({}); polling instead", where(), why);
        webSocket.cancel();
    }

    private synchronized void opened() {
        if (closed) {
            return;
        }
        announcements.opened();
        nextRetry = FIRST_RETRY;
        LOG.info("listening to the events stream at {}", where());
    }

    private void announced(WebSocket webSocket, String text) {
        JsonNode event;
        try {
            event = mapper.readTree(text);
        } catch (IOException e) {
            LOG.debug("the events stream sent something that is not JSON; ignored");
            return;
        }
        String type = event.path("type").asText("");
        switch (type) {
            case "auth" -> {
                // Tutum's confirmation that the credentials were accepted: nothing changed.
            }
            case "error" -> refuse(webSocket, event.path("data").path("errorMessage").asText("an error"));
            default -> {
                String about = uuidOf(event.path("resource_uri").asText(null));
                if (about != null) {
                    announcements.announce(about);
                }
            }
        }
    }

    /** The stream's URL as users give it: {@code ws://} or {@code wss://}; it never holds credentials. */
    private String where() {
        return (url.isHttps() ? "wss" : "ws") + url.toString().substring(url.scheme().length());
    }

    private final class Listener extends WebSocketListener {

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            opened();
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            announced(webSocket, text);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            webSocket.close(NORMAL_CLOSURE, null);
            reconnectLater("closed by the server with " + code);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
            if (response != null && response.code() >= 400 && response.code() < 500) {
                // 401 is Docker Cloud's answer to bad credentials; no 4xx gets better by asking again.
                refuse(webSocket, "answered " + response.code() + " to the handshake");
            } else {
                reconnectLater(response != null ? "answered " + response.code() + " to the handshake"
                        : failure.getClass().getSimpleName() + ": " + failure.getMessage());
            }
        }
    }
}
