package dev.zdd.platform.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.zdd.Version;
import dev.zdd.log.Loggers;
import dev.zdd.platform.Announcements;
import dev.zdd.platform.Changes;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The Docker Engine's events ({@code GET /events}), narrowed to services and containers: one JSON object a line,
 * never the object itself. An event counts as a change of the Swarm service it is about, and so of that service's
 * updates ({@code <service id>/force-update/<n>}). Listens on a thread of its own and reconnects with a bounded
 * backoff after a drop.
 *
 * <p>Container events come only from the engine zdd talks to, so on a multi-node Swarm a task on another node
 * changes unannounced. What the manager does announce covers a rollout: its service events as the update starts,
 * pauses or completes, and its node events (a node down, back, drained), each of which may move any task, so it
 * counts as a change of everything watched. What it does not, tasks still starting elsewhere after Swarm completed
 * the update, is looked at here: while a service is in that state (see {@link SwarmPlatform#lagging}) its tasks are
 * read every {@link #TASK_LOOK} and the service announced when they changed.
 *
 * <p>With several managers, each (re)connect goes to the next one.
 */
final class SwarmEvents implements Changes {

    /** Far longer than any event the engine sends (about 1 KiB). */
    static final int LONGEST_LINE = 64 * 1024;

    private static final Logger LOG = Loggers.get(SwarmEvents.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    /** The label Swarm puts on every container of a task. */
    static final String SERVICE_LABEL = "com.docker.swarm.service.id";
    private static final Set<String> TASK_MOVES = Set.of("start", "die", "oom");
    private static final String FILTERS = DockerApi.query(Map.of("type", List.of("service", "container", "node")));
    /** How often the tasks of a service that waits for tasks on other nodes are read: one GET each time. */
    static final Duration TASK_LOOK = Duration.ofMillis(500);

    private final List<URI> hosts;
    private final Function<URI, DockerHttpClient> clientFor;
    /** One stream client per manager, made when first needed; all closed with this. Guarded by this. */
    private final Map<URI, DockerHttpClient> clients = new LinkedHashMap<>();
    private final Lagging lagging;
    private final Thread listener;
    /** The manager the stream is read from now; only the listener's thread moves it. */
    private int hostIndex;

    /** Keyed by Swarm service id. */
    private final Announcements announcements = new Announcements();
    /** The stream being read, so that {@link #close()} can abort a read that would otherwise block for good. */
    private Response stream;
    private boolean closed;

    /** One manager's stream, with no look at tasks. */
    SwarmEvents(DockerHttpClient http, URI host) {
        this(List.of(host), h -> http, Lagging.NONE);
    }

    /** The services that wait for tasks on other nodes after their update completed: {@link SwarmPlatform}. */
    interface Lagging {

        Lagging NONE = new Lagging() {
            @Override
            public boolean isLagging(String serviceId) {
                return false;
            }

            @Override
            public boolean tasksMoved(String serviceId) {
                return false;
            }
        };

        boolean isLagging(String serviceId);

        /** Whether its tasks changed since the service was last judged: one read. */
        boolean tasksMoved(String serviceId);
    }

    /**
     * The stream of the first of {@code hosts} that answers, each through a client from {@code clientFor} (with no
     * response timeout), closed with this.
     */
    SwarmEvents(List<URI> hosts, Function<URI, DockerHttpClient> clientFor, Lagging lagging) {
        this.hosts = List.copyOf(hosts);
        this.clientFor = clientFor;
        this.lagging = lagging;
        this.listener = new Thread(this::listen, "zdd-swarm-events");
        this.listener.setDaemon(true); // never what keeps zdd from exiting
    }

    /** Starts connecting; returns at once. */
    SwarmEvents open() {
        listener.start();
        return this;
    }

    @Override
    public boolean live() {
        return announcements.live();
    }

    /**
     * As {@link Changes#awaitChange}; while a watched service waits for tasks on other nodes after its update
     * completed, the wait also ends when a look at its tasks finds them changed.
     */
    @Override
    public Set<String> awaitChange(Set<String> ids, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            Set<String> services = new HashSet<>();
            ids.forEach(id -> services.add(serviceOfWatched(id)));
            boolean look = live() && services.stream().anyMatch(lagging::isLagging);
            Duration wait = look && left > TASK_LOOK.toNanos() ? TASK_LOOK : Duration.ofNanos(Math.max(0, left));
            Set<String> changed = announcements.awaitChange(ids, wait, SwarmEvents::serviceOfWatched);
            if (!changed.isEmpty() || !look || !live() || System.nanoTime() - end >= 0) {
                return changed;
            }
            List<String> moved = new ArrayList<>();
            for (String service : services) {
                if (tasksMoved(service)) {
                    moved.add(service);
                }
            }
            if (!moved.isEmpty()) {
                Set<String> result = new HashSet<>();
                ids.stream().filter(id -> moved.contains(serviceOfWatched(id))).forEach(result::add);
                return result;
            }
        }
    }

    /** Whether the tasks of a lagging service changed since it was last judged; a failed read says no. */
    private boolean tasksMoved(String service) {
        try {
            return lagging.isLagging(service) && lagging.tasksMoved(service);
        } catch (RuntimeException e) {
            LOG.debug("could not read the tasks of {}: {}", service, e.getMessage());
            return false;
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
            open = stream;
            notifyAll(); // ends a wait to reconnect
        }
        announcements.lost();
        if (open != null) {
            open.close(); // aborts the connection, which ends the listener's blocked read
        }
        listener.interrupt(); // ends a backoff wait, or a connect in progress
        List<DockerHttpClient> all;
        synchronized (this) {
            all = List.copyOf(clients.values());
        }
        for (DockerHttpClient client : all) {
            try {
                client.close();
            } catch (IOException e) {
                // nothing left to do for a client that is going away
            }
        }
    }

    /** The client for the manager the stream is read from now; null once closed. */
    private synchronized DockerHttpClient client(URI host) {
        return closed ? null : clients.computeIfAbsent(host, clientFor);
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
        JsonNode event;
        try {
            event = DockerApi.json().readTree(line);
        } catch (IOException e) {
            LOG.debug("the Docker Engine's events sent something that is not JSON; ignored");
            return;
        }
        if ("node".equals(event.path("Type").asText())) {
            // A node that went down, came back or was drained moves tasks of any service, unannounced.
            announcements.everythingMayHaveChanged();
            return;
        }
        String service = serviceOf(event);
        if (service != null) {
            announcements.announce(service);
        }
    }

    /** The listener's thread: reads the stream for as long as it lasts, connects again after a wait, until closed. */
    private void listen() {
        Duration retry = FIRST_RETRY;
        while (true) {
            boolean wasLive = false;
            String why;
            URI host = hosts.get(hostIndex);
            DockerHttpClient http = client(host);
            if (http == null) {
                return;
            }
            try (Response response = http.execute(request())) {
                if (!reading(response)) {
                    return;
                }
                int status = response.getStatusCode();
                if (status == 200) {
                    opened(host);
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
            // With several managers, the next one; a stream that had been live drops when its manager goes away, and
            // the next is tried at once.
            hostIndex = (hostIndex + 1) % hosts.size();
            if (wasLive && hosts.size() > 1) {
                retry = Duration.ZERO;
            }
            if (!waitToReconnect(wasLive, host, why, retry)) {
                return;
            }
            retry = retry.isZero() ? FIRST_RETRY : retry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0
                    ? LONGEST_RETRY : retry.multipliedBy(2);
        }
    }

    /**
     * From now on. No {@code since}: whatever happens before the engine subscribes zdd is covered anyway, as every
     * (re)connect reports all watched ids as changed.
     */
    private Request request() {
        return Request.builder().method(Request.Method.GET)
                .path("/events?filters=" + FILTERS)
                .putHeader("Accept", "application/json").putHeader("User-Agent", Version.userAgent())
                .build();
    }

    /** Keeps the stream for {@link #close()} to abort; false when closed meanwhile. */
    private synchronized boolean reading(Response response) {
        stream = closed ? null : response;
        return !closed;
    }

    private synchronized void opened(URI host) {
        if (closed) {
            return;
        }
        announcements.opened();
        LOG.info("listening to the Docker Engine's events at {}", host);
    }

    /**
     * One event per line. A line longer than any event ({@link #LONGEST_LINE}) is skipped as it comes, never held
     * whole: an engine (or whatever is in its place) that sends a line without end must not fill the memory.
     */
    void read(InputStream body) throws IOException {
        InputStream in = new BufferedInputStream(body);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean skipping = false;
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                if (!skipping) {
                    announced(line.toString(StandardCharsets.UTF_8));
                }
                line.reset();
                skipping = false;
            } else if (!skipping) {
                line.write(b);
                if (line.size() > LONGEST_LINE) {
                    LOG.debug("the Docker Engine's events sent a line longer than {} bytes; skipped", LONGEST_LINE);
                    line.reset();
                    skipping = true;
                }
            }
        }
    }

    /** After a drop or a failed connect: waits {@code retry}, unless closed; false when closed. */
    private synchronized boolean waitToReconnect(boolean wasLive, URI host, String why, Duration retry) {
        stream = null;
        announcements.lost();
        if (closed) {
            return false;
        }
        LOG.info("the Docker Engine's events stream at {} {} ({}); polling meanwhile, connecting {} in {} ms",
                host, wasLive ? "dropped" : "is unreachable", why, hosts.size() > 1 ? "to the next manager" : "again",
                retry.toMillis());
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
