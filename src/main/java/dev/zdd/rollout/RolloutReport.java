package dev.zdd.rollout;

import java.util.List;

/**
 * How a rollout ended.
 *
 * @param outcome  the run's outcome
 * @param services one line per argument, in the order given
 * @param cause    what stopped the run early, when something did: a {@link ResolutionException},
 *                 {@link DuplicateTargetException}, {@link PreflightException} or
 *                 {@link dev.zdd.platform.PlatformException}; null otherwise
 */
public record RolloutReport(RunOutcome outcome, List<ServiceReport> services, RuntimeException cause) {

    public RolloutReport {
        services = List.copyOf(services);
    }
}
