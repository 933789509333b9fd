package dev.zdd.rollout;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The servers this run has drained and not yet set ready: a step sets its own ready after its redeploy; whatever
 * ends the run before that (a failure, a timeout, an interrupt, a platform that broke), {@link #restoreAll} sets the
 * rest ready before the run returns. A server is written down before its drain order is sent, so that an order
 * whose answer is lost is undone too.
 */
final class Steering {

    private final Set<LbRef> drained = new LinkedHashSet<>();

    void drain(LbRef server) {
        drained.add(server);
        server.lb().set(server.backend(), server.name(), LoadBalancer.Admin.DRAIN);
    }

    void ready(LbRef server) {
        server.lb().set(server.backend(), server.name(), LoadBalancer.Admin.READY);
        drained.remove(server);
    }

    /** The server is gone from its load balancer (a reload dropped it): nothing left to set ready. */
    void forget(LbRef server) {
        drained.remove(server);
    }

    boolean isDrained(LbRef server) {
        return drained.contains(server);
    }

    /**
     * Sets every server still drained ready again, each once, and says how that went. Runs also when the run was
     * interrupted: the interrupt is set aside for the while, since it would break every request at once.
     */
    List<LbRestoration> restoreAll() {
        List<LbRestoration> restored = new ArrayList<>();
        boolean interrupted = Thread.interrupted();
        try {
            for (LbRef server : List.copyOf(drained)) {
                try {
                    ready(server);
                    restored.add(new LbRestoration(server.id(), server.lb().describe(), null));
                } catch (RuntimeException e) {
                    String why = e.getMessage() == null ? e.toString() : e.getMessage();
                    restored.add(new LbRestoration(server.id(), server.lb().describe(), why));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return restored;
    }

    /** Each load balancer's servers now, one request per load balancer. */
    static Map<LoadBalancer, List<LoadBalancer.Server>> read(Collection<LbRef> servers) {
        Map<LoadBalancer, List<LoadBalancer.Server>> readings = new LinkedHashMap<>();
        for (LbRef server : servers) {
            if (!readings.containsKey(server.lb())) {
                readings.put(server.lb(), server.lb().servers());
            }
        }
        return readings;
    }

    /** The servers as their load balancers report them now; a server that is gone is absent. */
    static Map<LbRef, LoadBalancer.Server> look(Collection<LbRef> servers) {
        Map<LbRef, LoadBalancer.Server> found = new HashMap<>();
        read(servers).forEach((lb, list) -> list.forEach(s -> found.put(LbRef.of(lb, s), s)));
        Map<LbRef, LoadBalancer.Server> result = new LinkedHashMap<>();
        for (LbRef server : servers) {
            LoadBalancer.Server seen = found.get(server);
            if (seen != null) {
                result.put(server, seen);
            }
        }
        return result;
    }
}
