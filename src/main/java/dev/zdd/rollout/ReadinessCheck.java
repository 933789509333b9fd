package dev.zdd.rollout;

import java.net.URI;
import java.time.Instant;

/**
 * Waits until a URL serves: the gate between "the platform says Running" and "it answers requests". The engine
 * knows only this interface; the HTTP lives in {@code dev.zdd.probe}.
 */
@FunctionalInterface
public interface ReadinessCheck {

    /**
     * Polls {@code url} until it answers 2xx {@code successes} times in a row, or {@code deadline} passes.
     *
     * @return null when the URL is ready, else what the last attempt saw (e.g. {@code 503}, {@code connection
     *         refused}), for the failure message
     */
    String await(URI url, int successes, Instant deadline) throws InterruptedException;
}
