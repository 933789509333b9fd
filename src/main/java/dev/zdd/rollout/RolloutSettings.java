package dev.zdd.rollout;

import java.time.Duration;
import java.util.Objects;

/**
 * How a rollout runs.
 *
 * @param drainDelay   after a service is back, wait this long before touching the next
 * @param pollInterval the longest gap between two looks at a service while waiting
 * @param timeout      how long one service may take to come back
 * @param deadline     how long the whole run may take, or null for no limit
 * @param force        start even when a target is not fully Running (resolution is still checked)
 * @param reuseVolumes pass the platform's reuse-volumes flag (Tutum's {@code reuse_volumes})
 * @param dryRun       resolve, check and plan with read-only calls; redeploy nothing
 */
public record RolloutSettings(Duration drainDelay, Duration pollInterval, Duration timeout, Duration deadline,
                              boolean force, boolean reuseVolumes, boolean dryRun) {

    public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public RolloutSettings {
        Objects.requireNonNull(drainDelay, "drainDelay");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(timeout, "timeout");
        if (drainDelay.isNegative() || pollInterval.isNegative() || pollInterval.isZero()
                || timeout.isNegative() || timeout.isZero() || (deadline != null && deadline.isNegative())) {
            throw new IllegalArgumentException("durations must be positive");
        }
    }

    /** The contract's defaults. */
    public static RolloutSettings defaults() {
        return new RolloutSettings(DEFAULT_DRAIN_DELAY, DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT, null,
                false, true, false);
    }

    public RolloutSettings withDrainDelay(Duration value) {
        return new RolloutSettings(value, pollInterval, timeout, deadline, force, reuseVolumes, dryRun);
    }

    public RolloutSettings withPollInterval(Duration value) {
        return new RolloutSettings(drainDelay, value, timeout, deadline, force, reuseVolumes, dryRun);
    }

    public RolloutSettings withTimeout(Duration value) {
        return new RolloutSettings(drainDelay, pollInterval, value, deadline, force, reuseVolumes, dryRun);
    }

    public RolloutSettings withDeadline(Duration value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, value, force, reuseVolumes, dryRun);
    }

    public RolloutSettings withForce(boolean value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, deadline, value, reuseVolumes, dryRun);
    }

    public RolloutSettings withReuseVolumes(boolean value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, deadline, force, value, dryRun);
    }

    public RolloutSettings withDryRun(boolean value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, deadline, force, reuseVolumes, value);
    }
}
