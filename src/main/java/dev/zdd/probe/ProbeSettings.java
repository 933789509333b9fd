package dev.zdd.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * How the availability prober sends its requests.
 *
 * @param interval one request per URL starts every interval, whether or not earlier ones have been answered
 * @param timeout  a request with no answer by then counts as failed
 */
public record ProbeSettings(Duration interval, Duration timeout) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public ProbeSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the probe interval and timeout must be positive");
        }
    }

    /** The contract's defaults: {@code --probe-interval 100ms --probe-timeout 5s}. */
    public static ProbeSettings defaults() {
        return new ProbeSettings(DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
    }
}
