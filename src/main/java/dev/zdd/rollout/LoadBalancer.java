package dev.zdd.rollout;

import java.util.List;
import java.util.Locale;

/**
 * A load balancer in front of the services, which the engine consults and steers: which servers it has and how
 * each is now (status, sessions), and the order to take one out of rotation for new requests or put it back. The
 * engine knows only this; HAProxy's runtime API and stats page live in {@code dev.zdd.lb}. Every method may throw a
 * {@link LoadBalancerException}, and none waits long: each call is one short request.
 */
public interface LoadBalancer {

    /** What a server is asked to be. */
    enum Admin {
        /** No new requests; those under way finish (HAProxy's {@code drain}). */
        DRAIN,
        /** Back in rotation as soon as its health checks allow (HAProxy's {@code ready}). */
        READY;

        /** HAProxy's word for it. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One server as the load balancer reports it now.
     *
     * @param backend  its backend (HAProxy's {@code pxname})
     * @param name     its name (HAProxy's {@code svname})
     * @param address  {@code host:port} it sends requests to (HAProxy's {@code addr}), or null when not shown
     * @param status   {@code UP}, {@code DOWN}, {@code DRAIN}, {@code MAINT}, a transition such as {@code UP 1/2},
     *                 or {@code no check}
     * @param sessions requests under way on it now (HAProxy's {@code scur})
     * @param check    the last health check's result (HAProxy's {@code check_status}, e.g. {@code L7OK}), or null
     */
    record Server(String backend, String name, String address, String status, int sessions, String check) {

        /** {@code backend/name}, as HAProxy's commands name a server. */
        public String id() {
            return backend + "/" + name;
        }

        /** In rotation: its checks pass, or it has none (HAProxy then counts it as up). */
        public boolean isUp() {
            return "UP".equals(status) || "no check".equals(status);
        }

        /** Someone took it out of rotation: drained, or in maintenance. */
        public boolean isTakenOut() {
            return status != null && (status.startsWith("DRAIN") || status.startsWith("MAINT"));
        }
    }

    /** What to call it in messages: its URL, never with credentials. */
    String describe();

    /** Every server of every backend, as it is now. */
    List<Server> servers();

    /** Asks for a server to be drained or made ready; returns once the load balancer has taken the order. */
    void set(String backend, String server, Admin state);
}
