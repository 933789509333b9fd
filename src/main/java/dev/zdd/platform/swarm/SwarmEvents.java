package dev.zdd.platform.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.zdd.Version;
import dev.zdd.platform.Changes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker Engine's events ({@code GET /events}), narrowed to services and containers: one JSON object a line,
 * never the object itself. An event counts as a change of the Swarm service it is about, and so of that service's
 * updates ({@code <service id>/force-update/<n>}). Listens on a thread of its own and reconnects with a bounded
 * backoff after a drop.
 *
 * <p>Container events come only from the engine zdd talks to, so on a multi-node Swarm a task on another node
 * changes unannounced until its service's update status moves; the engine's safety wait covers that.
 */
final class SwarmEvents implements Changes {

    private static final Logger LOG = LoggerFactory.getLogger(SwarmEvents.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    /** The label Swarm puts on every container of a task. */
    static final String SERVICE_LABEL = "com.docker.swarm.service.id";
    private static final Set<String> TASK_MOVES = Set.of("start", "die", "oom");
    private static final String FILTERS = DockerApi.query(Map.of("type", List.of("service", "container")));

    private final DockerHttpClient http;
    private final URI host;
    private final Thread listener;

    /** Swarm service ids announced since the last wait returned. */
    private final Set<String> touched = new HashSet<>();
    /** The stream being read, so that {@link #close()} can abort a read that would otherwise block for good. */
    private Response stream;
    private boolean live;
    /** Announcements resumed after a gap: anything may have changed unannounced. */
    private boolean resumed;
    private boolean closed;

    /** Takes over {@code http}, a client with no response timeout, and closes it with itself. */
    SwarmEvents(DockerHttpClient http, URI host) {
        this.http = http;
        this.host = host;
        this.listener = new Thread(this::listen, "zdd-swarm-events");
        this.listener.setDaemon(true); // never what keeps zdd from exiting
    }

    /** Starts connecting; returns at once. */
    SwarmEvents open() {
        listener.start();
        return this;
    }

    @Override
    public synchronized boolean live() {
        return live;
    }

    @Override
    public synchronized Set<String> awaitChange(Set<String> ids, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        try {
            while (true) {
                if (resumed) {
                    resumed = false;
                    return ids;
                }
                Set<String> changed = new HashSet<>();
                ids.stream().filter(id -> touched.contains(serviceOfWatched(id))).forEach(changed::add);
                long left = end - System.nanoTime();
                if (!changed.isEmpty() || !live || left <= 0) {
                    return changed;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } finally {
            touched.clear();
        }
    }

    @Override
    public void close() {
        Response open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            live = false;
            open = stream;
            notifyAll();
        }
        if (open != null) {
            open.close(); // aborts the connection, which ends the listener's blocked read
        }
        listener.interrupt(); // ends a backoff wait, or a connect in progress
        try {
            http.close();
        } catch (IOException e) {
            // nothing left to do for a client that is going away
        }
    }

    /**
     * The Swarm service an Engine event is about, or null: a service event's actor is the service (its spec or its
     * update status moved); a task's container carries its service's id as a label. Of a container's events only
     * those that move its task's state count: each costs the engine a look, and a replaced task alone also brings
     * create, kill, stop and destroy, and a healthcheck an {@code exec_*} trio every interval.
     */
    static String serviceOf(JsonNode event) {
        JsonNode actor = event.path("Actor");
        String id = switch (event.path("Type").asText("")) {
            case "service" -> actor.path("ID").asText("");
            case "container" -> movesATask(event.path("Action").asText(""))
                    ? actor.path("Attributes").path(SERVICE_LABEL).asText("") : "";
            default -> "";
        };
        return id.isEmpty() ? null : id;
    }

    /** Running, exited or failed, healthy or not: what Swarm makes a task's state of. */
    private static boolean movesATask(String action) {
        return TASK_MOVES.contains(action) || action.startsWith("health_status");
    }

    /** The service a watched id stands for: a service id stands for itself, an update of a service for it. */
    static String serviceOfWatched(String id) {
        int mark = id.indexOf(SwarmPlatform.ACTION_MARK);
        return mark > 0 ? id.substring(0, mark) : id;
    }

    /** One line of the stream: an event, or something to ignore. */
    void announced(String line) {
        if (line.isBlank()) {
            return;
        }
        String service;
        try {
            service = serviceOf(DockerApi.json().readTree(line));
        } catch (IOException e) {
            LOG.debug("the Docker Engine's events sent something that is not JSON; ignored");
            return;
        }
        if (service != null) {
            synchronized (this) {
                touched.add(service);
                notifyAll();
            }
        }
    }

    /** The listener's thread: reads the stream for as long as it lasts, connects again after a wait, until closed. */
    private void listen() {
        Duration retry = FIRST_RETRY;
        while (true) {
            boolean wasLive = false;
            String why;
            try (Response response = http.execute(request())) {
                if (!reading(response)) {
                    return;
                }
                int status = response.getStatusCode();
                if (status == 200) {
                    opened();
                    wasLive = true;
                    retry = FIRST_RETRY;
                    read(response.getBody());
                    why = "the engine ended it";
                } else {
                    why = "answered " + status + ": " + DockerApi.daemonMessage(response.getBody().readAllBytes());
                }
            } catch (IOException | RuntimeException e) {
                Throwable cause = e instanceof RuntimeException && e.getCause() != null ? e.getCause() : e;
                why = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
            if (!waitToReconnect(wasLive, why, retry)) {
                return;
            }
            retry = retry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : retry.multipliedBy(2);
        }
    }

    /**
     * Since now: the engine replays what happened between this request and its subscribing, so nothing falls in
     * between. A skewed clock costs at most a few extra looks: the engine sends new events whatever {@code since}.
     */
    private Request request() {
        Instant now = Instant.now();
        return Request.builder().method(Request.Method.GET)
                .path("/events?since=" + now.getEpochSecond() + "." + String.format("%09d", now.getNano())
                      + "&filters=" + FILTERS)
                .putHeader("Accept", "application/json").putHeader("User-Agent", Version.userAgent())
                .build();
    }

    /** Keeps the stream for {@link #close()} to abort; false when closed meanwhile. */
    private synchronized boolean reading(Response response) {
        stream = closed ? null : response;
        return !closed;
    }

    private synchronized void opened() {
        if (closed) {
            return;
        }
        live = true;
        resumed = true;
        LOG.info("listening to the Docker Engine's events at {}", host);
        notifyAll();
    }

    private void read(InputStream body) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            announced(line);
        }
    }

    /** After a drop or a failed connect: waits {@code retry}, unless closed; false when closed. */
    private synchronized boolean waitToReconnect(boolean wasLive, String why, Duration retry) {
        stream = null;
        live = false;
        notifyAll();
        if (closed) {
            return false;
        }
        LOG.info("the Docker Engine's events stream at {} {} ({}); polling meanwhile, connecting again in {} s",
                host, wasLive ? "dropped" : "is unreachable", why, retry.toSeconds());
        long end = System.nanoTime() + retry.toNanos();
        try {
            for (long left = retry.toNanos(); !closed && left > 0; left = end - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            return false; // only close() interrupts the listener
        }
        return !closed;
    }
}
