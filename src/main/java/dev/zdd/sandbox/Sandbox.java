package dev.zdd.sandbox;

import com.sun.net.httpserver.HttpServer;
import dev.zdd.sandbox.Orchestrator.Rehearsal;
import dev.zdd.sandbox.Orchestrator.ServiceSpec;
import dev.zdd.time.Sleeper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A local Tutum-compatible platform that needs nothing but Java: Tutum's REST API on loopback (and Docker Cloud's,
 * over the same objects), its events stream, services whose containers are real HTTP servers, and a load balancer
 * with active health checks in front of them. For trying zdd and rehearsing a rollout without an account.
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.builder().services(List.of("web-1", "web-2")).build().start()) {
 *     sandbox.apiUrl();  // http://127.0.0.1:<port>, what TUTUM_REST_HOST should say
 *     sandbox.lbUrl();   // http://127.0.0.1:<port>/, the load balancer
 * }
 * }</pre>
 *
 * <p>Every server binds to 127.0.0.1 only. The redeploy logic waits through the injected {@link Clock} and
 * {@link Sleeper}; the load balancer's health checks run on real time, since they watch real sockets.
 */
public final class Sandbox implements AutoCloseable {

    private final Builder options;
    private final String apiKey;
    private final Orchestrator orchestrator;
    private final ImageRegistry registry;
    private final ExecutorService containerHandlers;
    private final ExecutorService apiHandlers;
    private HttpServer api;
    private LoadBalancer balancer;
    private SandboxStats stats;
    private volatile EventStream stream;
    private boolean closed;

