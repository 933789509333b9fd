package dev.zdd.rollout;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The load balancers that decide a rollout's pace ({@code --lb}): each step drains its servers until their sessions
 * reach 0 (at most {@code drainTimeout}), then redeploys, and after the readiness gate sets them ready and waits
 * until the load balancer says UP. Servers the run drained are set ready again whatever ends it.
 *
 * @param balancers    the load balancers to steer; none: no load balancer step
 * @param rules        which servers are a service's ({@code --lb-server}); none: by address, then by name
 * @param drainTimeout the longest wait for a drained server's sessions to reach 0; then zdd goes on and says so
 */
public record LoadBalancing(List<LoadBalancer> balancers, List<ServerRule> rules, Duration drainTimeout) {

    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final LoadBalancing NONE = new LoadBalancing(List.of(), List.of(), DEFAULT_DRAIN_TIMEOUT);
    /**
     * How often a wait looks at the load balancer: one short local request, so often enough to notice at once
     * that the last session ended or that the health checks brought a server back.
     */
    static final Duration LOOK_INTERVAL = Duration.ofMillis(250);

    /**
     * {@code --lb-server SERVICE=BACKEND/SERVER}: the server (every server of the backend for {@code *}) is the
     * service's.
     *
     * @param service a service as the run names it: its name, {@code name.stack}, or its id
     */
    public record ServerRule(String service, String backend, String server) {

        public ServerRule {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(server, "server");
        }

        /** Parses {@code SERVICE=BACKEND/SERVER}; an {@link IllegalArgumentException} says what is wrong. */
        public static ServerRule parse(String text) {
            int equals = text.indexOf('=');
            int slash = text.indexOf('/', equals + 1);
            if (equals <= 0 || slash <= equals + 1 || slash == text.length() - 1
                || text.indexOf('/', slash + 1) >= 0) {
                throw new IllegalArgumentException("'" + text + "' is not SERVICE=BACKEND/SERVER (e.g."
                                                   + " web-1=app/web-1-1, or web-1=app/* for every server of app)");
            }
            return new ServerRule(text.substring(0, equals).strip(), text.substring(equals + 1, slash).strip(),
                    text.substring(slash + 1).strip());
        }

        boolean covers(LoadBalancer.Server candidate) {
            return candidate.backend().equals(backend) && (server.equals("*") || candidate.name().equals(server));
        }

        @Override
        public String toString() {
            return service + "=" + backend + "/" + server;
        }
    }

    public LoadBalancing {
        balancers = List.copyOf(balancers);
        rules = List.copyOf(rules);
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("the drain timeout cannot be negative");
        }
    }

    public boolean enabled() {
        return !balancers.isEmpty();
    }
}
