package dev.zdd.rollout;

import java.util.List;

/**
 * How a rollout ended.
 *
 * @param outcome    the run's outcome
 * @param services   one line per argument, in the order given
 * @param cause      what stopped the run early, when something did: a {@link ResolutionException},
 *                   {@link DuplicateTargetException}, {@link PreflightException} or
 *                   {@link dev.zdd.platform.PlatformException}; null otherwise
 * @param lbRestored with {@code --lb}: the servers still drained when the run ended, each set ready again (or not,
 *                   and why); empty when every step set its own servers ready
 */
public record RolloutReport(RunOutcome outcome, List<ServiceReport> services, RuntimeException cause,
                            List<LbRestoration> lbRestored) {

    public RolloutReport {
        services = List.copyOf(services);
        lbRestored = lbRestored == null ? List.of() : List.copyOf(lbRestored);
    }

    public RolloutReport(RunOutcome outcome, List<ServiceReport> services, RuntimeException cause) {
        this(outcome, services, cause, List.of());
    }

    RolloutReport withLbRestored(List<LbRestoration> restored) {
        return new RolloutReport(outcome, services, cause, restored);
    }
}
