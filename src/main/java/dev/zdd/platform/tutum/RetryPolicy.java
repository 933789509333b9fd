package dev.zdd.platform.tutum;

import java.time.Duration;
import java.util.Objects;

/**
 * How a request that is safe to send again rides through a transient fault: exponential backoff with full jitter
 * (each wait drawn uniformly from zero to {@code min(maxDelay, baseDelay * 2^(n-1))}), or the server's own
 * {@code Retry-After} on 429 and 503.
 *
 * @param maxAttempts   tries per request, the first one included
 * @param baseDelay     the ceiling of the first wait; it doubles with each further one
 * @param maxDelay      no backoff wait is longer
 * @param maxRetryAfter the longest {@code Retry-After} honoured; a server asking for more is not retried
 * @param lookupDelay   after a redeploy POST whose answer was lost, how long to let the platform record the
 *                      action before looking whether the redeploy started
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter,
                          Duration lookupDelay) {

    /** Six tries; waits of at most 1, 2, 4, 8 and 10 s: about 12 s on average, 25 s at worst. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(60), Duration.ofSeconds(2));

    public RetryPolicy {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        Objects.requireNonNull(lookupDelay, "lookupDelay");
        if (maxAttempts < 1 || baseDelay.isNegative() || maxDelay.isNegative() || maxRetryAfter.isNegative()
            || lookupDelay.isNegative()) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 and the durations not negative");
        }
    }

    /** The ceiling of the wait after the {@code attempt}-th failed try (1-based), before jitter. */
    Duration ceiling(int attempt) {
        // Doubling past 2^30 overflows nothing useful: maxDelay has long since taken over.
        Duration doubled = baseDelay.multipliedBy(1L << Math.min(attempt - 1, 30));
        return doubled.compareTo(maxDelay) < 0 ? doubled : maxDelay;
    }
}
