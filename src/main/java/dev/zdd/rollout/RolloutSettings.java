package dev.zdd.rollout;

import dev.zdd.platform.ImageRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
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
 * @param perContainer redeploy the containers of each service one at a time
 * @param readiness    what "ready" means beyond Running
 * @param images       which image each redeploy rolls out ({@code --image}, {@code --no-resolve-image})
 */
public record RolloutSettings(Duration drainDelay, Duration pollInterval, Duration timeout, Duration deadline,
                              boolean force, boolean reuseVolumes, boolean dryRun, boolean perContainer,
                              Readiness readiness, ImageRequest images) {

    /**
     * HTTP checks that must pass after a service (or container) is Running.
     *
     * @param path      GET each redeployed container's published HTTP endpoint + this path, or null
     * @param urls      GET each of these after each service (or container) is Running
     * @param successes consecutive 2xx answers that make a check pass
     */
    public record Readiness(String path, List<URI> urls, int successes) {

        public static final int DEFAULT_SUCCESSES = 3;
        public static final Readiness NONE = new Readiness(null, List.of(), DEFAULT_SUCCESSES);

        public Readiness {
            urls = urls == null ? List.of() : List.copyOf(urls);
            if (successes < 1) {
                throw new IllegalArgumentException("successes must be at least 1");
            }
        }

        public boolean isNone() {
            return path == null && urls.isEmpty();
        }
    }

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
        readiness = readiness == null ? Readiness.NONE : readiness;
        images = images == null ? ImageRequest.OWN : images;
    }

    public RolloutSettings(Duration drainDelay, Duration pollInterval, Duration timeout, Duration deadline,
                           boolean force, boolean reuseVolumes, boolean dryRun, boolean perContainer,
                           Readiness readiness) {
        this(drainDelay, pollInterval, timeout, deadline, force, reuseVolumes, dryRun, perContainer, readiness,
                ImageRequest.OWN);
    }

    public RolloutSettings(Duration drainDelay, Duration pollInterval, Duration timeout, Duration deadline,
                           boolean force, boolean reuseVolumes, boolean dryRun) {
        this(drainDelay, pollInterval, timeout, deadline, force, reuseVolumes, dryRun, false, Readiness.NONE);
    }

    /** The contract's defaults. */
    public static RolloutSettings defaults() {
        return new RolloutSettings(DEFAULT_DRAIN_DELAY, DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT, null,
                false, true, false);
    }

    public RolloutSettings withDrainDelay(Duration value) {
        return new RolloutSettings(value, pollInterval, timeout, deadline, force, reuseVolumes, dryRun,
                perContainer, readiness, images);
    }

    public RolloutSettings withPollInterval(Duration value) {
        return new RolloutSettings(drainDelay, value, timeout, deadline, force, reuseVolumes, dryRun,
                perContainer, readiness, images);
    }

    public RolloutSettings withTimeout(Duration value) {
        return new RolloutSettings(drainDelay, pollInterval, value, deadline, force, reuseVolumes, dryRun,
                perContainer, readiness, images);
    }

    public RolloutSettings withDeadline(Duration value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, value, force, reuseVolumes, dryRun,
                perContainer, readiness, images);
    }

    public RolloutSettings withForce(boolean value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, deadline, value, reuseVolumes, dryRun,
                perContainer, readiness, images);
    }

    public RolloutSettings withReuseVolumes(boolean value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, deadline, force, value, dryRun,
                perContainer, readiness, images);
    }

    public RolloutSettings withDryRun(boolean value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, deadline, force, reuseVolumes, value,
                perContainer, readiness, images);
    }

    public RolloutSettings withPerContainer(boolean value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, deadline, force, reuseVolumes, dryRun,
                value, readiness, images);
    }

    public RolloutSettings withReadiness(Readiness value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, deadline, force, reuseVolumes, dryRun,
                perContainer, value, images);
    }

    public RolloutSettings withImages(ImageRequest value) {
        return new RolloutSettings(drainDelay, pollInterval, timeout, deadline, force, reuseVolumes, dryRun,
                perContainer, readiness, value);
    }
}
