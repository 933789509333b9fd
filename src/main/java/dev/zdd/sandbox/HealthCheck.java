package dev.zdd.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * The load balancer's active health check, in HAProxy's terms ({@code check inter 500 rise 2 fall 2}): every
 * {@code interval} each backend gets {@code GET /}; {@code fall} failures in a row take it out of rotation,
 * {@code rise} successes in a row bring it back. A check fails on a refused connection, a non-2xx answer, or no
 * answer within the interval (HAProxy's {@code timeout check} defaults to {@code inter} too).
 */
public record HealthCheck(Duration interval, int rise, int fall) {

    /** {@code check inter 500 rise 2 fall 2}. */
    public static final HealthCheck DEFAULT = new HealthCheck(Duration.ofMillis(500), 2, 2);

    public HealthCheck {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero() || rise < 1 || fall < 1) {
            throw new IllegalArgumentException("the health check needs a positive interval, rise and fall");
        }
    }
}