    private Sandbox(Builder options) {
        this.options = options;
        this.apiKey = options.apiKey != null ? options.apiKey : newApiKey();
        // Requests may take their time (?delay=MS), so enough threads that a slow one never waits for a thread.
        this.containerHandlers = Threads.bounded("sandbox-container", 64, 256);
        this.apiHandlers = Threads.bounded("sandbox-api", 4, 64);
        Duration bootTime = options.bootTime;
        Duration bootJitter = options.bootJitter;
        this.registry = new ImageRegistry(options.clock);
        this.orchestrator = new Orchestrator(options.services, options.containersPerService,
                () -> jittered(bootTime, bootJitter, ThreadLocalRandom.current()), options.warmup, options.clock,
                options.sleeper, options.events, this::announce, containerHandlers, registry);
        options.failing.forEach(name -> orchestrator.rehearse(name, Rehearsal.FAIL));
        options.hanging.forEach(name -> orchestrator.rehearse(name, Rehearsal.HANG));
        if (options.abruptStop) {
            orchestrator.killOnStop(options.events);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds every port and starts serving; on failure nothing stays open. */
    public synchronized Sandbox start() throws IOException {
        if (api != null || closed) {
            throw new IllegalStateException("a sandbox starts once");
        }
        try {
            orchestrator.start();
            balancer = new LoadBalancer(options.lbPort, orchestrator.backends(), options.healthCheck,
                    Sleeper.SYSTEM, options.events, options.user + ":" + apiKey);
            api = LoopbackHttp.server(options.apiPort, 50);
            stats = new SandboxStats(orchestrator, balancer::inRotation);
            Credentials credentials = new Credentials(options.user, apiKey);
            URI apiBase = URI.create("http://127.0.0.1:" + api.getAddress().getPort());
            TutumApi handler = new TutumApi(orchestrator, credentials,
                    new Representations(orchestrator, balancer.url(), apiBase, options.clock), options.clock, stats,
                    registry);
            api.createContext("/", handler);
            api.setExecutor(apiHandlers);
            stream = startStream(credentials, api.getAddress().getPort());
            balancer.start();
            api.start();
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Stops the API, the load balancer, every container and every thread the sandbox started; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (api != null) {
            api.stop(0);
        }
        if (stream != null) {
            stream.close();
        }
        if (balancer != null) {
            balancer.close();
        }
        orchestrator.close();
        for (ExecutorService pool : List.of(apiHandlers, containerHandlers)) {
            pool.shutdownNow();
        }
        try {
            apiHandlers.awaitTermination(2, TimeUnit.SECONDS);
            containerHandlers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The REST host, e.g. {@code http://127.0.0.1:8080}: what {@code TUTUM_REST_HOST} should say. */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + started().api.getAddress().getPort());
    }

    /**
     * The events stream's host, e.g. {@code ws://127.0.0.1:8081}: what {@code TUTUM_STREAM_HOST} should say. Unless
     * told otherwise it is the API's port + 1, where zdd looks for it when the API is on loopback.
     */
    public URI streamUrl() {
        return URI.create("ws://127.0.0.1:" + started().stream.port());
    }

    /** The load balancer, e.g. {@code http://127.0.0.1:8000/}. */
    public URI lbUrl() {
        return started().balancer.url();
    }

    /**
     * The load balancer's stats page, e.g. {@code http://127.0.0.1:8000/haproxy?stats}: HAProxy's CSV at this
     * URL + {@code ;csv} and its {@code stats admin} form, behind the API's credentials. What {@code zdd redeploy
     * --lb} takes.
     */
    public URI lbStatsUrl() {
        return started().balancer.statsUrl();
    }

    /** Requests cut by containers killed mid-request ({@link Builder#abruptStop}) so far. */
    public long cutRequests() {
        return orchestrator.cutRequests();
    }

    public String user() {
        return options.user;
    }

    /** The API key, generated at random unless one was given. */
    public String apiKey() {
        return apiKey;
    }

    /** The health check the load balancer runs. */
    public HealthCheck healthCheck() {
        return options.healthCheck;
    }

    /** Each container slot ({@code web-1-1}) and its port, which stays the same across redeploys. */
    public Map<String, Integer> containerPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        orchestrator.backends().forEach(b -> ports.put(b.name(), b.port()));
        return ports;
    }

    /** The container slots that the load balancer's health checks keep in rotation now. */
    public List<String> inRotation() {
        return started().balancer.inRotation();
    }

    /**
     * What the sandbox has seen so far: API requests per service and per client, each redeploy's start and end,
     * the load balancer's rotation. Also served as JSON at {@code GET /sandbox/stats}.
     */
    public SandboxStats stats() {
        return started().stats;
    }

    /**
     * Pushes a new image to the tag ({@code repo:tag}) in the sandbox's registry, as {@code POST /sandbox/images}
     * does: the services defined with that tag pull it at their next redeploy.
     *
     * @return the new image, pinned: {@code repo:tag@sha256:...}
     */
    public String push(String tag) {
        return registry.push(tag).pinned();
    }

    /** Each tag's current image in the sandbox's registry, pinned ({@code repo:tag@sha256:...}). */
    public List<String> images() {
        return registry.current().stream().map(ImageRegistry.Pushed::pinned).toList();
    }

    /** What each container slot ({@code web-1-1}) runs now, pinned; the slot's newest container's image. */
    public Map<String, String> containerImages() {
        Map<String, String> images = new LinkedHashMap<>();
        orchestrator.services().forEach(service -> service.containerUuids().forEach(uuid ->
                orchestrator.container(uuid).ifPresent(c -> images.put(c.name(), c.image()))));
        return images;
    }

    /** Makes the next redeploy of the service fail: its first new container exits, the action ends Failed. */
    public void failNextRedeploy(String service) {
        orchestrator.rehearse(service, Rehearsal.FAIL);
    }

    /** Makes the next redeploy of the service hang: its first new container never starts, the action never ends. */
    public void hangNextRedeploy(String service) {
        orchestrator.rehearse(service, Rehearsal.HANG);
    }

    /** On the port asked for; by default on the API's port + 1, or on any free one when that is taken. */
    private EventStream startStream(Credentials credentials, int apiPort) throws IOException {
        boolean fallBack = options.streamPort < 0;
        int port = fallBack ? (apiPort < 65535 ? apiPort + 1 : 0) : options.streamPort;
        EventStream first = new EventStream(port, credentials, stats, options.clock);
        try {
            first.start();
            return first;
        } catch (IOException e) {
            first.close();
            if (!fallBack || port == 0) {
                throw e;
            }
        }
        EventStream anyPort = new EventStream(0, credentials, stats, options.clock);
        anyPort.start();
        return anyPort;
    }

    private void announce(Orchestrator.Change change) {
        EventStream open = stream;
        if (open != null) {
            open.publish(change);
        }
    }

    private synchronized Sandbox started() {
        if (api == null) {
            throw new IllegalStateException("the sandbox has not been started");
        }
        return this;
    }

    /** The base plus a uniformly random share of the jitter, in {@code [base, base + jitter)}; the base for none. */
    static Duration jittered(Duration base, Duration jitter, RandomGenerator random) {
        long spread = jitter.toNanos();
        return spread <= 0 ? base : base.plusNanos(random.nextLong(spread));
    }

    private static String newApiKey() {
        byte[] key = new byte[20];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    /** The sandbox's options; every one has a default, so {@code Sandbox.builder().build()} works. */
    public static final class Builder {
        private int apiPort;
        private int lbPort;
        private int streamPort = -1;
        private List<ServiceSpec> services = List.of(new ServiceSpec("web-1", null), new ServiceSpec("web-2", null));
        private int containersPerService = 1;
        private Duration bootTime = Duration.ofSeconds(2);
        private Duration bootJitter = Duration.ZERO;
        private Duration warmup = Duration.ofMillis(1500);
        private HealthCheck healthCheck = HealthCheck.DEFAULT;
        private String user = "sandbox";
        private String apiKey;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Consumer<String> events = event -> { };
        private final Set<String> failing = new LinkedHashSet<>();
        private final Set<String> hanging = new LinkedHashSet<>();
        private boolean abruptStop;

        private Builder() {
        }

        /** The API's port; 0 (the default) picks a free one. */
        public Builder apiPort(int port) {
            this.apiPort = port;
            return this;
        }

        /** The load balancer's port; 0 (the default) picks a free one. */
        public Builder lbPort(int port) {
            this.lbPort = port;
            return this;
        }

        /** The events stream's port; 0 picks a free one; by default the API's port + 1 if free, else any. */
        public Builder streamPort(int port) {
            this.streamPort = port;
            return this;
        }

        /**
         * The services, each {@code name} (outside any stack) or {@code name.stack}, and {@code =IMAGE} for the
         * tag it runs ({@code sandbox/<name>:latest} without); default {@code web-1, web-2}.
         */
        public Builder services(List<String> names) {
            List<ServiceSpec> specs = new ArrayList<>();
            for (String entry : names) {
                int equals = entry.indexOf('=');
                String name = equals < 0 ? entry : entry.substring(0, equals);
                String image = equals < 0 ? null : entry.substring(equals + 1);
                int dot = name.indexOf('.');
                String service = dot < 0 ? name : name.substring(0, dot);
                String stack = dot < 0 ? null : name.substring(dot + 1);
                if (service.isBlank() || (stack != null && stack.isBlank())) {
                    throw new IllegalArgumentException("not a service name: '" + name + "'");
                }
                if (image != null) {
                    try {
                        image = ImageRegistry.tagOf(image);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("not an image tag for " + name + ": '" + image + "': "
                                                           + e.getMessage());
                    }
                }
                specs.add(new ServiceSpec(service, stack, image));
            }
            if (specs.isEmpty() || specs.stream().map(s -> s.name() + "." + s.stack()).distinct().count()
                                   != specs.size()) {
                throw new IllegalArgumentException("give at least one service, each once: " + names);
            }
            this.services = List.copyOf(specs);
            return this;
        }

        public Builder containersPerService(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("a service needs at least one container");
            }
            this.containersPerService = count;
            return this;
        }

        /** How long a new container takes to listen (connections are refused meanwhile); default 2 s. */
        public Builder bootTime(Duration duration) {
            this.bootTime = nonNegative(duration, "boot time");
            return this;
        }

        /**
         * Adds a random share of this to each new container's boot time (uniform in {@code [0, jitter)}), as real
         * containers never take exactly the same time; default 0. Makes a client's polling phase meet the
         * platform's end at random, as it does on a real platform.
         */
        public Builder bootJitter(Duration duration) {
            this.bootJitter = nonNegative(duration, "boot jitter");
            return this;
        }

        /** How long a new container answers 503 after it listens, while the platform says Running; default 1.5 s. */
        public Builder warmup(Duration duration) {
            this.warmup = nonNegative(duration, "warm-up");
            return this;
        }

        public Builder healthCheck(HealthCheck check) {
            this.healthCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        public Builder user(String name) {
            this.user = Objects.requireNonNull(name, "user");
            return this;
        }

        /** The API key to require; by default a random one. */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** Receives one line per state change (containers, services, actions, load balancer); default: none. */
        public Builder events(Consumer<String> listener) {
            this.events = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Makes the first redeploy of these services fail. */
        public Builder failing(List<String> serviceNames) {
            failing.addAll(serviceNames);
            return this;
        }

        /** Makes the first redeploy of these services hang. */
        public Builder hanging(List<String> serviceNames) {
            hanging.addAll(serviceNames);
            return this;
        }

        /**
         * A redeployed container is killed rather than stopped: the requests under way on it are cut, their
         * connections reset unanswered (as an application that ignores SIGTERM is killed); by default they finish.
         */
        public Builder abruptStop(boolean value) {
            this.abruptStop = value;
            return this;
        }

        public Sandbox build() {
            return new Sandbox(this);
        }

        private static Duration nonNegative(Duration duration, String what) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("the " + what + " cannot be negative");
            }
            return duration;
        }
    }
}
