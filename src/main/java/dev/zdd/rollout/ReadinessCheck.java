package dev.zdd.rollout;

import java.net.URI;
import java.time.Duration;

/**
 * Asks whether a URL serves: the gate between "the platform says Running" and "it answers requests". The engine
 * knows only this interface, and counts the successes in a row itself; the HTTP lives in {@code dev.zdd.probe}.
 */
public interface ReadinessCheck {

    /** HAProxy's {@code check inter 500} rhythm: quick enough to notice readiness, gentle on a booting app. */
    Duration DEFAULT_INTERVAL = Duration.ofMillis(500);

    /**
     * One attempt, answered or given up within {@code timeout}.
     *
     * @return null when the URL answered 2xx, else what went wrong (e.g. {@code HTTP 503}, {@code connection
     *         refused}), for the failure message
     */
    String attempt(URI url, Duration timeout) throws InterruptedException;

    /** The wait between two attempts. */
    default Duration interval() {
        return DEFAULT_INTERVAL;
    }
}
