package dev.zdd.sandbox;

import dev.zdd.sandbox.Orchestrator.ActionInfo;
import dev.zdd.sandbox.Orchestrator.ObjectRef;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the sandbox saw, for measuring a client against it: every API request (when, what, from which
 * {@code User-Agent}, about which service, answered how), every connection to the events stream, every redeploy with the instant its action started and
 * ended, and the load balancer's rotation. Served as JSON at {@code GET /sandbox/stats} (same credentials as the
 * API) and in Java through {@link Sandbox#stats()}.
 *
 * <p>Bounded: the request log keeps the newest {@value #LOG_LIMIT} requests and each count map at most
 * {@value #KEY_LIMIT} keys (later ones are counted under {@code "(other)"}); the totals never drop anything.
 * Requests to {@code /sandbox/stats} itself are not counted, so that reading the numbers does not change them.
 */
public final class SandboxStats {

    public static final int LOG_LIMIT = 10_000;
    public static final int KEY_LIMIT = 64;
    static final String OTHER = "(other)";
    static final String NONE = "(none)";
    private static final java.util.Set<String> SECRET_PARAMETERS = java.util.Set.of("token", "auth", "apikey",
            "api_key", "password", "pass");

    /**
     * One API request.
     *
     * @param path      the raw path with its query string, if any
     * @param userAgent the {@code User-Agent} header, or null
     * @param service   the service the request is about ({@code name}, or {@code name.stack} in a stack), when its
     *                  path or filter names one, its container or its action; else null
     */
    public record ApiRequest(Instant time, String method, String path, String userAgent, String service,
                             int status) {
    }

    /**
     * One redeploy, of a service or of one container.
     *
     * @param container the container's name for a container redeploy, else null
     * @param end       the instant its action reached Success or Failed, or null while it runs
     */
    public record Redeploy(String action, String service, String container, String userAgent, String state,
                           Instant start, Instant end) {

        /** The platform's own redeploy time: from the request being accepted to the action's end, if it ended. */
        public Optional<Duration> duration() {
            return end == null ? Optional.empty() : Optional.of(Duration.between(start, end));
        }
    }

    private final Orchestrator platform;
    private final Supplier<List<String>> rotation;
    private final ArrayDeque<ApiRequest> log = new ArrayDeque<>();
    private final Map<String, Long> byService = new LinkedHashMap<>();
    private final Map<String, Long> byUserAgent = new LinkedHashMap<>();
    private long total;
    private final ArrayDeque<StreamConnection> streams = new ArrayDeque<>();
    private long streamTotal;

    /** One connection to the events stream (a WebSocket: one HTTP upgrade, then messages). */
    public record StreamConnection(Instant time, String userAgent, boolean authorized) {
    }

    SandboxStats(Orchestrator platform, Supplier<List<String>> rotation) {
        this.platform = platform;
        this.rotation = rotation;
    }

    /** Counts one request; {@code rawQuery} may be null. */
    void record(Instant time, String method, String rawPath, String rawQuery, String userAgent, int status) {
        String service = serviceOf(rawPath, rawQuery); // outside this object's lock: it reads the platform
        String path = rawQuery == null || rawQuery.isEmpty() ? rawPath : rawPath + "?" + redacted(rawQuery);
        ApiRequest request = new ApiRequest(time, method, path, userAgent, service, status);
        synchronized (this) {
            total++;
            count(byService, service == null ? NONE : service);
            count(byUserAgent, userAgent == null ? NONE : userAgent);
            if (log.size() == LOG_LIMIT) {
                log.removeFirst();
            }
            log.addLast(request);
        }
    }

    /** Counts one connection to the events stream. */
    synchronized void recordStream(Instant time, String userAgent, boolean authorized) {
        streamTotal++;
        if (streams.size() == LOG_LIMIT) {
            streams.removeFirst();
        }
        streams.addLast(new StreamConnection(time, userAgent, authorized));
    }

    /** The newest {@value #LOG_LIMIT} connections to the events stream, oldest first. */
    public synchronized List<StreamConnection> streamConnections() {
        return List.copyOf(streams);
    }

    /** Every API request counted so far. */
    public synchronized long totalRequests() {
        return total;
    }

    /** Requests per service; those about no one service under {@code "(none)"}. */
    public synchronized Map<String, Long> requestsByService() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(byService));
    }

    /** Requests per {@code User-Agent}; those without one under {@code "(none)"}. */
    public synchronized Map<String, Long> requestsByUserAgent() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(byUserAgent));
    }

    /** The newest {@value #LOG_LIMIT} requests, oldest first. */
    public synchronized List<ApiRequest> requests() {
        return List.copyOf(log);
    }

    /** Every redeploy so far, oldest first, with the instants its action started and ended. */
    public List<Redeploy> redeploys() {
        List<ActionInfo> newestFirst = platform.actions();
        List<Redeploy> redeploys = new ArrayList<>(newestFirst.size());
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            ActionInfo action = newestFirst.get(i);
            if (!action.isRedeploy()) {
                continue; // a start or stop is not a redeploy
            }
            String container = action.object().type().equals("container")
                    ? platform.container(action.object().uuid()).map(Orchestrator.ContainerInfo::name).orElse(null)
                    : null;
            redeploys.add(new Redeploy(action.uuid(), serviceOf(action.object()), container, action.userAgent(),
                    action.state().label(), action.start(), action.end()));
        }
        return redeploys;
    }

    /** The container slots the load balancer keeps in rotation now. */
    public List<String> inRotation() {
        return rotation.get();
    }

    /** The body of {@code GET /sandbox/stats}. */
    Map<String, Object> toJson() {
        Map<String, Object> requests = new LinkedHashMap<>();
        synchronized (this) {
            requests.put("total", total);
            requests.put("byService", new LinkedHashMap<>(byService));
            requests.put("byUserAgent", new LinkedHashMap<>(byUserAgent));
            requests.put("logLimit", LOG_LIMIT);
            List<Map<String, Object>> entries = new ArrayList<>(log.size());
            for (ApiRequest r : log) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("time", r.time().toString());
                entry.put("method", r.method());
                entry.put("path", r.path());
                entry.put("service", r.service());
                entry.put("userAgent", r.userAgent());
                entry.put("status", r.status());
                entries.add(entry);
            }
            requests.put("log", entries);
        }
        Map<String, Object> stream = new LinkedHashMap<>();
        synchronized (this) {
            stream.put("total", streamTotal);
            List<Map<String, Object>> entries = new ArrayList<>(streams.size());
            for (StreamConnection c : streams) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("time", c.time().toString());
                entry.put("userAgent", c.userAgent());
                entry.put("authorized", c.authorized());
                entries.add(entry);
            }
            stream.put("log", entries);
        }
        List<Map<String, Object>> redeploys = new ArrayList<>();
        for (Redeploy r : redeploys()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("action", r.action());
            entry.put("service", r.service());
            entry.put("container", r.container());
            entry.put("userAgent", r.userAgent());
            entry.put("state", r.state());
            entry.put("start", r.start().toString());
            entry.put("end", r.end() == null ? null : r.end().toString());
            entry.put("seconds", r.duration().map(d -> d.toNanos() / 1e9).orElse(null));
            redeploys.add(entry);
        }
        Map<String, Object> balancer = new LinkedHashMap<>();
        balancer.put("inRotation", inRotation());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requests", requests);
        body.put("streamConnections", stream);
        body.put("redeploys", redeploys);
        body.put("loadBalancer", balancer);
        return body;
    }

    private static void count(Map<String, Long> counts, String key) {
        String counted = counts.containsKey(key) || counts.size() < KEY_LIMIT ? key : OTHER;
        counts.merge(counted, 1L, Long::sum);
    }

    /** The service a request is about: from its path (service, container or action) or its filter. */
    private String serviceOf(String rawPath, String rawQuery) {
        ApiPath path;
        try {
            path = ApiPath.parse(rawPath, null);
        } catch (RuntimeException e) {
            return null;
        }
        if (path.isUnknown() || path.isRoot()) {
            return null;
        }
        if (path.id() != null) {
            return switch (path.resource()) {
                case "service", "container" -> serviceOf(new ObjectRef(path.resource(), path.id()));
                case "action" -> platform.action(path.id()).map(a -> serviceOf(a.object())).orElse(null);
                default -> null;
            };
        }
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (eq > 0 && (name.equals("service") || name.equals("object"))) {
                try {
                    ObjectRef object = Dialect.refOf(URLDecoder.decode(pair.substring(eq + 1),
                            StandardCharsets.UTF_8));
                    if (object != null) {
                        return serviceOf(object);
                    }
                } catch (IllegalArgumentException notEncoded) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * The query as logged: the values of parameters that carry credentials (as Tutum's events stream once took
     * them) are masked, should a client send them to the API too.
     */
    static String redacted(String rawQuery) {
        List<String> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = (eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(java.util.Locale.ROOT);
            pairs.add(eq >= 0 && SECRET_PARAMETERS.contains(name) ? pair.substring(0, eq) + "=***" : pair);
        }
        return String.join("&", pairs);
    }

    private String serviceOf(ObjectRef object) {
        String serviceUuid = switch (object.type()) {
            case "service" -> object.uuid();
            case "container" -> platform.container(object.uuid()).map(Orchestrator.ContainerInfo::serviceUuid)
                    .orElse(null);
            default -> null;
        };
        if (serviceUuid == null) {
            return null;
        }
        return platform.service(serviceUuid).map(s -> s.stackUuid() == null ? s.name()
                : s.name() + "." + platform.stack(s.stackUuid()).map(Orchestrator.StackInfo::name).orElse("?"))
                .orElse(null);
    }
}
