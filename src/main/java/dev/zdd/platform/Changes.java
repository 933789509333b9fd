package dev.zdd.platform;

import java.time.Duration;
import java.util.Set;

/**
 * What a platform announces about its objects as they change (Tutum's and Docker Cloud's events stream, the Docker
 * Engine's events), so that a wait ends as soon as something it watches has changed rather than at the next poll.
 * Announcements carry no object: the waiter reads what changed. One waiter at a time, the engine; it closes what
 * {@link Platform#changes()} gave it when the run ends.
 */
public interface Changes extends AutoCloseable {

    /** Nothing is ever announced: waits are plain polling. */
    Changes NONE = new Changes() {
        @Override
        public boolean live() {
            return false;
        }

        @Override
        public Set<String> awaitChange(Set<String> ids, Duration max) {
            return Set.of();
        }

        @Override
        public void close() {
        }
    };

    /** Whether announcements flow now, so that every change to an object will be announced. */
    boolean live();

    /**
     * Waits until one of {@code ids} changed since the previous call returned, {@code max} has passed, or the
     * announcements stopped (at once when they aren't {@link #live()}). Returns which of {@code ids} changed, or
     * empty when none is known to have: then anything may have changed unannounced (a timeout, a dropped stream).
     * After the announcements resumed from a gap, returns all of {@code ids} at once.
     */
    Set<String> awaitChange(Set<String> ids, Duration max) throws InterruptedException;

    /** Stops listening and frees every thread and socket at once; idempotent. */
    @Override
    void close();
}
