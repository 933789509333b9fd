package dev.zdd.rollout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A load balancer in memory, on the test's clock: each server has sessions open that end some time after it is
 * drained, and comes UP some time after it is set ready (or never). Every order is recorded with its time since
 * the start, e.g. {@code drain app/web-1-1 @0ms}; from {@link #goneFrom} on, every call fails as an unreachable
 * load balancer would.
 */
final class FakeLoadBalancer implements LoadBalancer {

    /** One server and its script. */
    static final class FakeServer {
        final String backend;
        final String name;
        final String address;
        String status = "UP";
        /** Sessions open until {@link #sessionsEndAfter} past the drain order. */
        int sessions;
        Duration sessionsEndAfter = Duration.ZERO;
        /** UP this long after the ready order; null: never. */
        Duration upAfter = Duration.ofSeconds(1);
        Instant drainedAt;
        Instant readyAt;

        FakeServer(String backend, String name, String address) {
            this.backend = backend;
            this.name = name;
            this.address = address;
        }

        FakeServer sessions(int open, Duration endAfterDrain) {
            this.sessions = open;
            this.sessionsEndAfter = endAfterDrain;
            return this;
        }

        FakeServer upAfter(Duration value) {
            this.upAfter = value;
            return this;
        }

        FakeServer status(String value) {
            this.status = value;
            return this;
        }
    }

    private final Clock clock;
    private final Instant start;
    private final String name;
    private final Map<String, FakeServer> servers = new LinkedHashMap<>();
    final List<String> orders = new ArrayList<>();
    /** From then on every call fails; null: never. */
    Instant goneFrom;
    int reads;

    FakeLoadBalancer(Clock clock) {
        this(clock, "fake-lb");
    }

    FakeLoadBalancer(Clock clock, String name) {
        this.clock = clock;
        this.start = clock.instant();
        this.name = name;
    }

    FakeServer add(String backend, String server, String address) {
        FakeServer added = new FakeServer(backend, server, address);
        servers.put(backend + "/" + server, added);
        return added;
    }

    FakeServer server(String id) {
        return servers.get(id);
    }

    void remove(String id) {
        servers.remove(id);
    }

    /** The load balancer goes away this long after the start. */
    void goneAfter(Duration after) {
        goneFrom = start.plus(after);
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public List<Server> servers() {
        failIfGone();
        reads++;
        Instant now = clock.instant();
        List<Server> list = new ArrayList<>();
        for (FakeServer s : servers.values()) {
            list.add(new Server(s.backend, s.name, s.address, status(s, now), sessions(s, now),
                    status(s, now).equals("UP") ? "L7OK" : "L4CON"));
        }
        return list;
    }

    @Override
    public void set(String backend, String server, Admin state) {
        failIfGone();
        FakeServer s = servers.get(backend + "/" + server);
        orders.add(state.word() + " " + backend + "/" + server + " @"
                   + Duration.between(start, clock.instant()).toMillis() + "ms");
        if (s == null) {
            throw new LoadBalancerException(name + ": No such server.");
        }
        if (state == Admin.DRAIN) {
            s.drainedAt = clock.instant();
            s.readyAt = null;
        } else {
            s.readyAt = clock.instant();
            if (s.drainedAt != null) {
                s.sessions = 0;
            }
            s.drainedAt = null;
        }
    }

    private static String status(FakeServer s, Instant now) {
        if (s.drainedAt != null) {
            return "DRAIN";
        }
        if (s.readyAt != null) {
            return s.upAfter != null && !now.isBefore(s.readyAt.plus(s.upAfter)) ? "UP" : "DOWN";
        }
        return s.status;
    }

    private static int sessions(FakeServer s, Instant now) {
        if (s.drainedAt != null && !now.isBefore(s.drainedAt.plus(s.sessionsEndAfter))) {
            return 0;
        }
        return s.sessions;
    }

    private void failIfGone() {
        if (goneFrom != null && !clock.instant().isBefore(goneFrom)) {
            throw new LoadBalancerException(name + ": connection refused (is HAProxy running?)");
        }
    }
}
