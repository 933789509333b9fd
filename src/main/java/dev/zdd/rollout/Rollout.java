package dev.zdd.rollout;

import dev.zdd.platform.Platform;
import dev.zdd.time.Sleeper;
import java.time.Clock;
import java.util.List;

/** The engine: resolve, preflight, then for each target redeploy, wait until back, drain. */
public final class Rollout {

    private final Platform platform;
    private final Clock clock;
    private final Sleeper sleeper;

    public Rollout(Platform platform, Clock clock, Sleeper sleeper) {
        this.platform = platform;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Runs a rollout of the services named by {@code arguments}, in that order. Never throws for what the
     * platform or the targets did: the report says how it ended and why.
     */
    public RolloutReport run(List<String> arguments, RolloutSettings settings, RolloutListener listener,
                             Cancellation cancellation) {
        throw new UnsupportedOperationException("being written");
    }
}
