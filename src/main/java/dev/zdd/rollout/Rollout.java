package dev.zdd.rollout;

import dev.zdd.platform.Platform;
import dev.zdd.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The engine: resolve every argument, check every target, then wave after wave (a wave of one is a plain
 * sequential step): redeploy, wait until each redeploy has demonstrably happened and finished and the service is
 * Running (and, if asked, answering HTTP), drain, move on. It stops after the first failure and knows nothing of
 * HTTP or of any one platform.
 *
 * <p>How it is built: {@link Run} runs the waves; a {@link Wave} advances its {@link Roll}s (one per service) on one
 * thread, pausing through {@link Pause}; a roll is one {@link Step} (or one per container), and a step is a list of
 * {@link Phase}s: {@link Recheck}, {@link Invariant}, the redeploy, the watch, the {@link Gate}; with load
 * balancers ({@link #withLoadBalancing}), {@link LbDrain} before the redeploy and {@link LbUp} after the gate, and
 * {@link Steering} sets whatever is still drained ready again when the run ends.
 */
public final class Rollout {

    /** While the platform announces changes, the longest gap between two looks at a watch. */
    static final Duration SAFETY_INTERVAL = Pause.SAFETY_INTERVAL;

    private final Platform platform;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ReadinessCheck readinessCheck;
    private final LoadBalancing balancing;

    public Rollout(Platform platform, Clock clock, Sleeper sleeper) {
        this(platform, clock, sleeper, null);
    }

    /** With a readiness check, for {@code --ready-path} and {@code --ready-url}. */
    public Rollout(Platform platform, Clock clock, Sleeper sleeper, ReadinessCheck readinessCheck) {
        this(platform, clock, sleeper, readinessCheck, LoadBalancing.NONE);
    }

    private Rollout(Platform platform, Clock clock, Sleeper sleeper, ReadinessCheck readinessCheck,
                    LoadBalancing balancing) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.readinessCheck = readinessCheck;
        this.balancing = Objects.requireNonNull(balancing, "balancing");
    }

    /** The same engine, paced by these load balancers ({@code --lb}): drain before each redeploy, UP after. */
    public Rollout withLoadBalancing(LoadBalancing value) {
        return new Rollout(platform, clock, sleeper, readinessCheck, value);
    }

    /** Runs a rollout of the services named by {@code arguments}, one after another, in that order. */
    public RolloutReport run(List<String> arguments, RolloutSettings settings, RolloutListener listener,
                             Cancellation cancellation) {
        return runWaves(arguments.stream().map(List::of).toList(), settings, listener, cancellation);
    }

    /**
     * Runs a rollout in waves: the services of each wave at once, the waves one after another. Never throws for
     * what the platform or the targets did: the report says how it ended and why.
     */
    public RolloutReport runWaves(List<List<String>> waves, RolloutSettings settings, RolloutListener listener,
                                  Cancellation cancellation) {
        if (!settings.readiness().isNone() && readinessCheck == null) {
            throw new IllegalStateException("readiness checks were asked for but no ReadinessCheck was given");
        }
        if (waves.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("a wave must name at least one service");
        }
        cancellation.bind(Thread.currentThread());
        try {
            RunContext context = new RunContext(platform, clock, sleeper, readinessCheck, settings, listener,
                    cancellation, balancing);
            return new Run(context).execute(waves.stream().map(List::copyOf).toList());
        } finally {
            cancellation.unbind();
            Thread.interrupted(); // an interrupt meant for this run must not leak into the caller
        }
    }
}
